/**
 * impala:// URLs: what each one parses to, or which part the TypeError names —
 * and that no password, nor any raw text of a host list that failed to parse,
 * reaches an error message, a pool's inspect/JSON output or its stats.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createPool, parsePoolUrl, type PoolOptions } from '../../src/index.js';
import { resolvePoolOptions } from '../../src/pool/options.js';

interface Row {
  url: string;
  /** The options it parses to, or what the TypeError's message names. */
  expected: PoolOptions | RegExp;
  /** Strings besides the ones derived from the URL that must appear nowhere. */
  secrets?: string[];
}

const PLAIN = (username: string, password: string, allowCleartext?: boolean) => ({
  mechanism: 'PLAIN' as const,
  username,
  password,
  ...(allowCleartext === undefined ? {} : { allowCleartext }),
});
const PW = 'Kx7Tq';
const AT_AFTER = /an '@' appears after the host list; '\/', '\?', '#' and '@' in credentials must be percent-encoded/;

const rows: Row[] = [
  // Hosts, ports, databases.
  { url: 'impala://h1', expected: { hosts: ['h1'] } },
  { url: 'impala://h1:21051,h2:21052/sales', expected: { hosts: ['h1:21051', 'h2:21052'], database: 'sales' } },
  { url: 'IMPALA://h1/', expected: { hosts: ['h1'] } },
  {
    url: ' impala://coord-1.example.com,10.0.0.7:21000/sales_2024 \n',
    expected: { hosts: ['coord-1.example.com', '10.0.0.7:21000'], database: 'sales_2024' },
  },
  { url: 'impala://h1/sa%6Ces', expected: { hosts: ['h1'], database: 'sales' } },
  { url: 'impala://[::1]:21050,[::1]:21051', expected: { hosts: ['[::1]:21050', '[::1]:21051'] } },
  { url: 'impala://[::1],[fe80::1]:21051,h3', expected: { hosts: ['[::1]', '[fe80::1]:21051', 'h3'] } },
  { url: 'impala://[::ffff:10.0.0.1]/db', expected: { hosts: ['[::ffff:10.0.0.1]'], database: 'db' } },
  // Credentials, reserved characters encoded and not.
  { url: 'impala://alice@h1/', expected: { hosts: ['h1'], username: 'alice' } },
  { url: `impala://alice:${PW}pw@h1?tls=true`, expected: { hosts: ['h1'], auth: PLAIN('alice', `${PW}pw`), tls: true } },
  { url: `impala://al%40ice%3Ax:${PW}%3Apw@h1?tls=true`, expected: { hosts: ['h1'], auth: PLAIN('al@ice:x', `${PW}:pw`), tls: true } },
  { url: `impala://alice:${PW}:pw@h1?tls=true`, expected: { hosts: ['h1'], auth: PLAIN('alice', `${PW}:pw`), tls: true } },
  { url: `impala://alice:${PW}@pw@h1,h2?tls=true`, expected: { hosts: ['h1', 'h2'], auth: PLAIN('alice', `${PW}@pw`), tls: true } },
  { url: `impala://alice:${PW}%40pw@h1,h2?tls=true`, expected: { hosts: ['h1', 'h2'], auth: PLAIN('alice', `${PW}@pw`), tls: true } },
  {
    url: `impala://alice:${PW}%2F%3F%23pw@h1/db?tls=true`,
    expected: { hosts: ['h1'], auth: PLAIN('alice', `${PW}/?#pw`), database: 'db', tls: true },
  },
  { url: `impala://alice:${PW}%25pw@h1?tls=true`, expected: { hosts: ['h1'], auth: PLAIN('alice', `${PW}%pw`), tls: true } },
  { url: `impala://alice:${PW}%20pw@h1?tls=true`, expected: { hosts: ['h1'], auth: PLAIN('alice', `${PW} pw`), tls: true } },
  { url: `impala://alice:${PW} pw@h1?tls=true`, expected: { hosts: ['h1'], auth: PLAIN('alice', `${PW} pw`), tls: true } },
  { url: `impala://alice:${PW}+pw%2B@h1?tls=true`, expected: { hosts: ['h1'], auth: PLAIN('alice', `${PW}+pw+`), tls: true } },
  { url: `impala://alice:${PW},pw@h1,h2?tls=true`, expected: { hosts: ['h1', 'h2'], auth: PLAIN('alice', `${PW},pw`), tls: true } },
  { url: `impala://alice:${PW}%2Cpw@h1?tls=true`, expected: { hosts: ['h1'], auth: PLAIN('alice', `${PW},pw`), tls: true } },
  {
    url: `impala://alice:${PW}%C3%A9pw@[::1]:21050?tls=true`,
    expected: { hosts: ['[::1]:21050'], auth: PLAIN('alice', `${PW}épw`), tls: true },
  },
  // Options.
  {
    url: 'impala://h1?tls=true&timestampsAsDate=false&strategy=roundrobin&ddl=sync&connectTimeoutMs=2000&retryBudgetRatio=0.5&MEM_LIMIT=2g&S3_SKIP_INSERT_STAGING=true',
    expected: {
      hosts: ['h1'],
      tls: true,
      timestampsAsDate: false,
      strategy: 'roundrobin',
      ddl: 'sync',
      connectTimeoutMs: 2000,
      retryBudgetRatio: 0.5,
      queryOptions: { MEM_LIMIT: '2g', S3_SKIP_INSERT_STAGING: 'true' },
    },
  },
  {
    url: `impala://alice:${PW}pw@h1?database=sales&username=bob&&allowCleartext=true`,
    expected: { hosts: ['h1'], auth: PLAIN('alice', `${PW}pw`, true), database: 'sales', username: 'bob' },
  },
  {
    url: 'impala://h1?REQUEST_POOL=root.etl+team&DEBUG_ACTION=a%2Bb',
    expected: { hosts: ['h1'], queryOptions: { REQUEST_POOL: 'root.etl team', DEBUG_ACTION: 'a+b' } },
  },
  { url: 'impala://h1,h2:21051?port=21052', expected: { hosts: ['h1', 'h2:21051'], port: 21052 } },

  // A password without TLS is refused unless allowCleartext says so (impala-shell's --auth_creds_ok_in_clear).
  { url: `impala://alice:${PW}pw@h1`, expected: /clear text; set tls, or auth.allowCleartext/ },
  { url: `impala://alice:${PW}pw@h1?allowCleartext=false`, expected: /clear text/ },
  { url: 'impala://h1?allowCleartext=true', expected: /allowCleartext needs a password in the URL/ },
  { url: `impala://alice:${PW}pw@h1?allowCleartext=yes`, expected: /option allowCleartext must be true or false/ },

  // The scheme.
  { url: `http://alice:${PW}pw@h1`, expected: /scheme must be impala:\/\// },
  { url: 'impala:/h1', expected: /scheme/ },
  { url: `alice:${PW}pw@h1`, expected: /scheme/ },
  // An '@' after the host list: an unencoded '/', '?' or '#' ended it inside the credentials.
  { url: 'impala://alice:pa/ss@h1,h2/db', expected: AT_AFTER, secrets: ['pa', 'ss@h1'] },
  { url: `impala://alice:${PW}?pw@h1`, expected: AT_AFTER },
  { url: `impala://alice:${PW}#pw@h1`, expected: AT_AFTER },
  { url: `impala://alice:${PW}/pw@x@h1/db`, expected: AT_AFTER },
  { url: 'impala://h1/db?username=bob@corp', expected: AT_AFTER },
  { url: 'impala://h1/db#top', expected: /'#' fragment/ },
  { url: `impala://alice:${PW}/pw`, expected: /port of host 1/, secrets: [PW] },
  { url: `impala://alice:${PW}#pw`, expected: /'#' fragment/, secrets: [PW] },
  // Percent-encoding that does not decode.
  { url: `impala://alice:${PW}%zz@h1`, expected: /password has malformed percent-encoding/ },
  { url: `impala://alice:${PW}%E0%A4@h1`, expected: /password has malformed percent-encoding/ },
  { url: `impala://alice:100%${PW}@h1`, expected: /password has malformed percent-encoding/ },
  { url: `impala://al%ice:${PW}pw@h1`, expected: /user name has malformed percent-encoding/ },
  { url: 'impala://h1/d%zzb', expected: /database has malformed percent-encoding/ },
  { url: 'impala://h1?MEM_LIMIT=%zz', expected: /option MEM_LIMIT has malformed percent-encoding/ },
  { url: 'impala://h1?fo%zzo=1', expected: /the name of query parameter 1 has malformed percent-encoding/ },
  { url: `impala://alice:${PW}%00pw@h1`, expected: /password contains a NUL character/ },
  { url: `impala://alice:${PW}\tpw@h1`, expected: /control character/ },
  // Empty parts.
  { url: 'impala://h1,,h2', expected: /host 2 is empty/ },
  { url: 'impala://,h', expected: /host 1 is empty/ },
  { url: 'impala://h1,', expected: /host 2 is empty/ },
  { url: 'impala://', expected: /host 1 is empty/ },
  { url: `impala://alice:${PW}pw@/db`, expected: /host 1 is empty/ },
  { url: `impala://:${PW}pw@h1`, expected: /user name is empty but a password is given/ },
  { url: 'impala://@h1', expected: /user name is empty/ },
  { url: 'impala://alice:@h1', expected: /password is empty/ },
  // Hosts and ports.
  { url: 'impala://h1:0', expected: /port of host 1 must be a number from 1 to 65535/ },
  { url: 'impala://h1,h2:65536', expected: /port of host 2 must be a number from 1 to 65535/ },
  { url: 'impala://h1:abc', expected: /port of host 1/ },
  { url: 'impala://h1:', expected: /port of host 1/ },
  { url: 'impala://h1,:21050', expected: /host 2 has a port but no name/ },
  { url: 'impala://[::1]:0', expected: /port of host 1/ },
  { url: 'impala://[::1', expected: /host 1 opens an IPv6 address/ },
  { url: 'impala://[::g]:21050', expected: /host 1 is not a valid IPv6 address/ },
  { url: 'impala://h1,fe80::1', expected: /host 2 has more than one ':'/ },
  { url: 'impala://[::1]x', expected: /host 1 has something other than ':port'/ },
  { url: 'impala://[fe80::1%25eth0]', expected: /host 1 has an IPv6 zone identifier/ },
  { url: 'impala://h%31', expected: /host 1 is not a host name or IP address/ },
  { url: 'impala://h1;h2', expected: /host 1 is not a host name or IP address/ },
  // Duplicate hosts.
  { url: 'impala://h1,H1', expected: /host 2 is the same coordinator as host 1/ },
  { url: 'impala://h1:21050,h2,h1', expected: /host 3 is the same coordinator as host 1/ },
  { url: 'impala://[::1],[::1]:21050', expected: /host 2 is the same coordinator as host 1/ },
  { url: 'impala://h1,h1:21051?port=21051', expected: /host 2 is the same coordinator as host 1/ },
  // Databases.
  { url: 'impala://h1/sales/2024', expected: /database must be 1 to 128 letters, digits or underscores/ },
  { url: 'impala://h1/sa-les', expected: /database must be/ },
  { url: 'impala://h1/db?database=other', expected: /database is given twice/ },
  { url: 'impala://h1?database=a%20b', expected: /option database must be/ },
  // Option values.
  { url: 'impala://h1?tls=yes', expected: /option tls must be true or false/ },
  { url: 'impala://h1?connectTimeoutMs=soon', expected: /option connectTimeoutMs must be a number/ },
  { url: 'impala://h1?connectTimeoutMs=0', expected: /option connectTimeoutMs must be an integer/ },
  { url: 'impala://h1?maxAttempts=1.5', expected: /option maxAttempts must be an integer/ },
  { url: 'impala://h1?port=0', expected: /option port must be an integer from 1 to 65535/ },
  { url: 'impala://h1?strategy=fastest', expected: /option strategy must be one of/ },
  { url: 'impala://h1?ddl=', expected: /option ddl is empty/ },
  { url: 'impala://h1?MEM_LIMIT=', expected: /option MEM_LIMIT is empty/ },
  { url: 'impala://h1?tls=true&tls=false', expected: /option tls is given twice/ },
  { url: 'impala://alice@h1?username=bob', expected: /user name is given twice/ },
  // Unknown options.
  { url: 'impala://h1?foo=1', expected: /unknown option foo; a URL can set/ },
  {
    url: `impala://h1?password=${PW}pw`,
    expected: /unknown option password: the user name and password go before the host list/,
    secrets: [`${PW}pw`],
  },
  { url: 'impala://h1?hosts=h2', expected: /unknown option hosts/ },
  { url: 'impala://h1?clock=1', expected: /unknown option clock/ },
  { url: 'impala://h1?mem_limit=1g', expected: /unknown option mem_limit/ },
  { url: 'impala://h1?a-b=1', expected: /query parameter 1 does not have an option's name/ },
];

/** What must not show: the credentials as written, decoded and re-encoded, and (for a failure) each piece of the host list. */
function forbidden(row: Row): string[] {
  const out = new Set(row.secrets ?? []);
  const afterScheme = row.url.trim().replace(/^[a-z]+:\/{0,2}/i, '');
  const authority = afterScheme.split(/[/?#]/)[0]!;
  const at = authority.lastIndexOf('@');
  const userinfo = at < 0 ? '' : authority.slice(0, at);
  const colon = userinfo.indexOf(':');
  if (colon >= 0 && colon < userinfo.length - 1) {
    const raw = userinfo.slice(colon + 1);
    out.add(raw);
    out.add(userinfo);
    try {
      const decoded = decodeURIComponent(raw);
      out.add(decoded);
      out.add(encodeURIComponent(decoded));
    } catch {
      // Malformed on purpose: the raw form is what must not show.
    }
  }
  if (row.expected instanceof RegExp) {
    // Nothing of a host list that failed to parse is repeated: any of it may be a password.
    for (const piece of authority.split(/[,@:[\]]/)) if (piece.length >= 2) out.add(piece);
  }
  return [...out].filter((s) => s.length > 0);
}

function expectNone(text: string, secrets: string[], where: string): void {
  for (const s of secrets) expect(text.includes(s), `${where} contains ${JSON.stringify(s)}: ${text}`).toBe(false);
}

function jsonOrError(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch (err) {
    return String((err as Error).message);
  }
}

describe('impala:// URLs', () => {
  it('the table covers at least 30 URLs', () => {
    expect(rows.length).toBeGreaterThanOrEqual(30);
  });

  it.each(rows.map((r) => [r.url, r] as const))('%s', (_url, row) => {
    const secrets = forbidden(row);
    if (row.expected instanceof RegExp) {
      let error: unknown;
      try {
        parsePoolUrl(row.url);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(TypeError);
      const e = error as TypeError;
      expect(e.message).toMatch(row.expected);
      expect(e.cause).toBeUndefined();
      expectNone(e.message, secrets, 'the message');
      // The stack's frames name functions (parsePoolUrl has a 'pa'): only longer pieces are distinctive there.
      expectNone(
        inspect(e, { depth: 10 }),
        secrets.filter((x) => x.length >= 4),
        'the inspected error',
      );
      // createPool takes the same URL and fails the same way.
      expect(() => createPool(row.url)).toThrow(row.expected);
      return;
    }
    expect(parsePoolUrl(row.url)).toEqual(row.expected);
    expectNone(jsonOrError(resolvePoolOptions(row.url)), secrets, 'the resolved options as JSON');
    expectNone(inspect(resolvePoolOptions(row.url), { depth: 10 }), secrets, 'the inspected resolved options');
    const pool = createPool(row.url);
    try {
      expectNone(inspect(pool, { depth: 10 }), secrets, 'the inspected pool');
      expectNone(inspect(pool, { depth: 10, customInspect: false }), secrets, 'the pool inspected without custom inspection');
      expectNone(jsonOrError(pool), secrets, 'the pool as JSON');
      expectNone(JSON.stringify(pool.stats()), secrets, 'stats()');
    } finally {
      pool.destroy();
    }
  });

  it('does not change the options object it is given, and keeps no plain password', () => {
    const options: PoolOptions = { hosts: ['h1'], auth: PLAIN('alice', `${PW}-kept`), tls: true };
    const resolved = resolvePoolOptions(options);
    expect(options.auth).toEqual(PLAIN('alice', `${PW}-kept`));
    expect(resolved.connection.auth).not.toBe(options.auth);
    expect(JSON.stringify(resolved)).not.toContain(`${PW}-kept`);
    expect(inspect(resolved, { depth: 10, customInspect: false, showHidden: true })).not.toContain(`${PW}-kept`);
  });

  it.each<[string, unknown, RegExp]>([
    ['a host string with credentials in it', `alice:${PW}pw@h1`, /option hosts\[0\] must be 'host', 'host:port'/],
    ['a host string with a bad port', `h1:${PW}`, /option hosts\[0\] must be/],
    ['a host object whose host has a slash', { host: `h1/${PW}` }, /option hosts\[0\]\.host must be a host name or IP address/],
    ['a numeric-looking port out of range', 'h1:99999', /option hosts\[0\] has an invalid port/],
    ['an unbracketed IPv6 address with a port after it', 'fe80::1:99999', /option hosts\[0\] must be 'host', 'host:port'/],
    ['an unbracketed "IPv6 address" that is not one', `::${PW}`, /option hosts\[0\] must be 'host', 'host:port'/],
  ])('hosts option: rejects %s without repeating it', (_name, host, message) => {
    let error: unknown;
    try {
      resolvePoolOptions({ hosts: [host as string] });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(PW);
    expect((error as Error).message).not.toContain('99999');
  });

  // Unbracketed, an IPv6 address cannot carry a port: all of it is the host, on the default port.
  it.each<[string, number | undefined, { host: string; port: number }]>([
    ['::1', undefined, { host: '::1', port: 21050 }],
    [' 2001:db8::7 ', undefined, { host: '2001:db8::7', port: 21050 }],
    ['::ffff:10.0.0.1', undefined, { host: '::ffff:10.0.0.1', port: 21050 }],
    ['::1', 21052, { host: '::1', port: 21052 }],
    ['[::1]', undefined, { host: '::1', port: 21050 }],
    ['[::1]:21051', 21052, { host: '::1', port: 21051 }],
    ['h1:21051', undefined, { host: 'h1', port: 21051 }],
  ])('hosts option: reads %j (port option %j)', (host, port, expected) => {
    const o = resolvePoolOptions({ hosts: [host], ...(port === undefined ? {} : { port }) });
    expect(o.coordinators).toEqual([{ ...expected, weight: 1 }]);
  });

  it.each<[string, unknown, RegExp]>([
    ['a misspelt password key', { mechanism: 'PLAIN', username: 'alice', pasword: 'x' }, /unknown auth option pasword/],
    [
      'a password that is not a string',
      { mechanism: 'PLAIN', username: 'alice', password: 12345678 },
      /option auth.password must be a string$/,
    ],
    [
      'a NUL in the password',
      { mechanism: 'PLAIN', username: 'alice', password: `${PW}\0pw` },
      /option auth.password must not contain a NUL character/,
    ],
    [
      'a NUL in the user name',
      { mechanism: 'PLAIN', username: 'al\0ice', password: `${PW}pw` },
      /option auth.username must not contain a NUL character/,
    ],
    [
      'PLAIN without tls or allowCleartext',
      { mechanism: 'PLAIN', username: 'alice', password: `${PW}pw` },
      /clear text; set tls, or auth.allowCleartext: true/,
    ],
    ['a password field on GSSAPI', { mechanism: 'GSSAPI', password: `${PW}pw` }, /unknown auth option password/],
    [
      'GSSAPI principal and service together',
      { mechanism: 'GSSAPI', principal: 'impala/_HOST@EXAMPLE.COM', service: 'hive' },
      /exclude each other/,
    ],
    [
      'a GSSAPI principal that is not service/host@REALM',
      { mechanism: 'GSSAPI', principal: 'impala/a/b@EXAMPLE.COM' },
      /must look like service\/_HOST@REALM/,
    ],
    [
      'a pattern host that contradicts kerberosHostFqdn',
      { mechanism: 'GSSAPI', principal: 'impala/a.example.com', kerberosHostFqdn: 'b.example.com' },
      /names a host other than auth.kerberosHostFqdn/,
    ],
    ['a keytab that is not a string', { mechanism: 'GSSAPI', keytab: 12345678 }, /option auth.keytab must be a non-empty string/],
  ])('auth option: rejects %s at createPool, without describing the password', (_name, auth, message) => {
    expect(() => createPool({ hosts: ['h1'], auth: auth as never })).toThrow(message);
    try {
      createPool({ hosts: ['h1'], auth: auth as never });
    } catch (err) {
      expect((err as Error).message).not.toContain(PW);
      expect((err as Error).message).not.toContain('12345678');
    }
  });
});

describe('Kerberos auth options', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['defaults', { mechanism: 'GSSAPI' }, { service: 'impala', kerberosHostFqdn: undefined, clientPrincipal: undefined }],
    [
      'a principal pattern with _HOST gives the service',
      { mechanism: 'GSSAPI', principal: 'impala/_HOST@EXAMPLE.COM' },
      { service: 'impala', kerberosHostFqdn: undefined },
    ],
    [
      'a pattern with a fixed host shares it',
      { mechanism: 'GSSAPI', principal: 'impala/proxy.example.com@EXAMPLE.COM' },
      { service: 'impala', kerberosHostFqdn: 'proxy.example.com' },
    ],
    [
      'kerberosHostFqdn and a client principal',
      { mechanism: 'GSSAPI', kerberosHostFqdn: 'proxy.example.com', clientPrincipal: 'etl@EXAMPLE.COM' },
      { kerberosHostFqdn: 'proxy.example.com', clientPrincipal: 'etl@EXAMPLE.COM' },
    ],
  ])('%s', (_name, auth, expected) => {
    const resolved = resolvePoolOptions({ hosts: ['h1'], auth: auth as never }).connection.auth as unknown as Record<string, unknown>;
    expect(resolved).toMatchObject({ mechanism: 'GSSAPI', ...expected });
  });

  it('keeps the keytab path in a Secret: never in inspect or JSON output', () => {
    const path = `/etc/security/keytabs/${PW}-etl.keytab`;
    const options = resolvePoolOptions({ hosts: ['h1'], auth: { mechanism: 'GSSAPI', keytab: path } });
    expect(inspect(options, { depth: 10 })).not.toContain(PW);
    expect(JSON.stringify(options)).not.toContain(PW);
    const pool = createPool({ hosts: ['h1'], auth: { mechanism: 'GSSAPI', keytab: path }, healthCheckIntervalMs: 0 });
    expect(inspect(pool, { depth: 10 })).not.toContain(PW);
    pool.destroy();
  });
});
