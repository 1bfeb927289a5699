/**
 * A scenario's result as a markdown page (markdown-table renders the
 * tables): headline figures with targets and misses, the scenario's own
 * tables, latency and figures per contender, the machine's load, notes and
 * environment; and the index page of all results.
 *
 * @module
 */
import { markdownTable } from 'markdown-table';
import type { Environment } from '../harness/environment.js';
import { medianOtherCpu, type RoundLoad } from '../harness/machine-load.js';
import type { Ratio, ScenarioResult } from '../harness/scenario.js';
import { fmt, median, spread } from '../harness/stats.js';

const ms = (v: number): string => fmt(v, 3);

function value(r: Ratio): string {
  const digits = r.unit === 'statements' ? 0 : r.unit === 'ms' || r.unit === 'stmt/s' ? 1 : 3;
  return `${fmt(r.value, digits)}${r.unit ? ` ${r.unit}` : ''}`;
}

function perRound(r: Ratio): string {
  if (!r.rounds || r.rounds.length <= 1) return '';
  const [lo, hi] = spread(r.rounds);
  return `${r.rounds.length} rounds, ${fmt(lo)}–${fmt(hi)}`;
}

/** The headline table. */
function ratiosTable(ratios: readonly Ratio[]): string {
  return markdownTable(
    [
      ['figure', 'value', 'target', 'met', 'miss', 'spread'],
      ...ratios.map((r) => [r.label, value(r), r.target ?? '', r.met === undefined ? '' : r.met ? 'yes' : 'NO', r.miss ?? '', perRound(r)]),
    ],
    { align: ['l', 'r', 'l', 'l', 'l', 'l'] },
  );
}

/** The machine's load: a summary line and one row per measured round. */
export function loadSection(load: readonly RoundLoad[]): string[] {
  if (load.length === 0) return [];
  const other = load.map((l) => l.otherCpuPct).filter((v): v is number => v !== null);
  const own = load.map((l) => l.ownCpuPct);
  const avg = load.map((l) => l.loadAvg1);
  const [olo, ohi] = spread(other);
  const [alo, ahi] = spread(avg);
  const summary =
    other.length > 0
      ? `Other processes used ${fmt(median(other), 1)}% of the machine's CPU (median over ${load.length} measured rounds; ${fmt(olo, 1)}–${fmt(ohi, 1)}%); this benchmark's own process tree ${fmt(median(own), 1)}%; 1-minute load average ${fmt(alo, 2)}–${fmt(ahi, 2)}.`
      : `Other processes' CPU use is unknown here (no /proc); this process ${fmt(median(own), 1)}% of the machine; 1-minute load average ${fmt(alo, 2)}–${fmt(ahi, 2)}.`;
  const rows = load.map((l) => [
    l.phase,
    String(l.round),
    l.system,
    fmt(l.wallMs, 0),
    l.otherCpuPct === null ? 'n/a' : fmt(l.otherCpuPct, 1),
    fmt(l.ownCpuPct, 1),
    fmt(l.loadAvg1, 2),
  ]);
  return [
    '## Machine load',
    '',
    summary,
    '',
    '<details><summary>Per round</summary>',
    '',
    markdownTable([['phase', 'round', 'system', 'wall ms', 'other CPU %', 'own CPU %', 'load avg 1m'], ...rows], {
      align: ['l', 'r', 'l', 'r', 'r', 'r', 'r'],
    }),
    '',
    '</details>',
    '',
  ];
}

/** Renders one scenario's result page. */
export function renderMarkdown(result: ScenarioResult, env: Environment): string {
  const phased = result.contenders.some((c) => c.phase !== undefined);
  const contenders = markdownTable(
    [
      [...(phased ? ['phase'] : []), 'contender', 'what', 'n', 'mean ms', 'p50 ms', 'p90 ms', 'p99 ms', 'min ms', 'max ms'],
      ...result.contenders.map((c) => [
        ...(phased ? [c.phase ?? ''] : []),
        c.name,
        c.description,
        String(c.summary.count),
        ms(c.summary.mean),
        ms(c.summary.p50),
        ms(c.summary.p90),
        ms(c.summary.p99),
        ms(c.summary.min),
        ms(c.summary.max),
      ]),
    ],
    { align: [...(phased ? ['l'] : []), 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'] },
  );
  const keys = [...new Set(result.contenders.flatMap((c) => Object.keys(c.figures ?? {})))];
  const figures =
    keys.length > 0
      ? [
          '## Figures per contender',
          '',
          markdownTable(
            [
              [...(phased ? ['phase'] : []), 'contender', ...keys],
              ...result.contenders.map((c) => [
                ...(phased ? [c.phase ?? ''] : []),
                c.name,
                ...keys.map((k) => (c.figures?.[k] === undefined ? '' : fmt(c.figures[k]!, Number.isInteger(c.figures[k]) ? 0 : 3))),
              ]),
            ],
            { align: [...(phased ? ['l'] : []), 'l', ...keys.map(() => 'r' as const)] },
          ),
          '',
          ...(result.figureLabels ? Object.entries(result.figureLabels).map(([k, v]) => `- \`${k}\`: ${v}`) : []),
          '',
        ]
      : [];
  const tables = (result.tables ?? []).flatMap((t) => [
    `## ${t.title}`,
    '',
    markdownTable([t.header, ...t.rows], { align: t.header.map((_, i) => (i === 0 ? 'l' : 'r')) }),
    '',
  ]);
  return [
    `# Benchmark: ${result.scenario}${result.quick ? ' (quick mode)' : ''}`,
    '',
    result.description,
    '',
    '## Ratios',
    '',
    ratiosTable(result.ratios),
    '',
    ...tables,
    '## Latency per contender',
    '',
    contenders,
    '',
    `![${result.scenario}](${result.scenario}.svg)`,
    '',
    ...figures,
    ...loadSection(result.load ?? []),
    ...(result.notes.length > 0 ? ['## Notes', '', ...result.notes.map((n) => `- ${n}`), ''] : []),
    ...(result.size ? ['## Size', '', '```json', JSON.stringify(result.size), '```', ''] : []),
    '## Environment',
    '',
    environmentLine(env),
    '',
  ].join('\n');
}

function environmentLine(env: Environment): string {
  const parts = [env.date, `Node ${env.node}`, env.platform, `${env.cpu} × ${env.cores}`, `${env.memoryGiB} GiB`];
  if (env.commit) parts.push(`commit ${env.commit}${env.dirty ? ' (with uncommitted changes under src/)' : ''}`);
  if (env.haproxy) parts.push(env.haproxy);
  if (env.loadAvg) parts.push(`load average at start ${env.loadAvg.map((v) => v.toFixed(2)).join(' ')}`);
  return parts.join(' · ');
}

/** The index page listing every scenario's headline ratio. */
export function renderIndex(results: ReadonlyArray<{ result: ScenarioResult; env: Environment }>): string {
  const rows = results.map(({ result, env }) => {
    const head = result.ratios[0];
    const targets = result.ratios.filter((r) => r.met !== undefined);
    const other = medianOtherCpu(result.load ?? []);
    return [
      `[${result.scenario}](${result.scenario}.md)`,
      head ? head.label : '',
      head ? value(head) : '',
      head?.target ?? '',
      head?.met === undefined ? '' : head.met ? 'yes' : 'NO',
      targets.length > 0 ? `${targets.filter((r) => r.met).length}/${targets.length}` : '',
      other === null ? 'n/a' : fmt(other, 1),
      result.quick ? 'quick' : 'full',
      env.date.slice(0, 10),
    ];
  });
  const misses = results.flatMap(({ result }) =>
    result.ratios
      .filter((r) => r.met === false)
      .map((r) => `- ${result.scenario}: ${r.label} — ${r.miss ?? 'missed'} (target ${r.target})`),
  );
  return [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (full) or `npm run bench:quick` (smoke). Each scenario measures its contenders side by side in one run; "other CPU" is the median share of the machine\'s CPU that other processes used during the measured rounds.',
    '',
    markdownTable([['scenario', 'headline', 'value', 'target', 'met', 'targets met', 'other CPU %', 'mode', 'date'], ...rows]),
    '',
    ...(misses.length > 0 ? ['## Targets missed', '', ...misses, ''] : []),
  ].join('\n');
}
