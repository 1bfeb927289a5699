/**
 * A scenario's result as a markdown page (markdown-table renders the tables).
 *
 * @module
 */
import { markdownTable } from 'markdown-table';
import type { Environment } from '../harness/environment.js';
import type { ScenarioResult } from '../harness/scenario.js';

const ms = (v: number): string => v.toFixed(3);

/** Renders one scenario's result page. */
export function renderMarkdown(result: ScenarioResult, env: Environment): string {
  const contenders = markdownTable(
    [
      ['contender', 'what', 'n', 'mean ms', 'p50 ms', 'p90 ms', 'p99 ms', 'min ms', 'max ms', 'ops/s (serial)'],
      ...result.contenders.map((c) => [
        c.name,
        c.description,
        String(c.summary.count),
        ms(c.summary.mean),
        ms(c.summary.p50),
        ms(c.summary.p90),
        ms(c.summary.p99),
        ms(c.summary.min),
        ms(c.summary.max),
        c.summary.opsPerSec.toFixed(0),
      ]),
    ],
    { align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'] },
  );
  const ratios = markdownTable(
    [['ratio', 'value', 'target', 'met'], ...result.ratios.map((r) => [r.label, r.value.toFixed(3), r.target ?? '', r.met === undefined ? '' : r.met ? 'yes' : 'NO'])],
    { align: ['l', 'r', 'l', 'l'] },
  );
  return [
    `# Benchmark: ${result.scenario}${result.quick ? ' (quick mode)' : ''}`,
    '',
    result.description,
    '',
    '## Ratios',
    '',
    ratios,
    '',
    '## Latency per contender',
    '',
    contenders,
    '',
    `![${result.scenario}](${result.scenario}.svg)`,
    '',
    ...(result.notes.length > 0 ? ['## Notes', '', ...result.notes.map((n) => `- ${n}`), ''] : []),
    '## Environment',
    '',
    `${env.date} · Node ${env.node} · ${env.platform} · ${env.cpu} × ${env.cores} · ${env.memoryGiB} GiB${env.commit ? ` · commit ${env.commit}` : ''}`,
    '',
  ].join('\n');
}

/** The index page listing every scenario's headline ratio. */
export function renderIndex(results: ReadonlyArray<{ result: ScenarioResult; env: Environment }>): string {
  const rows = results.map(({ result, env }) => {
    const head = result.ratios[0];
    return [
      `[${result.scenario}](${result.scenario}.md)`,
      head ? head.label : '',
      head ? head.value.toFixed(3) : '',
      head?.target ?? '',
      head?.met === undefined ? '' : head.met ? 'yes' : 'NO',
      result.quick ? 'quick' : 'full',
      env.date.slice(0, 10),
    ];
  });
  return [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (full) or `npm run bench:quick` (smoke). Each scenario measures its contenders side by side in one run.',
    '',
    markdownTable([['scenario', 'headline ratio', 'value', 'target', 'met', 'mode', 'date'], ...rows]),
    '',
  ].join('\n');
}
