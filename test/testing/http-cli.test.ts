/**
 * `impala-pool cluster --http` as a user runs it: after the TCP addresses it
 * prints one HS2-over-HTTP URL per coordinator, each serving HS2, and
 * Ctrl-C closes those ports too.
 */
import { describe, expect, it } from 'vitest';
import { tcli } from '../../src/wire/gen.js';
import { encodeCall, post } from './support/http-hs2.js';
import { runClusterCommand } from '../support/cli-cluster.js';

describe('impala-pool cluster --http', () => {
  it('prints HTTP URLs that serve HS2, and closes them on Ctrl-C', async () => {
    let urls: string[] = [];
    let checked: Promise<void> | undefined;
    const result = await runClusterCommand(['--coordinators', '2', '--http'], (lines, stop) => {
      if (lines.length < 4 || checked) return;
      expect(lines.slice(0, 2).every((l) => /^127\.0\.0\.1:\d+$/.test(l))).toBe(true);
      urls = lines.slice(2);
      checked = (async () => {
        for (const url of urls) {
          expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cliservice$/);
          const call = encodeCall<{ status: { statusCode: number } }>('OpenSession', new tcli.TOpenSessionReq({ client_protocol: 5 }));
          const u = new URL(url);
          const reply = await post({ origin: u.origin, path: u.pathname, agent: false }, call.bytes);
          expect((await call.decode(reply.body)).status.statusCode).toBe(tcli.TStatusCode.SUCCESS_STATUS);
        }
      })().finally(stop);
    });
    await checked;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('HS2 over HTTP too');
    for (const url of urls) {
      const u = new URL(url);
      await expect(post({ origin: u.origin, agent: false }, Buffer.alloc(0))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    }
  }, 60_000);
});
