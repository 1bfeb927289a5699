/**
 * `NODE_DEBUG=impala-pool`: the pool writes its key decisions to stderr
 * through util.debuglog — health transitions with the ejection's backoff,
 * retries, failed connects — and never a credential. Without the variable it
 * writes nothing. A child process runs the pool (test/pool/fixtures/debug-log-pool.ts),
 * since util.debuglog reads NODE_DEBUG once per process.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./fixtures/debug-log-pool.ts', import.meta.url));
const TSX = createRequire(import.meta.url).resolve('tsx');
const USER = 'alice';
// Characters a URL reserves, so an encoded copy would differ from the plain one.
const PASSWORD = 'Rq4Wm:Tz8@Hb2/Kd6?Pn';
const WRONG = 'Xc3Vf:Lj9@Gs5';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runFixture(nodeDebug: string | undefined): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, FIXTURE_USER: USER, FIXTURE_PASSWORD: PASSWORD, FIXTURE_WRONG_PASSWORD: WRONG };
  delete env.NODE_DEBUG;
  if (nodeDebug !== undefined) env.NODE_DEBUG = nodeDebug;
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', TSX, FIXTURE],
      { env, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 },
      (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

/** The password whole, percent-encoded, and its alphanumeric pieces. */
function forms(password: string): string[] {
  return [password, encodeURIComponent(password), ...password.split(/[^A-Za-z0-9]+/).filter((p) => p.length >= 3)];
}

describe('NODE_DEBUG=impala-pool', () => {
  it('logs health transitions with their backoff, retries and failed connects, and no credential', async () => {
    const run = await runFixture('impala-pool');
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
      failedReads: number;
      down: number;
      up: number;
      retries: number;
      refusal: { code: string; attempt?: string };
    };
    expect(summary.failedReads).toBe(0);
    expect(summary.refusal).toEqual({ code: 'IMPALA_NO_HEALTHY_COORDINATOR', attempt: 'IMPALA_AUTH' });
    const lines = run.stderr.split('\n').filter((l) => /^IMPALA-POOL \d+: /.test(l));
    expect(lines.some((l) => /: coordinator \S+ (up|suspect|probing) -> down: .*; next probe in \d+ ms$/.test(l))).toBe(true);
    expect(lines.some((l) => /: coordinator \S+ (down|probing) -> up: /.test(l))).toBe(true);
    expect(lines.some((l) => /: connect to \S+ failed \(IMPALA_AUTH: .*\); connects there back off/.test(l))).toBe(true);
    expect(lines.some((l) => /: no retry: attempt 1 on \S+ failed \(IMPALA_AUTH: .*\) and maxAttempts \(1\) is reached$/.test(l))).toBe(
      true,
    );
    // Whether a read was under way on the killed coordinator's socket, rather than between calls, is up to timing.
    if (summary.retries > 0)
      expect(lines.some((l) => /: retry: attempt 1 on \S+ failed \(IMPALA_[A-Z_]+: .*\); running it again \(/.test(l))).toBe(true);
    for (const secret of [...forms(PASSWORD), ...forms(WRONG)]) expect(run.stderr).not.toContain(secret);
  }, 120_000);

  it('writes nothing without NODE_DEBUG', async () => {
    const run = await runFixture(undefined);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/IMPALA-POOL/);
  }, 120_000);
});
