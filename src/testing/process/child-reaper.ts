/**
 * Kills every coordinator process still alive when this process exits, also
 * on an uncaught exception. Children notice a closed IPC channel and exit on
 * their own, but a child stopped with SIGSTOP cannot notice anything.
 *
 * @module
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let hooked = false;

/** Tracks `child` until it exits. */
export function reapOnExit(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}
