/**
 * Load drivers. Closed loop: N workers run tasks back to back for a fixed
 * time. Open loop: tasks arrive at a fixed rate and wait in line for one of
 * N workers; latency counts from the scheduled arrival, so queueing shows,
 * and the line is bounded (arrivals past it are shed and counted). Both take
 * timed events (pause a coordinator at 1 s…) and record every statement.
 *
 * A task is one statement or a chain (DDL then DML then a read); a chain
 * stops at its first failure. Statement choice is seeded per worker and
 * round, so every system of a round gets the same sequences.
 *
 * @module
 */
import { seededRandom } from '../../src/util/clock.js';
import type { Outcome, System } from './systems.js';

/** One statement of a task. */
export interface Statement {
  sql: string;
  /** `query` returns rows (pool.query); `execute` is DDL/DML (pool.execute). */
  kind: 'query' | 'execute';
  /** When set, the rows must be exactly these (a stale read after DDL elsewhere is an error). */
  expectRows?: Array<Record<string, unknown>>;
}

/** What a worker runs next: one statement or a chain. */
export type Task = Statement[];

/** Picks worker `worker`'s `i`-th task with the seeded random source `rng`. */
export type TaskSource = (worker: number, i: number, rng: () => number) => Task;

/** One statement as measured. */
export interface Sample {
  worker: number;
  /** Position in its chain, from 0. */
  step: number;
  sql: string;
  /** Arrival (open loop) or start (closed loop), ms since the run began. */
  scheduledMs: number;
  startMs: number;
  endMs: number;
  ok: boolean;
  /** Error code and message when it failed. */
  error?: string;
  coordinator?: string;
}

/** A timed event during a run. */
export interface RunEvent {
  /** When, ms after the run began. */
  atMs: number;
  name: string;
  action(): unknown;
}

/** What a run recorded. */
export interface RunRecord {
  samples: Sample[];
  /** How long arrivals or new tasks were started, ms. */
  durationMs: number;
  /** Events, with when each actually happened (ms since the run began). */
  events: Array<{ name: string; atMs: number }>;
  /** Open loop: arrivals shed because the line was full. */
  shed: number;
  /** Open loop: arrivals still waiting when the drain time ran out. */
  unserved: number;
  /** Tasks started and tasks that completed every statement. */
  tasks: number;
  tasksOk: number;
}

/**
 * How long the mix's long statements sleep, ms. A fifth of the statements
 * are these, so no system's p99 is below it.
 */
export const MIX_SLEEP_MS = 100;

/** The default statement mix: 80% `SELECT 1`, 20% `SELECT sleep(100)`. */
export const DEFAULT_MIX: TaskSource = (_w, _i, rng) => [
  rng() < 0.8 ? { sql: 'SELECT 1', kind: 'query' } : { sql: `SELECT sleep(${MIX_SLEEP_MS})`, kind: 'query' },
];

/** Only `SELECT 1`. */
export const SELECT_ONE: TaskSource = () => [{ sql: 'SELECT 1', kind: 'query' }];

function runEvents(events: readonly RunEvent[], t0: number, record: RunRecord): { done: Promise<void>; cancel(): void } {
  const timers: NodeJS.Timeout[] = [];
  const done = Promise.all(
    events.map(
      (e) =>
        new Promise<void>((resolve) => {
          timers.push(
            setTimeout(
              () => {
                const atMs = performance.now() - t0;
                record.events.push({ name: e.name, atMs });
                // A failed event (a kill that found nothing to kill) goes into the record, not into an unhandled rejection.
                Promise.resolve()
                  .then(() => e.action())
                  .then(
                    () => resolve(),
                    (err: unknown) => {
                      record.events.push({ name: `${e.name} failed: ${err instanceof Error ? err.message : String(err)}`, atMs });
                      resolve();
                    },
                  );
              },
              Math.max(0, e.atMs - (performance.now() - t0)),
            ),
          );
        }),
    ),
  ).then(() => undefined);
  return { done, cancel: () => timers.forEach(clearTimeout) };
}

async function runTask(system: System, task: Task, worker: number, scheduledMs: number, t0: number, samples: Sample[]): Promise<boolean> {
  for (let step = 0; step < task.length; step++) {
    const st = task[step]!;
    const startMs = performance.now() - t0;
    const out: Outcome = await system.run(st, worker);
    const endMs = performance.now() - t0;
    let ok = out.ok;
    let error = out.error;
    if (ok && st.expectRows && JSON.stringify(normalize(out.rows)) !== JSON.stringify(st.expectRows)) {
      ok = false;
      error = `STALE_READ: expected ${JSON.stringify(st.expectRows)}, got ${JSON.stringify(normalize(out.rows))}`;
    }
    samples.push({
      worker,
      step,
      sql: st.sql,
      scheduledMs: step === 0 ? scheduledMs : startMs,
      startMs,
      endMs,
      ok,
      ...(error !== undefined ? { error } : {}),
      ...(out.coordinator ? { coordinator: out.coordinator } : {}),
    });
    if (!ok) return false;
  }
  return true;
}

function normalize(rows: unknown): unknown {
  return JSON.parse(JSON.stringify(rows ?? null, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)));
}

/** Options of {@link closedLoop}. */
export interface ClosedLoopOptions {
  workers: number;
  /** New tasks start for this long, ms; tasks under way then finish. */
  durationMs: number;
  tasks: TaskSource;
  /** Seed of this round (each worker's random source derives from it). */
  seed: number;
  events?: readonly RunEvent[];
}

/** N workers run tasks back to back for `durationMs`. */
export async function closedLoop(system: System, o: ClosedLoopOptions): Promise<RunRecord> {
  const record: RunRecord = { samples: [], durationMs: o.durationMs, events: [], shed: 0, unserved: 0, tasks: 0, tasksOk: 0 };
  const t0 = performance.now();
  const timed = runEvents(o.events ?? [], t0, record);
  const worker = async (w: number): Promise<void> => {
    const rng = seededRandom(o.seed * 1000 + w + 1);
    for (let i = 0; performance.now() - t0 < o.durationMs; i++) {
      record.tasks += 1;
      if (await runTask(system, o.tasks(w, i, rng), w, performance.now() - t0, t0, record.samples)) record.tasksOk += 1;
    }
  };
  await Promise.all(Array.from({ length: o.workers }, (_, w) => worker(w)));
  await timed.done;
  return record;
}

/** Options of {@link openLoop}. */
export interface OpenLoopOptions {
  /** Arrivals per second. */
  ratePerSec: number;
  /** Arrivals are scheduled over this long, ms. */
  durationMs: number;
  /** Workers taking arrivals from the line (the application's concurrency). */
  workers: number;
  /** Most arrivals waiting or running at once; more are shed. */
  maxOutstanding: number;
  /** Longest wait for the line to empty after the last arrival, ms; what still waits then is unserved. */
  drainTimeoutMs: number;
  tasks: TaskSource;
  seed: number;
  events?: readonly RunEvent[];
}

/** Arrivals at a fixed rate, served by `workers` in arrival order. */
export async function openLoop(system: System, o: OpenLoopOptions): Promise<RunRecord> {
  const record: RunRecord = { samples: [], durationMs: o.durationMs, events: [], shed: 0, unserved: 0, tasks: 0, tasksOk: 0 };
  const rng = seededRandom(o.seed * 7919 + 17);
  const line: Array<{ at: number; task: Task }> = [];
  const interval = 1000 / o.ratePerSec;
  const total = Math.floor((o.durationMs / 1000) * o.ratePerSec);
  let busy = 0;
  let arrivalsDone = false;
  let stopped = false;
  const wakers: Array<() => void> = [];
  const wake = (): void => {
    for (const w of wakers.splice(0)) w();
  };
  const t0 = performance.now();
  const timed = runEvents(o.events ?? [], t0, record);

  const arrivals = (async () => {
    for (let k = 0; k < total;) {
      const now = performance.now() - t0;
      // Everything scheduled by now arrives now: a late timer does not thin the arrivals out.
      while (k < total && k * interval <= now) {
        const task = o.tasks(k % o.workers, k, rng);
        if (line.length + busy >= o.maxOutstanding) record.shed += 1;
        else line.push({ at: k * interval, task });
        k += 1;
      }
      wake();
      if (k < total) await new Promise((r) => setTimeout(r, Math.max(0, k * interval - (performance.now() - t0))));
    }
    arrivalsDone = true;
    wake();
  })();

  const worker = async (w: number): Promise<void> => {
    for (;;) {
      const next = line.shift();
      if (!next) {
        if ((arrivalsDone && line.length === 0) || stopped) return;
        await new Promise<void>((r) => wakers.push(r));
        continue;
      }
      busy += 1;
      record.tasks += 1;
      if (await runTask(system, next.task, w, next.at, t0, record.samples)) record.tasksOk += 1;
      busy -= 1;
    }
  };
  const workers = Promise.all(Array.from({ length: o.workers }, (_, w) => worker(w)));
  await arrivals;
  const drained = await Promise.race([
    workers.then(() => true),
    new Promise<boolean>((r) => setTimeout(r, o.drainTimeoutMs, false).unref()),
  ]);
  if (!drained) {
    stopped = true;
    record.unserved = line.length;
    line.length = 0;
    wake();
    await workers;
  }
  await timed.done;
  return record;
}

/** Figures of a run. */
export interface RunFigures {
  /** Statements that succeeded per second of the run (completions within it). */
  throughput: number;
  /** Statements run, failed. */
  statements: number;
  failed: number;
  /** Latency of successful statements from their scheduled time (closed loop: their start). */
  latencies: number[];
}

/** Throughput, failures and latencies of a run. */
export function figuresOf(record: RunRecord): RunFigures {
  const ok = record.samples.filter((s) => s.ok);
  const inTime = ok.filter((s) => s.endMs <= record.durationMs).length;
  return {
    throughput: inTime / (record.durationMs / 1000),
    statements: record.samples.length,
    failed: record.samples.length - ok.length,
    latencies: ok.map((s) => s.endMs - s.scheduledMs),
  };
}
