/**
 * What the pool tells its listeners, and the diagnostics_channel channels it
 * publishes to (only when someone subscribes). No payload carries a secret:
 * only addresses, states, codes and server-side messages.
 *
 * @module
 */
import diagnostics from 'node:diagnostics_channel';
import type { ImpalaErrorCode } from '../errors.js';
import type { HealthState } from './health-state.js';

/** A coordinator changed health state. */
export interface CoordinatorStateEvent {
  /** `host:port`. */
  coordinator: string;
  /** State before. */
  from: HealthState;
  /** State after. */
  to: HealthState;
  /** Why (the last error, "2 successful checks", …). */
  reason: string;
}

/** A statement is being run again on another coordinator. */
export interface RetryEvent {
  /** The coordinator that failed. */
  coordinator: string;
  /** The attempt that failed (1-based). */
  attempt: number;
  /** The failure's code. */
  code: ImpalaErrorCode;
  /** The failure's message. */
  message: string;
  /** Why a retry is allowed ("not sent", "shutting-down", "idempotent query failed after send"). */
  reason: string;
}

/** A connection was found closed or broken and replaced. */
export interface ReconnectEvent {
  /** `host:port` of the coordinator. */
  coordinator: string;
  /** What was wrong with the old connection. */
  reason: string;
}

/** A coordinator stopped taking new work. */
export interface DrainEvent {
  /** `host:port` of the coordinator. */
  coordinator: string;
  /** Why it drains (the server's shutdown notice, or the application). */
  reason: string;
}

/** The pool's events and their payloads. */
export interface PoolEventMap {
  /** A coordinator was taken out of rotation (fall reached, or ejected again). */
  coordinatorDown: [CoordinatorStateEvent];
  /** A coordinator takes traffic again (rise reached, or undrained). */
  coordinatorUp: [CoordinatorStateEvent];
  /** A statement is run again elsewhere. */
  retry: [RetryEvent];
  /** A dead connection was replaced. */
  reconnect: [ReconnectEvent];
  /** A coordinator stopped taking new work. */
  drain: [DrainEvent];
}

/** A finished statement, as published on `impala-pool:statement`. */
export interface StatementDiagnostic {
  /** `host:port` it ran on. */
  coordinator: string;
  /** First keyword(s), e.g. `SELECT`, `CREATE TABLE`. */
  verb: string;
  /** Borrow to finish, in ms. */
  durationMs: number;
  /** 1 for the first attempt. */
  attempt: number;
  /** Whether it succeeded (a stream the caller left early counts as a success). */
  ok: boolean;
  /** Set when the caller stopped reading a stream before its end (the statement was cancelled). */
  abandoned?: true;
  /** Impala query id: set for a query or statement that finished, and for a failure whose error names one; not for streams or metadata calls. */
  queryId?: string;
  /** The error's code, when it failed. */
  code?: ImpalaErrorCode;
}

/** diagnostics_channel channels: `impala-pool:statement`, `impala-pool:health`, `impala-pool:retry`. */
export const channels = {
  statement: diagnostics.channel('impala-pool:statement'),
  health: diagnostics.channel('impala-pool:health'),
  retry: diagnostics.channel('impala-pool:retry'),
};

/** Publishes when the channel has subscribers (building the message costs nothing otherwise). */
export function publish(channel: diagnostics.Channel, message: () => unknown): void {
  if (channel.hasSubscribers) channel.publish(message());
}
