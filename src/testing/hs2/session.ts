/**
 * One HS2 session on a coordinator: its handle, current database and query
 * options. (Its operations are in the coordinator's registry.)
 *
 * @module
 */
import { formatQueryId, guidKey, newSecret, newSessionId } from './query-id.js';
import { DEFAULT_DATABASE } from './server-info.js';

/** Session state kept by a coordinator. */
export class Session {
  /** Handle guid. */
  readonly guid = newSessionId();
  /** Handle secret; requests must present it. */
  readonly secret = newSecret();
  /** Registry key. */
  readonly key = guidKey(this.guid);
  /** Printable id, as impalad prints session ids. */
  readonly printableId = formatQueryId(this.guid);
  /** Current database. */
  database = DEFAULT_DATABASE;
  /** Query options set on the session (upper-case keys, as Impala treats them). */
  readonly options = new Map<string, string>();
  /** When it was opened. */
  readonly openedAt = new Date();
  /** performance.now() of the last request naming this session. */
  lastUsedMs = performance.now();
  /** Set once the session is closed or expired. */
  closed = false;
  /** Why requests are refused once `closed` (Impala's message), when not the plain invalid-id one. */
  closedReason: string | undefined;
  /**
   * Open connections that have used it (impalad's `SessionState::connections`):
   * the one that opened it, and any other a request naming it came on, as
   * HTTP clients do. When the last one closes, the session is disconnected.
   */
  readonly connections = new Set<number>();
  /** performance.now() of when its last connection closed, while it has none. */
  disconnectedAtMs: number | undefined;

  /**
   * @param user - the authenticated (or claimed) user
   * @param protocolVersion - the HS2 protocol version agreed on
   * @param connectionId - id of the connection that opened it
   * @param clientAddress - `host:port` of that connection's peer
   */
  constructor(
    readonly user: string,
    readonly protocolVersion: number,
    readonly connectionId: number,
    readonly clientAddress: string,
  ) {
    this.connections.add(connectionId);
  }

  /** Marks the session used now. */
  touch(): void {
    this.lastUsedMs = performance.now();
  }

  /** Records that a request naming it came on connection `id` (impalad's `AddSessionToConnection`). */
  usedOn(id: number): void {
    this.connections.add(id);
    this.disconnectedAtMs = undefined;
  }

  /** Sets a query option; an empty value removes it (back to the default). */
  setOption(key: string, value: string): void {
    const k = key.toUpperCase();
    if (value === '') this.options.delete(k);
    else this.options.set(k, value);
  }

  /** Session options with a per-statement overlay on top. */
  effectiveOptions(overlay?: Record<string, string> | null): Map<string, string> {
    const out = new Map(this.options);
    for (const [k, v] of Object.entries(overlay ?? {})) out.set(k.toUpperCase(), v);
    return out;
  }
}
