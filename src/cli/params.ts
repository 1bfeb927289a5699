/**
 * `--param` values: the typed syntax the CLI reads into values for the
 * package's client-side binder (src/sql/bind.ts), which renders them as
 * Impala literals.
 *
 * | `--param`          | binds                                                        |
 * |--------------------|--------------------------------------------------------------|
 * | `TEXT`             | the string `'TEXT'` (anything without a prefix below)        |
 * | `str:TEXT`         | the string `'TEXT'`, e.g. `str:null`, `str:int:5`            |
 * | `null`             | `NULL`                                                       |
 * | `int:N`, `bigint:N`| the integer N, exactly, within BIGINT's range                |
 * | `double:X`         | the number X (a decimal or `1e-7` form; no NaN or Infinity)  |
 * | `bool:true`/`bool:false` | `TRUE` / `FALSE`                                       |
 *
 * Error messages name a param by its position, never by its value, as the
 * binder's do: a value may be a secret.
 *
 * @module
 * @internal
 */
import type { BindScalar } from '../sql/bind.js';
import { UsageError } from './usage-error.js';

const BIGINT_MIN = -(2n ** 63n);
const BIGINT_MAX = 2n ** 63n - 1n;
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

// The syntax, repeated in every --param error.
const PARAM_SYNTAX = 'TEXT | str:TEXT | null | int:N | bigint:N | double:X | bool:true|false';

/**
 * Reads one `--param` value.
 *
 * @param text - the flag's value
 * @param position - its 1-based position among the `--param` flags, for messages
 * @throws UsageError when a typed value does not parse
 * @internal
 */
export function parseParam(text: string, position: number): BindScalar {
  const fail = (what: string): UsageError => new UsageError(`--param ${position}: ${what} (${PARAM_SYNTAX})`);
  if (text === 'null') return null;
  const colon = text.indexOf(':');
  const prefix = colon < 0 ? '' : text.slice(0, colon);
  const body = text.slice(colon + 1);
  switch (prefix) {
    case 'str':
      return body;
    case 'int':
    case 'bigint': {
      if (!INTEGER.test(body)) throw fail(`${prefix}: needs an integer`);
      const n = BigInt(body);
      if (n < BIGINT_MIN || n > BIGINT_MAX) throw fail(`${prefix}: is outside BIGINT's range`);
      return n;
    }
    case 'double': {
      const n = Number(body);
      if (!DECIMAL.test(body) || !Number.isFinite(n)) throw fail('double: needs a finite decimal number');
      return n;
    }
    case 'bool':
      if (body === 'true') return true;
      if (body === 'false') return false;
      throw fail('bool: needs true or false');
    default:
      // No known prefix: a plain string, colons and all (a URL, a time of day).
      return text;
  }
}
