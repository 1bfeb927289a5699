/**
 * The RPC channel over a real socket to a small Thrift server whose answering
 * the test controls: it answers only once it holds a given number of
 * requests (or after a fallback wait), so a test sees whether the client
 * wrote a call before the previous one was answered, and answers that arrive
 * together in one chunk must each reach their own call.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImpalaError } from '../../src/errors.js';
import { RpcChannel, type CallOptions } from '../../src/hs2/rpc-channel.js';
import { impala, service, tcli, type ImpalaTypes } from '../../src/wire/gen.js';
import { MessageReader } from '../../src/wire/message-reader.js';
import { BinaryProtocol, inputProtocol, outputTransport } from '../../src/wire/thrift-codec.js';

/** What the server saw: for each answer burst, how many requests it held when it wrote it. */
interface ServerLog {
  heldAtAnswer: number[];
  received: number;
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/**
 * Starts a server that answers PingImpalaHS2Service with version "v<n>" (n
 * counts requests) once it holds `batch` unanswered requests, or `fallbackMs`
 * after the first one arrived; `closeAfter` requests received, it drops the
 * connection instead of answering; with `gapMs`, the held answers go out
 * each that long after the one before.
 */
async function server(opts: {
  batch: number;
  fallbackMs?: number;
  closeAfter?: number;
  gapMs?: number;
}): Promise<{ port: number; log: ServerLog }> {
  const log: ServerLog = { heldAtAnswer: [], received: 0 };
  let n = 0;
  const handler = {
    // One parameter: the generated processor then takes the return value (not a callback).
    PingImpalaHS2Service: (_req: unknown): ImpalaTypes.TPingImpalaHS2ServiceResp =>
      new impala.TPingImpalaHS2ServiceResp({
        status: new tcli.TStatus({ statusCode: tcli.TStatusCode.SUCCESS_STATUS }),
        version: `v${++n}`,
      }),
  };
  const processor = new service.Processor(handler as never);
  const srv = net.createServer((socket) => {
    socket.on('error', () => {});
    const reader = new MessageReader(1 << 20);
    let held: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const answer = (): void => {
      clearTimeout(timer);
      timer = undefined;
      if (held.length === 0) return;
      log.heldAtAnswer.push(held.length);
      const replies = held.map(
        (msg) => new Promise<Buffer>((resolve) => processor.process(inputProtocol(msg), new BinaryProtocol(outputTransport(resolve)))),
      );
      held = [];
      void Promise.all(replies).then(async (bytes) => {
        // Every answer in one write, so the client gets them in one chunk; or `gapMs` apart.
        if (opts.gapMs === undefined) return void socket.write(Buffer.concat(bytes));
        for (const b of bytes) {
          await new Promise((r) => setTimeout(r, opts.gapMs));
          socket.write(b);
        }
      });
    };
    socket.on('data', (chunk: Buffer) => {
      for (const msg of reader.push(chunk)) {
        log.received += 1;
        if (opts.closeAfter !== undefined && log.received >= opts.closeAfter) {
          socket.destroy();
          return;
        }
        held.push(msg);
        if (held.length >= opts.batch) answer();
        else timer ??= setTimeout(answer, opts.fallbackMs ?? 200);
      }
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  cleanups.push(() => srv.close());
  return { port: (srv.address() as net.AddressInfo).port, log };
}

async function channelTo(port: number, pipelining?: boolean): Promise<RpcChannel> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const channel = new RpcChannel(socket, {
    coordinator: `127.0.0.1:${port}`,
    rpcTimeoutMs: 10_000,
    maxMessageBytes: 1 << 20,
    ...(pipelining === undefined ? {} : { pipelining }),
  });
  cleanups.push(() => channel.close());
  return channel;
}

const session = new tcli.TSessionHandle({ sessionId: new tcli.THandleIdentifier({ guid: Buffer.alloc(16), secret: Buffer.alloc(16) }) });
const ping = (c: RpcChannel, options?: CallOptions) =>
  c
    .call<ImpalaTypes.TPingImpalaHS2ServiceResp>(
      'PingImpalaHS2Service',
      new impala.TPingImpalaHS2ServiceReq({ sessionHandle: session }),
      options,
    )
    .then((r) => r.version);

describe('pipelined calls', () => {
  it.each([
    // [what, channel pipelining, second call's options, requests the server held when it first answered]
    ['a pipelined call is written before the answer to the one ahead', undefined, { pipeline: true }, [2]],
    ['a plain call waits for the answer ahead', undefined, {}, [1, 1]],
    ['a channel without pipelining writes one call at a time', false, { pipeline: true }, [1, 1]],
  ] as const)('%s', async (_what, pipelining, second, held) => {
    const { port, log } = await server({ batch: 2, fallbackMs: 150 });
    const c = await channelTo(port, pipelining);
    const answers = await Promise.all([ping(c), ping(c, second)]);
    // Answers that came in one chunk each reached their own call, in order.
    expect(answers).toEqual(['v1', 'v2']);
    expect(log.heldAtAnswer).toEqual(held);
    expect(c.open).toBe(true);
  });

  it('a pipelined call behind a plain one is written once that one is written, and a plain call after them waits for both answers', async () => {
    const { port, log } = await server({ batch: 2, fallbackMs: 150 });
    const c = await channelTo(port);
    const answers = await Promise.all([ping(c), ping(c, { pipeline: true }), ping(c)]);
    expect(answers).toEqual(['v1', 'v2', 'v3']);
    expect(log.heldAtAnswer).toEqual([2, 1]);
  });

  it('the answer time of a call that waited behind another counts from the answer before it', async () => {
    // Both written at once; the server answers the first 300 ms after it has both, the second 300 ms after that.
    const { port } = await server({ batch: 2, fallbackMs: 5_000, gapMs: 300 });
    const c = await channelTo(port);
    const times: number[] = [];
    c.onAnswer((_m, ms) => times.push(ms));
    await Promise.all([ping(c), ping(c, { pipeline: true })]);
    // The second took the server 300 ms once it was done with the first, not the 600 ms since it was written.
    expect(times).toHaveLength(2);
    expect(times[0]!).toBeGreaterThanOrEqual(250);
    expect(times[1]!).toBeGreaterThanOrEqual(250);
    expect(times[1]!).toBeLessThan(times[0]! + 200);
  });

  it('when the channel fails, written calls may have reached the server; calls not yet written say they were not sent', async () => {
    const { port, log } = await server({ batch: 10, fallbackMs: 5_000, closeAfter: 2 });
    const c = await channelTo(port);
    const outcomes = await Promise.allSettled([ping(c), ping(c, { pipeline: true }), ping(c)]);
    expect(log.received).toBe(2);
    const errors = outcomes.map((o) => (o.status === 'rejected' ? (o.reason as ImpalaError) : undefined));
    expect(errors.map((e) => e?.code)).toEqual(['IMPALA_CONNECTION_CLOSED', 'IMPALA_CONNECTION_CLOSED', 'IMPALA_CONNECTION_CLOSED']);
    expect(errors[0]!.statementSent).not.toBe(false);
    expect(errors[1]!.statementSent).not.toBe(false);
    expect(errors[2]!.statementSent).toBe(false);
    expect(c.open).toBe(false);
  });
});
