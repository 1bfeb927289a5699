import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/index.js';
import { parsePoolUrl, resolvePoolOptions } from '../../src/pool/options.js';

describe('pool options', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['no hosts', { hosts: [] }, /option hosts must be a non-empty array/],
    ['a bad host', { hosts: ['h1:99999'] }, /option hosts\[0\] has an invalid port/],
    ['a duplicate host', { hosts: ['h1', 'h1:21050'] }, /lists h1:21050 twice/],
    ['a zero weight', { hosts: [{ host: 'h1', weight: 0 }] }, /option hosts\[0\]\.weight/],
    ['an unknown strategy', { hosts: ['h1'], strategy: 'fastest' }, /option strategy must be one of 'leastconn', 'p2c'/],
    ['a typo', { hosts: ['h1'], connectTimeoutMS: 5 }, /unknown pool option connectTimeoutMS/],
    [
      'min above max',
      { hosts: ['h1'], maxConnectionsPerCoordinator: 2, minConnectionsPerCoordinator: 3 },
      /option minConnectionsPerCoordinator must be an integer from 0 to 2/,
    ],
    ['negative interval', { hosts: ['h1'], healthCheckIntervalMs: -1 }, /option healthCheckIntervalMs/],
    ['bad ddl mode', { hosts: ['h1'], ddl: 'eventual' }, /option ddl must be one of 'pin', 'sync', 'none'/],
    // Every borrow joins the waiting line, so a line of 0 would refuse even an idle connection.
    [
      'no waiting line',
      { hosts: ['h1'], maxWaitingPerCoordinator: 0 },
      /option maxWaitingPerCoordinator must be an integer from 1 to 1000000/,
    ],
    ['bad query option', { hosts: ['h1'], queryOptions: { MEM_LIMIT: {} } }, /option queryOptions.MEM_LIMIT/],
  ])('rejects %s with a TypeError naming the option', (_name, options, message) => {
    expect(() => createPool(options as never)).toThrow(TypeError);
    expect(() => createPool(options as never)).toThrow(message);
  });

  it("fills the defaults of Impala's proxy guide", () => {
    const o = resolvePoolOptions({ hosts: ['h1', 'h2:21051', { host: 'h3', weight: 2 }] });
    expect(o.coordinators).toEqual([
      { host: 'h1', port: 21050, weight: 1 },
      { host: 'h2', port: 21051, weight: 1 },
      { host: 'h3', port: 21050, weight: 2 },
    ]);
    expect([o.strategy, o.maxAttempts, o.rise, o.fall, o.healthCheckIntervalMs, o.ddl]).toEqual(['leastconn', 3, 2, 3, 2000, 'pin']);
  });

  it.each([
    ['impala://h1:21050,h2:21051/sales', { hosts: ['h1:21050', 'h2:21051'], database: 'sales' }],
    ['impala://u@h1/', { hosts: ['h1'], username: 'u' }],
    [
      'impala://u:p%40ss@h1?tls=true&strategy=p2c&connectTimeoutMs=2000&MEM_LIMIT=1g',
      {
        hosts: ['h1'],
        auth: { mechanism: 'PLAIN', username: 'u', password: 'p@ss' },
        tls: true,
        strategy: 'p2c',
        connectTimeoutMs: 2000,
        queryOptions: { MEM_LIMIT: '1g' },
      },
    ],
  ])('parses %s', (url, expected) => {
    expect(parsePoolUrl(url)).toEqual(expected);
  });

  it('rejects a malformed URL', () => {
    expect(() => parsePoolUrl('http://h1')).toThrow(TypeError);
    expect(() => parsePoolUrl('impala://h1?connectTimeoutMs=soon')).toThrow(/connectTimeoutMs/);
  });
});
