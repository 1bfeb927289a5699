/**
 * A scenario's result as an SVG chart: p50/p90/p99 latency per contender,
 * grouped bars. vega-lite describes it; vega renders it headless to SVG.
 *
 * @module
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ScenarioResult } from '../harness/scenario.js';

/** Renders the chart as an SVG document. */
export async function renderChart(result: ScenarioResult): Promise<string> {
  const values = result.contenders.flatMap((c) =>
    (['p50', 'p90', 'p99'] as const).map((q) => ({ contender: c.name, quantile: q, ms: Number(c.summary[q].toFixed(4)) })),
  );
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${result.scenario}: latency per contender${result.quick ? ' (quick mode)' : ''}`,
    data: { values },
    mark: 'bar',
    width: { step: 28 },
    height: 220,
    encoding: {
      column: { field: 'quantile', type: 'nominal', title: null },
      x: { field: 'contender', type: 'nominal', title: null, axis: { labelAngle: -30 } },
      y: { field: 'ms', type: 'quantitative', title: 'latency (ms)' },
      color: { field: 'contender', type: 'nominal', legend: null },
    },
    config: { background: 'white' },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
