/**
 * A coordinator's faults reach its HTTP endpoint as they reach its TCP port,
 * inline and in a child process of its own: a paused one accepts requests
 * and answers none until resumed, a killed one refuses connections and
 * comes back on the same port with its tables, dropped connections close,
 * latency holds answers back, protocol faults break them, and a graceful
 * shutdown lets running statements finish first.
 */
import http from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCluster, type ClusterCoordinator, type LocalCluster, type ProtocolFault } from '../../src/testing/index.js';
import { tcli } from '../../src/wire/gen.js';
import { inputProtocol, type MessageHeader } from '../../src/wire/thrift-codec.js';
import { waitFor } from '../support/pool-fixtures.js';
import { encodeCall, httpClient, httpSession, openSessionBody, post, type HttpReply, type HttpTarget } from './support/http-hs2.js';
import { columnValues, run, submit, waitDone } from './support/raw-client.js';
import { postHead, rawHttp } from './support/raw-http.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Whether a fresh connection to `port` is refused. */
async function refused(origin: string): Promise<boolean> {
  try {
    await post({ origin, agent: false }, openSessionBody());
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ECONNREFUSED';
  }
}

/** What a client makes of an OpenSession answer under each fault. */
const FAULTS: Array<[ProtocolFault, (reply: HttpReply | Error, seqid: number) => Promise<void>]> = [
  [
    'garbage',
    async (r) => {
      const call = encodeCall('OpenSession', new tcli.TOpenSessionReq({ client_protocol: 5 }));
      await expect((async () => call.decode((r as HttpReply).body))()).rejects.toThrow();
    },
  ],
  [
    'truncate',
    async (r) => {
      expect(r).toBeInstanceOf(Error);
    },
  ],
  [
    'wrong-seqid',
    async (r, seqid) => {
      const header = inputProtocol((r as HttpReply).body).readMessageBegin() as MessageHeader;
      expect(header.fname).toBe('OpenSession');
      expect(header.rseqid).not.toBe(seqid);
    },
  ],
  [
    'huge-length',
    async (r) => {
      const call = encodeCall('OpenSession', new tcli.TOpenSessionReq({ client_protocol: 5 }));
      await expect((async () => call.decode((r as HttpReply).body))()).rejects.toThrow();
      expect((r as HttpReply).body.length).toBeLessThan(1024);
    },
  ],
  [
    'empty-reply',
    async (r) => {
      const call = encodeCall('OpenSession', new tcli.TOpenSessionReq({ client_protocol: 5 }));
      // A well-formed reply whose required fields are all missing.
      const resp = (await call.decode((r as HttpReply).body)) as { status: unknown; sessionHandle: unknown };
      expect(resp.status).toBeNull();
      expect(resp.sessionHandle).toBeNull();
    },
  ],
];

describe.each(['inline', 'process'] as const)('faults over HTTP (%s)', (isolation) => {
  let cluster: LocalCluster;
  let c: ClusterCoordinator;
  let origin: string;
  let agent: http.Agent;
  const t = (extra: Partial<HttpTarget> = {}): HttpTarget => ({ origin, agent, ...extra });

  beforeAll(async () => {
    cluster = await startCluster({ isolation, http: true });
    c = cluster.coordinators[0]!;
    origin = `http://${cluster.httpHosts[0]}`;
  }, 60_000);
  beforeEach(() => {
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  });
  afterEach(() => {
    agent.destroy();
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('pause(): requests on open and new connections are accepted, and answered only after resume()', async () => {
    const s = await httpSession(t());
    expect(columnValues((await run(s, 'SELECT 1 AS one')).rowSets, 0)).toEqual([1]);
    c.pause();
    const answered: string[] = [];
    const onOpen = run(s, 'SELECT 2 AS two').then((r) => (answered.push('open'), r));
    const onNew = post({ origin, agent: false }, openSessionBody()).then((r) => (answered.push('new'), r));
    // Time enough for a running coordinator to answer many times over.
    await sleep(500);
    expect(answered).toEqual([]);
    c.resume();
    expect(columnValues((await onOpen).rowSets, 0)).toEqual([2]);
    expect((await onNew).status).toBe(200);
    await s.close();
  });

  it('kill(): connections refused; start(): the same port, the tables, no old sessions', async () => {
    const s = await httpSession(t());
    await run(s, 'CREATE TABLE survives (x INT)');
    await run(s, 'INSERT INTO survives VALUES (1), (2)');
    const port = c.httpPort;
    const requestsBefore = c.stats().http!.requests;
    c.kill();
    await waitFor(() => refused(origin), 10_000, 'the killed coordinator refuses connections');
    await c.start();
    expect(c.httpPort).toBe(port);
    const fresh = { ...s, client: httpClient({ origin, agent: false }) };
    await expect(run(fresh, 'SELECT 1')).rejects.toThrow(/^Invalid session id: /);
    const s2 = await httpSession({ origin, agent: false });
    expect(columnValues((await run(s2, 'SELECT count(*) AS n FROM survives')).rowSets, 0)).toEqual([2n]);
    await s2.close();
    // Totals add up across the restart.
    await waitFor(() => c.stats().http!.requests > requestsBefore, 10_000, 'HTTP requests counted across the restart');
  });

  it('stop() closes the port, start() opens the same one', async () => {
    const port = c.httpPort;
    await c.stop();
    expect(await refused(origin)).toBe(true);
    await c.start();
    expect(c.httpPort).toBe(port);
    expect((await post({ origin, agent: false }, openSessionBody())).status).toBe(200);
  });

  it('dropConnections() closes open connections and keeps the port', async () => {
    const raw = await rawHttp(c.httpPort!);
    const body = openSessionBody();
    raw.socket.write(postHead([`Content-Length: ${body.length}`]));
    raw.socket.write(body);
    expect(await raw.receivedMatch(/^HTTP\/1\.1 200 /, 10_000)).toBe(true);
    await c.dropConnections();
    expect(await raw.closed(10_000)).toBe(true);
    expect((await post({ origin, agent: false }, openSessionBody())).status).toBe(200);
  });

  it('setLatency() holds every answer back', async () => {
    const s = await httpSession(t());
    await c.setLatency(300);
    try {
      const started = performance.now();
      await run(s, 'SELECT 1');
      // run() is at least four requests, each held back.
      expect(performance.now() - started).toBeGreaterThanOrEqual(4 * 300 - 20);
    } finally {
      await c.setLatency(0);
    }
    await s.close();
  });

  it.each(FAULTS)('setFault(%s) breaks answers the way a client must notice; setFault(undefined) heals', async (fault, check) => {
    await c.setFault(fault);
    try {
      const call = encodeCall('OpenSession', new tcli.TOpenSessionReq({ client_protocol: 5 }));
      const seqid = (inputProtocol(call.bytes).readMessageBegin() as MessageHeader).rseqid;
      const reply = await post({ origin, agent: false }, call.bytes).catch((e: Error) => e);
      if (!(reply instanceof Error)) expect(reply.status).toBe(200);
      await check(reply, seqid);
    } finally {
      await c.setFault(undefined);
    }
    const ok = encodeCall<{ status: { statusCode: number } }>('OpenSession', new tcli.TOpenSessionReq({ client_protocol: 5 }));
    expect((await ok.decode((await post({ origin, agent: false }, ok.bytes)).body)).status.statusCode).toBe(
      tcli.TStatusCode.SUCCESS_STATUS,
    );
  });

  it('shutdown(): new statements refused at once, running ones finish, then the port closes', async () => {
    const s = await httpSession(t());
    const running = await submit(s, 'SELECT sleep(300)');
    const done = c.shutdown({ graceMs: 10_000 });
    await waitFor(
      async () => /^Server is being shut down/.test((await submit(s, 'SELECT 1')).status.errorMessage ?? ''),
      10_000,
      'new statements refused',
    );
    expect((await waitDone(s, running.operationHandle!)).operationState).toBe(tcli.TOperationState.FINISHED_STATE);
    await s.client.CloseOperation(new tcli.TCloseOperationReq({ operationHandle: running.operationHandle! }));
    await done;
    expect(await refused(origin)).toBe(true);
    await c.start();
  });
});

describe('idle sessions over HTTP', () => {
  it('expire with Impala’s message', async () => {
    const c = await startCluster({ http: true, idleSessionTimeoutMs: 200 });
    try {
      const s = await httpSession({ origin: `http://${c.httpHosts[0]}` });
      await waitFor(() => c.stats()[0]!.sessionsOpen === 0, 10_000, 'the idle session expired');
      expect((await submit(s, 'SELECT 1')).status.errorMessage).toMatch(/^Client session expired due to more than 0\.2s of inactivity/);
    } finally {
      await c.close();
    }
  });
});
