/**
 * Counting the HS2 requests a coordinator serves, by method (the counters
 * of `stats().rpcs`).
 *
 * @module
 */

/**
 * Wraps a handler so that every HS2 request it serves is counted by method
 * name first (the counters of `stats().rpcs`). The wrappers take one
 * argument, as the generated Processor expects of promise-returning handlers.
 */
export function countingHandler<T extends object>(handler: T, count: (method: string) => void): T {
  return new Proxy(handler, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string' || !/^[A-Z]/.test(prop)) return value;
      return (req: unknown) => {
        count(prop);
        return (value as (r: unknown) => unknown).call(target, req);
      };
    },
  });
}
