/**
 * `impala-pool query` as a user runs it: the real CLI in a child process,
 * against a real three-coordinator test cluster — hosts and URLs, SQL from
 * arguments, files and stdin, every output format with values that are easy
 * to get wrong, parameters, exit codes, --version and every command's --help.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createPool } from '../../src/index.js';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';
import { runCli, type CliRun } from '../support/run-cli.js';

const SLOW = 90_000;
const BIG_DECIMAL = '1234567890123456789012345678.0123456789';
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

let cluster: LocalCluster;
let hosts: string[];
let dir: string;
let deadHost: string;

/** `impala-pool query` with the options, no password in the environment. */
function query(args: string[], input?: string): Promise<CliRun> {
  return runCli(['query', ...args], { input, env: { IMPALA_PASSWORD: undefined } });
}

/** `impala-pool query` over all three coordinators (one --host, comma-separated). */
function q(args: string[], input?: string): Promise<CliRun> {
  return query(['--host', hosts.join(','), ...args], input);
}

const SUMMARY = /^(Fetched \d+ row\(s\)|Modified \d+ row\(s\)|Done) in \d+\.\d\ds on 127\.0\.0\.1:\d+$/;

function summaries(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l !== '');
}

beforeAll(async () => {
  cluster = await startCluster({ coordinators: 3 });
  hosts = cluster.hosts;
  dir = mkdtempSync(join(tmpdir(), 'impala-pool-cli-'));
  // A port nobody listens on: a coordinator that is down.
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  deadHost = `127.0.0.1:${(probe.address() as net.AddressInfo).port}`;
  await new Promise<void>((r) => probe.close(() => r()));

  const pool = createPool({ hosts });
  try {
    await pool.execute('CREATE TABLE cli_types (id INT, b BIGINT, dec DECIMAL(38,10), s STRING, ts TIMESTAMP, dt DATE)');
    const insert = 'INSERT INTO cli_types VALUES (?, ?, CAST(? AS DECIMAL(38,10)), ?, CAST(? AS TIMESTAMP), CAST(? AS DATE))';
    await pool.execute(insert, [1, 9223372036854775807n, BIG_DECIMAL, 'żółw 🐢', '2026-11-24 18:05:01', '2026-11-24']);
    await pool.execute(insert, [2, -9007199254740991n, '-0.5', 'a,b\tc"d\ne', null, null]);
    await pool.execute(insert, [3, 9007199254740992n, null, '', '1400-01-01 00:00:00', '0001-01-01']);
    await pool.execute(insert, [4, null, null, null, null, null]);
    await pool.execute('CREATE TABLE cli_log (n INT)');
    await pool.execute('CREATE DATABASE cli_db');
    await pool.execute('CREATE TABLE cli_db.only_here (n INT)');
    await pool.execute('INSERT INTO cli_db.only_here VALUES (7), (8)');
  } finally {
    await pool.end();
  }
  // Every coordinator's catalog has the tables before a CLI run may land on it.
  for (const h of hosts) {
    const [host, port] = h.split(':');
    const c = await connect({ host: host!, port: Number(port) });
    try {
      for (let i = 0; ; i++) {
        try {
          await c.query('SELECT count(*) FROM cli_db.only_here');
          await c.query('SELECT count(*) FROM cli_types');
          break;
        } catch (err) {
          if (i > 100) throw err;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    } finally {
      await c.close();
    }
  }
}, SLOW);

afterAll(async () => {
  await cluster?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const SELECT_TYPES = 'SELECT * FROM cli_types ORDER BY id';

describe('impala-pool query: where it connects', () => {
  it(
    'runs through a pool over several coordinators given as repeated and comma-separated --host',
    async () => {
      const runs = await Promise.all([
        query(['--host', hosts[0]!, '--host', `${hosts[1]},${hosts[2]}`, '--format', 'csv', 'SELECT 41 + 1 AS x']),
        q(['--format', 'csv', 'SELECT 41 + 1 AS x']),
      ]);
      for (const r of runs) {
        expect(r.stdout).toBe('x\n42\n');
        expect(r.code).toBe(0);
        const [line, ...rest] = summaries(r.stderr);
        expect(rest).toEqual([]);
        expect(line).toMatch(/^Fetched 1 row\(s\) in \d+\.\d\ds on 127\.0\.0\.1:\d+$/);
        expect(hosts).toContain(line!.split(' on ')[1]);
      }
    },
    SLOW,
  );

  it(
    'passes over a coordinator that is down, and fails with exit 1 when all are',
    async () => {
      const [some, none] = await Promise.all([
        // Two of the three are down (one by name): the pool passes over them.
        query([
          '--host',
          `${deadHost},${hosts[0]}`,
          '--host',
          deadHost.replace('127.0.0.1', 'localhost'),
          '--format=csv',
          'SELECT 1 AS one',
        ]),
        query(['--host', deadHost, 'SELECT 1 AS one']),
      ]);
      expect(some.stdout).toBe('one\n1\n');
      expect(some.code).toBe(0);
      expect(none.stdout).toBe('');
      expect(none.stderr).toMatch(/^error \[IMPALA_NO_HEALTHY_COORDINATOR\]: .*ECONNREFUSED/);
      expect(none.code).toBe(1);
    },
    SLOW,
  );

  it(
    "takes the pool's impala:// URL as --url or as the --host value: hosts, user, database and pool options",
    async () => {
      const list = hosts.join(',');
      const [asUrl, asHost, options, timedOut] = await Promise.all([
        query(['--url', `impala://cli_user@${list}/cli_db?tls=false`, '--format', 'csv', 'SELECT count(*) AS n FROM only_here']),
        query(['--host', `impala://${list}/cli_db`, '--format', 'csv', 'SELECT sum(n) AS total FROM only_here']),
        // The URL's options reach the pool: its session starts with the URL's query option.
        query(['--url', `impala://${list}?MEM_LIMIT=2g&strategy=roundrobin&connectTimeoutMs=2000`, '--format', 'csv', 'SET']),
        // A statement's deadline is --timeout-ms's (the pool's URL has no such option), with a URL too.
        query(['--url', `impala://${list}?strategy=p2c`, '--timeout-ms', '300', 'SELECT sleep(10000)']),
      ]);
      expect(asUrl.stdout).toBe('n\n2\n');
      expect(asUrl.code).toBe(0);
      expect(asHost.stdout).toBe('total\n15\n');
      expect(asHost.code).toBe(0);
      expect(options.stdout).toMatch(/^MEM_LIMIT,2g,/m);
      expect(options.code).toBe(0);
      expect(timedOut.stderr).toMatch(/^error \[IMPALA_QUERY_TIMEOUT\]: .*300 ms/);
      expect(timedOut.code).toBe(1);
    },
    SLOW,
  );
});

describe('impala-pool query: where the SQL comes from', () => {
  it(
    'reads -f files and arguments in the order given, split at ; outside quotes and comments',
    async () => {
      const a = join(dir, 'a.sql');
      const b = join(dir, 'b.sql');
      writeFileSync(a, '-- the first file\nSELECT \'a;1\' AS v;\n/* ; */ SELECT "a\\";2" AS v; ;\n');
      writeFileSync(b, '\uFEFFSELECT `b;1` FROM (SELECT 3 AS `b;1`) t -- trailing; comment');
      const r = await q(['--format', 'ndjson', '-f', a, 'SELECT 4 AS v', '-f', b]);
      expect(
        r.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as unknown),
      ).toEqual([{ v: 'a;1' }, { v: 'a";2' }, { v: 4 }, { 'b;1': 3 }]);
      expect(r.code).toBe(0);
      expect(summaries(r.stderr)).toHaveLength(4);
      for (const l of summaries(r.stderr)) expect(l).toMatch(SUMMARY);
    },
    SLOW,
  );

  it(
    'reads stdin when there is no SQL argument and no -f, and with -f -',
    async () => {
      const script = "SELECT 'from stdin' AS src;\nSELECT 2 AS two;\n";
      const [implicit, dash] = await Promise.all([
        q(['--format', 'csv'], script),
        q(['--format', 'csv', 'SELECT 1 AS one', '-f', '-'], script),
      ]);
      expect(implicit.stdout).toBe('src\nfrom stdin\n\ntwo\n2\n');
      expect(implicit.code).toBe(0);
      expect(dash.stdout).toBe('one\n1\n\nsrc\nfrom stdin\n\ntwo\n2\n');
      expect(dash.code).toBe(0);
    },
    SLOW,
  );
});

describe('impala-pool query: output formats', () => {
  it(
    'table: exact values, NULL, unicode widths, control characters escaped',
    async () => {
      const r = await q([SELECT_TYPES]);
      expect(r.stdout).toBe(
        [
          '+----+---------------------+-----------------------------------------+----------+---------------------+------------+',
          '| id | b                   | dec                                     | s        | ts                  | dt         |',
          '+----+---------------------+-----------------------------------------+----------+---------------------+------------+',
          '| 1  | 9223372036854775807 | 1234567890123456789012345678.0123456789 | żółw 🐢  | 2026-11-24 18:05:01 | 2026-11-24 |',
          '| 2  | -9007199254740991   | -0.5000000000                           | a,b\\tc"d | NULL                | NULL       |',
          '|    |                     |                                         | e        |                     |            |',
          '| 3  | 9007199254740992    | NULL                                    |          | 1400-01-01 00:00:00 | 0001-01-01 |',
          '| 4  | NULL                | NULL                                    | NULL     | NULL                | NULL       |',
          '+----+---------------------+-----------------------------------------+----------+---------------------+------------+',
          '',
        ].join('\n'),
      );
      expect(summaries(r.stderr)).toEqual([expect.stringMatching(/^Fetched 4 row\(s\) in /)]);
      expect(r.code).toBe(0);
    },
    SLOW,
  );

  it(
    'csv and tsv: quoting of delimiters, quotes and newlines; NULL empty, an empty string ""; --no-header',
    async () => {
      const [csv, tsv, bare] = await Promise.all([
        q(['--format', 'csv', SELECT_TYPES]),
        q(['--format', 'tsv', SELECT_TYPES]),
        q(['--format', 'csv', '--no-header', 'SELECT id, s FROM cli_types WHERE id < 3 ORDER BY id']),
      ]);
      expect(csv.stdout).toBe(
        'id,b,dec,s,ts,dt\n' +
          '1,9223372036854775807,1234567890123456789012345678.0123456789,żółw 🐢,2026-11-24 18:05:01,2026-11-24\n' +
          '2,-9007199254740991,-0.5000000000,"a,b\tc""d\ne",,\n' +
          '3,9007199254740992,,"",1400-01-01 00:00:00,0001-01-01\n' +
          '4,,,,,\n',
      );
      expect(tsv.stdout).toBe(
        'id\tb\tdec\ts\tts\tdt\n' +
          '1\t9223372036854775807\t1234567890123456789012345678.0123456789\tżółw 🐢\t2026-11-24 18:05:01\t2026-11-24\n' +
          '2\t-9007199254740991\t-0.5000000000\t"a,b\tc""d\ne"\t\t\n' +
          '3\t9007199254740992\t\t""\t1400-01-01 00:00:00\t0001-01-01\n' +
          '4\t\t\t\t\t\n',
      );
      expect(bare.stdout).toBe('1,żółw 🐢\n2,"a,b\tc""d\ne"\n');
      for (const r of [csv, tsv, bare]) expect(r.code).toBe(0);
    },
    SLOW,
  );

  it(
    'json: one parseable array of statements; BIGINT a number only when safe, DECIMAL a string, NULL null',
    async () => {
      const script = `SET MEM_LIMIT=1g; ${SELECT_TYPES}; INSERT INTO cli_log VALUES (100), (101); SELECT 1 AS a, 2 AS a`;
      const r = await q(['--format', 'json', script]);
      expect(r.code).toBe(0);
      // BIGINT past 2^53 stays exact: as a string in the text itself, not a rounded number.
      expect(r.stdout).toContain('"b":"9223372036854775807"');
      const doc = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
      expect(doc.map((s) => s.statement)).toEqual([1, 2, 3, 4]);
      expect(doc[0]).toMatchObject({ sql: 'SET MEM_LIMIT=1g', columns: [], rows: [] });
      expect(doc[1]!.columns).toEqual([
        { name: 'id', type: 'INT' },
        { name: 'b', type: 'BIGINT' },
        { name: 'dec', type: 'DECIMAL(38,10)' },
        { name: 's', type: 'STRING' },
        { name: 'ts', type: 'TIMESTAMP' },
        { name: 'dt', type: 'DATE' },
      ]);
      expect(doc[1]!.rows).toEqual([
        { id: 1, b: '9223372036854775807', dec: BIG_DECIMAL, s: 'żółw 🐢', ts: '2026-11-24 18:05:01', dt: '2026-11-24' },
        { id: 2, b: -9007199254740991, dec: '-0.5000000000', s: 'a,b\tc"d\ne', ts: null, dt: null },
        { id: 3, b: '9007199254740992', dec: null, s: '', ts: '1400-01-01 00:00:00', dt: '0001-01-01' },
        { id: 4, b: null, dec: null, s: null, ts: null, dt: null },
      ]);
      expect(doc[2]).toMatchObject({ sql: 'INSERT INTO cli_log VALUES (100), (101)', rowsAffected: 2 });
      expect(doc[3]!.rows).toEqual([{ a: 1, a_2: 2 }]);
      for (const s of doc) {
        expect(hosts).toContain(s.coordinator);
        expect(s.queryId).toMatch(/^[0-9a-f]{16}:[0-9a-f]{16}$/);
      }
      const lines = summaries(r.stderr);
      expect(lines).toEqual([
        expect.stringMatching(/^Done in /),
        expect.stringMatching(/^Fetched 4 row\(s\) in /),
        expect.stringMatching(/^Modified 2 row\(s\) in /),
        expect.stringMatching(/^Fetched 1 row\(s\) in /),
      ]);
    },
    SLOW,
  );

  it(
    'ndjson: one object per row, the same value rules',
    async () => {
      const r = await q(['--format', 'ndjson', `${SELECT_TYPES}; SELECT 'next' AS s`]);
      expect(r.code).toBe(0);
      const lines = r.stdout.split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(5);
      expect(lines[0]).toBe(
        `{"id":1,"b":"9223372036854775807","dec":"${BIG_DECIMAL}","s":"żółw 🐢","ts":"2026-11-24 18:05:01","dt":"2026-11-24"}`,
      );
      expect(lines.map((l) => JSON.parse(l) as unknown).slice(1)).toEqual([
        { id: 2, b: -9007199254740991, dec: '-0.5000000000', s: 'a,b\tc"d\ne', ts: null, dt: null },
        { id: 3, b: '9007199254740992', dec: null, s: '', ts: '1400-01-01 00:00:00', dt: '0001-01-01' },
        { id: 4, b: null, dec: null, s: null, ts: null, dt: null },
        { s: 'next' },
      ]);
    },
    SLOW,
  );

  it(
    'keeps stderr free of progress output when it is not a terminal, and --quiet leaves it empty',
    async () => {
      const [plain, quiet] = await Promise.all([
        q(['SELECT sleep(1300) AS slept']),
        q(['--quiet', '--format', 'csv', 'SELECT 1 AS one; SELECT 2 AS two']),
      ]);
      expect(plain.code).toBe(0);
      expect(plain.stderr).toMatch(/^Fetched 1 row\(s\) in \d+\.\d\ds on 127\.0\.0\.1:\d+\n$/);
      expect(quiet.stderr).toBe('');
      expect(quiet.stdout).toBe('one\n1\n\ntwo\n2\n');
      expect(quiet.code).toBe(0);
    },
    SLOW,
  );
});

describe('impala-pool query: --param', () => {
  it(
    'binds typed values to the ? placeholders of all the statements, in order',
    async () => {
      const r = await q([
        '--format',
        'json',
        ...['--param', 'int:9223372036854775807', '--param', "it's; -- not a comment", '--param', 'null', '--param', 'str:null'],
        ...['--param', 'double:1.5', '--param', 'bool:true', '--param', 'int:-7'],
        "SELECT ? AS big, ? AS text, ? AS nothing, '?' AS literal; SELECT ? AS word, ? AS half, ? AS yes, ? AS neg",
      ]);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout) as Array<{ rows: unknown[] }>;
      expect(doc.map((s) => s.rows)).toEqual([
        [{ big: '9223372036854775807', text: "it's; -- not a comment", nothing: null, literal: '?' }],
        [{ word: 'null', half: 1.5, yes: true, neg: -7 }],
      ]);
    },
    SLOW,
  );

  it(
    'refuses a --param count that does not fit the placeholders, before running anything (exit 2)',
    async () => {
      const [few, many, bad] = await Promise.all([
        q(['--param', '1', 'INSERT INTO cli_log VALUES (?); SELECT ?']),
        q(['--param', '1', '--param', '2', 'INSERT INTO cli_log VALUES (?)']),
        q(['--param', 'int:x', 'SELECT ?']),
      ]);
      expect(few.stderr).toMatch(/^error: the SQL has 2 \? placeholders but 1 --param value was given/);
      expect(many.stderr).toMatch(/^error: the SQL has 1 \? placeholder but 2 --param values were given/);
      expect(bad.stderr).toMatch(/^error: --param 1: int: needs an integer/);
      for (const r of [few, many, bad]) {
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('');
      }
      const count = await q(['--format', 'csv', '--no-header', 'SELECT count(*) FROM cli_log WHERE n = 1']);
      expect(count.stdout).toBe('0\n');
    },
    SLOW,
  );
});

describe('impala-pool query: exit code 1', () => {
  it(
    'a failing statement prints error [CODE] and stops the script; --continue-on-error runs the rest, still exit 1',
    async () => {
      const script = 'SELECT nope FROM no_such_table; INSERT INTO cli_log VALUES (?)';
      const stopped = await q(['--param', 'int:201', '--format', 'json', script]);
      expect(stopped.code).toBe(1);
      expect(summaries(stopped.stderr)).toEqual([
        expect.stringMatching(/^error \[IMPALA_SERVER\]: AnalysisException: Could not resolve table reference: 'no_such_table'/),
        '  in statement 1 of 2 (argument 1, line 1)',
      ]);
      // The output is still one JSON document, with the failure in it.
      expect(JSON.parse(stopped.stdout)).toEqual([
        {
          statement: 1,
          sql: 'SELECT nope FROM no_such_table',
          error: { code: 'IMPALA_SERVER', message: expect.stringContaining('no_such_table') },
        },
      ]);
      const kept = await q(['--param', 'int:202', '--continue-on-error', script]);
      expect(kept.code).toBe(1);
      expect(summaries(kept.stderr)).toEqual([
        expect.stringMatching(/^error \[IMPALA_SERVER\]: /),
        '  in statement 1 of 2 (argument 1, line 1)',
        expect.stringMatching(/^Modified 1 row\(s\) in /),
      ]);
      const log = await q(['--format', 'csv', '--no-header', 'SELECT n FROM cli_log WHERE n > 200 ORDER BY n']);
      expect(log.stdout).toBe('202\n');
    },
    SLOW,
  );
});

// Usage errors and help touch no table: they run side by side.
describe.concurrent('impala-pool query: exit code 2', () => {
  const H = ['--host', '127.0.0.1'];
  it.each<[string, string[], RegExp]>([
    ['an unknown flag', [...H, '--bogus', 'SELECT 1'], /^error: Unknown option '--bogus'/],
    ['no SQL (an empty stdin)', H, /^error: no SQL: /],
    ['only comments', [...H, '/* nothing */ ;'], /^error: no SQL: /],
    ['no --host', ['SELECT 1'], /^error: no coordinator: give --host/],
    ['a bad --host', ['--host', 'b,a:NaN', 'SELECT 1'], /^error: --host: host 2: option hosts\[1\] must be 'host', 'host:port' or /],
    ['a bad --host port', ['--host', 'a:0', 'SELECT 1'], /^error: --host: host 1: option hosts\[0\] has an invalid port/],
    ['a bad IPv6 host', ['--host', '[::1:21050', 'SELECT 1'], /^error: --host: host 1: option hosts\[0\] must be 'host', /],
    ['a URL password', ['--url', 'impala://me:hunter2@h1', 'SELECT 1'], /^error: --url: the URL must not hold a password; .*_PASSWORD/],
    ['a password, tls=true', ['--host', 'impala://me:hunter2@h1?tls=true', 'SELECT 1'], /^error: --host: the URL must not hold a password/],
    ['a URL password option', ['--url', 'impala://h1?password=hunter2', 'SELECT 1'], /^error: --url: .* unknown option password/],
    ['an unknown URL option', ['--url', 'impala://h1?foo=1', 'SELECT 1'], /^error: --url: .* unknown option foo; a URL can set /],
    ['the old URL timeoutMs', ['--url', 'impala://h1?timeoutMs=300', 'SELECT 1'], /^error: --url: .* unknown option timeoutMs/],
    ['a bad URL option value', ['--url', 'impala://h1?maxAttempts=0', 'SELECT 1'], /^error: --url: option maxAttempts must be/],
    ['a bad URL port', ['--url', 'impala://h1:99999', 'SELECT 1'], /^error: --url: .* port of host 1 must be/],
    ['--tls and URL tls=false', ['--tls', '--url', 'impala://h1?tls=false', 'SELECT 1'], /^error: --tls and the URL's tls=false disagree/],
    ['--user and a URL user', ['--user', 'a', '--url', 'impala://b@h1', 'SELECT 1'], /^error: --user and the URL's user name disagree/],
    ['--database and URL db', ['--database', 'a', '--url', 'impala://h1/b', 'SELECT 1'], /^error: --database and the URL's \w+ disagree/],
    ['a host in the URL and --host', ['--url', 'impala://h1', '--host', 'H1:21050', 'SELECT 1'], /^error: --host: H1:21050 is given twice/],
    ['two URLs', ['--url', 'impala://h1', '--host', 'impala://h2', 'SELECT 1'], /^error: give one impala:\/\/ URL at most/],
    ['a bad --format', [...H, '--format', 'xml', 'SELECT 1'], /^error: --format must be one of table, csv, tsv, json, ndjson/],
    ['a missing -f file', [...H, '-f', '/no/such/file.sql'], /^error: -f \/no\/such\/file\.sql: cannot read it \(ENOENT\)/],
    ['a bad --timeout-ms', [...H, '--timeout-ms', 'soon', 'SELECT 1'], /^error: --timeout-ms must be/],
  ])(
    '%s',
    async (_name, args, message) => {
      const r = await query(args);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain("run 'impala-pool query --help' for usage");
      expect(r.stderr).not.toContain('hunter2');
      expect(r.stdout).toBe('');
      expect(r.code).toBe(2);
    },
    SLOW,
  );
});

describe.concurrent('impala-pool --version and --help', () => {
  it(
    '--version prints the package version, at the top level and for query',
    async () => {
      const [top, sub] = await Promise.all([runCli(['--version']), runCli(['query', '--version'])]);
      for (const r of [top, sub]) {
        expect(r.stdout).toBe(`${VERSION}\n`);
        expect(r.code).toBe(0);
      }
    },
    SLOW,
  );

  const FLAGS: Record<string, string[]> = {
    query: [
      '--host',
      '--url',
      '--database',
      '--user',
      '--tls',
      '--auth-creds-ok-in-clear',
      '--timeout-ms',
      '-f, --file',
      '--param',
      '--continue-on-error',
      '--format',
      '--no-header',
      '--quiet',
      '--version',
      '--help',
      'IMPALA_PASSWORD',
      'exit status',
    ],
    demo: ['--coordinators'],
    cluster: [
      '--coordinators',
      '--catalog-delay-ms',
      '--port',
      '--idle-session-timeout-ms',
      '--latency-ms',
      '--isolation',
      '--http',
      '--http-port',
      '--user',
      '--keytab',
      '--principal',
      '--jwt-secret-file',
      '--tls-cert',
      '--tls-key',
      '--tls-client-ca',
    ],
    bench: ['--quick', '--scenario', '--out'],
  };

  it.each(Object.keys(FLAGS))(
    '%s --help prints its usage and flags, exit 0',
    async (command) => {
      const r = await runCli([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: impala-pool ${command}`));
      for (const flag of FLAGS[command]!) expect(r.stdout).toContain(flag);
    },
    SLOW,
  );
});
