import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { environment } from '../../benchmarks/harness/environment.js';
import { interleave } from '../../benchmarks/harness/interleave.js';
import type { ScenarioResult } from '../../benchmarks/harness/scenario.js';
import { quantile, summarize } from '../../benchmarks/harness/stats.js';
import { writeResults, type ResultFile } from '../../benchmarks/report/write-results.js';
import { runOverhead } from '../../benchmarks/scenarios/overhead.js';

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
});

describe('interleave', () => {
  it('warms up, measures each contender the same number of times, alternating blocks', async () => {
    const calls: string[] = [];
    const samples = await interleave(
      [async () => calls.push('a'), async () => calls.push('b')],
      { iterations: 4, warmup: 1, blockSize: 2 },
    );
    expect(samples.map((s) => s.length)).toEqual([4, 4]);
    expect(calls.join('')).toBe('ab' + 'aabb' + 'bbaa');
  });
});

const fake: ScenarioResult = {
  scenario: 'fake',
  description: 'a test scenario',
  quick: true,
  unit: 'ms',
  contenders: [
    { name: 'ours', description: 'x', summary: summarize([1, 2, 3]) },
    { name: 'theirs', description: 'y', summary: summarize([2, 3, 4]) },
  ],
  ratios: [{ label: 'ours / theirs, mean latency', value: 2 / 3, target: '≤ 1', met: true }],
  notes: ['a note'],
};

describe('reports', () => {
  it('writes JSON, markdown with the ratio, a well-formed SVG naming the contenders, and an index', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bench-'));
    try {
      await writeResults(dir, fake, environment());
      const json = JSON.parse(await readFile(path.join(dir, 'fake.json'), 'utf8')) as ResultFile;
      expect(json.result.ratios[0]!.value).toBeCloseTo(0.667, 3);
      expect(json.env.node).toBe(process.version);
      const md = await readFile(path.join(dir, 'fake.md'), 'utf8');
      expect(md).toMatch(/\| ours \/ theirs, mean latency \| +0\.667 \| ≤ 1 +\| yes \|/);
      const svg = await readFile(path.join(dir, 'fake.svg'), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.trim().endsWith('</svg>')).toBe(true);
      expect(svg).toContain('ours');
      expect(svg).toContain('theirs');
      const index = await readFile(path.join(dir, 'README.md'), 'utf8');
      expect(index).toContain('[fake](fake.md)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('overhead scenario (smoke)', () => {
  it('measures both clients against the real local cluster', async () => {
    const result = await runOverhead({ quick: true, log: () => undefined }, { iterations: 30, warmup: 5 });
    expect(result.contenders.map((c) => c.name)).toEqual(['impala-pool', 'hive-driver']);
    for (const c of result.contenders) {
      expect(c.summary.count).toBe(30);
      expect(c.summary.mean).toBeGreaterThan(0);
      expect(c.summary.p99).toBeGreaterThanOrEqual(c.summary.p50);
    }
    expect(result.ratios[0]!.value).toBeGreaterThan(0);
  }, 30_000);
});
