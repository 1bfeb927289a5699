/**
 * The facts that make a result file interpretable later: which machine,
 * which Node, which commit, which mode.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** Where and when a benchmark ran. */
export interface Environment {
  date: string;
  node: string;
  platform: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  commit: string | undefined;
}

/** Reads the environment (the commit only if git answers). */
export function environment(): Environment {
  let commit: string | undefined;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    commit = undefined;
  }
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    commit,
  };
}
