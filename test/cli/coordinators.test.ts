/**
 * What `impala-pool query` reads from `--host`, its `impala://` URL and
 * `--param`: the pool's grammars for hosts and URLs, and errors in the pool's
 * words that name the flag (never a password).
 */
import { describe, expect, it } from 'vitest';
import { parseHostList, parseImpalaUrl } from '../../src/cli/coordinators.js';
import { parseParam } from '../../src/cli/params.js';
import { UsageError } from '../../src/cli/usage-error.js';

const SHAPES = /option hosts\[\d+\] must be 'host', 'host:port' or '\[IPv6 address\]:port' with a host name or IP address/;
const BAD_PORT = /option hosts\[\d+\] has an invalid port \(must be 1 to 65535\)/;

/** The UsageError `read` throws (a TypeError too, as the package's other argument errors are). */
function usageError(read: () => unknown): UsageError {
  let caught: unknown;
  try {
    read();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(TypeError);
  expect(caught).toBeInstanceOf(UsageError);
  return caught as UsageError;
}

describe('--host', () => {
  it.each<[string, string[]]>([
    ['h1', ['h1:21050']],
    ['h1:21051', ['h1:21051']],
    ['h1,h2:21051, h3', ['h1:21050', 'h2:21051', 'h3:21050']],
    ['10.0.0.1:21050', ['10.0.0.1:21050']],
    ['[::1]:21050', ['[::1]:21050']],
    ['[::1]', ['[::1]:21050']],
    ['::1', ['[::1]:21050']],
    ['2001:db8::7', ['[2001:db8::7]:21050']],
    ['[2001:db8::7]:1,::1', ['[2001:db8::7]:1', '[::1]:21050']],
  ])('%s', (value, hosts) => {
    expect(parseHostList(value)).toEqual(hosts);
  });

  it("gives hosts without a port the default port it is told (the URL's port=)", () => {
    expect(parseHostList('h1,h2:21051,::1', '--host', 21052)).toEqual(['h1:21052', 'h2:21051', '[::1]:21052']);
  });

  // The pool's rules and words (parseAddress), after the flag and the entry's position.
  it.each<[string, RegExp]>([
    ['a:b', new RegExp(`^--host: host 1: ${SHAPES.source}$`)],
    ['h:0', new RegExp(`^--host: host 1: ${BAD_PORT.source}$`)],
    ['h1,h:65536', new RegExp(`^--host: host 2: ${BAD_PORT.source}$`)],
    ['a:1:2', SHAPES],
    ['[::1', SHAPES],
    ['[nope]:1', SHAPES],
    ['[::1]x', SHAPES],
    ['fe80::1:99999', SHAPES],
    [':21050', SHAPES],
    ['a b', SHAPES],
    ['a,,b', /^--host: host 2 is empty$/],
    ['', /^--host is empty/],
    ['user@h', /^--host: host 1 has an '@'/],
  ])('refuses %j with a UsageError naming --host', (value, message) => {
    expect(usageError(() => parseHostList(value)).message).toMatch(message);
  });

  it.each(['u:s3cret@h1', 'h1,u:s3cret@h2', 'h1,,u:s3cret@h2', 's3cret:x:y', 'h1:s3cret'])('never repeats the value: %j', (value) => {
    expect(usageError(() => parseHostList(value)).message).not.toContain('s3');
  });
});

describe("the impala:// URL (the pool's)", () => {
  it("reads user, hosts, database and tls, and hands on the pool's other options", () => {
    expect(parseImpalaUrl('impala://an%40lyst@h1,h2:21051,[::1]:3/sales?tls=true')).toEqual({
      user: 'an@lyst',
      hosts: ['h1:21050', 'h2:21051', '[::1]:3'],
      database: 'sales',
      tls: true,
    });
    expect(parseImpalaUrl('IMPALA://h1')).toEqual({ hosts: ['h1:21050'] });
    expect(parseImpalaUrl('impala://h1/?tls=false&')).toEqual({ hosts: ['h1:21050'], tls: false });
    expect(parseImpalaUrl('impala://h1?username=bob&database=sales')).toEqual({ hosts: ['h1:21050'], user: 'bob', database: 'sales' });
    expect(parseImpalaUrl('impala://h1,h2:21051?port=21052&strategy=roundrobin&ddl=sync&connectTimeoutMs=2000&MEM_LIMIT=2g')).toEqual({
      hosts: ['h1:21052', 'h2:21051'],
      options: { port: 21052, strategy: 'roundrobin', ddl: 'sync', connectTimeoutMs: 2000, queryOptions: { MEM_LIMIT: '2g' } },
    });
  });

  // The pool's messages, after the flag the URL came from.
  it.each<[string, RegExp]>([
    ['http://h1', /^--url: invalid pool URL: the scheme must be impala:\/\//],
    ['impala://', /^--url: invalid pool URL: host 1 is empty/],
    ['impala://h1,,h2', /^--url: invalid pool URL: host 2 is empty$/],
    ['impala://h1,a:b', /^--url: invalid pool URL: port of host 2 must be a number from 1 to 65535$/],
    ['impala://h1:0', /^--url: invalid pool URL: port of host 1 must be a number from 1 to 65535$/],
    ['impala://h1,fe80::1', /^--url: invalid pool URL: host 2 has more than one ':'; an IPv6 address goes in brackets/],
    ['impala://h1,H1', /^--url: invalid pool URL: host 2 is the same coordinator as host 1$/],
    ['impala://h1?foo=1', /^--url: invalid pool URL: unknown option foo; a URL can set tls, /],
    // The CLI's own timeoutMs is gone: --timeout-ms sets each statement's deadline.
    ['impala://h1?timeoutMs=5000', /^--url: invalid pool URL: unknown option timeoutMs; /],
    ['impala://h1?tls=yes', /^--url: invalid pool URL: option tls must be true or false$/],
    ['impala://h1?tls=true&tls=true', /^--url: invalid pool URL: option tls is given twice$/],
    ['impala://h1/not-a-db', /^--url: invalid pool URL: database must be 1 to 128 letters, digits or underscores/],
    ['impala://h1#x', /^--url: invalid pool URL: it has a '#' fragment/],
    // Values are checked here, by the pool's option checks, not first when the pool is made.
    ['impala://h1?maxAttempts=0', /^--url: option maxAttempts must be an integer from 1 to 100/],
    ['impala://h1?port=0', /^--url: option port must be an integer from 1 to 65535/],
    ['impala://h1?strategy=fastest', /^--url: option strategy must be one of/],
    ['impala://h1?timestampsAsDate=true', /^--url: option timestampsAsDate does not apply to the CLI, which prints Impala's text$/],
  ])('refuses %s', (url, message) => {
    expect(usageError(() => parseImpalaUrl(url)).message).toMatch(message);
  });

  it('names the flag the URL came from', () => {
    const { message } = usageError(() => parseImpalaUrl('impala://h1?foo=1', '--host'));
    expect(message).toMatch(/^--host: invalid pool URL: unknown option foo/);
  });

  it.each<[string, RegExp]>([
    // A password the pool reads is refused by the CLI, with tls or without, and with allowCleartext.
    ['impala://u:s3cret@h1', /^--url: the URL must not hold a password; the CLI reads it from the IMPALA_PASSWORD/],
    ['impala://u:s3cret@h1?tls=true', /^--url: the URL must not hold a password; /],
    ['impala://u:s3cret@h1?allowCleartext=true', /^--url: the URL must not hold a password; /],
    ['impala://u:s3%2Fcret@h1/db', /^--url: the URL must not hold a password; /],
    // The pool refuses these before there is a password to speak of, and does not repeat them either.
    ['impala://u:s3/cret@h1', /^--url: invalid pool URL: an '@' appears after the host list; /],
    ['impala://u:s3cret@h1,[::1', /^--url: invalid pool URL: host 2 opens an IPv6 address/],
    ['impala://u:s3cret%zz@h1', /^--url: invalid pool URL: password has malformed percent-encoding/],
    ['impala://h1?password=s3cret', /^--url: invalid pool URL: unknown option password: /],
    ['impala://u@h1?pass=s3cret', /^--url: invalid pool URL: unknown option pass; /],
  ])('refuses a password without repeating it: %s', (url, message) => {
    const { message: text } = usageError(() => parseImpalaUrl(url));
    expect(text).toMatch(message);
    expect(text).not.toContain('s3');
    expect(text).not.toContain('cret');
  });
});

describe('--param', () => {
  it.each<[string, unknown]>([
    ['hello', 'hello'],
    ['', ''],
    ['12:30', '12:30'],
    ['http://x', 'http://x'],
    ['str:null', 'null'],
    ['str:int:5', 'int:5'],
    ['null', null],
    ['int:5', 5n],
    ['int:-9223372036854775808', -9223372036854775808n],
    ['bigint:9223372036854775807', 9223372036854775807n],
    ['double:1.5', 1.5],
    ['double:-2e-7', -2e-7],
    ['bool:true', true],
    ['bool:false', false],
  ])('%j', (text, value) => {
    expect(parseParam(text, 1)).toEqual(value);
  });

  it.each(['int:1.5', 'int:', 'int:9223372036854775808', 'double:abc', 'double:Infinity', 'double:0x10', 'bool:yes'])(
    'refuses %j, naming the param by position only',
    (text) => {
      let message = '';
      try {
        parseParam(text, 3);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/^--param 3: /);
      expect(message).not.toContain(text.slice(text.indexOf(':') + 1) || '\0');
    },
  );
});
