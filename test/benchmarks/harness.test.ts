import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Hs2Connection } from '../../src/index.js';
import { ConnectionClosedError, ServerError } from '../../src/index.js';
import { startCluster } from '../../src/testing/index.js';
import { ConnectionSet } from '../../benchmarks/harness/connection-set.js';
import { environment } from '../../benchmarks/harness/environment.js';
import { findHaproxy, haproxyConfig, startHaproxy } from '../../benchmarks/harness/haproxy.js';
import { interleave } from '../../benchmarks/harness/interleave.js';
import { loadSince, markLoad } from '../../benchmarks/harness/machine-load.js';
import { interleavedRounds, roundOrder } from '../../benchmarks/harness/rounds.js';
import type { ScenarioResult } from '../../benchmarks/harness/scenario.js';
import { median, quantile, summarize } from '../../benchmarks/harness/stats.js';
import { HAPROXY_SYSTEMS, POOL_SYSTEMS, type Outcome, type System } from '../../benchmarks/harness/systems.js';
import { judge } from '../../benchmarks/harness/targets.js';
import { closedLoop, figuresOf, openLoop, type Statement } from '../../benchmarks/harness/workload.js';
import { writeResults, type ResultFile } from '../../benchmarks/report/write-results.js';
import { runBench } from '../../benchmarks/runner.js';
import { runDdlChains } from '../../benchmarks/scenarios/ddl-chains.js';
import { runHeterogeneous } from '../../benchmarks/scenarios/heterogeneous.js';
import { runOverhead } from '../../benchmarks/scenarios/overhead.js';
import { requireTool } from '../support/system-tool.js';

const quiet = { quick: true, log: () => undefined, progress: false };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('stats', () => {
  it.each([
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5, 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99, 10],
    [[7], 0.5, 7],
    [Array.from({ length: 1000 }, (_, i) => i + 1), 0.99, 990],
  ])('quantile of %# at %d', (sorted, q, expected) => {
    expect(quantile(sorted, q)).toBe(expected);
  });

  it('summarizes unsorted samples', () => {
    const s = summarize([4, 1, 3, 2]);
    expect(s).toMatchObject({ count: 4, mean: 2.5, p50: 2, min: 1, max: 4, opsPerSec: 400 });
  });

  it('takes medians of odd and even counts, ignoring NaN', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([Number.NaN, 5])).toBe(5);
    expect(median([])).toBeNaN();
  });
});

describe('interleave', () => {
  it('warms up, measures each contender the same number of times, alternating blocks', async () => {
    const calls: string[] = [];
    const passes: number[] = [];
    const samples = await interleave([async () => calls.push('a'), async () => calls.push('b')], {
      iterations: 4,
      warmup: 1,
      blockSize: 2,
      onPass: (p) => passes.push(p),
    });
    expect(samples.map((s) => s.length)).toEqual([4, 4]);
    expect(calls.join('')).toBe('ab' + 'aabb' + 'bbaa');
    expect(passes).toEqual([0, 1]);
  });
});

describe('targets', () => {
  it('says whether a figure met its target and by how much it missed', () => {
    expect(judge('x', 0.6, '<=', 0.7)).toMatchObject({ met: true, target: '≤ 0.7' });
    expect(judge('x', 0.6, '<=', 0.7).miss).toBeUndefined();
    const over = judge('x', 0.84, '<=', 0.7);
    expect(over.met).toBe(false);
    expect(over.miss).toBe('0.840 is 0.140 above ≤ 0.7 (20% over the bound)');
    expect(judge('y', 1.1, '>=', 1.2).miss).toBe('1.100 is 0.100 below ≥ 1.2 (8% under the bound)');
    expect(judge('z', 3, '=', 0, { unit: 'statements', digits: 0 }).miss).toBe('3 statements instead of 0 statements');
    expect(judge('n', Number.NaN, '<=', 1)).toMatchObject({ met: false, miss: 'no figure: nothing was measured' });
  });
});

describe('machine load', () => {
  it("reports other processes' and this tree's CPU share over a stretch", async () => {
    const mark = markLoad();
    const until = performance.now() + 150;
    while (performance.now() < until); // busy: our own CPU time
    const load = loadSince(mark, { phase: 'p', round: 0, system: 's' });
    expect(load.wallMs).toBeGreaterThanOrEqual(140);
    expect(load.ownCpuPct).toBeGreaterThan(0);
    expect(load.ownCpuPct).toBeLessThanOrEqual(100);
    if (process.platform === 'linux') {
      expect(load.otherCpuPct).not.toBeNull();
      expect(load.otherCpuPct!).toBeGreaterThanOrEqual(0);
      expect(load.otherCpuPct! + load.ownCpuPct).toBeLessThanOrEqual(100.5);
    }
  });
});

/** A system whose statements take `ms` and fail when the SQL says so. */
function fakeSystem(ms: number, log: string[] = []): System {
  return {
    name: 'fake',
    open: async () => undefined,
    close: async () => undefined,
    counters: () => ({}),
    run: async (st: Statement, worker: number): Promise<Outcome> => {
      log.push(`${worker}:${st.sql}`);
      await sleep(ms);
      return st.sql.includes('FAIL') ? { ok: false, error: 'X: failed' } : { ok: true, rows: [{ n: 1 }] };
    },
  };
}

describe('workload drivers', () => {
  it('closed loop: workers back to back for the duration, events on time, a chain stops at its first failure', async () => {
    const log: string[] = [];
    let fired = 0;
    // 300 ms of 10 ms statements: about 30 per worker, so more than 8 in all even if each took several times as long.
    const rec = await closedLoop(fakeSystem(10, log), {
      workers: 2,
      durationMs: 300,
      seed: 1,
      tasks: (w) =>
        w === 0
          ? [{ sql: 'A', kind: 'query' }]
          : [
              { sql: 'FAIL', kind: 'execute' },
              { sql: 'NEVER', kind: 'query' },
            ],
      events: [{ atMs: 50, name: 'e', action: () => (fired += 1) }],
    });
    expect(fired).toBe(1);
    expect(rec.events[0]!.atMs).toBeGreaterThanOrEqual(45);
    expect(log.some((l) => l.endsWith('NEVER'))).toBe(false);
    const f = figuresOf(rec);
    expect(f.statements).toBeGreaterThan(8);
    expect(f.failed).toBe(rec.samples.filter((s) => s.sql === 'FAIL').length);
    expect(rec.tasksOk).toBe(rec.samples.filter((s) => s.sql === 'A').length);
  });

  it('closed loop: a read that returns other rows than expected is a stale read', async () => {
    const rec = await closedLoop(fakeSystem(5), {
      workers: 1,
      durationMs: 20,
      seed: 1,
      tasks: () => [{ sql: 'S', kind: 'query', expectRows: [{ n: 2 }] }],
    });
    expect(rec.samples[0]).toMatchObject({ ok: false });
    expect(rec.samples[0]!.error).toMatch(/^STALE_READ/);
  });

  it('open loop: latency counts from the scheduled arrival, so a line that builds up shows; past the bound arrivals are shed', async () => {
    // One worker, 20 ms per statement, 100 arrivals/s: the line grows by one every 20 ms.
    const rec = await openLoop(fakeSystem(20), {
      ratePerSec: 100,
      durationMs: 300,
      workers: 1,
      maxOutstanding: 8,
      drainTimeoutMs: 2000,
      seed: 1,
      tasks: () => [{ sql: 'A', kind: 'query' }],
    });
    const lat = rec.samples.map((s) => s.endMs - s.scheduledMs);
    expect(rec.shed).toBeGreaterThan(0);
    expect(rec.samples.length + rec.shed + rec.unserved).toBe(30);
    expect(Math.max(...lat)).toBeGreaterThan(100);
    // The wait shows in latency, not in service time: the last in a full line waited for the seven ahead of it.
    expect(Math.max(...lat)).toBeGreaterThan(3 * median(rec.samples.map((s) => s.endMs - s.startMs)));
  });

  it('open loop: what still waits when the drain time runs out is counted as unserved', async () => {
    const rec = await openLoop(fakeSystem(50), {
      ratePerSec: 200,
      durationMs: 100,
      workers: 1,
      maxOutstanding: 100,
      drainTimeoutMs: 60,
      seed: 1,
      tasks: () => [{ sql: 'A', kind: 'query' }],
    });
    expect(rec.unserved).toBeGreaterThan(0);
    expect(rec.samples.length + rec.unserved).toBe(20);
  });
});

describe('interleaved rounds', () => {
  it('alternate the order of systems (A B C, then C B A) and record the load of each measured stretch', async () => {
    expect(roundOrder(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(roundOrder(['a', 'b', 'c'], 1)).toEqual(['c', 'b', 'a']);
    const seen: string[] = [];
    const spec = (name: string) => ({ name, description: name, proxied: false, create: () => fakeSystem(1) });
    const r = await interleavedRounds({
      phase: 'p',
      systems: [spec('a'), spec('b'), spec('c')],
      rounds: 3,
      progress: { tick: () => undefined, log: () => undefined, stop: () => undefined },
      measure: async (s, round, meter) => {
        meter.begin();
        seen.push(`${round}${s.name}`);
        meter.end();
        return round;
      },
    });
    expect(seen).toEqual(['0a', '0b', '0c', '1c', '1b', '1a', '2a', '2b', '2c']);
    expect(r.bySystem.get('b')).toEqual([0, 1, 2]);
    expect(r.load.map((l) => `${l.round}${l.system}`)).toEqual(seen);
  });
});

describe('JDBC-style connection set', () => {
  /** A fake connection: `fail` decides how each query ends. */
  function fakeConn(id: number, opened: number[], fail: { next?: Error; ping?: Error }): Hs2Connection {
    let open = true;
    return {
      get open() {
        return open;
      },
      coordinator: `c${id}`,
      query: async () => {
        const err = fail.next;
        fail.next = undefined;
        if (err) throw err;
        return { rows: [{ id }] };
      },
      ping: async () => {
        if (fail.ping) throw fail.ping;
        return { version: '', latencyMs: 0 };
      },
      destroy: () => {
        open = false;
      },
      close: async () => {
        open = false;
        opened.push(-id);
      },
    } as unknown as Hs2Connection;
  }

  it('evicts a connection after a connection-level error (not after a server error), reopens it on the next borrow, and validates after idling', async () => {
    const opened: number[] = [];
    const fail: { next?: Error; ping?: Error } = {};
    let n = 0;
    const set = new ConnectionSet({ size: 1, validateAfterIdleMs: 50, open: async () => (opened.push(++n), fakeConn(n, opened, fail)) });
    await set.fill();
    const a = await set.borrow();
    fail.next = new ServerError('Client session expired', {});
    await expect(a.conn.query('x')).rejects.toThrow(/expired/);
    a.release(new ServerError('Client session expired', {}));
    expect(set.counters.evicted).toBe(0);
    const b = await set.borrow();
    const err = new ConnectionClosedError('reset', {});
    b.release(err);
    expect(set.counters.evicted).toBe(1);
    const c = await set.borrow();
    expect((await c.conn.query('x')).rows).toEqual([{ id: 2 }]);
    c.release();
    expect(set.counters.reopened).toBe(1);
    await sleep(80);
    fail.ping = new ServerError('Client session expired', {});
    const d = await set.borrow();
    fail.ping = undefined;
    expect((await d.conn.query('x')).rows).toEqual([{ id: 3 }]);
    d.release();
    expect(set.counters.validationFailures).toBe(1);
    await set.close();
  });

  it('hands a returned connection to the first waiting borrower', async () => {
    let n = 0;
    const set = new ConnectionSet({ size: 1, open: async () => fakeConn(++n, [], {}) });
    await set.fill();
    const first = await set.borrow();
    const order: string[] = [];
    const w1 = set.borrow().then((l) => (order.push('w1'), l.release()));
    const w2 = set.borrow().then((l) => (order.push('w2'), l.release()));
    first.release();
    await Promise.all([w1, w2]);
    expect(order).toEqual(['w1', 'w2']);
    await set.close();
  });
});

describe('haproxy configuration', () => {
  it("follows the guide's sample: global maxconn, redispatch, retries 3, its timeouts, tcp listens with checked servers per balance", () => {
    const cfg = haproxyConfig({
      servers: ['127.0.0.1:1001', '127.0.0.1:1002'],
      listens: [
        { balance: 'leastconn', port: 2001 },
        { balance: 'source', port: 2002 },
      ],
      statsSocket: '/tmp/x.sock',
    });
    for (const line of [
      'maxconn     4000',
      'option                  redispatch',
      'retries                 3',
      'timeout connect 5000',
      'timeout client 3600s',
      'timeout server 3600s',
      'stats socket /tmp/x.sock',
    ]) {
      expect(cfg).toContain(line);
    }
    expect(cfg).toMatch(
      /listen impala-leastconn\n {4}bind 127\.0\.0\.1:2001\n {4}mode tcp\n {4}balance leastconn\n {4}server coordinator_0 127\.0\.0\.1:1001 check inter 2000 rise 2 fall 3\n {4}server coordinator_1 127\.0\.0\.1:1002 check inter 2000 rise 2 fall 3\n/,
    );
    expect(cfg).toMatch(/listen impala-source\n {4}bind 127\.0\.0\.1:2002\n {4}mode tcp\n {4}balance source\n/);
    // No logging, no daemon, no privileges to drop.
    expect(cfg).not.toMatch(/^\s*(log|option\s+tcplog|daemon|chroot|user|group)\b/m);
  });
});

describe('runner', () => {
  it('prints usage, and refuses an unknown scenario', async () => {
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    expect(await runBench(['--help'], io)).toBe(0);
    expect(lines.join('\n')).toMatch(/heterogeneous.*\n.*open-loop/s);
    expect(await runBench(['--scenario', 'nope'], io)).toBe(2);
    expect(lines.at(-1)).toMatch(/unknown scenario nope/);
  });
});

const fake: ScenarioResult = {
  scenario: 'fake',
  description: 'a test scenario',
  quick: true,
  unit: 'ms',
  contenders: [
    { name: 'ours', description: 'x', phase: 'one', summary: summarize([1, 2, 3]), figures: { throughput: 10, failed: 0 } },
    { name: 'theirs', description: 'y', phase: 'one', summary: summarize([2, 3, 4]), figures: { throughput: 8, failed: 2 } },
  ],
  ratios: [
    { label: 'ours / theirs, mean latency', value: 2 / 3, target: '≤ 1', met: true, rounds: [0.6, 0.7] },
    judge('ours: failed', 2, '=', 0, { unit: 'statements', digits: 0 }),
  ],
  notes: ['a note'],
  figureLabels: { throughput: 'per second' },
  tables: [{ title: 'Extra', header: ['a', 'b'], rows: [['1', '2']] }],
  load: [{ phase: 'one', round: 0, system: 'ours', wallMs: 100, otherCpuPct: 12.5, ownCpuPct: 40, loadAvg1: 1.5 }],
};

describe('reports', () => {
  it('writes JSON, markdown with ratios, misses, tables, figures and load, a well-formed SVG naming the contenders, and an index', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bench-'));
    try {
      await writeResults(dir, fake, environment());
      const json = JSON.parse(await readFile(path.join(dir, 'fake.json'), 'utf8')) as ResultFile;
      expect(json.result.ratios[0]!.value).toBeCloseTo(0.667, 3);
      expect(json.env.node).toBe(process.version);
      expect(json.result.load![0]!.otherCpuPct).toBe(12.5);
      const md = await readFile(path.join(dir, 'fake.md'), 'utf8');
      expect(md).toMatch(/\| ours \/ theirs, mean latency \| +0\.667 \| ≤ 1 +\| yes \|/);
      expect(md).toMatch(/\| ours: failed +\| +2 statements \| = 0 statements \| NO +\| 2 statements instead of 0 statements \|/);
      expect(md).toContain('## Extra');
      expect(md).toContain('## Machine load');
      expect(md).toMatch(/Other processes used 12\.5% of the machine's CPU/);
      expect(md).toContain('`throughput`: per second');
      const svg = await readFile(path.join(dir, 'fake.svg'), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.trim().endsWith('</svg>')).toBe(true);
      expect(svg).toContain('ours');
      expect(svg).toContain('theirs');
      expect(svg).toContain('statements/s');
      const index = await readFile(path.join(dir, 'README.md'), 'utf8');
      expect(index).toContain('[fake](fake.md)');
      expect(index).toMatch(/## Targets missed\n\n- fake: ours: failed — 2 statements instead of 0 statements/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('overhead scenario (smoke)', () => {
  it('measures the three clients against the real local cluster', async () => {
    const result = await runOverhead(quiet, { iterations: 30, warmup: 5, segments: 2 });
    expect(result.contenders.map((c) => c.name)).toEqual(['direct', 'pool', 'hive-driver']);
    for (const c of result.contenders) {
      expect(c.summary.count).toBe(30);
      expect(c.summary.mean).toBeGreaterThan(0);
      expect(c.summary.p99).toBeGreaterThanOrEqual(c.summary.p50);
    }
    expect(result.ratios[0]!.value).toBeGreaterThan(0);
    expect(result.load!.length).toBeGreaterThan(0);
  }, 60_000);
});

describe.runIf(requireTool('haproxy', 'haproxy'))('haproxy scenarios (smoke, tiny sizes)', () => {
  it('starts haproxy on loopback, reports its servers up, and stops it', async () => {
    const cluster = await startCluster({ coordinators: 2 });
    const proxy = await startHaproxy({ binary: findHaproxy()!, servers: cluster.hosts });
    try {
      const states = await proxy.serverStates();
      expect(states.map((s) => `${s.proxy}/${s.server}`)).toEqual([
        'impala-leastconn/coordinator_0',
        'impala-leastconn/coordinator_1',
        'impala-source/coordinator_0',
        'impala-source/coordinator_1',
        'impala-roundrobin/coordinator_0',
        'impala-roundrobin/coordinator_1',
      ]);
      expect(states.every((s) => s.status.startsWith('UP'))).toBe(true);
    } finally {
      await proxy.stop();
      await cluster.close();
    }
    expect(() => process.kill(proxy.pid, 0)).toThrow();
  }, 30_000);

  it('heterogeneous gives figures for every system in both phases', async () => {
    const r = await runHeterogeneous(quiet, { coordinators: 3, workers: 6, rounds: 1, durationMs: 250, warmupMs: 50, slowMs: 30 });
    const systems = ['direct', ...POOL_SYSTEMS, ...HAPROXY_SYSTEMS];
    for (const phase of ['even', 'slow']) {
      const got = r.contenders.filter((c) => c.phase === phase);
      expect(got.map((c) => c.name)).toEqual(systems);
      for (const c of got) {
        expect(c.summary.count, `${phase} ${c.name}`).toBeGreaterThan(0);
        expect(c.figures!.throughput, `${phase} ${c.name}`).toBeGreaterThan(0);
        expect(c.figures!.failed, `${phase} ${c.name}`).toBe(0);
        expect(c.figures!.sharePct0! + c.figures!.sharePct1! + c.figures!.sharePct2!).toBeCloseTo(100, 5);
      }
    }
    // The direct baseline runs on coordinator 0 only; haproxy-source on one coordinator.
    expect(r.contenders.find((c) => c.name === 'direct')!.figures!.sharePct0).toBe(100);
    expect(Math.max(...[0, 1, 2].map((i) => r.contenders.find((c) => c.name === 'haproxy-source')!.figures![`sharePct${i}`]!))).toBe(100);
    expect(r.ratios.slice(0, 3).map((x) => x.met === true || typeof x.miss === 'string')).toEqual([true, true, true]);
    expect(r.load!.length).toBe(2 * systems.length);
  }, 180_000);

  it('ddl-chains counts chains and errors for every system', async () => {
    const r = await runDdlChains(quiet, {
      coordinators: 3,
      workers: 6,
      connections: 2,
      rounds: 1,
      durationMs: 300,
      warmupMs: 50,
      catalogDelayMs: 300,
    });
    expect(r.contenders.map((c) => c.name)).toEqual(['direct', ...POOL_SYSTEMS, ...HAPROXY_SYSTEMS]);
    for (const c of r.contenders) {
      expect(c.figures!.chains, c.name).toBeGreaterThan(0);
      expect(c.figures!.errors, c.name).toBe(
        c.figures!.tableMissing! + c.figures!.staleReads! + (c.figures!.errors! - c.figures!.tableMissing! - c.figures!.staleReads!),
      );
      expect(c.figures!.errorRatePct, c.name).toBeGreaterThanOrEqual(0);
    }
    expect(r.ratios[0]!.met === true || typeof r.ratios[0]!.miss === 'string').toBe(true);
  }, 120_000);
});
