/**
 * What `impala-pool query` reads from `--host`, its `impala://` URL and
 * `--param`: the grammar, and errors that name the flag (never a password).
 */
import { describe, expect, it } from 'vitest';
import { parseHostList, parseImpalaUrl } from '../../src/cli/coordinators.js';
import { parseParam } from '../../src/cli/params.js';
import { UsageError } from '../../src/cli/usage-error.js';

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

  it.each<[string, RegExp]>([
    ['a:b', /--host: "a:b" has a port that is not a number from 1 to 65535/],
    ['h:0', /port that is not a number from 1 to 65535/],
    ['h:65536', /port that is not a number from 1 to 65535/],
    ['a:1:2', /--host: "a:1:2" has more than one ':' and is not an IPv6 address/],
    ['[::1', /--host: "\[::1" opens an IPv6 address with '\[' and does not close it/],
    ['[nope]:1', /is not an IPv6 address in brackets/],
    ['[::1]x', /something other than ':PORT' after '\]'/],
    [':21050', /has a port but no host/],
    ['a b', /is not a host name/],
    ['a,,b', /--host has an empty entry/],
    ['', /--host is empty/],
    ['user@h', /--host: host 1 has an '@'/],
  ])('refuses %j with a TypeError naming --host', (value, message) => {
    let caught: unknown;
    try {
      parseHostList(value);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TypeError);
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toMatch(message);
  });
});

describe('the impala:// URL', () => {
  it('reads user, hosts, database and parameters', () => {
    expect(parseImpalaUrl('impala://an%40lyst@h1,h2:21051,[::1]:3/sales?tls=true&timeoutMs=5000')).toEqual({
      user: 'an@lyst',
      hosts: ['h1:21050', 'h2:21051', '[::1]:3'],
      database: 'sales',
      tls: true,
      timeoutMs: 5000,
    });
    expect(parseImpalaUrl('IMPALA://h1')).toEqual({ hosts: ['h1:21050'] });
    expect(parseImpalaUrl('impala://h1/?tls=false&')).toEqual({ hosts: ['h1:21050'], tls: false });
  });

  it.each<[string, RegExp]>([
    ['http://h1', /must start with impala:\/\//],
    ['impala://', /names no host/],
    ['impala://h1,,h2', /host 2 is empty/],
    ['impala://h1,a:b', /host 2 \("a:b"\) has a port that is not a number/],
    ['impala://h1?foo=1', /unknown parameter "foo"; the CLI's URL takes tls and timeoutMs/],
    ['impala://h1?tls=yes', /tls must be true or false/],
    ['impala://h1?timeoutMs=soon', /timeoutMs must be a whole number/],
    ['impala://h1?tls=true&tls=true', /parameter "tls" is given twice/],
    ['impala://h1/not-a-db', /the database must be 1 to 128 letters/],
    ['impala://h1#x', /fragment/],
  ])('refuses %s', (url, message) => {
    expect(() => parseImpalaUrl(url)).toThrow(message);
  });

  it.each(['impala://u:s3cret@h1', 'impala://u:s3/cret@h1', 'impala://h1?password=s3cret', 'impala://u@h1?pass=s3cret'])(
    'refuses a password without repeating it: %s',
    (url) => {
      let message = '';
      try {
        parseImpalaUrl(url);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/--url: .*(password|IMPALA_PASSWORD)/);
      expect(message).not.toContain('s3');
    },
  );
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
