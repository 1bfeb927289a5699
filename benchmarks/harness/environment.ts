/**
 * The facts that make a result file interpretable later: which machine,
 * which Node, which commit (and whether src/ had uncommitted changes), which
 * haproxy, how loaded the machine was at the start.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { findHaproxy } from './haproxy.js';

/** Where and when a benchmark ran. */
export interface Environment {
  date: string;
  node: string;
  platform: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  commit: string | undefined;
  /** Whether src/ (the measured code; the CLI aside) had uncommitted changes: it is then not exactly `commit`. */
  dirty?: boolean;
  /** `haproxy -v`'s first line, when haproxy is there. */
  haproxy?: string;
  /** os.loadavg() when the run started (1, 5, 15 minutes). */
  loadAvg?: number[];
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function haproxyVersion(): string | undefined {
  const bin = findHaproxy();
  if (!bin) return undefined;
  try {
    return execFileSync(bin, ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n', 1)[0]!
      .replace(/ - https?:\S+/, '')
      .trim();
  } catch {
    return undefined;
  }
}

/** Reads the environment (the commit only if git answers). */
export function environment(): Environment {
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const status = commit === undefined ? undefined : git(['status', '--porcelain', '--', 'src', ':(exclude)src/cli']);
  const haproxy = haproxyVersion();
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    commit,
    ...(status !== undefined ? { dirty: status.length > 0 } : {}),
    ...(haproxy ? { haproxy } : {}),
    loadAvg: os.loadavg().map((v) => Number(v.toFixed(2))),
  };
}
