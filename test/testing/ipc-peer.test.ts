/**
 * The IPC request/answer layer between a cluster and its coordinator
 * processes, against a real child process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelClosedError, IpcPeer } from '../../src/testing/process/ipc-peer.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

async function start(): Promise<{ child: ChildProcess; peer: IpcPeer; hello: Promise<unknown> }> {
  const child = fork(fileURLToPath(new URL('./fixtures/ipc-echo.ts', import.meta.url)), [], {
    execArgv: ['--import', createRequire(import.meta.url).resolve('tsx')],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.push(child);
  const peer = new IpcPeer(child);
  child.once('exit', (code) => peer.fail(new ChannelClosedError(`exited with ${code}`)));
  const hello = new Promise((resolve) => peer.handle('hello', resolve));
  peer.handle('name', () => 'parent');
  return { child, peer, hello };
}

describe('IpcPeer', () => {
  it('answers requests both ways, Buffers and Maps intact, and carries notes', async () => {
    const { child, peer, hello } = await start();
    expect(await hello).toEqual({ pid: child.pid });
    const value = { buf: Buffer.from([1, 2, 3]), map: new Map([['a', 1]]), n: 2n };
    const echoed = await peer.request<typeof value>('echo', value);
    expect(Buffer.from(echoed.buf)).toEqual(value.buf);
    expect(echoed.map).toEqual(value.map);
    expect(echoed.n).toBe(2n);
    expect(await peer.request('ask')).toBe('parent said parent');
  });

  it.each([
    ['a TypeError stays a TypeError', 'typeError', TypeError, /option x must be a number/],
    ['an unknown operation', 'nope', Error, /no handler for nope/],
    ['an answer that cannot be sent', 'function', Error, /cannot send an answer/],
  ])('%s', async (_name, op, type, message) => {
    const { peer } = await start();
    const err = await peer.request(op).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect((err as Error).message).toMatch(message);
    // The channel still works after a failed request.
    expect(await peer.request('echo', 1)).toBe(1);
  });

  it('a request that cannot be sent fails alone', async () => {
    const { peer } = await start();
    await expect(peer.request('echo', () => 1)).rejects.toThrow(/cannot send echo/);
    expect(await peer.request('echo', 'still fine')).toBe('still fine');
  });

  it('a process that dies with requests waiting rejects them, and every later one, with ChannelClosedError', async () => {
    const { peer } = await start();
    const waiting = peer.request('die').catch((e: unknown) => e);
    expect(await waiting).toBeInstanceOf(ChannelClosedError);
    await expect(peer.request('echo', 1)).rejects.toBeInstanceOf(ChannelClosedError);
  });
});
