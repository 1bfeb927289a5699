/**
 * The `impala-pool` command as a user runs it: `demo` (the README's first
 * command) prints query results from the embedded cluster; `cluster` prints
 * its hosts, serves, and shuts down cleanly on Ctrl-C.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/index.js';

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];

function run(
  args: string[],
  onStdout?: (text: string, child: ReturnType<typeof spawn>) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('impala-pool CLI', () => {
  it('demo prints query results, where they ran, and pool stats', async () => {
    const { code, stdout, stderr } = await run(['demo']);
    expect(stderr.replace(/npm warn.*\n/g, '')).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/local cluster up: 127\.0\.0\.1:\d+, 127\.0\.0\.1:\d+, 127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/query [0-9a-f]{16}:[0-9a-f]{16} ran on 127\.0\.0\.1:\d+/);
    // BIGINT and DECIMAL as Impala prints them, not as JavaScript values (1n, '310.00').
    expect(stdout).toMatch(/\| Linus +\| 1 +\| 310\.00 \|/);
    expect(stdout).toMatch(/12 concurrent queries, by coordinator/);
    // DDL stickiness with a real metadata delay: reads right after CREATE TABLE fail without pins, none with them.
    const withoutPins =
      /without pins \(ddl: 'none', round-robin\): (\d+)\/12 reads right after CREATE TABLE on 127\.0\.0\.1:\d+ failed/.exec(stdout);
    expect(Number(withoutPins?.[1])).toBeGreaterThan(0);
    expect(stdout).toMatch(/with pins \(the default\): 0\/12 failed; they ran on 127\.0\.0\.1:\d+, where the table was made/);
    // The live view while a coordinator is killed: a line per sample, each coordinator's state and running statements.
    const samples = stdout.match(/^ {2}\+\d+\.\d\ds {2}127\.0\.0\.1:\d+ (up|suspect|down|probing|draining|removed)\b.*running$/gm) ?? [];
    expect(samples.length).toBeGreaterThanOrEqual(2);
    // A coordinator killed under load: no read fails, and it comes back with its tables.
    expect(stdout).toMatch(/killed 127\.0\.0\.1:\d+ under 30 concurrent reads: 30\/30 succeeded, \d+ ran again elsewhere/);
    expect(stdout).toMatch(/restarted 127\.0\.0\.1:\d+: back in the pool, and demo_orders there still has 4 rows/);
    expect(stdout).toMatch(/pool stats/);
  }, 60_000);

  it.each(['inline', 'process'])(
    'cluster (%s) prints hosts that answer HS2, and Ctrl-C stops it with exit code 0 and closed ports',
    async (isolation) => {
      let hosts: string[] = [];
      let checked: Promise<void> | undefined;
      const result = await run(['cluster', '--coordinators', '2', '--catalog-delay-ms', '100', '--isolation', isolation], (text, child) => {
        const lines = text.trim().split('\n');
        if (lines.length < 2 || checked) return;
        hosts = lines;
        checked = (async () => {
          for (const h of hosts) {
            const [host, port] = h.split(':');
            const c = await connect({ host: host!, port: Number(port) });
            expect((await c.query('SELECT 41 + 1 AS x')).rows).toEqual([{ x: 42 }]);
            await c.close();
          }
          child.kill('SIGINT');
        })();
      });
      await checked;
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`2 coordinators, ${isolation}`);
      expect(result.stderr).toContain('stopped');
      for (const h of hosts) {
        const [host, port] = h.split(':');
        const refused = await new Promise<boolean>((resolve) => {
          const s = net.connect(Number(port), host!);
          s.on('connect', () => (s.destroy(), resolve(false)));
          s.on('error', () => resolve(true));
        });
        expect(refused).toBe(true);
      }
    },
    60_000,
  );

  it.each([
    ['--coordinators', 'many', /--coordinators must be a non-negative integer/],
    ['--isolation', 'vm', /--isolation must be inline or process, got "vm"/],
  ])('rejects a bad %s value with a clear message and exit code 1', async (flag, value, message) => {
    const { code, stderr } = await run(['cluster', flag, value]);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
  });
});
