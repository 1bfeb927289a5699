/**
 * Entry point of a coordinator's child process (`isolation: 'process'`):
 * runs one {@link Coordinator} and obeys its parent over IPC. It reports its
 * counters just before each answer leaves, so a client that got an answer
 * finds the counters already updated in the parent, and exits as soon as
 * the IPC channel closes: nothing of a cluster outlives the process that
 * started it.
 *
 * @module
 * @internal
 */
import { Coordinator } from '../coordinator.js';
import type { ProtocolFault } from '../hs2/protocol-fault.js';
import type { NegotiateResult } from '../http/http-options.js';
import type { ChildInit, ChildReady } from './child-init.js';
import { IpcPeer, type IpcChannel } from './ipc-peer.js';
import { RemoteCatalogLink } from './remote-catalog-link.js';

// Counters that change without an answer (a query finishing, a connection
// closing) reach the parent this often.
const STATS_INTERVAL_MS = 25;

if (!process.send) {
  process.stderr.write('coordinator-child is started by startCluster({ isolation: "process" }), not by hand\n');
  process.exit(2);
}

const peer = new IpcPeer(process as IpcChannel);
process.on('disconnect', () => process.exit(0));
// Ctrl-C in a terminal reaches the whole process group; the parent decides
// when its cluster closes, and closes it in order.
process.on('SIGINT', () => undefined);

const link = new RemoteCatalogLink(peer);
let coordinator: Coordinator | undefined;
let reported = '';

/** Sends the counters when they changed since the last report. */
function report(): void {
  if (!coordinator) return;
  const stats = coordinator.stats();
  const text = JSON.stringify(stats);
  if (text === reported) return;
  reported = text;
  peer.notify('stats', stats);
}

/** Sends the counters ahead of an answer: an answer always moves them (its RPC is counted), so no comparison. */
function reportBeforeAnswer(): void {
  if (!coordinator) return;
  reported = '';
  peer.notify('stats', coordinator.stats());
}

// Buffers may arrive as plain Uint8Arrays.
function fromParent(r: NegotiateResult): NegotiateResult {
  return { principal: r.principal, user: r.user, ...(r.response ? { response: Buffer.from(r.response) } : {}) };
}

function running(): Coordinator {
  if (!coordinator) throw new Error('the coordinator has not started');
  return coordinator;
}

peer.handle<ChildInit>('init', async (init): Promise<ChildReady> => {
  link.prepare(init.delayMs, init.log);
  const http = init.config.http && {
    ...init.config.http,
    negotiate: init.negotiateInParent ? (token: Buffer) => peer.request<NegotiateResult>('negotiate', token).then(fromParent) : undefined,
  };
  coordinator = await Coordinator.start({ ...init.config, http, bus: link, beforeAnswer: reportBeforeAnswer });
  setInterval(report, STATS_INTERVAL_MS).unref();
  report();
  return { port: coordinator.port, httpPort: coordinator.httpPort };
});
peer.handle<number>('setLatency', (ms) => running().setLatency(ms));
peer.handle<ProtocolFault | undefined>('setFault', (fault) => running().setFault(fault));
peer.handle('dropConnections', () => running().dropConnections());
peer.handle<{ graceMs: number }>('shutdown', async (options) => {
  await running().shutdown(options);
  report();
});
peer.handle('stop', async () => {
  await coordinator?.close();
  report();
});
