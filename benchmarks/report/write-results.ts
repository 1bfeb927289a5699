/**
 * Writing a result as JSON (the source of truth), markdown and SVG, and
 * regenerating the index of all results present.
 *
 * @module
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Environment } from '../harness/environment.js';
import type { ScenarioResult } from '../harness/scenario.js';
import { renderChart } from './chart.js';
import { renderIndex, renderMarkdown } from './markdown.js';

/** What a result JSON file holds. */
export interface ResultFile {
  result: ScenarioResult;
  env: Environment;
}

/** Writes `<scenario>.json`, `.md`, `.svg` and refreshes `README.md` in `dir`; returns the paths. */
export async function writeResults(dir: string, result: ScenarioResult, env: Environment): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const base = path.join(dir, result.scenario);
  const file: ResultFile = { result, env };
  await writeFile(`${base}.json`, `${JSON.stringify(file, null, 2)}\n`);
  await writeFile(`${base}.md`, renderMarkdown(result, env));
  await writeFile(`${base}.svg`, await renderChart(result));
  await writeIndex(dir);
  return [`${base}.json`, `${base}.md`, `${base}.svg`, path.join(dir, 'README.md')];
}

/** Rebuilds the index page from every result JSON in `dir`. */
export async function writeIndex(dir: string): Promise<void> {
  const names = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const files: ResultFile[] = [];
  for (const name of names) {
    const parsed = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as ResultFile;
    if (parsed?.result?.scenario) files.push(parsed);
  }
  await writeFile(path.join(dir, 'README.md'), renderIndex(files));
}
