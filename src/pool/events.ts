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
  from: HealthState;
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
  code: ImpalaErrorCode;
  message: string;
  /** Why a retry is allowed ("not sent", "shutting-down", "idempotent query failed after send"). */
  reason: string;
}

/** A connection was found closed or broken and replaced. */
export interface ReconnectEvent {
  coordinator: string;
  reason: string;
}

/** A coordinator stopped taking new work. */
export interface DrainEvent {
  coordinator: string;
  reason: string;
}

/** The pool's events and their payloads. */
export interface PoolEventMap {
  coordinatorDown: [CoordinatorStateEvent];
  coordinatorUp: [CoordinatorStateEvent];
  retry: [RetryEvent];
  reconnect: [ReconnectEvent];
  drain: [DrainEvent];
}

/** A finished statement, as published on `impala-pool:statement`. */
export interface StatementDiagnostic {
  coordinator: string;
  verb: string;
  durationMs: number;
  attempt: number;
  ok: boolean;
  queryId?: string;
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
