/**
 * A call's stop conditions: the caller's AbortSignal, its `timeoutMs`, and —
 * for one attempt of a pooled call — the pool giving up on a silent
 * coordinator. One StopCondition covers a whole call (waiting for a
 * connection, every attempt, polling and fetching); an attempt gets a
 * {@link StopCondition.child} that stops with it.
 *
 * @module
 * @internal
 */
import { AbortError, ImpalaError, QueryTimeoutError } from '../errors.js';
import { systemClock, type Clock } from '../util/clock.js';

/** Tracks whether a call must stop, and why. */
export class StopCondition {
  private readonly expiresAt: number | undefined;
  private reasonError: ImpalaError | undefined;
  private silent = false;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly wakers = new Set<() => void>();
  private readonly detachParent: (() => void) | undefined;
  private readonly onAbort = (): void => this.stop(new AbortError(abortMessage(this.signal)));

  /**
   * @param signal - the caller's signal
   * @param timeoutMs - the caller's deadline for the whole call
   * @param label - what the timeout message calls the call (`statement`, `stream`)
   * @param clock - time source for the deadline
   * @param parent - a stop that also stops this one
   */
  constructor(
    private readonly signal: AbortSignal | undefined,
    private readonly timeoutMs: number | undefined,
    private readonly label: string,
    private readonly clock: Clock = systemClock,
    parent?: StopCondition,
  ) {
    if (timeoutMs !== undefined) {
      this.expiresAt = clock.now() + timeoutMs;
      this.timer = setTimeout(() => this.stop(this.timeoutError()), timeoutMs);
      this.timer.unref();
    }
    if (parent) {
      const follow = (): void => {
        const r = parent.reasonError;
        if (r) this.stop(r, parent.silent);
      };
      this.detachParent = parent.onStop(follow);
    }
    if (signal) {
      if (signal.aborted) this.onAbort();
      else signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  /** The error to throw once stopped, else undefined. */
  get reason(): ImpalaError | undefined {
    if (!this.reasonError && this.expiresAt !== undefined && this.clock.now() >= this.expiresAt) {
      this.stop(this.timeoutError());
    }
    return this.reasonError;
  }

  /**
   * True when the stop came from judging the server silent: then nobody
   * waits for the answer it owes before giving the caller the error.
   */
  get serverSilent(): boolean {
    return this.silent;
  }

  /** Milliseconds left before the deadline; undefined when there is none. */
  remainingMs(): number | undefined {
    if (this.expiresAt === undefined) return undefined;
    return Math.max(0, this.expiresAt - this.clock.now());
  }

  /** Throws the stop reason, if any. */
  check(): void {
    const r = this.reason;
    if (r) throw r;
  }

  /**
   * Calls `listener` once when the condition stops (at once if it already
   * has). Returns a function that unregisters it.
   */
  onStop(listener: () => void): () => void {
    if (this.reasonError) {
      listener();
      return () => {};
    }
    const wake = (): void => {
      if (!this.reasonError) return;
      this.wakers.delete(wake);
      listener();
    };
    this.wakers.add(wake);
    return () => this.wakers.delete(wake);
  }

  /** A condition that stops when this one does, and can be stopped on its own with {@link stopWith}. */
  child(label = this.label): StopCondition {
    return new StopCondition(undefined, undefined, label, this.clock, this);
  }

  /**
   * Stops with `err`. `serverSilent` says the server is judged silent, so
   * the answer it owes is not waited for.
   */
  stopWith(err: ImpalaError, serverSilent = false): void {
    this.stop(err, serverSilent);
  }

  /** Sleeps `ms`, waking early (without throwing) when the call is stopped. */
  sleep(ms: number): Promise<void> {
    if (this.reasonError) return Promise.resolve();
    return new Promise((resolve) => {
      let detach = (): void => {};
      const t = setTimeout(() => {
        detach();
        resolve();
      }, ms);
      t.unref();
      detach = this.onStop(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /**
   * Settles like `work`, unless the call is stopped first: then rejects
   * with the stop reason at once, leaving `work` to finish on its own.
   */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.reasonError) {
      work.catch(() => undefined);
      return Promise.reject(this.reasonError);
    }
    return new Promise<T>((resolve, reject) => {
      const detach = this.onStop(() => reject(this.reasonError));
      work.then(
        (value) => {
          detach();
          resolve(value);
        },
        (err: unknown) => {
          detach();
          reject(err);
        },
      );
    });
  }

  /** Releases timers and listeners; a disposed condition never stops. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
    this.detachParent?.();
    this.wakers.clear();
  }

  private stop(err: ImpalaError, serverSilent = false): void {
    if (this.reasonError) return;
    this.reasonError = err;
    this.silent = serverSilent;
    if (this.timer) clearTimeout(this.timer);
    for (const wake of [...this.wakers]) wake();
  }

  private timeoutError(): QueryTimeoutError {
    return new QueryTimeoutError(`${this.label} exceeded its timeout of ${this.timeoutMs} ms`);
  }
}

function abortMessage(signal: AbortSignal | undefined): string {
  const r: unknown = signal?.reason;
  if (r instanceof Error && r.name !== 'AbortError') return `The operation was aborted: ${r.message}`;
  return 'The operation was aborted';
}
