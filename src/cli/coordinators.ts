/**
 * Where `impala-pool query` connects: `--host` values and the CLI's
 * `impala://` URL, read into the coordinator list and connection settings
 * of a pool.
 *
 * `--host` takes `HOST`, `HOST:PORT`, `[IPv6]`, `[IPv6]:PORT` or a bare IPv6
 * address (which is a host without a port: `::1` is not `:` + port `1`),
 * several of them separated by commas, or an `impala://` URL. The URL is
 *
 * ```text
 * impala://[USER@]HOST[:PORT][,HOST[:PORT]...][/DATABASE][?PARAM=VALUE[&PARAM=VALUE...]]
 * ```
 *
 * where HOST is as for `--host` (IPv6 in brackets), PORT is 1–65535 (default
 * 21050), USER and DATABASE are percent-decoded, DATABASE follows Impala's
 * rule for names (1–128 letters, digits, `_`), and the parameters are
 * `tls=true|false` and `timeoutMs=MS` (each statement's deadline, as
 * `--timeout-ms`). Any other parameter is an error, and so is a password:
 * the CLI reads it from IMPALA_PASSWORD only, so it never sits in shell
 * history or a process list.
 *
 * The grammar is a subset of the pool's own URL (`parsePoolUrl`), without the
 * password and the pool's tuning options, plus `timeoutMs`.
 *
 * @module
 * @internal
 */
import net from 'node:net';
import { DEFAULT_HS2_PORT } from '../hs2/options.js';
import { isHostName } from '../pool/address.js';
import { UsageError } from './usage-error.js';

/**
 * What the host flags and URL say about the connection.
 *
 * @internal
 */
export interface Target {
  /** Coordinators as `host:port` or `[IPv6]:port`, port always given. */
  hosts: string[];
  /** User name (the URL's `USER@`). */
  user?: string;
  /** Database (the URL's `/DATABASE`). */
  database?: string;
  /** The URL's `tls=`. */
  tls?: boolean;
  /** The URL's `timeoutMs=`. */
  timeoutMs?: number;
}

// The grammar, repeated in every URL error.
const URL_GRAMMAR = 'impala://[USER@]HOST[:PORT][,HOST[:PORT]...][/DATABASE][?tls=true|false&timeoutMs=MS]';

const URL_PARAMETERS = ['tls', 'timeoutMs'];
const DATABASE_NAME = /^[A-Za-z0-9_]{1,128}$/;
// Parameter names are repeated in messages only when they look like one.
const PARAMETER_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const SHAPE = 'HOST, HOST:PORT, [IPv6]:PORT or a bare IPv6 address, with a port from 1 to 65535';
const NO_PASSWORD = 'the URL must not hold a password; the CLI reads it from the IMPALA_PASSWORD environment variable';

/**
 * Whether a `--host` value is a URL rather than a host list.
 *
 * @internal
 */
export function isImpalaUrl(value: string): boolean {
  return /^impala:\/\//i.test(value.trim());
}

/**
 * Reads one `--host` value: a comma-separated list of hosts.
 *
 * @param value - the flag's value
 * @param flag - the flag's name for messages
 * @returns the hosts as `host:port` (`[IPv6]:port`)
 * @throws UsageError naming `flag` and the entry that is wrong
 * @internal
 */
export function parseHostList(value: string, flag = '--host'): string[] {
  const entries = value.split(',').map((e) => e.trim());
  if (entries.every((e) => e === '')) throw new UsageError(`${flag} is empty: give ${SHAPE}`);
  return entries.map((entry, i) => {
    if (entry === '') throw new UsageError(`${flag} has an empty entry (host ${i + 1} of ${JSON.stringify(value)})`);
    // A user name (or worse, credentials) in a host list: say so without repeating it.
    if (entry.includes('@')) {
      throw new UsageError(`${flag}: host ${i + 1} has an '@'; a user name goes in --user or an impala://USER@HOST URL`);
    }
    const address = readAddress(entry);
    if (typeof address === 'string') throw new UsageError(`${flag}: ${JSON.stringify(entry)} ${address}; use ${SHAPE}`);
    return address.text;
  });
}

/**
 * Reads an `impala://` URL (grammar in the module comment).
 *
 * @param url - the URL
 * @param flag - the flag it came from, for messages
 * @throws UsageError naming the part that is wrong; the message never
 *   repeats the user name or anything that may be a password
 * @internal
 */
export function parseImpalaUrl(url: string, flag = '--url'): Target {
  const fail = (what: string): UsageError => new UsageError(`${flag}: ${what} (${URL_GRAMMAR})`);
  const text = url.trim();
  const scheme = /^impala:\/\//i.exec(text);
  if (!scheme) throw fail('the URL must start with impala://');
  const afterScheme = text.slice(scheme[0].length);
  const end = afterScheme.search(/[/?#]/);
  const authority = end < 0 ? afterScheme : afterScheme.slice(0, end);
  const rest = end < 0 ? '' : afterScheme.slice(end);
  // An '@' past the host list means credentials with an unencoded '/', '?' or '#':
  // part of the "host list" may be a password, so none of it is repeated.
  if (rest.includes('@')) {
    throw fail("an '@' after the host list; the URL takes no password (set IMPALA_PASSWORD), and an '@' in a value is %40");
  }
  if (rest.includes('#')) throw fail("a '#' fragment means nothing here");
  const at = authority.lastIndexOf('@');
  const target: Target = { hosts: [] };
  if (at >= 0) {
    const info = authority.slice(0, at);
    if (info.includes(':')) throw fail(NO_PASSWORD);
    const user = decode(info, 'the user name', fail);
    if (user === '') throw fail("the user name before '@' is empty");
    target.user = user;
  }
  const hostList = authority.slice(at + 1);
  if (hostList === '') throw fail('the URL names no host');
  target.hosts = hostList.split(',').map((entry, i) => {
    if (entry === '') throw fail(`host ${i + 1} is empty`);
    const address = readAddress(entry);
    if (typeof address === 'string') throw fail(`host ${i + 1} (${JSON.stringify(entry)}) ${address}`);
    return address.text;
  });
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  if (path.length > 1) {
    const database = decode(path.slice(1), 'the database', fail);
    if (!DATABASE_NAME.test(database)) throw fail("the database must be 1 to 128 letters, digits or '_'");
    target.database = database;
  }
  if (q >= 0) readParameters(rest.slice(q + 1), target, fail);
  return target;
}

function readParameters(query: string, target: Target, fail: (what: string) => UsageError): void {
  const seen = new Set<string>();
  query
    .split('&')
    .filter((pair) => pair !== '')
    .forEach((pair, i) => {
      const eq = pair.indexOf('=');
      const key = decode(eq < 0 ? pair : pair.slice(0, eq), `the name of parameter ${i + 1}`, fail);
      const value = decode(eq < 0 ? '' : pair.slice(eq + 1), `parameter ${i + 1}`, fail);
      const name = PARAMETER_NAME.test(key) ? JSON.stringify(key) : `${i + 1}`;
      if (/^pass(word)?$/i.test(key)) throw fail(NO_PASSWORD);
      if (!URL_PARAMETERS.includes(key)) throw fail(`unknown parameter ${name}; the CLI's URL takes ${URL_PARAMETERS.join(' and ')}`);
      if (seen.has(key)) throw fail(`parameter ${name} is given twice`);
      seen.add(key);
      if (key === 'tls') {
        if (value !== 'true' && value !== 'false') throw fail('tls must be true or false');
        target.tls = value === 'true';
      } else {
        if (!/^\d{1,10}$/.test(value) || !(Number(value) >= 1 && Number(value) <= 2_147_483_647)) {
          throw fail('timeoutMs must be a whole number of milliseconds from 1 to 2147483647');
        }
        target.timeoutMs = Number(value);
      }
    });
}

function decode(raw: string, part: string, fail: (what: string) => UsageError): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw fail(`${part} has malformed percent-encoding (a literal '%' is %25)`);
  }
}

/** One `host[:port]` entry as `{ text: 'host:port' }`, or why it is not one. */
function readAddress(entry: string): { text: string } | string {
  let host: string;
  let port: string | undefined;
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close < 0) return "opens an IPv6 address with '[' and does not close it";
    host = entry.slice(1, close);
    if (!net.isIPv6(host)) return 'is not an IPv6 address in brackets';
    const tail = entry.slice(close + 1);
    if (tail !== '' && !tail.startsWith(':')) return "has something other than ':PORT' after ']'";
    port = tail === '' ? undefined : tail.slice(1);
  } else if (net.isIPv6(entry)) {
    // A bare IPv6 address has no room for a port: ::1 is the loopback host, not '' and port 1.
    host = entry;
  } else {
    const colon = entry.indexOf(':');
    if (colon >= 0 && entry.indexOf(':', colon + 1) >= 0) return 'has more than one \':\' and is not an IPv6 address';
    host = colon < 0 ? entry : entry.slice(0, colon);
    port = colon < 0 ? undefined : entry.slice(colon + 1);
    if (host === '') return 'has a port but no host';
    if (!isHostName(host)) return "is not a host name (letters, digits, '.', '-', '_') or IP address";
  }
  if (port !== undefined && (!/^\d{1,5}$/.test(port) || !(Number(port) >= 1 && Number(port) <= 65535))) {
    return 'has a port that is not a number from 1 to 65535';
  }
  const portNumber = port === undefined ? DEFAULT_HS2_PORT : Number(port);
  return { text: host.includes(':') ? `[${host}]:${portNumber}` : `${host}:${portNumber}` };
}
