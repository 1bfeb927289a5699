/**
 * hive-driver — an HS2 client we did not write — against the test cluster:
 * the independent client of the protocol tests and the baseline of the
 * benchmarks.
 */
import hive from 'hive-driver';

const { TCLIService, TCLIService_types } = hive.thrift;
const utils = new hive.HiveUtils(TCLIService_types);

/** hive-driver's generated TCLIService types (its own copy, from Hive). */
export const types = TCLIService_types as {
  TProtocolVersion: Record<string, number>;
  TTypeId: Record<string, number>;
  TGetInfoType: Record<string, number>;
};

/** A hive-driver client and session. */
export interface HiveConn {
  client: InstanceType<typeof hive.HiveClient>;
  session: Awaited<ReturnType<InstanceType<typeof hive.HiveClient>['openSession']>>;
  close(): Promise<void>;
}

/** What to connect with. */
export interface HiveConnectOptions {
  auth?: { username: string; password: string };
  /** One of hive-driver's own authentication objects (e.g. its KerberosTcpAuthentication), instead of `auth`. */
  authentication?: object;
  /** Host to connect to. Default 127.0.0.1. */
  host?: string;
  tls?: boolean;
}

/** Connects with hive-driver's TcpConnection (NOSASL unless `auth`), and opens a session. */
export async function hiveConnect(port: number, opts: HiveConnectOptions = {}): Promise<HiveConn> {
  const client = new hive.HiveClient(TCLIService, TCLIService_types);
  client.on('error', () => undefined);
  const auth = opts.authentication ?? (opts.auth ? new hive.auth.PlainTcpAuthentication(opts.auth) : new hive.auth.NoSaslAuthentication());
  await client.connect(
    { host: opts.host ?? '127.0.0.1', port, options: opts.tls ? { ssl: true } : {} } as never,
    new hive.connections.TcpConnection(),
    auth as never,
  );
  const session = await client.openSession({ client_protocol: types.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V10! });
  return {
    client,
    session,
    async close() {
      await session.close().catch(() => undefined);
      client.close();
    },
  };
}

/** Runs a statement with hive-driver's own helpers: execute, wait, fetch all, close. */
export async function hiveRun(conn: HiveConn, sql: string) {
  const op = await conn.session.executeStatement(sql, { runAsync: true });
  await utils.waitUntilReady(op, false, () => undefined);
  await utils.fetchAll(op);
  const rows = utils.getResult(op).getValue() as Array<Record<string, unknown>>;
  const schema = op.getSchema();
  const data = op.getData();
  await op.close();
  return { rows, schema, data };
}
