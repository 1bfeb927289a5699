/**
 * Benchmark runner: `tsx benchmarks/run.ts [--quick] [--scenario NAME]… [--out DIR]`.
 * Writes JSON, markdown and SVG per scenario and an index under the output
 * folder (default benchmarks/results/).
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { environment } from './harness/environment.js';
import { writeResults } from './report/write-results.js';
import { SCENARIOS } from './scenarios/index.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scenario: { type: 'string', multiple: true },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`usage: tsx benchmarks/run.ts [--quick] [--scenario NAME]... [--out DIR]\n\nDIR defaults to benchmarks/results (benchmarks/results/quick with --quick).\n\nscenarios: ${SCENARIOS.map((s) => `${s.name} (${s.description})`).join(', ')}`);
  process.exit(0);
}

const wanted = values.scenario ?? SCENARIOS.map((s) => s.name);
const unknown = wanted.filter((n) => !SCENARIOS.some((s) => s.name === n));
if (unknown.length > 0) {
  console.error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

// Quick runs are smoke tests: they must not overwrite the committed full results.
const out = values.out ?? (values.quick ? 'benchmarks/results/quick' : 'benchmarks/results');
const env = environment();
for (const scenario of SCENARIOS.filter((s) => wanted.includes(s.name))) {
  const started = performance.now();
  const result = await scenario.run({ quick: values.quick, log: (m) => console.log(`  ${m}`) });
  const files = await writeResults(out, result, env);
  console.log(`${scenario.name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  for (const r of result.ratios) {
    const verdict = r.met === undefined ? '' : r.met ? '  (target met)' : `  (TARGET NOT MET: ${r.target})`;
    console.log(`  ${r.label}: ${r.value.toFixed(3)}${verdict}`);
  }
  console.log(`  wrote ${files.join(', ')}`);
}
