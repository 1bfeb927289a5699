/**
 * The `impala://` connection URL: its grammar and its errors (see
 * `parsePoolUrl`). Every error names the part that is wrong and never
 * repeats any text of the credentials or host list: when a URL is malformed,
 * there is no knowing which of it is a password.
 *
 * @module
 */
import net from 'node:net';
import { CONNECTION_NUMBER_KEYS, DEFAULT_HS2_PORT } from '../hs2/options.js';
import { describe } from '../util/validate.js';
import { isHostName, parseAddress } from './address.js';
import { POOL_NUMBER_KEYS } from './option-names.js';
import type { PoolOptions } from './options.js';

const URL_SHAPE = 'impala://[user[:password]@]host[:port][,host[:port]…][/database][?option=value&…]';

/** Options a URL's query sets, by how their value is read. */
const URL_BOOLEANS = ['tls', 'timestampsAsDate'] as const satisfies ReadonlyArray<keyof PoolOptions>;
const URL_STRINGS = ['strategy', 'ddl', 'username', 'database'] as const satisfies ReadonlyArray<keyof PoolOptions>;
const URL_NUMBERS = [...POOL_NUMBER_KEYS, ...CONNECTION_NUMBER_KEYS] as const satisfies ReadonlyArray<keyof PoolOptions>;
// Read into auth.allowCleartext: the URL's password may go out without TLS (impala-shell's --auth_creds_ok_in_clear).
const CLEARTEXT = 'allowCleartext';
const URL_OPTION_NAMES: readonly string[] = [...URL_BOOLEANS, CLEARTEXT, ...URL_STRINGS, ...URL_NUMBERS];
// Impala's rule for database names (backticks do not widen it).
const DATABASE_NAME = /^[A-Za-z0-9_]{1,128}$/;
// Impala query options are upper-case by convention (S3_SKIP_INSERT_STAGING has a digit).
const QUERY_OPTION_NAME = /^[A-Z][A-Z0-9_]*$/;
// Query parameter names are repeated in messages only when they have this shape.
const OPTION_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

function urlError(what: string): TypeError {
  return new TypeError(`invalid pool URL: ${what}`);
}

/**
 * Reads an `impala://` URL into the {@link PoolOptions} it stands for,
 * checking its syntax; `parsePoolUrl` also validates the options.
 *
 * @throws TypeError naming the part that is wrong, never repeating it
 */
export function readPoolUrl(url: unknown): PoolOptions {
  if (typeof url !== 'string') throw new TypeError(`pool URL must be a string, got ${describe(url)}`);
  // Surrounding whitespace (the newline of an environment file) is dropped, as the WHATWG parser does.
  const text = url.trim();
  if (/[\u0000-\u001f\u007f]/.test(text)) throw urlError('it contains a control character; percent-encode it');
  const scheme = /^impala:\/\//i.exec(text);
  if (!scheme) throw urlError(`the scheme must be impala:// (${URL_SHAPE})`);
  const afterScheme = text.slice(scheme[0].length);
  const end = afterScheme.search(/[/?#]/);
  const authority = end < 0 ? afterScheme : afterScheme.slice(0, end);
  const rest = end < 0 ? '' : afterScheme.slice(end);
  // An '@' past the host list means it ended inside the credentials, at an
  // unencoded '/', '?' or '#': the "hosts" hold a piece of the password, so
  // nothing of the URL may be repeated.
  if (rest.includes('@')) {
    throw urlError(
      "an '@' appears after the host list; '/', '?', '#' and '@' in credentials must be percent-encoded (%2F, %3F, %23, %40), as must an '@' in an option",
    );
  }
  if (rest.includes('#'))
    throw urlError("it has a '#' fragment, which means nothing to a pool; a '#' in a password must be percent-encoded as %23");
  const at = authority.lastIndexOf('@');
  const options: PoolOptions = { hosts: parseHostList(at < 0 ? authority : authority.slice(at + 1)) };
  if (at >= 0) parseUserinfo(authority.slice(0, at), options);
  const query = rest.indexOf('?');
  const path = query < 0 ? rest : rest.slice(0, query);
  if (path.length > 1) options.database = databaseName(decodePart(path.slice(1), 'database'), 'database');
  if (query >= 0) parseQuery(rest.slice(query + 1), options);
  applyCleartext(options);
  rejectDuplicateHosts(options);
  return options;
}

function decodePart(raw: string, part: string): string {
  // The URIError says nothing useful and, as a cause, would carry nothing either: dropped.
  try {
    return decodeURIComponent(raw);
  } catch {
    throw urlError(`${part} has malformed percent-encoding (a literal '%' is written %25)`);
  }
}

function parseUserinfo(info: string, options: PoolOptions): void {
  const colon = info.indexOf(':');
  const user = decodePart(colon < 0 ? info : info.slice(0, colon), 'user name');
  if (user === '') throw urlError(colon < 0 ? "user name is empty (nothing before '@')" : 'user name is empty but a password is given');
  if (user.includes('\0')) throw urlError('user name contains a NUL character');
  if (colon < 0) {
    options.username = user;
    return;
  }
  const password = decodePart(info.slice(colon + 1), 'password');
  if (password === '') throw urlError("password is empty; leave out the ':' to connect without one");
  if (password.includes('\0')) throw urlError('password contains a NUL character');
  options.auth = { mechanism: 'PLAIN', username: user, password };
}

function applyCleartext(options: PoolOptions): void {
  const target = options as unknown as Record<string, unknown>;
  if (!(CLEARTEXT in target)) return;
  const allow = target[CLEARTEXT] as boolean;
  delete target[CLEARTEXT];
  if (options.auth?.mechanism !== 'PLAIN') throw urlError(`option ${CLEARTEXT} needs a password in the URL (impala://user:password@host)`);
  options.auth = { ...options.auth, allowCleartext: allow };
}

function parseHostList(list: string): string[] {
  if (list === '') throw urlError('host 1 is empty: the URL names no host');
  return list.split(',').map((host, i) => urlHost(host, i + 1));
}

/** Checks one `host[:port]` of the list; returns it as parseAddress takes it. */
function urlHost(raw: string, n: number): string {
  if (raw === '') throw urlError(`host ${n} is empty`);
  let tail: string;
  if (raw.startsWith('[')) {
    const close = raw.indexOf(']');
    if (close < 0) throw urlError(`host ${n} opens an IPv6 address with '[' and does not close it`);
    const address = raw.slice(1, close);
    if (address.includes('%')) throw urlError(`host ${n} has an IPv6 zone identifier, which is not supported`);
    if (!net.isIPv6(address)) throw urlError(`host ${n} is not a valid IPv6 address`);
    tail = raw.slice(close + 1);
    if (tail !== '' && !tail.startsWith(':')) throw urlError(`host ${n} has something other than ':port' after its IPv6 address`);
  } else {
    const colon = raw.indexOf(':');
    if (colon >= 0 && raw.indexOf(':', colon + 1) >= 0)
      throw urlError(`host ${n} has more than one ':'; an IPv6 address goes in brackets, e.g. [::1]:21050`);
    const name = colon < 0 ? raw : raw.slice(0, colon);
    if (name === '') throw urlError(`host ${n} has a port but no name`);
    if (!isHostName(name))
      throw urlError(`host ${n} is not a host name or IP address (letters, digits, '.', '-' and '_'; IPv6 in brackets)`);
    tail = colon < 0 ? '' : raw.slice(colon);
  }
  if (tail !== '') {
    const port = tail.slice(1);
    if (!/^\d{1,5}$/.test(port) || !(Number(port) >= 1 && Number(port) <= 65535))
      throw urlError(`port of host ${n} must be a number from 1 to 65535`);
  }
  return raw;
}

function rejectDuplicateHosts(options: PoolOptions): void {
  // A bad port option is reported by the option checks that follow, by name.
  const p = options.port;
  const port = typeof p === 'number' && Number.isInteger(p) && p >= 1 && p <= 65535 ? p : DEFAULT_HS2_PORT;
  const seen = new Map<string, number>();
  options.hosts.forEach((h, i) => {
    const a = parseAddress(h, port, `hosts[${i}]`);
    // Host names are case-insensitive: H1 and h1 are one coordinator.
    const id = `${a.host.toLowerCase()}:${a.port}`;
    const first = seen.get(id);
    if (first !== undefined) throw urlError(`host ${i + 1} is the same coordinator as host ${first + 1}`);
    seen.set(id, i);
  });
}

function databaseName(name: string, part: string): string {
  if (!DATABASE_NAME.test(name))
    throw urlError(`${part} must be 1 to 128 letters, digits or underscores (Impala's rule for database names)`);
  return name;
}

function parseQuery(query: string, options: PoolOptions): void {
  const target = options as unknown as Record<string, unknown>;
  const seen = new Set<string>();
  // Empty pairs (`a=1&&b=2`, a trailing '&') are skipped, as URLSearchParams does.
  const pairs = query.split('&').filter((p) => p !== '');
  pairs.forEach((pair, i) => {
    const eq = pair.indexOf('=');
    const key = decodeForm(eq < 0 ? pair : pair.slice(0, eq), `the name of query parameter ${i + 1}`);
    if (!OPTION_NAME.test(key)) throw urlError(`query parameter ${i + 1} does not have an option's name`);
    const value = decodeForm(eq < 0 ? '' : pair.slice(eq + 1), `option ${key}`);
    if (seen.has(key)) throw urlError(`option ${key} is given twice`);
    seen.add(key);
    if ((URL_BOOLEANS as readonly string[]).includes(key) || key === CLEARTEXT) {
      if (value !== 'true' && value !== 'false') throw urlError(`option ${key} must be true or false`);
      target[key] = value === 'true';
    } else if ((URL_STRINGS as readonly string[]).includes(key)) {
      if (value === '') throw urlError(`option ${key} is empty`);
      if (key === 'database') {
        if (options.database !== undefined) throw urlError('database is given twice: in the path and as option database');
        target[key] = databaseName(value, 'option database');
      } else if (key === 'username' && options.username !== undefined) {
        throw urlError("user name is given twice: before '@' and as option username");
      } else {
        target[key] = value;
      }
    } else if (QUERY_OPTION_NAME.test(key)) {
      if (value === '') throw urlError(`option ${key} is empty`);
      (options.queryOptions ??= {})[key] = value;
    } else if ((URL_NUMBERS as readonly string[]).includes(key)) {
      if (!/^-?\d+(\.\d+)?$/.test(value)) throw urlError(`option ${key} must be a number`);
      target[key] = Number(value);
    } else if (key === 'password' || key === 'user') {
      throw urlError(`unknown option ${key}: the user name and password go before the host list, as impala://user:password@host`);
    } else {
      throw urlError(`unknown option ${key}; a URL can set ${URL_OPTION_NAMES.join(', ')} and UPPER_CASE Impala query options`);
    }
  });
}

/** Form decoding, as URLSearchParams does it, except that malformed escapes are errors. */
function decodeForm(raw: string, part: string): string {
  return decodePart(raw.replace(/\+/g, ' '), part);
}
