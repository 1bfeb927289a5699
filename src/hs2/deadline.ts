/**
 * A statement's stop conditions: the caller's AbortSignal and its `timeoutMs`.
 *
 * @module
 * @internal
 */
import { AbortError, ImpalaError, QueryTimeoutError } from '../errors.js';

/** Tracks whether a statement must stop, and why. */
export class StopCondition {
  private readonly expiresAt: number | undefined;
  private reasonError: ImpalaError | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly wakers = new Set<() => void>();
  private readonly onAbort = (): void => this.stop(new AbortError(abortMessage(this.signal)));

  constructor(
    private readonly signal: AbortSignal | undefined,
    private readonly timeoutMs: number | undefined,
    private readonly label: string,
  ) {
    if (timeoutMs !== undefined) {
      this.expiresAt = Date.now() + timeoutMs;
      this.timer = setTimeout(() => this.stop(this.timeoutError()), timeoutMs);
      this.timer.unref();
    }
    if (signal) {
      if (signal.aborted) this.onAbort();
      else signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  /** The error to throw once stopped, else undefined. */
  get reason(): ImpalaError | undefined {
    if (!this.reasonError && this.expiresAt !== undefined && Date.now() >= this.expiresAt) {
      this.stop(this.timeoutError());
    }
    return this.reasonError;
  }

  /** Throws the stop reason, if any. */
  check(): void {
    const r = this.reason;
    if (r) throw r;
  }

  /** Sleeps `ms`, waking early (without throwing) when the statement is stopped. */
  sleep(ms: number): Promise<void> {
    if (this.reasonError) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.wakers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      t.unref();
      this.wakers.add(done);
    });
  }

  /**
   * Settles like `work`, unless the statement is stopped first: then rejects
   * with the stop reason at once, leaving `work` to finish on its own.
   */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.reasonError) {
      work.catch(() => undefined);
      return Promise.reject(this.reasonError);
    }
    return new Promise<T>((resolve, reject) => {
      // Also called by dispose(), which is not a stop: then `work` decides.
      const wake = (): void => {
        if (!this.reasonError) return;
        this.wakers.delete(wake);
        reject(this.reasonError);
      };
      this.wakers.add(wake);
      work.then(
        (value) => {
          this.wakers.delete(wake);
          resolve(value);
        },
        (err: unknown) => {
          this.wakers.delete(wake);
          reject(err);
        },
      );
    });
  }

  /** Releases timers and listeners. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
    for (const wake of [...this.wakers]) wake();
  }

  private stop(err: ImpalaError): void {
    if (this.reasonError) return;
    this.reasonError = err;
    for (const wake of [...this.wakers]) wake();
  }

  private timeoutError(): QueryTimeoutError {
    return new QueryTimeoutError(`${this.label} exceeded its timeout of ${this.timeoutMs} ms and was cancelled`);
  }
}

function abortMessage(signal: AbortSignal | undefined): string {
  const r: unknown = signal?.reason;
  if (r instanceof Error && r.name !== 'AbortError') return `The operation was aborted: ${r.message}`;
  return 'The operation was aborted';
}
