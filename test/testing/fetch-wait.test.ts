/**
 * FetchResults, GetResultSetMetadata and GetOperationStatus as impalad
 * serves them around a running query, checked field by field with a stock
 * Thrift client. Each row of the tables names the impalad behaviour it
 * checks and where Impala's source has it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { impala, tcli, type TCLITypes } from '../../src/wire/gen.js';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';
import { columnValues, expectOk, rawConnect, submit, waitDone, type RawSession } from './support/raw-client.js';

let cluster: LocalCluster;
let s: RawSession;
const port = (): number => cluster.coordinators[0]!.port;
const stats = () => cluster.stats()[0]!;

beforeAll(async () => {
  cluster = await startCluster({ coordinators: 1 });
  s = await rawConnect(port());
});

afterAll(async () => {
  await s?.close();
  await cluster?.close();
});

function fetch(
  session: RawSession,
  op: TCLITypes.TOperationHandle,
  orientation: number = tcli.TFetchOrientation.FETCH_NEXT,
): Promise<TCLITypes.TFetchResultsResp> {
  return session.client.FetchResults(new tcli.TFetchResultsReq({ operationHandle: op, orientation, maxRows: 1024 as never }));
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await work;
  return { value, ms: performance.now() - t0 };
}

async function started(session: RawSession, sql: string, overlay?: Record<string, string>): Promise<TCLITypes.TOperationHandle> {
  const resp = await submit(session, sql, overlay);
  expectOk(resp.status);
  return resp.operationHandle!;
}

describe('FetchResults waits for the rows at most FETCH_ROWS_TIMEOUT_MS', () => {
  // impala-hs2-server.cc, ImpalaServer::FetchInternal: WaitForResults → BlockOnWait(fetch_rows_timeout_us);
  // on timeout: STILL_EXECUTING_STATUS, hasMoreRows = true, results unset.
  it.each([
    ['from the confOverlay', {}, { FETCH_ROWS_TIMEOUT_MS: '150' }],
    ['from the session configuration', { fetch_rows_timeout_ms: '150' }, undefined],
  ])('%s: "no rows yet" after it, then the rows', async (_name, configuration, overlay) => {
    const session = await rawConnect(port(), configuration);
    try {
      const op = await started(session, 'SELECT sleep(2500) AS s', overlay);
      const first = await timed(fetch(session, op));
      expect(first.value.status.statusCode).toBe(tcli.TStatusCode.STILL_EXECUTING_STATUS);
      expect(first.value.hasMoreRows).toBe(true);
      expect(first.value.results).toBeNull();
      expect(first.ms).toBeGreaterThanOrEqual(140);
      // Answered on the fetch timeout, not when the statement ends (a bound far
      // from both, so a loaded machine cannot blur them).
      expect(first.ms).toBeLessThan(2000);
      // GetOperationStatus keeps answering for clients that poll.
      const st = await session.client.GetOperationStatus(new tcli.TGetOperationStatusReq({ operationHandle: op }));
      expect(st.operationState).toBe(tcli.TOperationState.RUNNING_STATE);
      let resp = first.value;
      let empty = 0;
      while (resp.status.statusCode === tcli.TStatusCode.STILL_EXECUTING_STATUS) {
        empty += 1;
        resp = await fetch(session, op);
      }
      expectOk(resp.status);
      expect(empty).toBeGreaterThanOrEqual(2);
      expect(columnValues([resp.results!], 0)).toEqual([true]);
      expect(resp.hasMoreRows).toBe(false);
      expectOk((await session.client.CloseImpalaOperation(new impala.TCloseImpalaOperationReq({ operationHandle: op }))).status);
    } finally {
      await session.close();
    }
  });

  it.each([
    // Query.thrift: fetch_rows_timeout_ms = 10000 when nothing sets it.
    ["unset: Impala's default, 10 s", undefined],
    // client-request-state.cc, ClientRequestState::BlockOnWait: a timeout of 0 waits until the rows are ready.
    ['0: as long as it takes', { FETCH_ROWS_TIMEOUT_MS: '0' }],
  ])('%s: one fetch waits the query out and brings its rows', async (_name, overlay) => {
    const op = await started(s, 'SELECT sleep(400) AS s', overlay);
    const { value, ms } = await timed(fetch(s, op));
    expectOk(value.status);
    expect(ms).toBeGreaterThanOrEqual(350);
    expect(columnValues([value.results!], 0)).toEqual([true]);
    expect(value.hasMoreRows).toBe(false);
    expectOk((await s.client.CloseImpalaOperation(new impala.TCloseImpalaOperationReq({ operationHandle: op }))).status);
  });

  it('a fetch in progress counts as client activity for idle query expiry (ClientRequestState::MarkActive)', async () => {
    const c = await startCluster({ coordinators: 1, idleQueryTimeoutMs: 150 });
    const session = await rawConnect(c.coordinators[0]!.port);
    try {
      const op = await started(session, 'SELECT sleep(600) AS s', { FETCH_ROWS_TIMEOUT_MS: '0' });
      const resp = await fetch(session, op);
      expectOk(resp.status);
      expect(columnValues([resp.results!], 0)).toEqual([true]);
    } finally {
      await session.close();
      await c.close();
    }
  });
});

describe('GetResultSetMetadata right after ExecuteStatement', () => {
  // impala-server.cc, ImpalaServer::ExecuteInternal plans inside ExecuteStatement and sets the result
  // metadata with the registration; impala-hs2-server.cc, ImpalaServer::GetResultSetMetadata only reads it.
  it('answers the columns at once while the query still runs', async () => {
    const op = await started(s, 'SELECT sleep(10000) AS s, 1 AS one');
    const { value, ms } = await timed(s.client.GetResultSetMetadata(new tcli.TGetResultSetMetadataReq({ operationHandle: op })));
    expectOk(value.status);
    expect(value.schema!.columns.map((c) => c.columnName)).toEqual(['s', 'one']);
    // At once, not when the statement ends: far below its 10 s sleep (a hang guard, not a speed claim).
    expect(ms).toBeLessThan(5000);
    const st = await s.client.GetOperationStatus(new tcli.TGetOperationStatusReq({ operationHandle: op }));
    expect(st.operationState).toBe(tcli.TOperationState.RUNNING_STATE);
    expectOk((await s.client.CancelOperation(new tcli.TCancelOperationReq({ operationHandle: op }))).status);
    expectOk((await s.client.CloseImpalaOperation(new impala.TCloseImpalaOperationReq({ operationHandle: op }))).status);
  });

  it('a statement without columns: success, no schema (the schema is set only for columns)', async () => {
    await started(s, 'CREATE TABLE IF NOT EXISTS fw (a INT)').then((op) => waitDone(s, op));
    const op = await started(s, 'INSERT INTO fw VALUES (1)');
    expect(op.hasResultSet).toBe(false);
    const md = await s.client.GetResultSetMetadata(new tcli.TGetResultSetMetadataReq({ operationHandle: op }));
    expectOk(md.status);
    expect(md.schema).toBeNull();
    // FetchResults on it waits for execution to end, then: no rows, no more (eos is set: ClientRequestState::WaitInternal).
    const resp = await fetch(s, op);
    expectOk(resp.status);
    expect(resp.hasMoreRows).toBe(false);
    const closed = await s.client.CloseImpalaOperation(new impala.TCloseImpalaOperationReq({ operationHandle: op }));
    expectOk(closed.status);
    expect(closed.dml_result!.rows_modified['']!.toNumber()).toBe(1);
  });
});

describe('FetchResults on a failed or cancelled query', () => {
  // impala-hs2-server.cc, ImpalaServer::FetchResults: FetchInternal returns the query's status; a
  // non-recoverable error is answered ERROR_STATUS and the query is unregistered.
  it.each([
    ['cancelled', 'SELECT sleep(5000) AS s', true, /^Cancelled$/],
    ['failed while producing rows', "SELECT CAST('abc' AS DATE) AS x", false, /String to Date parse failed/],
  ])('%s: ERROR_STATUS with its error; the query is closed', async (_name, sql, cancel, message) => {
    const open = stats().operationsOpen;
    const op = await started(s, sql);
    if (cancel) expectOk((await s.client.CancelOperation(new tcli.TCancelOperationReq({ operationHandle: op }))).status);
    const resp = await fetch(s, op);
    expect(resp.status.statusCode).toBe(tcli.TStatusCode.ERROR_STATUS);
    expect(resp.status.errorMessage).toMatch(message);
    expect(resp.status.sqlState).toBe('HY000');
    expect(stats().operationsOpen).toBe(open);
    const closed = await s.client.CloseImpalaOperation(new impala.TCloseImpalaOperationReq({ operationHandle: op }));
    expect(closed.status.statusCode).toBe(tcli.TStatusCode.ERROR_STATUS);
    expect(closed.status.errorMessage).toMatch(/Invalid or unknown query handle/);
  });

  it('a refused FETCH_FIRST is recoverable: the query stays open', async () => {
    const op = await started(s, 'SELECT 1 AS one');
    expectOk((await fetch(s, op)).status);
    const again = await fetch(s, op, tcli.TFetchOrientation.FETCH_FIRST);
    expect(again.status.statusCode).toBe(tcli.TStatusCode.ERROR_STATUS);
    expect(again.status.errorMessage).toMatch(/Restarting of fetch requires enabling of query result caching/);
    expectOk((await s.client.CloseImpalaOperation(new impala.TCloseImpalaOperationReq({ operationHandle: op }))).status);
  });
});

describe('request counters', () => {
  it('stats().rpcs counts every HS2 request by method', async () => {
    const before = { ...stats().rpcs };
    const op = await started(s, 'SELECT 1 AS one');
    // One status call by hand (waiting until done would poll a loaded machine more than once); the fetch waits for the rows.
    expectOk((await s.client.GetOperationStatus(new tcli.TGetOperationStatusReq({ operationHandle: op }))).status);
    await fetch(s, op);
    await s.client.CloseOperation(new tcli.TCloseOperationReq({ operationHandle: op }));
    const delta = Object.fromEntries(
      Object.entries(stats().rpcs)
        .map(([k, n]) => [k, n - (before[k] ?? 0)])
        .filter(([, n]) => n !== 0),
    );
    expect(delta).toEqual({ ExecuteStatement: 1, GetOperationStatus: 1, FetchResults: 1, CloseOperation: 1 });
  });
});
