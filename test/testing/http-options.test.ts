/**
 * The `http` option of startCluster: typos and wrong values are TypeErrors
 * naming the option (never quoting a secret), and nothing secret shows when
 * a cluster or its stats are printed.
 */
import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startCluster, type ClusterOptions } from '../../src/testing/index.js';

const dsa = generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 }).publicKey;
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;

describe('startCluster({ http })', () => {
  it.each<[string, ClusterOptions, RegExp]>([
    ['a string', { http: 'yes' as never }, /option http must be true or an object/],
    ['an unknown key', { http: { port: 1 } as never }, /unknown http option port; known options: ports, jwt/],
    ['ports of the wrong length', { coordinators: 2, http: { ports: [0] } }, /option http\.ports must be an array of 2 port numbers/],
    ['a port out of range', { http: { ports: [70_000] } }, /option http\.ports\[0\] must be an integer from 0 to 65535/],
    ['a negotiate that is not a function', { http: { negotiate: 'kerberos' as never } }, /option http\.negotiate must be a function/],
    ['jwt without keys', { http: { jwt: {} } }, /option http\.jwt needs a secret \(HS256\) or a publicKey/],
    ['an empty jwt secret', { http: { jwt: { secret: '' } } }, /option http\.jwt\.secret must be a non-empty string or Buffer/],
    [
      'a jwt publicKey that is no key',
      { http: { jwt: { publicKey: 'not a key at all, but secret-ish text' } } },
      /option http\.jwt\.publicKey must be an RSA or EC public key/,
    ],
    ['a DSA publicKey', { http: { jwt: { publicKey: dsa } } }, /must be an RSA key \(RS256\) or a P-256 EC key \(ES256\), got dsa key/],
    ['a P-384 publicKey', { http: { jwt: { publicKey: p384 } } }, /got ec key/],
    [
      'a short cookieSecret',
      { http: { cookieSecret: 'too-short-secret' } },
      /option http\.cookieSecret must be a string or Buffer of at least 32 bytes/,
    ],
    ['a negative cookieLifetimeMs', { http: { cookieLifetimeMs: -1 } }, /option http\.cookieLifetimeMs must be an integer from 0/],
    ['a zero requestTimeoutMs', { http: { requestTimeoutMs: 0 } }, /option http\.requestTimeoutMs must be an integer from 1/],
  ])('rejects %s', async (_name, options, message) => {
    const err = (await startCluster(options).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toMatch(message);
    expect(err.message).not.toMatch(/too-short-secret|secret-ish/);
  });

  it('keeps JWT keys, cookie keys and passwords out of inspect, JSON and stats', async () => {
    const secrets = ['jwt-hmac-secret-value', 'cookie-key-0123456789-0123456789-abc', 'user-password-xyz'];
    for (const isolation of ['inline', 'process'] as const) {
      const c = await startCluster({
        isolation,
        auth: { mechanism: 'PLAIN', users: { u: secrets[2]! } },
        http: { jwt: { secret: secrets[0]! }, cookieSecret: secrets[1]! },
      });
      try {
        const shown = [inspect(c.coordinators, { depth: 20, showHidden: true }), JSON.stringify(c.stats())].join('\n');
        // As text, and as util.inspect shows a Buffer's first bytes.
        const hex = (v: string): string => Buffer.from(v).subarray(0, 8).toString('hex').match(/../g)!.join(' ');
        for (const s of secrets.slice(0, 2)) {
          expect(shown).not.toContain(s);
          expect(shown).not.toContain(hex(s));
        }
        expect(JSON.stringify(c.stats())).not.toContain(secrets[2]);
        expect(c.httpHosts).toHaveLength(1);
      } finally {
        await c.close();
      }
    }
  }, 60_000);

  it('has no HTTP endpoint, no HTTP addresses and no HTTP stats without the option', async () => {
    const c = await startCluster();
    try {
      expect(c.httpHosts).toEqual([]);
      expect(c.coordinators[0]!.httpPort).toBeUndefined();
      expect(c.coordinators[0]!.httpHost).toBeUndefined();
      expect(c.stats()[0]).not.toHaveProperty('http');
    } finally {
      await c.close();
    }
  });
});
