/**
 * Impala's text forms of values HS2 sends as strings: DECIMAL with its full
 * scale, DATE as `YYYY-MM-DD`, TIMESTAMP as `YYYY-MM-DD HH:MM:SS[.fffffffff]`
 * (nine fraction digits when there is a fraction, none otherwise).
 *
 * @module
 */

/** Exact DECIMAL text from an unscaled integer and a scale: (123400n, 4) → "12.3400". */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale === 0) return negative ? `-${digits}` : digits;
  const padded = digits.padStart(scale + 1, '0');
  const text = `${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
  return negative ? `-${text}` : text;
}

/** Civil date from days since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm). */
function civil(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** `YYYY-MM-DD` from days since the epoch. */
export function formatDate(days: number): string {
  const [y, m, d] = civil(days);
  return `${y < 0 ? '-' : ''}${pad(Math.abs(y), 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

const NANOS_PER_DAY = 86_400_000_000_000n;

/** Impala's TIMESTAMP text from nanoseconds since the epoch (UTC wall clock). */
export function formatTimestampNanos(nanos: bigint): string {
  let days = nanos / NANOS_PER_DAY;
  let rem = nanos % NANOS_PER_DAY;
  if (rem < 0n) {
    rem += NANOS_PER_DAY;
    days -= 1n;
  }
  const secs = Number(rem / 1_000_000_000n);
  const frac = Number(rem % 1_000_000_000n);
  const time = `${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}`;
  return `${formatDate(Number(days))} ${time}${frac === 0 ? '' : `.${pad(frac, 9)}`}`;
}

/** Units per second of DuckDB's timestamp flavours, for {@link formatTimestampNanos}. */
export const NANOS_PER_UNIT = { s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n, ns: 1n } as const;
