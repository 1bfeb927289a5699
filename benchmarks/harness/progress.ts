/**
 * A progress bar on stderr (cli-progress), drawn only when stderr is a TTY;
 * elsewhere (CI, pipes, tests) it is silent and log lines go straight out.
 *
 * @module
 */
import cliProgress from 'cli-progress';
import type { RunContext } from './scenario.js';

/** A scenario's progress: units of work done out of a total. */
export interface Progress {
  /** One unit done; `what` says what runs next. */
  tick(what?: string): void;
  /** A log line that does not tear the bar. */
  log(message: string): void;
  stop(): void;
}

/** Starts a bar for `total` units (silent unless stderr is a TTY and the context allows it). */
export function startProgress(ctx: RunContext, label: string, total: number): Progress {
  if (ctx.progress === false || !process.stderr.isTTY) {
    return { tick: () => undefined, log: (m) => ctx.log(m), stop: () => undefined };
  }
  const multi = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: `${label.padEnd(14)} [{bar}] {value}/{total} | {what} | {duration_formatted} elapsed, ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = multi.create(total, 0, { what: 'starting' });
  return {
    tick: (what = '') => bar.increment(1, { what }),
    log: (m) => multi.log(`  ${m}\n`),
    stop: () => multi.stop(),
  };
}
