/**
 * The callers waiting for a connection to one coordinator.
 *
 * Waiting happens here, not in generic-pool: generic-pool cannot take back a
 * request whose caller left (an abort, a deadline, a failover) and keeps
 * creating connections for it. So each waiting caller is a {@link Waiter} in
 * this queue, which it leaves at once when its call stops, and the line keeps
 * exactly one short-lived generic-pool request per waiter (renewed every
 * {@link REQUEST_TTL_MS} while the waiter waits): a request nobody wants is
 * gone within that time, and closing never waits on one. Connections go to
 * the longest-waiting caller.
 *
 * @module
 * @internal
 */
import type { Pool } from 'generic-pool';
import { ImpalaError, PoolClosedError } from '../errors.js';
import type { Hs2Connection } from '../hs2/connection.js';
import type { StopCondition } from '../hs2/deadline.js';

/**
 * How long one generic-pool request lives before it is renewed (ms). Short,
 * so that a request whose caller left disappears soon.
 */
export const REQUEST_TTL_MS = 250;

interface Waiter {
  resolve(conn: Hs2Connection): void;
  reject(err: ImpalaError): void;
}

/** Limits of a line. */
export interface WaitingLineOptions {
  /** `host:port`, for messages. */
  coordinator: string;
  /** Longest wait, in ms. */
  acquireTimeoutMs: number;
  /** Most callers waiting at once. */
  maxWaiting: number;
}

/** A FIFO of callers waiting for a connection from one generic-pool. */
export class WaitingLine {
  private readonly waiters = new Set<Waiter>();
  private requests = 0;
  private closed = false;
  private readonly settledListeners: Array<() => void> = [];

  /**
   * @param pool - the coordinator's connections
   * @param options - limits
   * @param onJoin - a caller joined (the connect gate may try again)
   * @param giveBack - takes back a connection no waiter is left for, as a
   *   caller's release would (so that whoever waits for every connection to
   *   come back, such as the coordinator's end(), hears of it)
   */
  constructor(
    private readonly pool: Pool<Hs2Connection>,
    private readonly options: WaitingLineOptions,
    private readonly onJoin: () => void,
    private readonly giveBack: (conn: Hs2Connection) => void,
  ) {}

  /** Callers waiting now. */
  get size(): number {
    return this.waiters.size;
  }

  /** Waits for a connection; rejects when `stop` stops, after the timeout, or when {@link rejectAll} is called. */
  wait(stop?: StopCondition): Promise<Hs2Connection> {
    if (this.closed) return Promise.reject(new PoolClosedError());
    const { coordinator } = this.options;
    if (this.waiters.size >= this.options.maxWaiting) {
      return Promise.reject(
        new ImpalaError(
          `${this.waiters.size} callers already wait for a connection to ${coordinator} (maxWaitingPerCoordinator)`,
          'IMPALA_ACQUIRE_TIMEOUT',
          {
            coordinator,
            statementSent: false,
          },
        ),
      );
    }
    return new Promise<Hs2Connection>((resolve, reject) => {
      let detach = (): void => {};
      const timer = setTimeout(() => {
        waiter.reject(
          new ImpalaError(
            `no connection to ${coordinator} became free within ${this.options.acquireTimeoutMs} ms`,
            'IMPALA_ACQUIRE_TIMEOUT',
            {
              coordinator,
              statementSent: false,
            },
          ),
        );
      }, this.options.acquireTimeoutMs);
      timer.unref();
      const leave = (): void => {
        clearTimeout(timer);
        detach();
        this.waiters.delete(waiter);
      };
      const waiter: Waiter = {
        resolve: (conn) => {
          leave();
          resolve(conn);
        },
        reject: (err) => {
          leave();
          reject(err);
        },
      };
      this.waiters.add(waiter);
      if (stop) detach = stop.onStop(() => waiter.reject(stop.reason!));
      this.onJoin();
      this.pump();
    });
  }

  /** Every waiting caller fails with `err` (they go elsewhere). */
  rejectAll(err: ImpalaError): void {
    for (const w of [...this.waiters]) w.reject(err);
  }

  /** Refuses new callers, rejects the waiting ones, and resolves once no generic-pool request is left. */
  close(err: ImpalaError): Promise<void> {
    this.closed = true;
    this.rejectAll(err);
    if (this.requests === 0) return Promise.resolve();
    return new Promise((resolve) => this.settledListeners.push(resolve));
  }

  /** Keeps one generic-pool request per waiting caller. */
  private pump(): void {
    while (this.requests < this.waiters.size && !this.closed) {
      this.requests += 1;
      this.pool.acquire().then(
        (conn) => {
          this.settle();
          const first = this.waiters.values().next();
          if (first.done) this.giveBack(conn);
          else first.value.resolve(conn);
          this.pump();
        },
        (err: unknown) => {
          this.settle();
          // A request's TTL ran out (normal while connections are busy): renew it.
          if ((err as Error)?.name === 'TimeoutError') this.pump();
          else this.rejectAll(new PoolClosedError());
        },
      );
    }
  }

  private settle(): void {
    this.requests -= 1;
    if (this.requests === 0) for (const listener of this.settledListeners.splice(0)) listener();
  }
}
