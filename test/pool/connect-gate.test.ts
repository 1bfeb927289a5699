/**
 * ConnectGate with a fake connect that settles only when a test says so, and
 * fake coordinator hooks that count what the gate reports and asks.
 *
 * The backoff runs on real timers inside p-retry (CONNECT_BACKOFF_BASE_MS and
 * up, jittered), so nothing here sleeps for a set time: tests wait for the
 * event they expect (the gate calling connect, reporting a failure, asking
 * whether anyone wants a connection) under a generous hang guard. Claims that
 * something did not happen are checked either synchronously — before any
 * timer could have fired — or after letting every pending callback and
 * promise run, which proves nothing was merely a microtask away.
 */
import { describe, expect, it } from 'vitest';
import { ConnectError, ImpalaError } from '../../src/errors.js';
import type { Hs2Connection } from '../../src/hs2/connection.js';
import { CONNECT_BACKOFF_BASE_MS, ConnectGate, isGateReset } from '../../src/pool/connect-gate.js';

/** Only for tests that hang; the longest real wait here is a few backoffs of CONNECT_BACKOFF_BASE_MS. */
const HANG_GUARD_MS = 20_000;
const MAX_DELAY_MS = 8 * CONNECT_BACKOFF_BASE_MS;

/** Settles like `p`, or fails the test naming `what` if it never does. */
async function guard<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`hang guard: still waiting for ${what} after ${HANG_GUARD_MS} ms`)), HANG_GUARD_MS);
  });
  try {
    return await Promise.race([p, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Lets every callback and promise already due run (a few event-loop turns). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A count that tests can wait on. */
class Counter {
  n = 0;
  private waiters: Array<{ at: number; resolve: () => void }> = [];

  bump(): void {
    this.n += 1;
    for (const w of this.waiters.filter((x) => x.at <= this.n)) w.resolve();
    this.waiters = this.waiters.filter((x) => x.at > this.n);
  }

  /** Resolves once the count has reached `n`. */
  reached(n: number, what: string): Promise<void> {
    if (this.n >= n) return Promise.resolve();
    return guard(new Promise<void>((resolve) => this.waiters.push({ at: n, resolve })), what);
  }
}

interface PendingConnect {
  resolve(): Hs2Connection;
  reject(err: ImpalaError): void;
}

function rig(options: { wanted?: boolean } = {}) {
  const connects: PendingConnect[] = [];
  const connectCount = new Counter();
  let active = 0;
  let maxActive = 0;
  const failed: ImpalaError[] = [];
  const failedCount = new Counter();
  const wantedChecks = new Counter();
  const state = { wanted: options.wanted ?? true };
  const gate = new ConnectGate(
    {
      connect: () =>
        new Promise<Hs2Connection>((resolve, reject) => {
          active += 1;
          maxActive = Math.max(maxActive, active);
          const serial = connects.length + 1;
          connects.push({
            resolve: () => {
              active -= 1;
              const conn = { serial } as unknown as Hs2Connection;
              resolve(conn);
              return conn;
            },
            reject: (err) => {
              active -= 1;
              reject(err);
            },
          });
          connectCount.bump();
        }),
      failed: (err) => {
        failed.push(err);
        failedCount.bump();
      },
      wanted: () => {
        wantedChecks.bump();
        return state.wanted;
      },
    },
    MAX_DELAY_MS,
  );
  /** The n-th connect call (1-based), once the gate has made it. */
  const connect = async (n: number): Promise<PendingConnect> => {
    await connectCount.reached(n, `connect call ${n}`);
    return connects[n - 1]!;
  };
  return {
    gate,
    state,
    failed,
    connect,
    connectCount,
    failedCount,
    wantedChecks,
    get maxActive() {
      return maxActive;
    },
    resetMaxActive() {
      maxActive = active;
    },
  };
}

/** Tracks whether a promise has settled, without letting a rejection go unhandled. */
function watch<T>(p: Promise<T>): { settled: () => boolean; result: Promise<{ value?: T; error?: unknown }> } {
  let done = false;
  const result = p.then(
    (value) => ((done = true), { value }),
    (error: unknown) => ((done = true), { error }),
  );
  return { settled: () => done, result };
}

const refused = (n: number): ImpalaError => new ConnectError(`connect ECONNREFUSED (${n})`);

/** Makes the gate fail once, so it is in backoff; returns that failure. */
async function failFirst(r: ReturnType<typeof rig>): Promise<ImpalaError> {
  const first = watch(r.gate.create());
  const err = refused(1);
  (await r.connect(1)).reject(err);
  expect((await first.result).error).toBe(err);
  return err;
}

describe('ConnectGate', () => {
  it('connects straight through while nothing fails', async () => {
    const r = rig();
    const p = watch(r.gate.create());
    const conn = (await r.connect(1)).resolve();
    expect((await p.result).value).toBe(conn);
    expect(r.gate.failing).toBe(false);
    expect(r.gate.refusal).toBeUndefined();
    expect(r.failed).toEqual([]);
  });

  it('reports the first failure once, refuses during the backoff, and reports each later try once', async () => {
    const r = rig();
    const e1 = await failFirst(r);
    expect(r.failed).toEqual([e1]);
    expect(r.gate.failing).toBe(true);
    expect(r.gate.refusal).toBe(e1);
    // The backoff is a timer of at least CONNECT_BACKOFF_BASE_MS: no timer has run yet, so no try either.
    expect(r.connectCount.n).toBe(1);

    const e2 = refused(2);
    (await r.connect(2)).reject(e2);
    await r.failedCount.reached(2, 'the second failure to be reported');
    expect(r.failed).toEqual([e1, e2]);
    expect(r.gate.refusal).toBe(e2);

    (await r.connect(3)).resolve();
    await settle();
    expect(r.failed).toEqual([e1, e2]);
    expect(r.gate.failing).toBe(false);
    expect(r.gate.refusal).toBeUndefined();
  });

  it('while failing, concurrent create() calls share one loop: one connect at a time, each failure reported once', async () => {
    const r = rig();
    await failFirst(r);
    const callers = [watch(r.gate.create()), watch(r.gate.create()), watch(r.gate.create())];
    // Joining the loop connects nothing by itself.
    expect(r.connectCount.n).toBe(1);
    r.resetMaxActive();

    (await r.connect(2)).reject(refused(2));
    await r.failedCount.reached(2, 'the loop failure to be reported');
    const third = await r.connect(3);
    expect(r.maxActive).toBe(1);
    expect(r.failed).toHaveLength(2);
    // A failed loop try does not fail the callers waiting on the loop (the coordinator sends them elsewhere).
    expect(callers.some((c) => c.settled())).toBe(false);
    const loopConn = third.resolve();

    // The loop's connection goes to one caller; the others then connect on their own.
    const own = [(await r.connect(4)).resolve(), (await r.connect(5)).resolve()];
    const got = await Promise.all(callers.map((c) => c.result));
    expect(got.map((g) => g.error)).toEqual([undefined, undefined, undefined]);
    expect(new Set(got.map((g) => g.value))).toEqual(new Set([loopConn, ...own]));
    expect(r.connectCount.n).toBe(5);
  });

  it('parks the loop while nobody wants a connection, trying nothing until wake()', async () => {
    const r = rig({ wanted: false });
    await failFirst(r);
    await r.wantedChecks.reached(1, 'the loop to ask whether anyone waits');
    await settle();
    // Parked: no try, no asking again, and callers may wait for the try a wake starts.
    expect(r.connectCount.n).toBe(1);
    expect(r.wantedChecks.n).toBe(1);
    expect(r.gate.failing).toBe(true);
    expect(r.gate.refusal).toBeUndefined();

    // Woken with still nobody waiting: it looks again and parks again.
    r.gate.wake();
    await r.wantedChecks.reached(2, 'the woken loop to ask again');
    await settle();
    expect(r.connectCount.n).toBe(1);

    r.state.wanted = true;
    r.gate.wake();
    (await r.connect(2)).resolve();
    await settle();
    expect(r.gate.failing).toBe(false);
  });

  it('reset() ends the loop, so the next create() connects at once', async () => {
    const r = rig();
    const e1 = await failFirst(r);
    const joined = watch(r.gate.create());
    r.gate.reset();
    await settle();
    expect(r.gate.failing).toBe(false);
    expect(r.gate.refusal).toBeUndefined();
    // A caller waiting on the loop learns it stood down; that is not a connect failure.
    const { error } = await joined.result;
    expect(isGateReset(error)).toBe(true);
    expect(r.failed).toEqual([e1]);

    const next = watch(r.gate.create());
    // Synchronously: no backoff stood in between.
    expect(r.connectCount.n).toBe(2);
    const conn = (await r.connect(2)).resolve();
    expect((await next.result).value).toBe(conn);
  });

  it('reset() while a try is under way: that try failing is still reported once', async () => {
    const r = rig();
    const e1 = await failFirst(r);
    const inFlight = await r.connect(2);
    r.gate.reset();
    const e2 = refused(2);
    inFlight.reject(e2);
    await settle();
    expect(r.gate.failing).toBe(false);
    // "Each failed try is reported once": health and the waiting callers hear of it.
    expect(r.failed).toEqual([e1, e2]);
  });

  it('close() makes later create() calls never settle, and connects nothing more', async () => {
    const r = rig();
    r.gate.close();
    const later = watch(r.gate.create());
    await settle();
    expect(later.settled()).toBe(false);
    expect(r.connectCount.n).toBe(0);
  });

  it('close() during the backoff stops the loop: its callers fail as closed, unreported; later ones never settle', async () => {
    const r = rig();
    const e1 = await failFirst(r);
    const joined = watch(r.gate.create());
    r.gate.close();
    const { error } = await guard(joined.result, 'the joined caller to fail');
    expect((error as ImpalaError).code).toBe('IMPALA_CLIENT_CLOSED');
    expect(r.failed).toEqual([e1]);

    const later = watch(r.gate.create());
    await settle();
    expect(later.settled()).toBe(false);
    expect(r.connectCount.n).toBe(1);
  });
});
