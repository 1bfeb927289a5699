/**
 * The coordinator's HS2 answers, field by field, through the stock thrift
 * runtime and the generated client: sessions, handles, states, errors,
 * metadata, fetch paging, DML counts and Impala's extensions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { impala, tcli } from '../../src/wire/gen.js';
import { formatQueryId, startCluster, type LocalCluster } from '../../src/testing/index.js';
import { columnValues, expectOk, fetchAll, rawConnect, run, submit, waitDone, type RawSession } from './support/raw-client.js';

let cluster: LocalCluster;
let s: RawSession;
const port = (): number => cluster.coordinators[0]!.port;
const stats = () => cluster.stats()[0]!;

beforeAll(async () => {
  cluster = await startCluster();
  s = await rawConnect(port());
});
afterAll(async () => {
  await s?.close();
  await cluster?.close();
});

describe('sessions', () => {
  it.each([
    [tcli.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6, tcli.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6],
    [tcli.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V7, tcli.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6],
    [9 as never, tcli.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6],
    [tcli.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V3, tcli.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V3],
  ])('client protocol %i → server answers %i', async (asked, answered) => {
    const resp = await s.client.OpenSession(new tcli.TOpenSessionReq({ client_protocol: asked }));
    expectOk(resp.status);
    expect(resp.serverProtocolVersion).toBe(answered);
    expect(resp.sessionHandle!.sessionId.guid.length).toBe(16);
    expect(resp.sessionHandle!.sessionId.secret.length).toBe(16);
    expectOk((await s.client.CloseSession(new tcli.TCloseSessionReq({ sessionHandle: resp.sessionHandle! }))).status);
  });

  it('applies use:database and query options from the session configuration (keys case-insensitive)', async () => {
    await run(s, 'CREATE DATABASE IF NOT EXISTS cfgdb');
    await run(s, 'CREATE TABLE cfgdb.t (a INT)');
    const other = await rawConnect(port(), { 'use:database': 'cfgdb', mem_limit: '2g' });
    try {
      const { rowSets } = await run(other, 'SELECT count(*) AS n FROM t');
      expect(columnValues(rowSets, 0)).toEqual([0n]);
      const { rowSets: opts } = await run(other, 'SET');
      const names = columnValues(opts, 0);
      expect(columnValues(opts, 1)[names.indexOf('MEM_LIMIT')]).toBe('2g');
    } finally {
      await other.close();
    }
  });

  it('unknown or closed session handles → ERROR_STATUS, "Invalid session id", HY000', async () => {
    const other = await rawConnect(port());
    const handle = other.session;
    await other.close();
    const resp = await s.client.ExecuteStatement(new tcli.TExecuteStatementReq({ sessionHandle: handle, statement: 'SELECT 1' }));
    expect(resp.status.statusCode).toBe(tcli.TStatusCode.ERROR_STATUS);
    expect(resp.status.errorMessage).toBe(`Invalid session id: ${formatQueryId(handle.sessionId.guid)}`);
    expect(resp.status.sqlState).toBe('HY000');
    // A right guid with the wrong secret is no better.
    const forged = new tcli.TSessionHandle({
      sessionId: new tcli.THandleIdentifier({ guid: s.session.sessionId.guid, secret: Buffer.alloc(16) }),
    });
    const ping = await s.client.PingImpalaHS2Service(new impala.TPingImpalaHS2ServiceReq({ sessionHandle: forged }));
    expect(ping.status.errorMessage).toMatch(/^Invalid session id: /);
  });

  it('CloseSession closes the session and its operations', async () => {
    const other = await rawConnect(port());
    const before = stats();
    const resp = await submit(other, 'SELECT sleep(5000)');
    expectOk(resp.status);
    expect(stats().operationsOpen).toBe(before.operationsOpen + 1);
    expect(stats().inFlight).toBe(before.inFlight + 1);
    expectOk((await other.client.CloseSession(new tcli.TCloseSessionReq({ sessionHandle: other.session }))).status);
    expect(stats().sessionsOpen).toBe(before.sessionsOpen - 1);
    expect(stats().operationsOpen).toBe(before.operationsOpen);
    expect(stats().inFlight).toBe(before.inFlight);
    const st = await s.client.GetOperationStatus(new tcli.TGetOperationStatusReq({ operationHandle: resp.operationHandle! }));
    expect(st.status.errorMessage).toBe(`Invalid or unknown query handle: ${formatQueryId(resp.operationHandle!.operationId.guid)}.`);
    await other.close();
  });

  it('answers GetInfo and ping like impalad', async () => {
    const info = async (t: number) =>
      (await s.client.GetInfo(new tcli.TGetInfoReq({ sessionHandle: s.session, infoType: t }))).infoValue.stringValue;
    expect(await info(tcli.TGetInfoType.CLI_SERVER_NAME)).toBe('Impala');
    expect(await info(tcli.TGetInfoType.CLI_DBMS_NAME)).toBe('Impala');
    expect(await info(tcli.TGetInfoType.CLI_DBMS_VER)).toBe('4.4.0-impala-pool-testing');
    const p1 = await s.client.PingImpalaHS2Service(new impala.TPingImpalaHS2ServiceReq({ sessionHandle: s.session }));
    await new Promise((r) => setTimeout(r, 5));
    const p2 = await s.client.PingImpalaHS2Service(new impala.TPingImpalaHS2ServiceReq({ sessionHandle: s.session }));
    expectOk(p1.status);
    expect(p1.version).toBe('4.4.0-impala-pool-testing');
    expect(p1.webserver_address).toBe('127.0.0.1:25000');
    expect(p2.timestamp!.toNumber()).toBeGreaterThan(p1.timestamp!.toNumber());
  });
});

describe('ExecuteStatement', () => {
  it.each([
    ['SELECT * FROM nope', "AnalysisException: Could not resolve table reference: 'nope'"],
    ['SELECT * FROM nodb.t', "AnalysisException: Could not resolve table reference: 'nodb.t'"],
    ['SELECT nope FROM (SELECT 1 AS a) x', "AnalysisException: Could not resolve column/field reference: 'nope'"],
    ['INSERT INTO nope VALUES (1)', 'AnalysisException: Table does not exist: default.nope'],
    ['DROP TABLE nope', 'AnalysisException: Table does not exist: default.nope'],
    ['CREATE TABLE dup (a INT)', 'AnalysisException: Table already exists: default.dup'],
    ['CREATE DATABASE default', 'AnalysisException: Database already exists: default'],
    ['CREATE TABLE nodb.t (a INT)', 'AnalysisException: Database does not exist: nodb'],
    ['USE nodb', 'AnalysisException: Database does not exist: nodb'],
    ['DROP DATABASE default', 'AnalysisException: Cannot drop default database'],
    ['DESCRIBE nope', "AnalysisException: Could not resolve path: 'default.nope'"],
    ['SELECT no_such_fn(1)', 'AnalysisException: default.no_such_fn() unknown for database default. Currently this db has 0 functions.'],
    [
      'SELEKT 1',
      /^ParseException: Syntax error in line 1:\nSELEKT 1\n\^\nEncountered: IDENTIFIER\nExpected: ALTER, .*WITH\n\nCAUSED BY: Exception: Syntax error$/,
    ],
    ['SELECT 1 FROM', /^ParseException: Syntax error in line 1:\nSELECT 1 FROM\n {13}\^\nEncountered: EOF/],
    ["SELECT 'unterminated", /^ParseException: Syntax error in line 1:/],
    ['SELECT 1; SELECT 2', /^ParseException: Syntax error in line 1:\nSELECT 1; SELECT 2\n {10}\^/],
    // DuckDB's own statements and file access are not Impala's, and stay shut.
    ["ATTACH '/tmp/x.db'", /^ParseException: Syntax error in line 1:\nATTACH/],
    ['PRAGMA version', /^ParseException/],
    ["SELECT * FROM read_csv('/etc/passwd')", /disabled|external access/i],
  ])('%s → ERROR_STATUS with Impala text, HY000, no handle', async (sql, message) => {
    await run(s, 'CREATE TABLE IF NOT EXISTS dup (a INT)');
    const before = stats();
    const resp = await submit(s, sql);
    expect(resp.status.statusCode).toBe(tcli.TStatusCode.ERROR_STATUS);
    if (typeof message === 'string') expect(resp.status.errorMessage).toBe(message);
    else expect(resp.status.errorMessage).toMatch(message);
    expect(resp.status.sqlState).toBe('HY000');
    expect(resp.operationHandle).toBeFalsy();
    expect(stats().queries).toBe(before.queries + 1);
    expect(stats().operationsOpen).toBe(before.operationsOpen);
  });

  it.each([
    ['SELECT 1', true, 'query'],
    ['WITH x AS (SELECT 1 AS a) SELECT a FROM x', true, 'query'],
    ['VALUES (1, 2)', true, 'query'],
    ['SHOW TABLES', true, 'query'],
    ['SHOW DATABASES', true, 'query'],
    ['DESCRIBE dup', true, 'query'],
    ['EXPLAIN SELECT * FROM dup', true, 'query'],
    ['CREATE TABLE IF NOT EXISTS k (a INT)', false, 'ddl'],
    ['INSERT INTO k VALUES (1)', false, 'dml'],
    ['INVALIDATE METADATA', false, 'ddl'],
    ['REFRESH k', false, 'ddl'],
    // One `summary` row, as impalad answers (CatalogOpExecutor: "Updated 1 partition(s) and N column(s).").
    ['COMPUTE STATS k', true, 'ddl'],
    ['SET MT_DOP=2', false, 'other'],
    ['USE default', false, 'other'],
  ])('%s → handle at once, hasResultSet %s, counted as %s', async (sql, hasResultSet, kind) => {
    await run(s, 'CREATE TABLE IF NOT EXISTS dup (a INT)');
    const before = stats();
    const resp = await submit(s, sql);
    expectOk(resp.status);
    const op = resp.operationHandle!;
    expect(op.hasResultSet).toBe(hasResultSet);
    expect(op.operationType).toBe(tcli.TOperationType.EXECUTE_STATEMENT);
    expect(formatQueryId(op.operationId.guid)).toMatch(/^[0-9a-f]{16}:[0-9a-f]{8}00000000$/);
    const st = await waitDone(s, op);
    expect(st.operationState).toBe(tcli.TOperationState.FINISHED_STATE);
    if (hasResultSet) await fetchAll(s, op);
    expectOk((await s.client.CloseOperation(new tcli.TCloseOperationReq({ operationHandle: op }))).status);
    const after = stats();
    expect(after.byKind[kind as 'query']).toBe(before.byKind[kind as 'query'] + 1);
    expect(after.operationsOpen).toBe(before.operationsOpen);
  });

  it('runtime errors surface in GetOperationStatus: ERROR_STATE, message, HY000', async () => {
    const resp = await submit(s, "SELECT CAST('x' AS DATE) AS n");
    expectOk(resp.status);
    const st = await waitDone(s, resp.operationHandle!);
    expect(st.operationState).toBe(tcli.TOperationState.ERROR_STATE);
    expect(st.errorMessage).toBe("UDF ERROR: String to Date parse failed. Invalid string val: 'x'");
    expect(st.sqlState).toBe('HY000');
    const fetched = await s.client.FetchResults(
      new tcli.TFetchResultsReq({ operationHandle: resp.operationHandle!, orientation: 0, maxRows: 10 as never }),
    );
    expect(fetched.status.statusCode).toBe(tcli.TStatusCode.ERROR_STATUS);
    await s.client.CloseOperation(new tcli.TCloseOperationReq({ operationHandle: resp.operationHandle! }));
  });

  it('sleep(ms) runs in the background, counts as in flight, and cancels before it would end', async () => {
    const before = stats();
    const started = Date.now();
    const sleepMs = 20_000;
    const resp = await submit(s, `SELECT sleep(${sleepMs}) AS s`);
    const op = resp.operationHandle!;
    // RUNNING after ExecuteStatement answered: the sleep goes on in the background.
    const st = await s.client.GetOperationStatus(new tcli.TGetOperationStatusReq({ operationHandle: op }));
    expect(st.operationState).toBe(tcli.TOperationState.RUNNING_STATE);
    expect(stats().inFlight).toBe(before.inFlight + 1);
    expectOk((await s.client.CancelOperation(new tcli.TCancelOperationReq({ operationHandle: op }))).status);
    expect((await waitDone(s, op)).operationState).toBe(tcli.TOperationState.CANCELED_STATE);
    expect(stats().inFlight).toBe(before.inFlight);
    const fetched = await s.client.FetchResults(new tcli.TFetchResultsReq({ operationHandle: op, orientation: 0, maxRows: 10 as never }));
    expect(fetched.status.errorMessage).toBe('Cancelled');
    await s.client.CloseOperation(new tcli.TCloseOperationReq({ operationHandle: op }));
    // The cancel ended it, not the sleep: far short of its 20 s (a bound with room for a loaded machine).
    expect(Date.now() - started).toBeLessThan(sleepMs / 2);
  });

  it('finished sleep(ms) returns BOOLEAN true', async () => {
    const { rowSets } = await run(s, 'SELECT sleep(20) AS s');
    expect(columnValues(rowSets, 0)).toEqual([true]);
  });

  it('confOverlay applies to one statement; SET and USE change the session', async () => {
    const overlay = await submit(s, 'SET', { request_pool: 'etl' });
    await waitDone(s, overlay.operationHandle!);
    expect(overlay.operationHandle!.hasResultSet).toBe(true);
    await run(s, "SET EXPLAIN_LEVEL='2'");
    const { rowSets } = await run(s, 'SET ALL');
    const names = columnValues(rowSets, 0);
    expect(columnValues(rowSets, 1)[names.indexOf('EXPLAIN_LEVEL')]).toBe('2');
    await run(s, 'CREATE DATABASE IF NOT EXISTS usedb');
    await run(s, 'USE usedb');
    await run(s, 'CREATE TABLE here (a INT)');
    const { rowSets: tables } = await run(s, 'SHOW TABLES IN usedb');
    expect(columnValues(tables, 0)).toEqual(['here']);
    await run(s, 'USE default');
  });
});

describe('results', () => {
  it('pages with maxRows, numbering row sets and ending with hasMoreRows false', async () => {
    const resp = await submit(s, 'SELECT range AS n FROM range(25)');
    const op = resp.operationHandle!;
    await waitDone(s, op);
    const pages: Array<[number, number, boolean]> = [];
    for (;;) {
      const r = await s.client.FetchResults(new tcli.TFetchResultsReq({ operationHandle: op, orientation: 0, maxRows: 10 as never }));
      expectOk(r.status);
      pages.push([r.results!.startRowOffset.toNumber(), columnValues([r.results!], 0).length, r.hasMoreRows!]);
      if (!r.hasMoreRows) break;
    }
    expect(pages).toEqual([
      [0, 10, true],
      [10, 10, true],
      [20, 5, false],
    ]);
    await s.client.CloseOperation(new tcli.TCloseOperationReq({ operationHandle: op }));
  });

  it('streams: the first rows of a 50,000,000-row result come without materialising it', async () => {
    global.gc?.();
    const rss = process.memoryUsage().rss;
    const started = Date.now();
    const resp = await submit(s, "SELECT range AS n, concat('row-', CAST(range AS STRING)) AS label FROM range(50000000)");
    const op = resp.operationHandle!;
    await waitDone(s, op);
    const r = await s.client.FetchResults(new tcli.TFetchResultsReq({ operationHandle: op, orientation: 0, maxRows: 1000 as never }));
    expect(columnValues([r.results!], 0).slice(0, 3)).toEqual([0n, 1n, 2n]);
    expect(columnValues([r.results!], 1)[999]).toBe('row-999');
    expect(r.hasMoreRows).toBe(true);
    // A hang guard, not a speed claim (about 0.1 s here); what shows nothing was materialised is the memory bound.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 1024 * 1024);
    expect(stats().inFlight).toBeGreaterThanOrEqual(1);
    await s.client.CloseOperation(new tcli.TCloseOperationReq({ operationHandle: op }));
  });

  it('reports declared types in metadata and DESCRIBE', async () => {
    await run(s, 'CREATE TABLE typed (v VARCHAR(10), c CHAR(3), ts TIMESTAMP, d DECIMAL(9,2), s STRING, b BINARY) STORED AS PARQUET');
    const resp = await submit(s, 'SELECT v, c, ts, d, s, b, upper(v) AS u FROM typed');
    await waitDone(s, resp.operationHandle!);
    const meta = await s.client.GetResultSetMetadata(new tcli.TGetResultSetMetadataReq({ operationHandle: resp.operationHandle! }));
    const desc = meta.schema!.columns.map((c) => {
      const e = c.typeDesc.types[0]!.primitiveEntry!;
      const q = e.typeQualifiers?.qualifiers ?? {};
      return [c.columnName, c.position, e.type, Object.fromEntries(Object.entries(q).map(([k, v]) => [k, v.i32Value]))];
    });
    expect(desc).toEqual([
      ['v', 0, tcli.TTypeId.VARCHAR_TYPE, { characterMaximumLength: 10 }],
      ['c', 1, tcli.TTypeId.CHAR_TYPE, { characterMaximumLength: 3 }],
      ['ts', 2, tcli.TTypeId.TIMESTAMP_TYPE, {}],
      ['d', 3, tcli.TTypeId.DECIMAL_TYPE, { precision: 9, scale: 2 }],
      ['s', 4, tcli.TTypeId.STRING_TYPE, {}],
      ['b', 5, tcli.TTypeId.BINARY_TYPE, {}],
      ['u', 6, tcli.TTypeId.STRING_TYPE, {}],
    ]);
    await s.client.CloseOperation(new tcli.TCloseOperationReq({ operationHandle: resp.operationHandle! }));
    const { rowSets } = await run(s, 'DESCRIBE typed');
    expect(columnValues(rowSets, 1)).toEqual(['varchar(10)', 'char(3)', 'timestamp', 'decimal(9,2)', 'string', 'binary']);
  });

  it('stores TIMESTAMP in Impala’s text form and cuts CHAR(n)/VARCHAR(n), whatever was inserted', async () => {
    await run(s, 'CREATE TABLE conform (ts TIMESTAMP, c CHAR(3), v VARCHAR(4))');
    await run(s, "INSERT INTO conform VALUES ('2026-01-02T03:04:05.5', 'abcdef', 'abcdef')");
    await run(s, "INSERT INTO conform SELECT CAST('2026-01-02' AS DATE), 'x', NULL");
    await run(s, "INSERT INTO conform VALUES ('not a time', NULL, 'ü日本語🎉')");
    const { rowSets } = await run(s, 'SELECT ts, c, v FROM conform');
    expect(columnValues(rowSets, 0)).toEqual(['2026-01-02 03:04:05.500000000', '2026-01-02 00:00:00', null]);
    expect(columnValues(rowSets, 1)).toEqual(['abc', 'x  ', null]);
    expect(columnValues(rowSets, 2)).toEqual(['abcd', null, 'ü日本語']);
  });

  it('CloseImpalaOperation returns DML row counts; INSERT OVERWRITE replaces', async () => {
    await run(s, 'CREATE TABLE counted (id INT, name STRING)');
    expect((await run(s, "INSERT INTO counted VALUES (1, 'a'), (2, 'b'), (3, 'c')")).rowsModified).toBe(3);
    expect((await run(s, 'INSERT OVERWRITE TABLE counted SELECT id * 10, name FROM counted WHERE id < 3')).rowsModified).toBe(2);
    const { rowSets, rowsModified } = await run(s, 'SELECT id FROM counted ORDER BY id');
    expect(rowsModified).toBeUndefined();
    expect(columnValues(rowSets, 0)).toEqual([10, 20]);
  });

  it('GetRuntimeProfile and GetExecSummary describe the query, also after it is closed', async () => {
    const { op } = await run(s, 'SELECT range AS n FROM range(7)');
    const id = formatQueryId(op.operationId.guid);
    const prof = await s.client.GetRuntimeProfile(new impala.TGetRuntimeProfileReq({ operationHandle: op, sessionHandle: s.session }));
    expectOk(prof.status);
    const text = prof.profile!;
    expect(text.split('\n')[0]).toBe(`Query (id=${id}):`);
    for (const line of [
      /^ {2}Summary:$/m,
      new RegExp(`^ {4}Session ID: ${formatQueryId(s.session.sessionId.guid)}$`, 'm'),
      /^ {4}Sql Statement: SELECT range AS n FROM range\(7\)$/m,
      /^ {4}Query State: FINISHED$/m,
      /^ {4}Start Time: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/m,
      /^ {4}End Time: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/m,
      /^ {4}Duration: [\d.]+m?s/m,
      new RegExp(`^ {4}Coordinator: ${cluster.hosts[0]}$`, 'm'),
      /NumRowsFetched: 7 \(7\)/,
      /RowsProduced: 7 \(7\)/,
    ]) {
      expect(text).toMatch(line);
    }
    const summary = await s.client.GetExecSummary(new impala.TGetExecSummaryReq({ operationHandle: op, sessionHandle: s.session }));
    expectOk(summary.status);
    expect(summary.summary!.state).toBe(impala.TExecState.FINISHED);
    expect(summary.summary!.nodes!.length).toBeGreaterThanOrEqual(2);
    for (const node of summary.summary!.nodes!) {
      expect(node.exec_stats![0]!.cardinality!.toNumber()).toBe(7);
      // impala-shell's summary table prints the estimate; an unset one crashed it.
      expect(node.estimated_stats!.memory_used!.toNumber()).toBeGreaterThan(0);
    }
    expect(summary.summary!.is_queued).toBe(false);
  });

  // ImpalaServer::GetLog: scan progress, then the error, then warnings; impala-shell strips the progress line.
  const PROGRESS = /Query.*Complete \([0-9]* out of [0-9]*\)\n/g;
  it.each([
    { name: 'a clean query without tables', setup: [], sql: 'SELECT 1', log: (id: string) => `Query ${id} 100% Complete (0 out of 0)\n` },
    {
      name: 'a clean query over a table',
      setup: ['CREATE TABLE log_t (d DECIMAL(5,2))', 'INSERT INTO log_t VALUES (1.5)'],
      sql: 'SELECT * FROM log_t',
      log: (id: string) => `Query ${id} 100% Complete (1 out of 1)\n`,
    },
    { name: 'DDL (no fragments)', setup: [], sql: 'CREATE TABLE log_ddl (a INT)', log: () => '' },
    {
      name: 'a query that fails while running',
      setup: [],
      sql: 'SELECT d / 0 FROM log_t',
      log: (id: string) => `Query ${id} 100% Complete (1 out of 1)\nQuery ${id} failed:\nUDF ERROR: Cannot divide decimal by zero\n`,
    },
  ])('GetLog for $name is what impalad writes', async ({ setup, sql, log }) => {
    for (const statement of setup) await run(s, statement);
    const resp = await submit(s, sql);
    expectOk(resp.status);
    await waitDone(s, resp.operationHandle!);
    const got = await s.client.GetLog(new tcli.TGetLogReq({ operationHandle: resp.operationHandle! }));
    expectOk(got.status);
    expect(got.log).toBe(log(formatQueryId(resp.operationHandle!.operationId.guid)));
    // What a client prints as warnings after the statement: nothing unless it failed.
    expect(got.log!.replace(PROGRESS, '').trim() === '').toBe(!sql.includes('/ 0'));
    await s.client.CloseOperation(new tcli.TCloseOperationReq({ operationHandle: resp.operationHandle! }));
  });
});
