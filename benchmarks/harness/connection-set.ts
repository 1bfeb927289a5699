/**
 * What a JDBC application keeps in front of a proxy: a fixed set of
 * persistent HS2 connections (impala-pool's `connect()`, one HS2 session
 * each) that callers borrow per statement, modelled on HikariCP's defaults:
 *
 * - a connection that sat idle longer than 500 ms is validated before use
 *   (HikariCP's `isValid()` past its 500 ms bypass window; here a ping, which
 *   checks the HS2 session too) and replaced when that fails;
 * - a statement that fails with a connection-level error (socket closed or
 *   reset, RPC timeout — SQLSTATE 08xxx in JDBC) evicts the connection; a
 *   server error (HY000, e.g. an expired session) does not;
 * - an evicted connection is reopened when next borrowed, retrying every
 *   250 ms within the borrower's 30 s wait (HikariCP's `connectionTimeout`);
 * - the statement that failed is not run again: the application sees the
 *   error, and it counts as a failure.
 *
 * Idle connections are handed out most recently used first, waiting
 * borrowers in arrival order.
 *
 * @module
 */
import { isConnectionFatal, type Hs2Connection } from '../../src/index.js';

/** Options of a {@link ConnectionSet}. */
export interface ConnectionSetOptions {
  /** Connections in the set. */
  size: number;
  /** Opens one connection (through the proxy, or straight to a coordinator). */
  open(): Promise<Hs2Connection>;
  /** Validate a connection idle longer than this before use, ms. Default 500 (HikariCP). */
  validateAfterIdleMs?: number;
  /** Deadline of a validation, ms. Default 5000 (HikariCP's validationTimeout). */
  validationTimeoutMs?: number;
  /** Longest wait for a usable connection, ms. Default 30000 (HikariCP's connectionTimeout). */
  acquireTimeoutMs?: number;
  /** Pause between reopen attempts, ms. Default 250. */
  reopenDelayMs?: number;
}

/** Counters of a {@link ConnectionSet}. */
export interface ConnectionSetCounters {
  /** Connections opened after the first fill (replacements). */
  reopened: number;
  /** Open attempts that failed. */
  openFailures: number;
  /** Validations that failed (the connection was replaced). */
  validationFailures: number;
  /** Connections evicted after a connection-level statement error. */
  evicted: number;
}

interface Slot {
  conn: Hs2Connection | undefined;
  lastUsed: number;
}

/** A borrowed connection. */
export interface Borrowed {
  conn: Hs2Connection;
  /** Gives the connection back; with an error that says the connection is broken, evicts it. */
  release(err?: unknown): void;
}

/** A fixed set of persistent connections, borrowed one statement at a time. */
export class ConnectionSet {
  readonly counters: ConnectionSetCounters = { reopened: 0, openFailures: 0, validationFailures: 0, evicted: 0 };
  private readonly slots: Slot[];
  private readonly idle: Slot[] = [];
  private readonly waiters: Array<(slot: Slot) => void> = [];
  private closed = false;
  private readonly validateAfterIdleMs: number;
  private readonly validationTimeoutMs: number;
  private readonly acquireTimeoutMs: number;
  private readonly reopenDelayMs: number;

  constructor(private readonly options: ConnectionSetOptions) {
    this.slots = Array.from({ length: options.size }, () => ({ conn: undefined, lastUsed: 0 }));
    this.validateAfterIdleMs = options.validateAfterIdleMs ?? 500;
    this.validationTimeoutMs = options.validationTimeoutMs ?? 5000;
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? 30_000;
    this.reopenDelayMs = options.reopenDelayMs ?? 250;
  }

  /** Opens every connection (a few at a time), as a pool fills at start-up. */
  async fill(): Promise<void> {
    const queue = [...this.slots];
    const opener = async (): Promise<void> => {
      for (let s = queue.shift(); s; s = queue.shift()) {
        s.conn = await this.options.open();
        s.lastUsed = performance.now();
        this.idle.push(s);
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, this.slots.length) }, opener));
  }

  /** Borrows a usable connection: validated if it sat idle, reopened if it was evicted. */
  async borrow(): Promise<Borrowed> {
    if (this.closed) throw new Error('connection set closed');
    const deadline = performance.now() + this.acquireTimeoutMs;
    const slot = this.idle.pop() ?? (await new Promise<Slot>((resolve) => this.waiters.push(resolve)));
    try {
      await this.ready(slot, deadline);
    } catch (err) {
      this.giveBack(slot);
      throw err;
    }
    return {
      conn: slot.conn!,
      release: (err?: unknown) => {
        if (err !== undefined && isConnectionFatal(err)) {
          this.counters.evicted += 1;
          slot.conn?.destroy();
          slot.conn = undefined;
        }
        slot.lastUsed = performance.now();
        this.giveBack(slot);
      },
    };
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.conn?.close(2000).catch(() => undefined)));
  }

  private giveBack(slot: Slot): void {
    const next = this.waiters.shift();
    if (next) next(slot);
    else this.idle.push(slot);
  }

  private async ready(slot: Slot, deadline: number): Promise<void> {
    if (slot.conn && (!slot.conn.open || performance.now() - slot.lastUsed > this.validateAfterIdleMs)) {
      let valid = slot.conn.open;
      if (valid) {
        try {
          await slot.conn.ping(this.validationTimeoutMs);
        } catch {
          valid = false;
        }
      }
      if (!valid) {
        this.counters.validationFailures += 1;
        slot.conn.destroy();
        slot.conn = undefined;
      }
    }
    while (!slot.conn) {
      try {
        slot.conn = await this.options.open();
        this.counters.reopened += 1;
      } catch (err) {
        this.counters.openFailures += 1;
        if (this.closed || performance.now() + this.reopenDelayMs > deadline) throw err;
        await new Promise((r) => setTimeout(r, this.reopenDelayMs));
      }
    }
  }
}
