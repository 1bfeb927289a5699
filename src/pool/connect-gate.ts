/**
 * Connection creation to one coordinator, with backoff once it fails.
 *
 * generic-pool calls `create()` again the moment one fails while anyone waits,
 * which against a dead coordinator is a tight reconnect loop (tens of
 * thousands of refused connects in seconds). Here the first failure switches
 * the coordinator into one shared p-retry loop: connects are then tried one at
 * a time, with exponential backoff and jitter, only while somebody still wants
 * a connection there; every `create()` meanwhile waits for that loop. Each
 * failed try is reported once (health and the waiting callers, who fail over
 * to other coordinators at once). The first success ends the loop, and
 * creation runs freely again.
 *
 * @module
 * @internal
 */
import pRetry, { AbortError as RetryStop } from 'p-retry';
import { ClientClosedError, ImpalaError } from '../errors.js';
import type { Hs2Connection } from '../hs2/connection.js';

/** First pause after a failed connect, in ms (doubles per failure, ×1–2 jitter). */
export const CONNECT_BACKOFF_BASE_MS = 100;

/** What the gate needs from its coordinator. */
export interface ConnectGateHooks {
  /** Opens one connection. */
  connect(): Promise<Hs2Connection>;
  /** A connect failed (called once per failed try). */
  failed(err: ImpalaError): void;
  /** Whether anybody waits for a connection here now. */
  wanted(): boolean;
}

/** Why the gate's loop was stopped without a failure of its own. */
class GateReset extends Error {}

/** Connection creation with shared backoff. */
export class ConnectGate {
  private loop: Promise<Hs2Connection> | undefined;
  private loopStop: AbortController | undefined;
  private claimed = false;
  private wakeParked: (() => void) | undefined;
  private closed = false;
  private lastFailure: ImpalaError | undefined;
  /** Outages seen so far: a direct connect reports its failure only if none began since it started. */
  private outages = 0;

  /**
   * @param hooks - the coordinator's side
   * @param maxDelayMs - longest pause between tries
   */
  constructor(
    private readonly hooks: ConnectGateHooks,
    private readonly maxDelayMs: number,
  ) {}

  /** Whether connects here are failing (the coordinator is in connect backoff). */
  get failing(): boolean {
    return this.loop !== undefined;
  }

  /**
   * While connects are failing and the backoff has not elapsed: the last
   * connect error, for callers that should not wait out the backoff. Undefined
   * when a caller may wait for a connect (none failed, or the next try is due).
   */
  get refusal(): ImpalaError | undefined {
    return this.loop !== undefined && this.wakeParked === undefined ? this.lastFailure : undefined;
  }

  /** generic-pool's `create()`. */
  async create(): Promise<Hs2Connection> {
    if (this.closed) return new Promise<never>(() => {});
    const loop = this.loop;
    if (loop) {
      const conn = await loop;
      // The loop's one connection goes to the first caller; the others, now
      // that the coordinator answers again, connect on their own.
      if (!this.claimed) {
        this.claimed = true;
        return conn;
      }
    }
    const outage = this.outages;
    try {
      return await this.hooks.connect();
    } catch (raw) {
      const err = asImpalaError(raw);
      // Connects that were already under way when the first of them failed
      // fail for the same outage: that is one failure, not one per caller.
      if (outage === this.outages && !this.closed) {
        this.outages += 1;
        this.report(err);
        this.startLoop();
      }
      throw err;
    }
  }

  /** Somebody may want a connection now: a parked loop tries again (after its backoff). */
  wake(): void {
    this.wakeParked?.();
  }

  /**
   * The coordinator proved reachable some other way (a health check): stop
   * waiting out the backoff, so the next `create()` connects at once.
   */
  reset(): void {
    this.loopStop?.abort(new GateReset('the coordinator answers again'));
  }

  /** Ends the loop for good; later `create()` calls never settle (the pool is gone). */
  close(): void {
    this.closed = true;
    this.loopStop?.abort(new ClientClosedError('the pool is closed'));
  }

  private startLoop(): void {
    if (this.loop) return;
    const stop = new AbortController();
    this.loopStop = stop;
    this.claimed = false;
    const loop = pRetry(
      async (attempt) => {
        if (attempt === 1) await this.pause(CONNECT_BACKOFF_BASE_MS * (1 + Math.random()), stop.signal);
        // Nobody waits: try again only when somebody does.
        while (!this.hooks.wanted()) await this.parked(stop.signal);
        try {
          return await this.hooks.connect();
        } catch (raw) {
          const err = asImpalaError(raw);
          if (stop.signal.aborted) {
            // A reset does not undo this try's failure (a close does: nobody is left to tell).
            if (isGateReset(stop.signal.reason)) this.report(err);
            throw new RetryStop(err);
          }
          throw err;
        }
      },
      {
        retries: Number.POSITIVE_INFINITY,
        factor: 2,
        minTimeout: CONNECT_BACKOFF_BASE_MS,
        maxTimeout: this.maxDelayMs,
        randomize: true,
        unref: true,
        signal: stop.signal,
        onFailedAttempt: ({ error }) => this.report(asImpalaError(error)),
      },
    );
    this.loop = loop;
    const finish = (): void => {
      if (this.loop === loop) {
        this.loop = undefined;
        this.loopStop = undefined;
      }
    };
    loop.then(finish, finish);
    // Callers joined to a loop that was reset see this rejection; the loop's own
    // failures were reported as they happened.
    loop.catch(() => undefined);
  }

  private report(err: ImpalaError): void {
    this.lastFailure = err;
    this.hooks.failed(err);
  }

  private pause(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(done, ms);
      t.unref();
      signal.addEventListener('abort', onAbort, { once: true });
      function done(): void {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }
      function onAbort(): void {
        clearTimeout(t);
        reject(new RetryStop(signal.reason instanceof Error ? signal.reason : new GateReset('stopped')));
      }
    });
  }

  private parked(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.wakeParked = undefined;
        reject(new RetryStop(signal.reason instanceof Error ? signal.reason : new GateReset('stopped')));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.wakeParked = () => {
        this.wakeParked = undefined;
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
    });
  }
}

/** Whether a `create()` rejection is the gate standing down rather than a connect failure. */
export function isGateReset(err: unknown): boolean {
  return err instanceof GateReset;
}

function asImpalaError(raw: unknown): ImpalaError {
  if (raw instanceof ImpalaError) return raw;
  return new ClientClosedError(String((raw as Error)?.message ?? raw), { cause: raw, statementSent: false });
}
