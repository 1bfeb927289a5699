/**
 * `impala-pool cluster` with authentication, as a user runs it: `--user` with
 * the password from the environment (never the command line), and flag
 * combinations that make no sense are refused with a clear message.
 */
import { describe, expect, it } from 'vitest';
import { connect, type ImpalaError } from '../../src/index.js';
import { runClusterCommand } from '../support/cli-cluster.js';

const PASSWORD = 'cli-secret-7Hq';

describe('impala-pool cluster with authentication', () => {
  it('--user accepts that user with the password from IMPALA_CLUSTER_PASSWORD, and no other', async () => {
    let checked: Promise<void> | undefined;
    const result = await runClusterCommand(
      ['--coordinators', '1', '--user', 'alice'],
      (lines, stop) => {
        if (lines.length < 1 || checked) return;
        const [host, port] = lines[0]!.split(':');
        checked = (async () => {
          const base = { host: host!, port: Number(port), connectTimeoutMs: 5000 };
          const c = await connect({ ...base, auth: { mechanism: 'PLAIN', username: 'alice', password: PASSWORD, allowCleartext: true } });
          expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
          await c.close();
          const wrong = (await connect({
            ...base,
            auth: { mechanism: 'PLAIN', username: 'alice', password: 'nope', allowCleartext: true },
          }).catch((e: unknown) => e)) as ImpalaError;
          expect(wrong.code).toBe('IMPALA_AUTH');
        })().finally(stop);
      },
      { IMPALA_CLUSTER_PASSWORD: PASSWORD },
    );
    await checked;
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain(PASSWORD);
  }, 30_000);

  it.each([
    ['--user without a password in the environment', ['--user', 'alice'], {}, /IMPALA_CLUSTER_PASSWORD/],
    [
      '--user and --keytab together',
      ['--user', 'alice', '--keytab', '/nonexistent.keytab'],
      { IMPALA_CLUSTER_PASSWORD: 'x' },
      /exclude each other/,
    ],
    ['--principal without --keytab', ['--principal', 'impala/_HOST'], {}, /--principal needs --keytab/],
    ['--tls-cert without --tls-key', ['--tls-cert', '/nonexistent.pem'], {}, /go together/],
  ])(
    '%s: exit code 1 and a message saying what is wrong',
    async (_name, args, env, message) => {
      const result = await runClusterCommand(args, () => undefined, env as Record<string, string>);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
    },
    30_000,
  );
});
