/**
 * Requests, answers and one-way notes over a Node IPC channel (the one
 * `child_process.fork` opens), the same class on both ends. The channel is
 * opened with `serialization: 'advanced'`, so Buffers and Maps cross intact.
 *
 * @module
 */

/** The part of `process` / `ChildProcess` a peer uses. */
export interface IpcChannel {
  send(message: unknown, callback?: (error: Error | null) => void): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  readonly connected: boolean;
}

type Handler = (arg: never) => unknown;

/** The other end is gone: its process exited, or never started. */
export class ChannelClosedError extends Error {
  override name = 'ChannelClosedError';
}

type Envelope =
  | { ipc: 'req'; id: number; op: string; arg: unknown }
  | { ipc: 'res'; id: number; ok: true; value: unknown }
  | { ipc: 'res'; id: number; ok: false; name: string; message: string }
  | { ipc: 'note'; op: string; arg: unknown };

/** One end of the channel. */
export class IpcPeer {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly handlers = new Map<string, Handler>();
  private failure: ChannelClosedError | undefined;

  /** @param channel - `process` in a child, the `ChildProcess` in its parent */
  constructor(private readonly channel: IpcChannel) {
    channel.on('message', (m) => this.receive(m as Envelope));
  }

  /** Answers requests (and takes notes) named `op`; what `fn` returns or throws goes back. */
  handle<A>(op: string, fn: (arg: A) => unknown): void {
    this.handlers.set(op, fn as Handler);
  }

  /**
   * Asks the other end to run `op`. Rejects with the other end's error, or
   * once the channel is gone ({@link fail}).
   */
  request<T = void>(op: string, arg?: unknown): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.post({ ipc: 'req', id, op, arg });
    });
  }

  /** Tells the other end something; no answer. Dropped when the channel is gone. */
  notify(op: string, arg: unknown): void {
    this.post({ ipc: 'note', op, arg });
  }

  /** The channel is gone: every request waiting, and every later one, rejects with `error`. */
  fail(error: ChannelClosedError): void {
    this.failure ??= error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  private post(envelope: Envelope): void {
    if (!this.channel.connected) {
      if (envelope.ipc === 'req') this.fail(new ChannelClosedError('the coordinator process is gone'));
      return;
    }
    try {
      // A send that fails later means the other end went away; `fail` reports it.
      this.channel.send(envelope, (err) => {
        if (err) this.fail(new ChannelClosedError(`the coordinator process is gone: ${err.message}`));
      });
    } catch (err) {
      // A value that cannot cross (a function, say): that message fails, not the channel.
      const message = `cannot send ${envelope.ipc === 'note' || envelope.ipc === 'req' ? envelope.op : 'an answer'}: ${(err as Error).message}`;
      if (envelope.ipc === 'req') {
        this.pending.get(envelope.id)?.reject(new Error(message));
        this.pending.delete(envelope.id);
      } else if (envelope.ipc === 'res' && envelope.ok) {
        this.post({ ipc: 'res', id: envelope.id, ok: false, name: 'Error', message });
      }
    }
  }

  private receive(m: Envelope): void {
    if (m === null || typeof m !== 'object' || !('ipc' in m)) return;
    if (m.ipc === 'res') {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!p) return;
      if (m.ok) p.resolve(m.value);
      else p.reject(rebuildError(m.name, m.message));
      return;
    }
    const fn = this.handlers.get(m.op);
    if (m.ipc === 'note') {
      fn?.(m.arg as never);
      return;
    }
    const id = m.id;
    Promise.resolve()
      .then(() => {
        if (!fn) throw new Error(`no handler for ${m.op}`);
        return fn(m.arg as never);
      })
      .then(
        (value) => this.post({ ipc: 'res', id, ok: true, value }),
        (err: unknown) => {
          const e = err instanceof Error ? err : new Error(String(err));
          this.post({ ipc: 'res', id, ok: false, name: e.name, message: e.message });
        },
      );
  }
}

// Option mistakes must stay TypeErrors on the caller's side.
function rebuildError(name: string, message: string): Error {
  const e = name === 'TypeError' ? new TypeError(message) : new Error(message);
  if (name !== 'TypeError' && name !== 'Error') e.name = name;
  return e;
}
