/**
 * Coordinators in child processes of their own. Start-up,
 * real SIGKILL/SIGSTOP as a client sees them, metadata propagation and
 * restarts across processes, and no child process or port left behind,
 * also when the test (or the whole process) that started them fails.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, ImpalaError, type Hs2Connection } from '../../src/index.js';
import { startCluster, type ClusterOptions, type LocalCluster } from '../../src/testing/index.js';
import { hiveConnect, hiveRun } from '../../benchmarks/clients/hive-driver.js';
import { waitFor } from '../support/pool-fixtures.js';

const clusters: LocalCluster[] = [];
const conns: Hs2Connection[] = [];
async function cluster(options: ClusterOptions): Promise<LocalCluster> {
  const c = await startCluster({ isolation: 'process', ...options });
  clusters.push(c);
  return c;
}
async function open(c: LocalCluster, i: number, rpcTimeoutMs = 10_000): Promise<Hs2Connection> {
  const conn = await connect({ host: '127.0.0.1', port: c.coordinators[i]!.port, rpcTimeoutMs, connectTimeoutMs: 1000 });
  conns.push(conn);
  return conn;
}
afterEach(async () => {
  for (const c of conns.splice(0)) c.destroy();
  await Promise.all(clusters.splice(0).map((c) => c.close()));
});

/** Alive and not a zombie (an orphan's zombie waits for a reaper that may never come in a container). */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
  } catch {
    return false;
  }
}

/** Process state letter: R/S running or sleeping, T stopped. */
function state(pid: number): string {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0]!;
}

/** Whether any process on this machine has a TCP socket listening on `port` (from /proc/net/tcp*). */
function listening(port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].some((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return false;
    }
    // Columns: sl local_address rem_address st …; st 0A is LISTEN.
    return text.split('\n').some((line) => {
      const cols = line.trim().split(/\s+/);
      return cols[1]?.endsWith(`:${hex}`) && cols[3] === '0A';
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('process isolation', () => {
  it('starts 3 coordinators, each in its own process; both clients work against each', async () => {
    const started = performance.now();
    const c = await cluster({ coordinators: 3 });
    // A hang guard, not a speed claim: about 3 s here, far longer on a loaded machine.
    expect(performance.now() - started).toBeLessThan(30_000);
    const pids = c.coordinators.map((x) => x.pid!);
    expect(new Set(pids).size).toBe(3);
    for (const pid of pids) {
      expect(pid).not.toBe(process.pid);
      expect(alive(pid)).toBe(true);
    }
    for (let i = 0; i < 3; i += 1) {
      expect((await (await open(c, i)).query('SELECT ? AS x', [i])).rows).toEqual([{ x: i }]);
      const hive = await hiveConnect(c.coordinators[i]!.port);
      try {
        expect((await hiveRun(hive, 'SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      } finally {
        await hive.close();
      }
    }
  }, 60_000);

  it('propagates DDL and DML between processes after catalogDelayMs, and SYNC_DDL waits for every one', async () => {
    // Long enough that the look straight after the DDL comes well before it, even on a loaded machine.
    const delayMs = 1500;
    const c = await cluster({ coordinators: 3, catalogDelayMs: delayMs });
    const [one, two, three] = [await open(c, 0), await open(c, 1), await open(c, 2)];
    const created = performance.now();
    await one.execute('CREATE TABLE t (a INT)');
    const err = (await two.query('SELECT * FROM t').catch((e: unknown) => e)) as ImpalaError;
    expect(err.message).toMatch(/Could not resolve table reference: 't'/);
    const reached = (): Promise<boolean> =>
      two.query('SELECT count(*) AS n FROM t').then(
        () => true,
        () => false,
      );
    await waitFor(reached, 20_000, 'the table to reach the second coordinator');
    // Not before the delay: the bus holds each change that long.
    expect(performance.now() - created).toBeGreaterThanOrEqual(delayMs - 50);
    expect((await two.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 0n }]);
    await one.execute('SET SYNC_DDL=1');
    const t0 = performance.now();
    await one.execute('CREATE TABLE u (a INT)');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(delayMs - 50);
    expect((await three.query('SELECT count(*) AS n FROM u')).rows).toEqual([{ n: 0n }]);
  }, 60_000);

  it('kill() is SIGKILL: the process is gone, clients see a reset, and start() brings it back on its port with its tables and counters', async () => {
    const c = await cluster({ coordinators: 2 });
    const victim = c.coordinators[1]!;
    const { pid, port } = { pid: victim.pid!, port: victim.port };
    const conn = await open(c, 1);
    await conn.execute('CREATE TABLE kept (a INT)');
    await conn.execute('INSERT INTO kept VALUES (1), (2), (3)');
    const running = conn.query('SELECT sleep(5000) AS s').catch((e: unknown) => e);
    await waitFor(() => victim.stats().inFlight === 1, 10_000, 'the sleep running');
    const queriesBefore = victim.stats().queries;
    victim.kill();
    const err = (await running) as ImpalaError;
    expect(err).toBeInstanceOf(ImpalaError);
    expect(err.code).toMatch(/IMPALA_CONNECTION|IMPALA_CLIENT_CLOSED/);
    // Its threads (DuckDB's among them) let go of the port a moment after the main one died.
    await waitFor(() => !alive(pid) && !listening(port), 10_000, 'the killed process and its port gone');
    expect(victim.running).toBe(false);
    expect(victim.stats()).toMatchObject({ sessionsOpen: 0, inFlight: 0, queries: queriesBefore });

    const first = await open(c, 0);
    await first.execute('CREATE TABLE made_while_down (a INT)');
    await first.execute('INSERT INTO made_while_down VALUES (7)');

    await victim.start();
    expect(victim.port).toBe(port);
    expect(victim.pid).not.toBe(pid);
    const again = await open(c, 1);
    expect((await again.query('SELECT sum(a) AS s FROM kept')).rows).toEqual([{ s: 6n }]);
    expect((await again.query('SELECT a FROM made_while_down')).rows).toEqual([{ a: 7 }]);
    expect(victim.stats().queries).toBe(queriesBefore + 2);
    // The other coordinator had the table all along.
    expect((await first.query('SELECT count(*) AS n FROM kept')).rows).toEqual([{ n: 3n }]);
  }, 60_000);

  it('pause() is SIGSTOP: the process is stopped, connects succeed, nothing answers, a running statement freezes; resume() answers', async () => {
    const c = await cluster({ coordinators: 1 });
    const coordinator = c.coordinators[0]!;
    const conn = await open(c, 0);
    // Long enough that the SIGSTOP surely lands while it still runs, even on a loaded machine.
    const sleepMs = 1500;
    const submitted = performance.now();
    const slow = conn.query(`SELECT sleep(${sleepMs}) AS s`);
    let done = false;
    void slow.then(
      () => (done = true),
      () => (done = true),
    );
    await waitFor(() => coordinator.stats().inFlight === 1, 10_000, 'the sleep running');
    coordinator.pause();
    await waitFor(() => state(coordinator.pid!) === 'T', 10_000, 'the process stopped');
    expect(listening(coordinator.port)).toBe(true);
    const other = await open(c, 0).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(ImpalaError);
    // Frozen with the rest of the process: let twice its time pass, it still has not answered.
    await sleep(Math.max(0, 2 * sleepMs - (performance.now() - submitted)));
    expect(done).toBe(false);
    coordinator.resume();
    expect((await slow).rows).toEqual([{ s: true }]);
    expect(state(coordinator.pid!)).not.toBe('T');
  }, 60_000);

  it('stop() ends the process and closes the port (connection refused); start() serves the same port and tables', async () => {
    const c = await cluster({ coordinators: 1 });
    const coordinator = c.coordinators[0]!;
    const { pid, port } = { pid: coordinator.pid!, port: coordinator.port };
    const conn = await open(c, 0);
    await conn.execute('CREATE TABLE s (a STRING)');
    await conn.execute("INSERT INTO s VALUES ('kept')");
    await coordinator.stop();
    expect(alive(pid)).toBe(false);
    expect(listening(port)).toBe(false);
    const refused = (await connect({ host: '127.0.0.1', port, connectTimeoutMs: 500 }).catch((e: unknown) => e)) as ImpalaError;
    expect(refused.code).toBe('IMPALA_CONNECT_FAILED');
    expect(((await conn.query('SELECT 1').catch((e: unknown) => e)) as ImpalaError).code).toMatch(/IMPALA_CONNECTION|IMPALA_CLIENT_CLOSED/);
    await coordinator.start();
    expect(coordinator.port).toBe(port);
    expect((await (await open(c, 0)).query('SELECT a FROM s')).rows).toEqual([{ a: 'kept' }]);
  }, 60_000);

  it('controls cross the process boundary: latency, protocol faults, dropped connections', async () => {
    const c = await cluster({ coordinators: 1 });
    const coordinator = c.coordinators[0]!;
    const conn = await open(c, 0, 2000);
    await coordinator.setLatency(150);
    const t0 = performance.now();
    await conn.query('SELECT 1');
    // ExecuteStatement, metadata, fetch: each answer is held (the close goes on after the call returned).
    expect(performance.now() - t0).toBeGreaterThan(2 * 150);
    await coordinator.setLatency(0);
    await coordinator.dropConnections();
    expect(((await conn.query('SELECT 1').catch((e: unknown) => e)) as ImpalaError).code).toMatch(/IMPALA_CONNECTION|IMPALA_CLIENT_CLOSED/);
    await coordinator.setFault('garbage');
    const broken = await open(c, 0).catch((e: unknown) => e);
    expect((broken as ImpalaError).code).toBe('IMPALA_PROTOCOL');
    // A restarted process keeps the fault it was given, from its first answer.
    coordinator.kill();
    await coordinator.start();
    expect(((await open(c, 0).catch((e: unknown) => e)) as ImpalaError).code).toBe('IMPALA_PROTOCOL');
    await coordinator.setFault(undefined);
    expect((await (await open(c, 0)).query('SELECT 2 AS x')).rows).toEqual([{ x: 2 }]);
    expect(() => coordinator.setLatency(-1)).toThrow(TypeError);
  }, 60_000);

  it('shutdown() lets running queries finish, refuses new ones, then the process exits', async () => {
    const c = await cluster({ coordinators: 1 });
    const coordinator = c.coordinators[0]!;
    const pid = coordinator.pid!;
    const conn = await open(c, 0);
    const later = await open(c, 0);
    // Long enough to be still running when the refusal is seen, even on a loaded machine.
    const long = conn.query('SELECT sleep(1500) AS s');
    await waitFor(() => coordinator.stats().inFlight === 1, 10_000, 'the sleep running');
    const down = coordinator.shutdown({ graceMs: 10_000 });
    // The request crosses to the child process; new work is refused once it is there.
    let refused: unknown;
    await waitFor(
      async () =>
        (refused = await later.query('SELECT 1').then(
          () => undefined,
          (e: unknown) => e,
        )) !== undefined,
      10_000,
      'new work refused',
    );
    expect((refused as ImpalaError).message).toMatch(/Server is being shut down/);
    expect((await long).rows).toEqual([{ s: true }]);
    await down;
    expect(alive(pid)).toBe(false);
    expect(coordinator.running).toBe(false);
  }, 60_000);

  it('close() leaves no child process and no listening port, paused ones included', async () => {
    const c = await cluster({ coordinators: 3 });
    const pids = c.coordinators.map((x) => x.pid!);
    const ports = c.coordinators.map((x) => x.port);
    c.coordinators[2]!.pause();
    await c.close();
    for (const pid of pids) expect(alive(pid)).toBe(false);
    for (const port of ports) expect(listening(port)).toBe(false);
    await expect(c.coordinators[0]!.start()).rejects.toThrow(/closed/);
  }, 60_000);

  it('a test that fails inside `await using` still closes its cluster', async () => {
    let pids: number[] = [];
    const failing = async (): Promise<void> => {
      await using c = await startCluster({ coordinators: 2, isolation: 'process' });
      pids = c.coordinators.map((x) => x.pid!);
      throw new Error('assertion failed');
    };
    await expect(failing()).rejects.toThrow('assertion failed');
    for (const pid of pids) expect(alive(pid)).toBe(false);
  }, 60_000);

  it('a process that dies with its cluster open (uncaught exception, one coordinator frozen) leaves no child process or port', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/crash-with-cluster.ts', import.meta.url));
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, ['--import', tsx, fixture], { timeout: 60_000 }, (_err, stdout) =>
        resolve({ code: child.exitCode, stdout }),
      );
    });
    expect(out.code).toBe(1);
    const { pids, ports } = JSON.parse(out.stdout.trim().split('\n')[0]!) as { pids: number[]; ports: number[] };
    expect(pids).toHaveLength(3);
    await waitFor(() => pids.every((pid) => !alive(pid)) && !ports.some(listening), 10_000, 'every child process and port gone');
  }, 90_000);
});
