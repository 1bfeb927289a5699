/**
 * How the coordinator's HS2 metadata calls fail, compared with impalad 4.x
 * (be/src/service/impala-hs2-server.cc, `ExecuteMetadataOp` and the Get*
 * methods; tests/hs2/test_hs2.py and hs2_test_suite.py
 * `check_invalid_session`), through the stock thrift runtime.
 */
import { once } from 'node:events';
import net from 'node:net';
import thrift from 'thrift';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tcli, type TCLITypes } from '../../../src/wire/gen.js';
import { BinaryProtocol, inputProtocol, MessageType, outputTransport } from '../../../src/wire/thrift-codec.js';
import { startCluster, type LocalCluster } from '../../../src/testing/index.js';
import { rawConnect, run, submit, waitDone, type RawSession } from '../support/raw-client.js';
import { callMetadata, metadata, METADATA_REQUESTS, type MetadataMethod } from '../support/raw-metadata.js';

const METHODS = Object.keys(METADATA_REQUESTS) as MetadataMethod[];
// The fields a call needs besides the session (GetFunctions' functionName is required).
const FIELDS: Partial<Record<MetadataMethod, Record<string, unknown>>> = {
  GetFunctions: { functionName: '%' },
  GetPrimaryKeys: { tableName: 't' },
};

let cluster: LocalCluster;
let s: RawSession;
const port = (): number => cluster.coordinators[0]!.port;
const operationsOpen = (): number => cluster.stats()[0]!.operationsOpen;

beforeAll(async () => {
  cluster = await startCluster();
  s = await rawConnect(port());
  await run(s, 'CREATE TABLE errs_tbl (a INT)');
});

afterAll(async () => {
  await s?.close();
  await cluster?.close();
});

function expectError(status: TCLITypes.TStatus, message: RegExp): void {
  expect(status.statusCode).toBe(tcli.TStatusCode.ERROR_STATUS);
  expect(status.errorMessage).toMatch(message);
  // SQLSTATE_GENERAL_ERROR on every ExecuteMetadataOp failure.
  expect(status.sqlState).toBe('HY000');
}

describe('sessions', () => {
  it.each(METHODS)('%s on a closed session: "Invalid session id: …", no operation (check_invalid_session)', async (method) => {
    const other = await rawConnect(port());
    const handle = other.session;
    await other.close();
    const before = operationsOpen();
    const resp = await callMetadata({ ...s, session: handle }, method, FIELDS[method]);
    expectError(resp.status, /^Invalid session id: [0-9a-f]{16}:[0-9a-f]{16}$/);
    expect(resp.operationHandle ?? undefined).toBeUndefined();
    expect(operationsOpen()).toBe(before);
  });

  it.each(METHODS)(
    '%s with the session’s guid but another secret: "Invalid session id" (test_hs2: create_session_handle_without_secret)',
    async (method) => {
      const forged = new tcli.TSessionHandle({
        sessionId: new tcli.THandleIdentifier({ guid: s.session.sessionId.guid, secret: Buffer.alloc(16) }),
      });
      const resp = await callMetadata({ ...s, session: forged }, method, FIELDS[method]);
      expectError(resp.status, /^Invalid session id: /);
    },
  );
});

describe('patterns', () => {
  // MetadataOp creates its matchers before it reads the catalog; PatternMatcher
  // compiles the rewritten pattern, and Java's PatternSyntaxException reaches the
  // client as "<class>: <message>" (JniUtil.throwableToString).
  const BAD: Array<[MetadataMethod, Record<string, unknown>]> = [
    ['GetSchemas', { schemaName: 'de(fault' }],
    ['GetTables', { tableName: '[' }],
    ['GetColumns', { columnName: 'a)' }],
    ['GetFunctions', { functionName: 'sub(%' }],
    ['GetPrimaryKeys', { tableName: '(' }],
    ['GetCrossReference', { foreignTableName: '(' }],
  ];

  it.each(BAD)('%s with %j fails with PatternSyntaxException and registers nothing', async (method, fields) => {
    const before = operationsOpen();
    const resp = await callMetadata(s, method, fields);
    expectError(resp.status, /^PatternSyntaxException: /);
    expect(operationsOpen()).toBe(before);
  });

  it('a pattern that only looks bad where impalad never reads it does not fail: GetFunctions with a schema pattern answers no rows first (MetadataOp.getFunctions)', async () => {
    expect((await metadata(s, 'GetFunctions', { functionName: '(', schemaName: 'default' })).rows).toEqual([]);
  });

  it('a pattern of the wrong Thrift type is skipped as an unknown field (Thrift readers skip a field whose type does not match), so it matches everything', async () => {
    const resp = await sendWithI32SchemaName(port(), s.session);
    expect(resp.status.statusCode).toBe(tcli.TStatusCode.SUCCESS_STATUS);
    const op = resp.operationHandle!;
    const fetched = await s.client.FetchResults(
      new tcli.TFetchResultsReq({ operationHandle: op, orientation: tcli.TFetchOrientation.FETCH_NEXT, maxRows: 100 as never }),
    );
    await s.client.CloseOperation(new tcli.TCloseOperationReq({ operationHandle: op }));
    // The answer to a GetSchemas without any pattern.
    const { rows: all } = await metadata(s, 'GetSchemas');
    expect(all.map((r) => r.TABLE_SCHEM)).toEqual(['_impala_builtins', 'default']);
    expect(fetched.results!.columns![0]!.stringVal!.values).toEqual(['_impala_builtins', 'default']);
  });
});

describe('operations', () => {
  it('the handle answers GetResultSetMetadata and FetchResults like a statement’s, paged, and CloseOperation closes it', async () => {
    const resp = await callMetadata(s, 'GetTypeInfo');
    const op = resp.operationHandle!;
    const pages: number[] = [];
    for (;;) {
      const r = await s.client.FetchResults(
        new tcli.TFetchResultsReq({ operationHandle: op, orientation: tcli.TFetchOrientation.FETCH_NEXT, maxRows: 5 as never }),
      );
      expect(r.status.statusCode).toBe(tcli.TStatusCode.SUCCESS_STATUS);
      pages.push(r.results!.columns![0]!.stringVal!.values.length);
      if (!r.hasMoreRows) break;
    }
    expect(pages).toEqual([5, 5, 5, 2]);
    expect((await s.client.CloseOperation(new tcli.TCloseOperationReq({ operationHandle: op }))).status.statusCode).toBe(
      tcli.TStatusCode.SUCCESS_STATUS,
    );
    const again = await s.client.FetchResults(
      new tcli.TFetchResultsReq({ operationHandle: op, orientation: tcli.TFetchOrientation.FETCH_NEXT, maxRows: 5 as never }),
    );
    expectError(again.status, /^Invalid or unknown query handle/);
  });

  it('closing the session closes its metadata operations', async () => {
    const other = await rawConnect(port());
    const before = operationsOpen();
    await callMetadata(other, 'GetTables');
    await callMetadata(other, 'GetColumns');
    expect(operationsOpen()).toBe(before + 2);
    await other.close();
    expect(operationsOpen()).toBe(before);
  });
});

describe('a coordinator shutting down', () => {
  it('refuses every metadata call at once with impalad’s shutdown message (each Get* checks CheckNotShuttingDown first)', async () => {
    const own = await startCluster();
    const coord = own.coordinators[0]!;
    const session = await rawConnect(coord.port);
    try {
      const running = await submit(session, 'SELECT sleep(300)');
      const done = coord.shutdown({ graceMs: 5000 });
      for (const method of METHODS) {
        const resp = await callMetadata(session, method, FIELDS[method]);
        expectError(resp.status, /^Server is being shut down: /);
      }
      await waitDone(session, running.operationHandle!);
      await session.client.CloseOperation(new tcli.TCloseOperationReq({ operationHandle: running.operationHandle! }));
      await done;
    } finally {
      await session.close();
      await own.close();
    }
  });
});

/**
 * A GetSchemas request written by hand: its schemaName (field 3, a string
 * in the IDL) sent as an i32, on a connection of its own.
 */
async function sendWithI32SchemaName(port: number, session: TCLITypes.TSessionHandle): Promise<TCLITypes.TGetSchemasResp> {
  let bytes: Buffer = Buffer.alloc(0);
  const out = new BinaryProtocol(outputTransport((b) => (bytes = b)));
  out.writeMessageBegin('GetSchemas', MessageType.CALL, 1);
  out.writeStructBegin('GetSchemas_args');
  out.writeFieldBegin('req', thrift.Thrift.Type.STRUCT, 1);
  out.writeStructBegin('TGetSchemasReq');
  out.writeFieldBegin('sessionHandle', thrift.Thrift.Type.STRUCT, 1);
  (session as unknown as { write(output: unknown): void }).write(out);
  out.writeFieldEnd();
  out.writeFieldBegin('schemaName', thrift.Thrift.Type.I32, 3);
  out.writeI32(42);
  out.writeFieldEnd();
  out.writeFieldStop();
  out.writeStructEnd();
  out.writeFieldEnd();
  out.writeFieldStop();
  out.writeStructEnd();
  out.writeMessageEnd();
  out.flush();
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  try {
    socket.write(bytes);
    let reply = Buffer.alloc(0);
    for (;;) {
      const [chunk] = (await once(socket, 'data')) as [Buffer];
      reply = Buffer.concat([reply, chunk]);
      const resp = tryReadReply(reply);
      if (resp) return resp;
    }
  } finally {
    socket.destroy();
  }
}

/** The GetSchemas reply in `bytes`, or undefined while it is incomplete. */
function tryReadReply(bytes: Buffer): TCLITypes.TGetSchemasResp | undefined {
  try {
    const input = inputProtocol(bytes);
    const header = input.readMessageBegin();
    expect(header.mtype).toBe(MessageType.REPLY);
    input.readStructBegin();
    const field = input.readFieldBegin();
    expect(field.fid).toBe(0);
    const resp = new tcli.TGetSchemasResp();
    (resp as unknown as { read(input: unknown): void }).read(input);
    return resp;
  } catch (err) {
    if ((err as Error).name === 'InputBufferUnderrunError') return undefined;
    throw err;
  }
}
