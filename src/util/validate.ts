/**
 * Option checks shared by every layer. Each throws a TypeError that names the
 * option, so a typo or a wrong unit is caught at construction, not at 3 a.m.
 *
 * @module
 * @internal
 */

/** Throws unless `value` is undefined or an integer in [min, max]; returns it or the default. */
export function intOption(name: string, value: unknown, dflt: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return dflt;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`option ${name} must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

/** Like {@link intOption} for durations in milliseconds; 0 is allowed only when `allowZero`. */
export function msOption(name: string, value: unknown, dflt: number, allowZero = false): number {
  return intOption(name, value, dflt, allowZero ? 0 : 1, 2_147_483_647);
}

/** Throws unless `value` is undefined or a string (non-empty unless `allowEmpty`). */
export function stringOption(name: string, value: unknown, dflt?: string, allowEmpty = false): string | undefined {
  if (value === undefined) return dflt;
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0)) {
    throw new TypeError(`option ${name} must be a${allowEmpty ? '' : ' non-empty'} string, got ${describe(value)}`);
  }
  return value;
}

/** Throws unless `value` is undefined or a boolean. */
export function boolOption(name: string, value: unknown, dflt: boolean): boolean {
  if (value === undefined) return dflt;
  if (typeof value !== 'boolean') throw new TypeError(`option ${name} must be a boolean, got ${describe(value)}`);
  return value;
}

/** Throws unless `value` is undefined or one of `choices`. */
export function enumOption<T extends string>(name: string, value: unknown, choices: readonly T[], dflt: T): T {
  if (value === undefined) return dflt;
  if (typeof value !== 'string' || !choices.includes(value as T)) {
    throw new TypeError(`option ${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

/** Throws unless `value` is undefined or a plain object of string values (query options). */
export function stringMapOption(name: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`option ${name} must be an object of strings, got ${describe(value)}`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else if (typeof v === 'string') out[k] = v;
    else throw new TypeError(`option ${name}.${k} must be a string, number or boolean, got ${describe(v)}`);
  }
  return out;
}

/** Throws when `options` has keys not in `known` (catches typos such as `timeoutMS`). */
export function rejectUnknown(what: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(`unknown ${what} option ${key}; known options: ${known.join(', ')}`);
    }
  }
}

/** A short, secret-free description of a bad value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
