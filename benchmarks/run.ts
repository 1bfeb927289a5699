/**
 * Benchmark runner: `tsx benchmarks/run.ts [--quick] [--scenario NAME]… [--out DIR]`
 * (also `impala-pool bench`, which runs the same code). Writes JSON, markdown
 * and SVG per scenario and an index under the output folder (default
 * benchmarks/results/).
 *
 * @module
 */
import { runBench } from './runner.js';

process.exitCode = await runBench(process.argv.slice(2));
