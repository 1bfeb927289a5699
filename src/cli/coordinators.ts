/**
 * Where `impala-pool query` connects: `--host` values and the `impala://`
 * URL, read into the coordinator list and the options of its pool.
 *
 * Both are the pool's own grammars, read by the pool's own code, so the CLI
 * and `createPool` cannot drift apart:
 *
 * - a `--host` entry is what the pool's `hosts` option takes as a string
 *   (`parseAddress`): `HOST`, `HOST:PORT`, `[IPv6]`, `[IPv6]:PORT`, or a bare
 *   IPv6 address, which is a host on the default port (`::1` is not `:` and
 *   port `1`). A value may list several, separated by commas. An entry with an
 *   `@` is refused: it is a user name (or credentials) in the wrong place.
 * - the URL is the one `createPool('impala://…')` takes (`readPoolUrl`; its
 *   grammar is documented at `parsePoolUrl`), options and all. The CLI
 *   refuses one thing in it, a password: the CLI reads that from
 *   IMPALA_PASSWORD only, so that it never sits in shell history or a
 *   process list.
 *
 * The pool's errors come back as UsageErrors that name the flag; like the
 * pool's, they never repeat the host list or the credentials.
 *
 * @module
 * @internal
 */
import { DEFAULT_HS2_PORT } from '../hs2/options.js';
import { parseAddress } from '../pool/address.js';
import { resolvePoolOptions, type PoolOptions } from '../pool/options.js';
import { readPoolUrl } from '../pool/pool-url.js';
import { UsageError } from './usage-error.js';

/**
 * The URL's pool options other than the ones a flag can also give (those are
 * {@link Target}'s own fields, so that the two can be checked to agree).
 *
 * @internal
 */
export type UrlPoolOptions = Omit<PoolOptions, 'hosts' | 'auth' | 'username' | 'database' | 'tls'>;

/**
 * What the host flags and URL say about the connection.
 *
 * @internal
 */
export interface Target {
  /** Coordinators as `host:port` or `[IPv6]:port`, port always given. */
  hosts: string[];
  /** User name (the URL's `user@` or `username=`). */
  user?: string;
  /** Database (the URL's `/database` or `database=`). */
  database?: string;
  /** The URL's `tls=`. */
  tls?: boolean;
  /** The URL's other options (strategy, ddl, port, timeouts, Impala query options…), for createPool as they are. */
  options?: UrlPoolOptions;
}

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
 * @param defaultPort - port of a host given without one (the URL's `port=`, else 21050)
 * @returns the hosts as `host:port` (`[IPv6]:port`)
 * @throws UsageError naming `flag` and the entry that is wrong, never repeating the value
 * @internal
 */
export function parseHostList(value: string, flag = '--host', defaultPort = DEFAULT_HS2_PORT): string[] {
  const entries = value.split(',').map((e) => e.trim());
  if (entries.every((e) => e === '')) throw new UsageError(`${flag} is empty: give ${SHAPE}`);
  return entries.map((entry, i) => {
    // The value is not repeated: another of its entries may hold credentials.
    if (entry === '') throw new UsageError(`${flag}: host ${i + 1} is empty`);
    // A user name (or worse, credentials) in a host list: say so without repeating it.
    if (entry.includes('@')) {
      throw new UsageError(`${flag}: host ${i + 1} has an '@'; a user name goes in --user or an impala://USER@HOST URL`);
    }
    return readAddress(entry, defaultPort, i, flag);
  });
}

/**
 * Reads an `impala://` URL: the pool's URL (`parsePoolUrl`), without a password.
 *
 * @param url - the URL
 * @param flag - the flag it came from, for messages
 * @throws UsageError naming the flag and the part that is wrong; the message
 *   never repeats the user name or anything that may be a password
 * @internal
 */
export function parseImpalaUrl(url: string, flag = '--url'): Target {
  // Syntax only (readPoolUrl, not parsePoolUrl): the option checks would refuse a password without
  // tls=true in words that suggest allowCleartext, when the CLI takes no password in the URL at all.
  const options = usage(() => readPoolUrl(url), flag);
  if (options.auth !== undefined) throw new UsageError(`${flag}: ${NO_PASSWORD}`);
  // The CLI prints TIMESTAMP values as the server sent them (Impala's text); Date objects would print otherwise.
  if (options.timestampsAsDate !== undefined)
    throw new UsageError(`${flag}: option timestampsAsDate does not apply to the CLI, which prints Impala's text`);
  // Now the values, so that a bad one is a usage error naming the flag before any SQL is read.
  usage(() => resolvePoolOptions(options), flag);
  // auth is undefined by now; named only to keep it out of the options handed on.
  const { hosts, auth: _auth, username, database, tls, ...rest } = options;
  // The URL's hosts are plain strings, the URL's own port the default of those without one.
  const port = rest.port ?? DEFAULT_HS2_PORT;
  const target: Target = { hosts: hosts.map((h, i) => readAddress(h, port, i, flag)) };
  if (username !== undefined) target.user = username;
  if (database !== undefined) target.database = database;
  // A URL's tls is true or false: only options objects carry TLS settings.
  if (typeof tls === 'boolean') target.tls = tls;
  if (Object.keys(rest).length > 0) target.options = rest;
  return target;
}

/** What `read` returns, its TypeErrors (the pool's option and URL errors) as usage errors naming `flag`. */
function usage<T>(read: () => T, flag: string): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof TypeError) throw new UsageError(`${flag}: ${err.message}`);
    throw err;
  }
}

/** One host as `host:port` (`[IPv6]:port`), by the pool's rules and in its words. */
function readAddress(entry: PoolOptions['hosts'][number], defaultPort: number, index: number, flag: string): string {
  const { host, port } = usage(() => parseAddress(entry, defaultPort, `hosts[${index}]`), `${flag}: host ${index + 1}`);
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
