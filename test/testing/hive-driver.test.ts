/**
 * The test coordinator speaks real HS2: hive-driver (an independent client,
 * with Hive's own generated Thrift code and the thrift 0.20 runtime) connects
 * over NOSASL, SASL PLAIN and TLS, and reads every supported type back
 * exactly.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';
import { ALL_TYPES_COLUMNS, ALL_TYPES_DDL, ALL_TYPES_EXPECTED, ALL_TYPES_INSERT } from '../support/all-types.js';
import { requireTool } from '../support/system-tool.js';
import { hiveConnect, hiveRun, types, type HiveConn } from '../../benchmarks/clients/hive-driver.js';
import { selfSignedCert } from '../support/certs.js';

const portOf = (cluster: LocalCluster): number => cluster.coordinators[0]!.port;

/** Hive's TTypeId name and qualifiers for an Impala type name like DECIMAL(38,10). */
function expectedTypeDesc(impalaType: string): { type: number; qualifiers?: Record<string, number> } {
  const m = /^(\w+)(?:\((\d+)(?:,(\d+))?\))?$/.exec(impalaType)!;
  const name = m[1] === 'INT' ? 'INT' : m[1]!;
  const type = types.TTypeId[`${name}_TYPE`]!;
  if (name === 'DECIMAL') return { type, qualifiers: { precision: Number(m[2]), scale: Number(m[3]) } };
  if (name === 'VARCHAR' || name === 'CHAR') return { type, qualifiers: { characterMaximumLength: Number(m[2]) } };
  return { type };
}

interface HiveColumn {
  columnName: string;
  typeDesc: { types: Array<{ primitiveEntry: { type: number; typeQualifiers?: { qualifiers: Record<string, { i32Value: number }> } } }> };
}

interface RawColumn {
  i64Val?: { values: Array<{ buffer: Buffer; offset: number }>; nulls: Buffer };
  stringVal?: { values: string[]; nulls: Buffer };
}

describe('hive-driver over NOSASL', () => {
  let cluster: LocalCluster;
  let conn: HiveConn;

  beforeAll(async () => {
    cluster = await startCluster({ coordinators: 1 });
    conn = await hiveConnect(portOf(cluster));
  });
  afterAll(async () => {
    await conn?.close();
    await cluster?.close();
  });

  it('answers GetInfo as Impala', async () => {
    expect((await conn.session.getInfo(types.TGetInfoType.CLI_DBMS_NAME!)).getValue()).toBe('Impala');
    expect((await conn.session.getInfo(types.TGetInfoType.CLI_SERVER_NAME!)).getValue()).toBe('Impala');
    expect((await conn.session.getInfo(types.TGetInfoType.CLI_DBMS_VER!)).getValue()).toMatch(/^4\.4\.0-impala-pool-testing$/);
  });

  it('reads every supported type back exactly, NULLs and extremes included', async () => {
    await hiveRun(conn, ALL_TYPES_DDL);
    await hiveRun(conn, ALL_TYPES_INSERT);
    const { rows, schema, data } = await hiveRun(conn, 'SELECT * FROM all_types ORDER BY id');

    // Metadata: Impala's type ids and qualifiers, in hive-driver's decoding.
    const columns = (schema as unknown as { columns: HiveColumn[] }).columns;
    expect(columns.map((c) => c.columnName)).toEqual(ALL_TYPES_COLUMNS.map(([name]) => name));
    columns.forEach((c, i) => {
      const entry = c.typeDesc.types[0]!.primitiveEntry;
      const want = expectedTypeDesc(ALL_TYPES_COLUMNS[i]![1]);
      expect(entry.type, c.columnName).toBe(want.type);
      const got = entry.typeQualifiers
        ? Object.fromEntries(Object.entries(entry.typeQualifiers.qualifiers).map(([k, v]) => [k, v.i32Value]))
        : undefined;
      expect(got, c.columnName).toEqual(want.qualifiers);
    });

    // Values through hive-driver's own JSON conversion, except the two it
    // converts lossily by design (BIGINT → toNumber(), DECIMAL → Number()).
    const lossy = (r: Record<string, unknown>) => ({ ...r, bi: undefined, dec: undefined });
    expect(rows.map(lossy)).toEqual(ALL_TYPES_EXPECTED.map(lossy));

    // BIGINT and DECIMAL exactly, from the Int64 buffers and strings hive-driver decoded.
    const rowSets = data as unknown as Array<{ columns: RawColumn[] }>;
    const bigints: Array<bigint | null> = [];
    const decimals: Array<string | null> = [];
    for (const rs of rowSets) {
      const bi = rs.columns[5]!.i64Val!;
      bi.values.forEach((v, i) => bigints.push((bi.nulls[i >> 3]! >> (i & 7)) & 1 ? null : v.buffer.readBigInt64BE(v.offset)));
      const dec = rs.columns[8]!.stringVal!;
      dec.values.forEach((v, i) => decimals.push((dec.nulls[i >> 3]! >> (i & 7)) & 1 ? null : v));
    }
    expect(bigints).toEqual(ALL_TYPES_EXPECTED.map((r) => r.bi));
    expect(decimals).toEqual(ALL_TYPES_EXPECTED.map((r) => r.dec));
  });

  it('takes TIMESTAMP results through its TIMESTAMP mapping: columns, CASTs and date arithmetic, in Impala’s text', async () => {
    await hiveRun(conn, 'CREATE TABLE events (id INT, at TIMESTAMP)');
    await hiveRun(conn, "INSERT INTO events VALUES (1, '2024-01-31 10:11:12.5'), (2, NULL)");
    const { rows, schema } = await hiveRun(
      conn,
      "SELECT at, CAST('2024-02-29' AS TIMESTAMP) AS c, year(at) AS y, at + INTERVAL 1 DAY AS next, trunc(at, 'MM') AS m FROM events ORDER BY id",
    );
    const columns = (schema as unknown as { columns: HiveColumn[] }).columns;
    expect(columns.map((c) => c.typeDesc.types[0]!.primitiveEntry.type)).toEqual([
      types.TTypeId.TIMESTAMP_TYPE,
      types.TTypeId.TIMESTAMP_TYPE,
      types.TTypeId.INT_TYPE,
      types.TTypeId.TIMESTAMP_TYPE,
      types.TTypeId.TIMESTAMP_TYPE,
    ]);
    // hive-driver hands TIMESTAMP values over as text (JsonResult.convertData); impalad's text has nine fraction digits when there is a fraction.
    expect(rows).toEqual([
      {
        at: '2024-01-31 10:11:12.500000000',
        c: '2024-02-29 00:00:00',
        y: 2024,
        next: '2024-02-01 10:11:12.500000000',
        m: '2024-01-01 00:00:00',
      },
      { at: null, c: '2024-02-29 00:00:00', y: null, next: null, m: null },
    ]);
  });

  it('fetches a result larger than one batch (hive-driver asks 100 rows at a time)', async () => {
    const { rows } = await hiveRun(conn, 'SELECT range AS n, CAST(range AS STRING) AS s FROM range(2500)');
    expect(rows.length).toBe(2500);
    expect(rows[2499]).toEqual({ n: 2499, s: '2499' });
  });

  it('reports analysis errors with Impala text in ExecuteStatement', async () => {
    const err = (await conn.session.executeStatement('SELECT * FROM nope').catch((e: unknown) => e)) as { message: string };
    expect(err.message).toBe("AnalysisException: Could not resolve table reference: 'nope'");
  });
});

describe('hive-driver over SASL PLAIN', () => {
  let cluster: LocalCluster;

  beforeAll(async () => {
    cluster = await startCluster({ auth: { mechanism: 'PLAIN', users: { alice: 's3cret' } } });
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('authenticates a good password and runs statements over framed transport', async () => {
    const conn = await hiveConnect(portOf(cluster), { auth: { username: 'alice', password: 's3cret' } });
    try {
      const { rows } = await hiveRun(conn, "SELECT 41 + 1 AS answer, '日本語 ü 🎉' AS s");
      expect(rows).toEqual([{ answer: 42, s: '日本語 ü 🎉' }]);
    } finally {
      await conn.close();
    }
  });

  it.each([
    ['a wrong password', { username: 'alice', password: 'wrong' }],
    ['an unknown user', { username: 'mallory', password: 's3cret' }],
  ])('refuses %s with a SASL error', async (_name, auth) => {
    const err = (await hiveConnect(portOf(cluster), { auth }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/Authentication error: Error validating the login/);
    // The coordinator is unharmed.
    const ok = await hiveConnect(portOf(cluster), { auth: { username: 'alice', password: 's3cret' } });
    await ok.close();
  });
});

describe('hive-driver over TLS', () => {
  if (!requireTool('openssl', 'openssl')) return;
  let cluster: LocalCluster;
  let withAuth: LocalCluster;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'impala-pool-tls-'));
    selfSignedCert(dir);
    const tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
    cluster = await startCluster({ tls });
    // In its own process: key, certificate and users cross the IPC channel.
    withAuth = await startCluster({ tls, auth: { mechanism: 'PLAIN', users: { bob: 'pw' } }, isolation: 'process' });
  });
  afterAll(async () => {
    await cluster?.close();
    await withAuth?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves SASL PLAIN inside TLS (coordinator in a child process)', async () => {
    const conn = await hiveConnect(portOf(withAuth), { tls: true, auth: { username: 'bob', password: 'pw' } });
    try {
      expect((await hiveRun(conn, 'SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    } finally {
      await conn.close();
    }
  });

  it('serves NOSASL HS2 inside TLS', async () => {
    const conn = await hiveConnect(portOf(cluster), { tls: true });
    try {
      expect((await hiveRun(conn, 'SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await conn.close();
    }
  });
});

describe('hive-driver against every coordinator of a cluster', () => {
  it('connects to each of 3 coordinators and sees DDL propagated from another', async () => {
    const cluster = await startCluster({ coordinators: 3 });
    const conns: HiveConn[] = [];
    try {
      for (const c of cluster.coordinators) conns.push(await hiveConnect(c.port));
      await hiveRun(conns[0]!, 'CREATE TABLE everywhere (id INT)');
      await hiveRun(conns[1]!, 'INSERT INTO everywhere VALUES (1), (2)');
      for (const conn of conns) {
        const { rows } = await hiveRun(conn, 'SELECT count(*) AS n FROM everywhere');
        expect(Number(rows[0]!.n)).toBe(2);
      }
      expect(cluster.stats().map((s) => s.sessionsOpen)).toEqual([1, 1, 1]);
    } finally {
      await Promise.all(conns.map((c) => c.close()));
      await cluster.close();
    }
  });
});
