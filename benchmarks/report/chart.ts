/**
 * A scenario's result as an SVG chart: p50/p90/p99 latency per contender
 * (grouped bars, one panel per phase when there are phases), and below it
 * throughput per contender when the contenders report one. vega-lite
 * describes it; vega renders it headless to SVG.
 *
 * @module
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ScenarioResult } from '../harness/scenario.js';

const round = (v: number): number | null => (Number.isFinite(v) ? Number(v.toFixed(4)) : null);

/** Renders the chart as an SVG document. */
export async function renderChart(result: ScenarioResult): Promise<string> {
  const phased = result.contenders.some((c) => c.phase !== undefined);
  const latency = result.contenders.flatMap((c) =>
    (['p50', 'p90', 'p99'] as const).map((q) => ({ contender: c.name, phase: c.phase ?? '', quantile: q, ms: round(c.summary[q]) })),
  );
  const throughput = result.contenders
    .filter((c) => c.figures?.throughput !== undefined)
    .map((c) => ({ contender: c.name, phase: c.phase ?? '', perSec: round(c.figures!.throughput!) }));
  const column = phased ? { column: { field: 'phase', type: 'nominal' as const, title: null, sort: null } } : {};
  const latencyChart = {
    data: { values: latency },
    mark: 'bar' as const,
    width: { step: 14 },
    height: 200,
    encoding: {
      ...column,
      x: { field: 'contender', type: 'nominal' as const, title: null, sort: null, axis: { labelAngle: -40, labelLimit: 240 } },
      xOffset: { field: 'quantile', type: 'nominal' as const },
      y: { field: 'ms', type: 'quantitative' as const, title: 'latency (ms)' },
      color: { field: 'quantile', type: 'nominal' as const, title: 'latency' },
    },
  };
  const throughputChart = {
    data: { values: throughput },
    mark: 'bar' as const,
    // Three latency bars per contender above: the same width per contender here.
    width: { step: 42 },
    height: 140,
    encoding: {
      ...column,
      x: { field: 'contender', type: 'nominal' as const, title: null, sort: null, axis: { labelAngle: -40, labelLimit: 240 } },
      y: { field: 'perSec', type: 'quantitative' as const, title: 'statements/s' },
      color: { value: '#4c78a8' },
    },
  };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${result.scenario}: latency${throughput.length > 0 ? ' and throughput' : ''} per contender${result.quick ? ' (quick mode)' : ''}`,
    ...(throughput.length > 0 ? { vconcat: [latencyChart, throughputChart] } : latencyChart),
    config: { background: 'white' },
  } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
