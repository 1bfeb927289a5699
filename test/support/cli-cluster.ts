/**
 * Runs `impala-pool cluster …` as a user would, in a child process, and
 * hands each growing list of stdout lines to a callback that may stop it
 * (SIGINT, as Ctrl-C).
 */
import { spawn } from 'node:child_process';

/** Starts the command; resolves with its exit code and stderr once it exits. */
export function runClusterCommand(
  args: string[],
  onLines: (lines: string[], stop: () => void) => void,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'cluster', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onLines(stdout.trim().split('\n'), () => child.kill('SIGINT'));
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}
