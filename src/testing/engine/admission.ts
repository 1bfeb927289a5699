/**
 * Impala's admission control for one resource pool on one coordinator: at
 * most `maxConcurrent` queries and DML statements run; the next `maxQueued`
 * wait (state PENDING) for up to `queueTimeoutMs`; the rest are rejected at
 * once. Messages are impalad's, so clients (and the pool) can tell an
 * admission refusal — the statement never ran — from a failure.
 *
 * @module
 */
import type { AdmissionOptions } from '../options.js';
import { StatementError } from '../impala-errors.js';

/** The resource pool name impalad reports without a configured pool. */
const POOL = 'default-pool';

/** A place in the admission queue or among the running. */
export interface AdmissionTicket {
  /** Resolves when admitted; rejects with Impala's rejection or timeout message. */
  admitted: Promise<void>;
  /** Leaves the queue, or frees the slot once admitted. Idempotent. */
  release(): void;
  /** Why it waits, while it waits in the queue (impalad's "Latest admission queue reason"). */
  readonly queuedReason: string | undefined;
}

interface Waiter {
  admit(): void;
  reject(err: StatementError): void;
}

/** Counts running statements and queues the overflow. */
export class AdmissionController {
  private running = 0;
  private readonly queue: Waiter[] = [];

  /** @param options - limits */
  constructor(private readonly options: Required<AdmissionOptions>) {}

  /** Asks for a slot. */
  request(): AdmissionTicket {
    let holding = false;
    let released = false;
    let waiter: Waiter | undefined;
    let queuedReason: string | undefined;
    const admitted = new Promise<void>((resolve, reject) => {
      if (this.running < this.options.maxConcurrent && this.queue.length === 0) {
        this.running += 1;
        holding = true;
        resolve();
        return;
      }
      if (this.queue.length >= this.options.maxQueued) {
        reject(
          new StatementError(
            `Rejected query from pool ${POOL}: queue full, limit=${this.options.maxQueued}, num_queued=${this.queue.length}.`,
          ),
        );
        return;
      }
      const timer = setTimeout(() => {
        this.leave(waiter!);
        reject(
          new StatementError(
            `Admission for query exceeded timeout ${this.options.queueTimeoutMs}ms in pool ${POOL}. Queued reason: number of running queries ${this.running} is at or over limit ${this.options.maxConcurrent}.`,
          ),
        );
      }, this.options.queueTimeoutMs);
      timer.unref();
      queuedReason = `number of running queries ${this.running} is at or over limit ${this.options.maxConcurrent}.`;
      waiter = {
        admit: () => {
          clearTimeout(timer);
          queuedReason = undefined;
          holding = true;
          resolve();
        },
        reject: (err) => {
          clearTimeout(timer);
          queuedReason = undefined;
          reject(err);
        },
      };
      this.queue.push(waiter);
    });
    return {
      admitted,
      get queuedReason() {
        return queuedReason;
      },
      release: () => {
        if (released) return;
        released = true;
        if (holding) {
          this.running -= 1;
          this.next();
        } else if (waiter) {
          this.leave(waiter);
          waiter.reject(new StatementError('Cancelled'));
        }
      },
    };
  }

  /** Statements running now. */
  get admittedCount(): number {
    return this.running;
  }

  /** Statements waiting now. */
  get queuedCount(): number {
    return this.queue.length;
  }

  private next(): void {
    while (this.running < this.options.maxConcurrent && this.queue.length > 0) {
      const w = this.queue.shift()!;
      this.running += 1;
      w.admit();
    }
  }

  private leave(w: Waiter): void {
    const i = this.queue.indexOf(w);
    if (i >= 0) this.queue.splice(i, 1);
  }
}
