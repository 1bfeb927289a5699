/**
 * A client made from the stock thrift runtime and the generated
 * ImpalaHiveServer2Service client — none of impala-pool's client code — for
 * checking the test coordinator's answers field by field, including Impala's
 * extensions that generic HS2 drivers do not call.
 */
import { once } from 'node:events';
import thrift from 'thrift';
import { impala, service, tcli, type TCLITypes } from '../../../src/wire/gen.js';

/** The generated client. */
export type Client = InstanceType<typeof service.Client>;

/** A connected client and its session. */
export interface RawSession {
  client: Client;
  session: TCLITypes.TSessionHandle;
  close(): Promise<void>;
}

/** Opens a connection (NOSASL) and, unless `open` is false, a session. */
export async function rawConnect(port: number, configuration: Record<string, string> = {}): Promise<RawSession> {
  const conn = thrift.createConnection('127.0.0.1', port, { transport: thrift.TBufferedTransport, protocol: thrift.TBinaryProtocol });
  conn.on('error', () => undefined);
  await once(conn, 'connect');
  const client = thrift.createClient(service as never, conn) as Client;
  const resp = await client.OpenSession(
    new tcli.TOpenSessionReq({ client_protocol: tcli.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6, configuration }),
  );
  expectOk(resp.status);
  return {
    client,
    session: resp.sessionHandle!,
    async close() {
      // The thrift runtime never fails calls pending on a closed connection, so do not wait on one.
      if (conn.connected) {
        let timer: NodeJS.Timeout | undefined;
        const closing = client.CloseSession(new tcli.TCloseSessionReq({ sessionHandle: resp.sessionHandle! })).catch(() => undefined);
        await Promise.race([closing, new Promise((r) => (timer = setTimeout(r, 1000)))]);
        clearTimeout(timer);
      }
      conn.destroy();
    },
  };
}

/** Throws with the server's message unless the status is a success. */
export function expectOk(status: TCLITypes.TStatus): void {
  if (status.statusCode !== tcli.TStatusCode.SUCCESS_STATUS && status.statusCode !== tcli.TStatusCode.SUCCESS_WITH_INFO_STATUS) {
    throw Object.assign(new Error(status.errorMessage ?? `status ${status.statusCode}`), { sqlState: status.sqlState });
  }
}

/** Submits a statement; returns the raw response (errors are in its status). */
export function submit(s: RawSession, statement: string, confOverlay?: Record<string, string>): Promise<TCLITypes.TExecuteStatementResp> {
  return s.client.ExecuteStatement(
    new tcli.TExecuteStatementReq({ sessionHandle: s.session, statement, runAsync: true, ...(confOverlay ? { confOverlay } : {}) }),
  );
}

/** Polls until the operation leaves PENDING/RUNNING; returns the final status response. */
export async function waitDone(s: RawSession, op: TCLITypes.TOperationHandle): Promise<TCLITypes.TGetOperationStatusResp> {
  for (;;) {
    const st = await s.client.GetOperationStatus(new tcli.TGetOperationStatusReq({ operationHandle: op }));
    expectOk(st.status);
    const state = st.operationState;
    if (
      state !== tcli.TOperationState.PENDING_STATE &&
      state !== tcli.TOperationState.RUNNING_STATE &&
      state !== tcli.TOperationState.INITIALIZED_STATE
    ) {
      return st;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Fetches every row set of an operation. */
export async function fetchAll(s: RawSession, op: TCLITypes.TOperationHandle, maxRows = 1024): Promise<TCLITypes.TRowSet[]> {
  const out: TCLITypes.TRowSet[] = [];
  for (;;) {
    const r = await s.client.FetchResults(
      new tcli.TFetchResultsReq({ operationHandle: op, orientation: tcli.TFetchOrientation.FETCH_NEXT, maxRows: maxRows as never }),
    );
    expectOk(r.status);
    out.push(r.results!);
    if (!r.hasMoreRows) return out;
  }
}

/** Runs a statement to completion, fetches its rows (if any) and closes it; returns rows and DML count. */
export async function run(
  s: RawSession,
  statement: string,
): Promise<{ rowSets: TCLITypes.TRowSet[]; rowsModified?: number; op: TCLITypes.TOperationHandle }> {
  const resp = await submit(s, statement);
  expectOk(resp.status);
  const op = resp.operationHandle!;
  const st = await waitDone(s, op);
  if (st.operationState === tcli.TOperationState.ERROR_STATE)
    throw Object.assign(new Error(st.errorMessage ?? 'error'), { sqlState: st.sqlState });
  const rowSets = op.hasResultSet ? await fetchAll(s, op) : [];
  const closed = await s.client.CloseImpalaOperation(new impala.TCloseImpalaOperationReq({ operationHandle: op }));
  expectOk(closed.status);
  const n = closed.dml_result?.rows_modified[''];
  return { rowSets, op, ...(n ? { rowsModified: n.toNumber() } : {}) };
}

/** Column values of row sets, decoded generically (NULL → null; i64 → bigint; binary → Buffer). */
export function columnValues(rowSets: TCLITypes.TRowSet[], column: number): unknown[] {
  const out: unknown[] = [];
  for (const rs of rowSets) {
    const col = rs.columns![column]!;
    const member = (col.boolVal ??
      col.byteVal ??
      col.i16Val ??
      col.i32Val ??
      col.i64Val ??
      col.doubleVal ??
      col.stringVal ??
      col.binaryVal)!;
    member.values.forEach((v: unknown, i: number) => {
      const isNull = ((member.nulls[i >> 3] ?? 0) & (1 << (i & 7))) !== 0;
      if (isNull) out.push(null);
      else if (col.i64Val) {
        const x = v as { buffer: Buffer; offset: number };
        out.push(x.buffer.readBigInt64BE(x.offset));
      } else out.push(v);
    });
  }
  return out;
}
