/**
 * fall: 3 means three failures, whichever path reported them. A coordinator
 * hears about its failures from many places — a pool statement whose connect
 * is refused, a session's or lease's connect, the active health check, a
 * statement whose connection breaks mid-flight — and several callers can see
 * the same failure. Each failure must count exactly once toward `fall`, and
 * `errors` in stats() must say the same.
 *
 * Each row is a sequence of three failures on one coordinator, the pool's
 * only one: with another at hand, the pool would rightly route around a
 * coordinator whose connects are failing, and the later steps would never
 * reach it. With `fall: 3`, `rise: 2`: after
 * the first and the second it is `suspect`, after the third `down`, with
 * `errors` 1, 2, 3.
 *
 * Making each failure happen exactly once:
 * - Refused connects: the coordinator is stopped (its port closed). After a
 *   refused connect the pool waits (backoff, at most `ejectMaxMs` here, and
 *   the first pause 100–200 ms) before it connects there again, and a caller
 *   arriving meanwhile is turned away with that same failure, which rightly
 *   does not count again. So after each step the test waits longer than any
 *   such pause (which also lets anything the step set off be counted before
 *   the check): the next step's call then makes one new connect.
 * - Active checks: the checker runs on a timer. To run exactly one round at a
 *   chosen moment, `setInterval` is faked (nothing else is) and advanced by
 *   one interval; the sockets stay real. A row without checks uses
 *   `healthCheckIntervalMs: 0`. (Faking the interval also keeps the pool's
 *   silence watchdog still, so a statement left waiting on purpose is not
 *   counted a second time as silence.)
 * - Transport failure mid-flight: a statement runs (`sleep` on the server),
 *   and once the coordinator reports it in flight, its connections are
 *   dropped.
 * - Many callers, one refused connect: with `maxConnectionsPerCoordinator: 1`
 *   there is one connect for all of them, pool calls, leases and sessions
 *   waiting together; all of them fail with it, and it counts once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPool, ImpalaError, type CoordinatorStateEvent, type HealthState, type ImpalaPool } from '../../src/index.js';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';
import { waitFor } from '../support/pool-fixtures.js';

type Step =
  'query refused' | 'lease refused' | 'session refused' | 'many callers, one refused connect' | 'active check' | 'transport mid-flight';

const ROWS: Step[][] = [
  ['query refused', 'query refused', 'query refused'],
  ['lease refused', 'session refused', 'query refused'],
  ['active check', 'active check', 'active check'],
  ['transport mid-flight', 'transport mid-flight', 'transport mid-flight'],
  ['many callers, one refused connect', 'query refused', 'active check'],
  ['active check', 'lease refused', 'many callers, one refused connect'],
  ['transport mid-flight', 'active check', 'session refused'],
  ['query refused', 'transport mid-flight', 'lease refused'],
  ['session refused', 'many callers, one refused connect', 'transport mid-flight'],
  ['many callers, one refused connect', 'many callers, one refused connect', 'many callers, one refused connect'],
];

const HEALTH_INTERVAL_MS = 1000;
/** Caps the pool's pause between connects to a failing coordinator. */
const EJECT_MAX_MS = 150;
/** Longer than any such pause (the first is 100–200 ms, later ones at most EJECT_MAX_MS). */
const SETTLE_MS = 400;
const EXPECTED: HealthState[] = ['suspect', 'suspect', 'down'];

let cluster: LocalCluster;
let pool: ImpalaPool | undefined;
let paused = false;

beforeAll(async () => {
  cluster = await startCluster({ coordinators: 1 });
});

afterAll(async () => {
  await cluster?.close();
});

afterEach(async () => {
  pool?.destroy();
  pool = undefined;
  vi.useRealTimers();
  const c = cluster.coordinators[0]!;
  if (paused) c.resume();
  paused = false;
  if (!c.running) await c.start();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What a call that must fail gave: its error (a call that succeeded fails the test). */
async function failure(call: Promise<unknown>): Promise<ImpalaError> {
  const outcome = await call.then(
    () => new Error('the call succeeded'),
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(ImpalaError);
  return outcome as ImpalaError;
}

describe('fall: 3 means three failures, whichever path reported them', () => {
  it.each(ROWS.map((steps) => ({ steps, name: steps.join(' → ') })))('$name', async ({ steps }) => {
    const coordinator = cluster.coordinators[0]!;
    const checks = steps.includes('active check');
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const p = createPool({
      hosts: cluster.hosts,
      fall: 3,
      rise: 2,
      healthCheckIntervalMs: checks ? HEALTH_INTERVAL_MS : 0,
      healthCheckTimeoutMs: 1000,
      connectTimeoutMs: 2000,
      rpcTimeoutMs: 10_000,
      ejectBaseMs: 100,
      ejectMaxMs: EJECT_MAX_MS,
      maxConnectionsPerCoordinator: 1,
    });
    pool = p;
    const downs: CoordinatorStateEvent[] = [];
    p.on('coordinatorDown', (e) => downs.push(e));
    const stats = () => p.stats().coordinators[0]!;

    for (const [i, step] of steps.entries()) {
      const needsRunning = step === 'transport mid-flight';
      if (needsRunning && !coordinator.running) await coordinator.start();
      if (!needsRunning && coordinator.running) await coordinator.stop();

      switch (step) {
        case 'query refused': {
          const err = await failure(p.query('SELECT 1'));
          expect(err.message).toMatch(/ECONNREFUSED|refused/);
          break;
        }
        case 'lease refused':
          expect((await failure(p.connect())).message).toMatch(/ECONNREFUSED|refused/);
          break;
        case 'session refused': {
          let ran = false;
          const err = await failure(p.session(async () => void (ran = true)));
          expect(err.message).toMatch(/ECONNREFUSED|refused/);
          expect(ran).toBe(false);
          break;
        }
        case 'many callers, one refused connect': {
          const calls = [
            ...Array.from({ length: 4 }, (_, j) => p.query('SELECT ? AS j', [j])),
            ...Array.from({ length: 3 }, () => p.connect().then((lease) => lease.release())),
            ...Array.from({ length: 3 }, () => p.session(async (s) => s.query('SELECT 1'))),
          ];
          const errors = await Promise.all(calls.map(failure));
          for (const err of errors) expect(err.message).toMatch(/ECONNREFUSED|refused/);
          break;
        }
        case 'active check':
          // One round of the checker, now.
          vi.advanceTimersByTime(HEALTH_INTERVAL_MS);
          await waitFor(() => stats().errors > i, 5000, `the active check to fail (step ${i + 1})`);
          break;
        case 'transport mid-flight': {
          const call = failure(p.query('SELECT sleep(20000) AS s'));
          await waitFor(() => coordinator.stats().inFlight > 0, 10_000, 'the statement to run');
          await coordinator.dropConnections();
          const err = await call;
          expect(err.message).not.toMatch(/refused/);
          break;
        }
      }

      // Anything the step set off (a connect still failing, a late report) has
      // happened by now; and the next step's connect will not meet a pause.
      await sleep(SETTLE_MS);
      const s = stats();
      expect({ step: i + 1, state: s.state, errors: s.errors }).toEqual({ step: i + 1, state: EXPECTED[i], errors: i + 1 });
      expect(downs.length).toBe(i === 2 ? 1 : 0);
    }
  });

  it('a burst of callers at a coordinator that refuses is one failure, whatever maxConnectionsPerCoordinator allows', async () => {
    // The rows above cap connections at one, so the burst makes one connect.
    // With the default cap the callers arrive before any connect has failed,
    // and the pool opens a connect for each; they are refused together, one
    // outage seen at one moment: still one failure toward fall.
    const coordinator = cluster.coordinators[0]!;
    const p = createPool({
      hosts: cluster.hosts,
      fall: 3,
      rise: 2,
      healthCheckIntervalMs: 0,
      connectTimeoutMs: 2000,
      ejectBaseMs: 100,
      ejectMaxMs: EJECT_MAX_MS,
    });
    pool = p;
    await coordinator.stop();
    const errors = await Promise.all(Array.from({ length: 10 }, (_, j) => failure(p.query('SELECT ? AS j', [j]))));
    for (const err of errors) expect(err.message).toMatch(/ECONNREFUSED|refused/);
    await sleep(SETTLE_MS);
    const s = p.stats().coordinators[0]!;
    expect({ state: s.state, errors: s.errors }).toEqual({ state: 'suspect', errors: 1 });
  });

  it('a statement cut off when its coordinator goes down is not counted as another failure', async () => {
    // A statement waits on a frozen coordinator while three active checks
    // fail (connect timeouts); the third takes the coordinator down, and the
    // pool gives up on the statement at once. That is the third failure's
    // consequence, not a fourth failure. (The silence watchdog would count
    // the frozen coordinator too; its stall window is set far beyond the test.)
    const coordinator = cluster.coordinators[0]!;
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const p = createPool({
      hosts: cluster.hosts,
      fall: 3,
      rise: 2,
      healthCheckIntervalMs: HEALTH_INTERVAL_MS,
      healthCheckTimeoutMs: 60_000,
      connectTimeoutMs: 300,
      rpcTimeoutMs: 60_000,
      ejectBaseMs: 60_000,
      ejectMaxMs: 60_000,
    });
    pool = p;
    const stats = () => p.stats().coordinators[0]!;
    const stuck = failure(p.query('SELECT sleep(30000) AS s'));
    await waitFor(() => coordinator.stats().inFlight > 0, 5000, 'the statement to run');
    coordinator.pause();
    paused = true;
    for (let i = 0; i < 3; i += 1) {
      vi.advanceTimersByTime(HEALTH_INTERVAL_MS);
      await waitFor(() => stats().errors > i, 5000, `active check ${i + 1} to fail`);
    }
    await stuck;
    await sleep(SETTLE_MS);
    expect({ state: stats().state, errors: stats().errors }).toEqual({ state: 'down', errors: 3 });
  });
});
