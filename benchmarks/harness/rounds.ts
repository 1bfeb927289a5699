/**
 * Rounds that interleave the systems — A B C … in even rounds, … C B A in
 * odd ones — so drift in the machine's state hits each the same, with the
 * machine's load recorded over each measured stretch. Ratios are taken per
 * round (a system against the reference measured in the same round), then
 * summarised by their median and spread.
 *
 * @module
 */
import { loadSince, markLoad, type LoadMark, type RoundLoad } from './machine-load.js';
import type { Progress } from './progress.js';
import { ratio } from './stats.js';
import { closedLoop, DEFAULT_MIX, type RunRecord, type TaskSource } from './workload.js';
import type { System, SystemEnv, SystemSpec } from './systems.js';

/** Brackets the measured stretch of one system's round. */
export interface Meter {
  begin(): void;
  end(): void;
}

/** Options of {@link interleavedRounds}. */
export interface RoundsOptions<T> {
  phase: string;
  systems: readonly SystemSpec[];
  rounds: number;
  progress: Progress;
  /** Measures one system in one round (call `meter.begin()`/`end()` around the measured part; otherwise all of it counts). */
  measure(spec: SystemSpec, round: number, meter: Meter): Promise<T>;
}

/** Per-system values (index = round) and the load of every measured stretch. */
export interface RoundsResult<T> {
  bySystem: Map<string, T[]>;
  load: RoundLoad[];
}

/** The order systems run in, round by round. */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...items] : [...items].reverse();
}

/** Runs every system once per round, in alternating order. */
export async function interleavedRounds<T>(o: RoundsOptions<T>): Promise<RoundsResult<T>> {
  const bySystem = new Map<string, T[]>(o.systems.map((s) => [s.name, []]));
  const load: RoundLoad[] = [];
  for (let round = 0; round < o.rounds; round++) {
    for (const spec of roundOrder(o.systems, round)) {
      let mark: LoadMark | undefined = markLoad();
      let recorded = false;
      const label = { phase: o.phase, round, system: spec.name };
      const meter: Meter = {
        begin: () => (mark = markLoad()),
        end: () => {
          if (mark && !recorded) load.push(loadSince(mark, label));
          recorded = true;
        },
      };
      const value = await o.measure(spec, round, meter);
      meter.end();
      bySystem.get(spec.name)![round] = value;
      o.progress.tick(`${o.phase} r${round + 1} ${spec.name}`);
    }
  }
  return { bySystem, load };
}

/** Per-round ratios of `metric` between a system and the reference. */
export function roundRatios<T>(r: RoundsResult<T>, system: string, reference: string, metric: (v: T) => number): number[] {
  const a = r.bySystem.get(system) ?? [];
  const b = r.bySystem.get(reference) ?? [];
  return a.map((v, i) => ratio(metric(v), b[i] === undefined ? Number.NaN : metric(b[i]!)));
}

/**
 * Per round, the lowest p99 ratio against `reference` any system could reach:
 * `floorMs` (what the mix's slowest statements take even where nothing else
 * delays them) over the reference's p99. A target below it cannot be met.
 */
export function p99Floor<T>(r: RoundsResult<T>, reference: string, floorMs: number, p99: (v: T) => number): number[] {
  return (r.bySystem.get(reference) ?? []).map((v) => ratio(floorMs, p99(v)));
}

/**
 * Systems kept open across rounds and phases, as a long-lived application
 * keeps its pool: built and opened on first use, closed by {@link closeAll}.
 */
export class SystemCache {
  private readonly open = new Map<string, System>();

  /** The open system for `spec`, built from `env()` the first time. */
  async get(spec: SystemSpec, env: () => SystemEnv): Promise<System> {
    let s = this.open.get(spec.name);
    if (!s) {
      s = spec.create(env());
      this.open.set(spec.name, s);
      await s.open();
    }
    return s;
  }

  /** Closes every system. */
  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((s) => s.close().catch(() => undefined)));
  }
}

/** Options of {@link measureSystem}. */
export interface MeasureOptions {
  /** The systems' environment, read after `before()` (which may restart haproxy). */
  env: () => SystemEnv;
  /** Closed-loop warm-up before measuring (connections open, strategies learn), ms. */
  warmupMs: number;
  /** Before opening the system (e.g. a fresh haproxy for a fault round). */
  before?(): Promise<void>;
  /** After closing it (e.g. restart what a fault stopped). */
  after?(): Promise<void>;
  /** The measured run. */
  drive(system: System): Promise<RunRecord>;
  /** Warm-up statements. Default: the default mix. */
  warmupTasks?: TaskSource;
  workers: number;
  /** Reuse systems across rounds (no fresh build per round; counters are then cumulative). */
  cache?: SystemCache;
}

/** One system's round: build, open, warm up, measure (metered), close — or, with a cache, warm up and measure the kept one. */
export async function measureSystem(
  spec: SystemSpec,
  meter: Meter,
  o: MeasureOptions,
): Promise<{ record: RunRecord; counters: Record<string, number> }> {
  await o.before?.();
  const system = o.cache ? await o.cache.get(spec, o.env) : spec.create(o.env());
  const before = o.cache ? system.counters() : {};
  try {
    if (!o.cache) await system.open();
    if (o.warmupMs > 0)
      await closedLoop(system, { workers: o.workers, durationMs: o.warmupMs, tasks: o.warmupTasks ?? DEFAULT_MIX, seed: 999_999 });
    meter.begin();
    const record = await o.drive(system);
    meter.end();
    const after = system.counters();
    return { record, counters: Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)])) };
  } finally {
    if (!o.cache) await system.close().catch(() => undefined);
    await o.after?.();
  }
}
