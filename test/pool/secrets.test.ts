/**
 * The password never leaves the library: a pool with SASL PLAIN runs against
 * a cluster that requires it, through an auth failure, a query error, a
 * timeout, a killed coordinator and a drain, while every string the library
 * emits is collected — errors with their causes, events, diagnostics_channel
 * messages, and util.inspect and JSON of every object an application can
 * hold. None may contain the password, whole, percent-encoded or in pieces.
 */
import diagnostics from 'node:diagnostics_channel';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  connect,
  createPool,
  ImpalaError,
  NoHealthyCoordinatorError,
  parsePoolUrl,
  type ImpalaPool,
  type PoolEventMap,
  type Strategy,
} from '../../src/index.js';
import { channels } from '../../src/pool/events.js';
import { resolvePoolOptions } from '../../src/pool/options.js';
import { startCluster } from '../../src/testing/index.js';
import { waitFor } from '../support/pool-fixtures.js';
import { requireTool } from '../support/system-tool.js';
import { selfSignedCert } from '../support/certs.js';

const USER = 'alice';
// Every character a URL reserves, so the password has to be percent-encoded to work at all.
const PASSWORD = 'Kx7Tq:Vb3@Lm8/Pz4?Wr6#Hn2% Jc5+Ys1,Qd9é';
const WRONG = 'Wq5Zt:Ex8@Rb2';
const EVENTS = ['coordinatorDown', 'coordinatorUp', 'retry', 'reconnect', 'drain'] as const satisfies ReadonlyArray<keyof PoolEventMap>;

/** The password as a whole, encoded the ways a URL or a form would, and its alphanumeric pieces. */
function forms(password: string): string[] {
  const pieces = password.split(/[^A-Za-z0-9]+/).filter((p) => p.length >= 3);
  return [password, encodeURIComponent(password), encodeURIComponent(password).replace(/%20/g, '+'), ...pieces];
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch (err) {
    // Circular structures cannot be written; the error says where, and that is emitted text too.
    return `JSON.stringify threw: ${(err as Error).message}`;
  }
}

describe('secrets', () => {
  const HAS_OPENSSL = requireTool('openssl', 'openssl');

  it('no string the library emits contains the password, through auth failures, a query error, a timeout, a kill and a drain', async () => {
    const cluster = await startCluster({ coordinators: 3, auth: { mechanism: 'PLAIN', users: { [USER]: PASSWORD } } });
    const emitted: Array<{ where: string; text: string }> = [];
    const emit = (where: string, text: string): void => void emitted.push({ where, text });
    const show = (where: string, value: unknown): void => {
      emit(`${where} (inspect)`, inspect(value, { depth: 10 }));
      emit(`${where} (inspect, no custom)`, inspect(value, { depth: 6, customInspect: false, showHidden: true }));
      emit(`${where} (JSON)`, json(value));
    };
    const showError = (where: string, err: unknown): void => {
      const seen = new Set<unknown>();
      for (let e = err, i = 0; e !== undefined && e !== null && !seen.has(e) && i < 10; e = (e as Error).cause, i++) {
        seen.add(e);
        if (e instanceof Error) emit(`${where} cause ${i} (message + stack)`, `${e.message}\n${e.stack ?? ''}`);
        emit(`${where} cause ${i} (inspect)`, inspect(e, { depth: 10 }));
        emit(`${where} cause ${i} (JSON)`, json(e));
      }
    };
    const counts = new Map<string, number>();
    const count = (what: string): void => void counts.set(what, (counts.get(what) ?? 0) + 1);

    const listeners = Object.values(channels).map((channel) => {
      const name = String(channel.name);
      const listener = (message: unknown): void => {
        count(name);
        emit(`${name} message (inspect)`, inspect(message, { depth: 10 }));
        emit(`${name} message (JSON)`, json(message));
      };
      diagnostics.subscribe(name, listener);
      return { name, listener };
    });
    const listen = (pool: ImpalaPool, label: string): void => {
      for (const event of EVENTS) {
        pool.on(event, (payload: unknown) => {
          count(`${label} ${event}`);
          emit(`${label} ${event} event (inspect)`, inspect(payload, { depth: 10 }));
          emit(`${label} ${event} event (JSON)`, json(payload));
        });
      }
    };
    const strategy: Strategy = {
      name: 'capturing',
      pick(candidates) {
        count('pick');
        emit('strategy candidates (inspect)', inspect(candidates, { depth: 10 }));
        emit('strategy candidates (JSON)', JSON.stringify(candidates));
        return candidates[0];
      },
    };

    const hosts = cluster.hosts.join(',');
    const health = 'healthCheckIntervalMs=50&healthCheckTimeoutMs=300&fall=2&rise=2&ejectBaseMs=50&ejectMaxMs=100&connectTimeoutMs=1000';
    const url = `impala://${USER}:${encodeURIComponent(PASSWORD)}@${hosts}/default?allowCleartext=true&${health}`;
    const pool = createPool({ ...parsePoolUrl(url), strategy });
    const urlPool = createPool(url);
    const wrongPool = createPool(
      `impala://${USER}:${encodeURIComponent(WRONG)}@${hosts}?allowCleartext=true&connectTimeoutMs=1000&healthCheckIntervalMs=0`,
    );
    listen(pool, 'pool');
    listen(urlPool, 'urlPool');
    listen(wrongPool, 'wrongPool');
    const [first, , third] = cluster.coordinators;
    try {
      // The right password works, from an options object and from the URL itself...
      expect((await pool.query('SELECT 1 AS x')).rows).toEqual([{ x: 1 }]);
      expect((await urlPool.query('SELECT 2 AS x')).rows).toEqual([{ x: 2 }]);

      // ...and a wrong one does not, so a password really is in use.
      const wrong = await wrongPool.query('SELECT 1').catch((e: unknown) => e);
      showError('wrong-password pool error', wrong);
      expect(wrong).toBeInstanceOf(NoHealthyCoordinatorError);
      expect((wrong as NoHealthyCoordinatorError).attempts.map((a) => a.code)).toContain('IMPALA_AUTH');
      const wrongDirect = await connect({
        host: first!.hostname,
        port: first!.port,
        auth: { mechanism: 'PLAIN', username: USER, password: WRONG, allowCleartext: true },
      }).catch((e: unknown) => e);
      showError('wrong-password connect error', wrongDirect);
      expect((wrongDirect as ImpalaError).code).toBe('IMPALA_AUTH');
      const noAuth = await connect({ host: first!.hostname, port: first!.port, connectTimeoutMs: 1000 }).catch((e: unknown) => e);
      showError('no-auth connect error', noAuth);
      expect(noAuth).toBeInstanceOf(ImpalaError);

      // A query error and a timeout.
      const missing = await pool.query('SELECT * FROM no_such_table').catch((e: unknown) => e);
      showError('query error', missing);
      expect((missing as ImpalaError).code).toBe('IMPALA_SERVER');
      const slow = await pool.query('SELECT sleep(2000) AS s', [], { timeoutMs: 100 }).catch((e: unknown) => e);
      showError('timeout error', slow);
      expect((slow as ImpalaError).code).toBe('IMPALA_QUERY_TIMEOUT');

      // A lease, a session and a direct connection, while they are live.
      const lease = await pool.connect();
      await lease.query('SELECT 3 AS x');
      show('lease', lease);
      lease.release();
      await pool.session(async (session) => {
        await session.query('SELECT 4 AS x');
        show('session', session);
      });
      const direct = await connect({
        host: first!.hostname,
        port: first!.port,
        auth: { mechanism: 'PLAIN', username: USER, password: PASSWORD, allowCleartext: true },
      });
      await direct.query('SELECT 5 AS x');
      show('direct connection', direct);
      await direct.close();

      // The strategy sends everything to the first coordinator: kill it under load.
      const reads = Array.from({ length: 6 }, (_, i) => pool.query('SELECT ? AS i, sleep(400) AS s', [i]));
      await new Promise((res) => setTimeout(res, 150));
      first!.kill();
      for (const outcome of await Promise.allSettled(reads))
        if (outcome.status === 'rejected') showError('read during the kill', outcome.reason);
      await waitFor(() => (counts.get('pool coordinatorDown') ?? 0) > 0, 5000, 'coordinatorDown');
      emit('stats after the kill', JSON.stringify(pool.stats()));
      emit('stats after the kill (inspect)', inspect(pool.stats(), { depth: 10 }));
      await first!.start();
      await waitFor(() => (counts.get('pool coordinatorUp') ?? 0) > 0, 5000, 'coordinatorUp');
      for (let i = 0; i < 5; i++) await pool.query('SELECT 6 AS x').catch((e: unknown) => showError('read after the restart', e));

      pool.drain(third!.host);
      pool.undrain(third!.host);

      show('pool', pool);
      show('url pool', urlPool);
      show('wrong-password pool', wrongPool);
      show('resolved options of the pool', (pool as unknown as { options: unknown }).options);
      show('resolved options of the URL', resolvePoolOptions(url));
      for (const p of [pool, urlPool, wrongPool]) {
        emit('stats', JSON.stringify(p.stats()));
        emit('stats (inspect)', inspect(p.stats(), { depth: 10 }));
      }
    } finally {
      for (const { name, listener } of listeners) diagnostics.unsubscribe(name, listener);
      for (const p of [pool, urlPool, wrongPool]) p.destroy();
      await cluster.close();
    }

    // What was exercised: so that the check below cannot pass on an empty collection.
    expect(counts.get('pool coordinatorDown')).toBeGreaterThan(0);
    expect(counts.get('pool coordinatorUp')).toBeGreaterThan(0);
    expect(counts.get('pool retry')).toBeGreaterThan(0);
    expect(counts.get('pool drain')).toBeGreaterThan(0);
    expect(counts.get('pick')).toBeGreaterThan(0);
    expect(counts.get('impala-pool:statement')).toBeGreaterThan(0);
    expect(counts.get('impala-pool:health')).toBeGreaterThan(0);
    expect(counts.get('impala-pool:retry')).toBeGreaterThan(0);
    expect(emitted.length).toBeGreaterThan(100);

    const forbidden = [...forms(PASSWORD), ...forms(WRONG)];
    const leaks = emitted.flatMap(({ where, text }) =>
      forbidden.filter((f) => text.includes(f)).map((f) => `${where} contains ${JSON.stringify(f)}`),
    );
    expect(leaks).toEqual([]);
  }, 60_000);

  it.runIf(HAS_OPENSSL)(
    'LDAP over TLS and over HTTPS Basic: the right password works, a wrong one is refused, clear text is refused, and none of it shows',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'impala-pool-ldap-'));
      selfSignedCert(dir, 'DNS:localhost');
      const cert = readFileSync(join(dir, 'cert.pem'));
      const cluster = await startCluster({
        tls: { key: readFileSync(join(dir, 'key.pem')), cert },
        http: true,
        auth: { mechanism: 'PLAIN', users: { [USER]: PASSWORD } },
      });
      const texts: string[] = [];
      const collect = (value: unknown): void => {
        for (let e = value, i = 0; e !== undefined && e !== null && i < 10; e = (e as Error).cause, i++) {
          texts.push(inspect(e, { depth: 10 }), json(e), e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : '');
        }
      };
      try {
        for (const transport of ['tcp', 'http'] as const) {
          const port = transport === 'http' ? cluster.coordinators[0]!.httpPort! : cluster.coordinators[0]!.port;
          const base = { host: 'localhost', port, transport, tls: { ca: cert }, connectTimeoutMs: 3000 };
          const good = await connect({ ...base, auth: { mechanism: 'PLAIN', username: USER, password: PASSWORD } });
          expect((await good.query('SELECT 1 AS x')).rows).toEqual([{ x: 1 }]);
          texts.push(inspect(good, { depth: 10 }), json(good));
          await good.close();
          const bad = await connect({ ...base, auth: { mechanism: 'PLAIN', username: USER, password: WRONG } }).catch((e: unknown) => e);
          expect((bad as ImpalaError).code).toBe('IMPALA_AUTH');
          collect(bad);
          // The same password without TLS: refused before anything is sent, without repeating it.
          const clear = await connect({
            host: 'localhost',
            port,
            transport,
            auth: { mechanism: 'PLAIN', username: USER, password: PASSWORD },
          }).catch((e: unknown) => e);
          expect(clear).toBeInstanceOf(TypeError);
          expect((clear as Error).message).toMatch(/clear text; set tls, or auth.allowCleartext: true/);
          collect(clear);
          const pool = createPool({
            hosts: [`localhost:${port}`],
            transport,
            tls: { ca: cert },
            auth: { mechanism: 'PLAIN', username: USER, password: PASSWORD },
            healthCheckIntervalMs: 100,
          });
          try {
            expect((await pool.query('SELECT 2 AS x')).rows).toEqual([{ x: 2 }]);
            texts.push(inspect(pool, { depth: 10 }), JSON.stringify(pool.stats()));
          } finally {
            await pool.end();
          }
        }
        texts.push(inspect(cluster.stats(), { depth: 10 }));
      } finally {
        await cluster.close();
        rmSync(dir, { recursive: true, force: true });
      }
      const forbidden = [...forms(PASSWORD), ...forms(WRONG)];
      expect(texts.flatMap((t) => forbidden.filter((f) => t.includes(f)))).toEqual([]);
    },
    60_000,
  );
});
