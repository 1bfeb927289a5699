/**
 * A box for credentials (passwords now; tokens and keytab paths later) that
 * the library keeps after validating options. Every way of turning an object
 * into text that logging, error reporting or serialisation uses — util.inspect,
 * console.log, JSON.stringify, String(), template strings, concatenation —
 * gets a redaction; only {@link Secret.reveal} gives the value, so code that
 * sends it on the wire has to ask for it by name.
 *
 * @module
 */
import { inspect } from 'node:util';

/** What every rendering of a {@link Secret} shows instead of the value. */
export const REDACTED = '[redacted]';

/**
 * A credential that renders as {@link REDACTED} everywhere. The value sits in
 * an ES private field, which util.inspect (even with `showHidden` or
 * `customInspect: false`), `Object.keys`, spreading, structuredClone and
 * JSON.stringify cannot see.
 *
 * @example
 * ```ts
 * const s = new Secret('hunter2');
 * `${s}`;            // '[redacted]'
 * JSON.stringify(s); // '"[redacted]"'
 * s.reveal();        // 'hunter2'
 * ```
 */
export class Secret<T = string> {
  readonly #value: T;

  /**
   * @param value - the credential: a string, or key material (a Buffer, or an array of them, as TLS takes keys)
   * @throws TypeError when `value` is none of those (without describing it)
   */
  constructor(value: T) {
    const ok = (v: unknown): boolean => typeof v === 'string' || Buffer.isBuffer(v);
    if (!ok(value) && !(Array.isArray(value) && value.every((v) => ok(v) || (typeof v === 'object' && v !== null)))) {
      throw new TypeError('a Secret holds a string, a Buffer or an array of them');
    }
    this.#value = value;
    Object.freeze(this);
  }

  /** Whether `value` is a {@link Secret} made by this copy of the library. */
  static isSecret<T = string>(value: unknown): value is Secret<T> {
    return typeof value === 'object' && value !== null && #value in value;
  }

  /** The credential itself. Call it only where it goes on the wire. */
  reveal(): T {
    return this.#value;
  }

  /** {@link REDACTED}; what String() and `+` use. */
  toString(): string {
    return REDACTED;
  }

  /** {@link REDACTED}; what JSON.stringify uses. */
  toJSON(): string {
    return REDACTED;
  }

  /** {@link REDACTED} for every hint, so template strings and arithmetic never coerce the value. */
  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  /** `Secret [redacted]`; what util.inspect and console.log show. */
  [inspect.custom](): string {
    return `Secret ${REDACTED}`;
  }
}
