/**
 * Counters of a coordinator's HTTP endpoint, named after impalad's
 * `hs2-http-server.total-<mechanism>-auth-success/failure` metrics
 * (Impala's be/src/transport/THttpServer.cpp).
 *
 * @module
 */

/** Per authentication method, as impalad counts them. */
export interface HttpAuthCounts {
  /** HTTP Basic against the cluster's PLAIN users. */
  basic: number;
  /** JWT bearer tokens. */
  jwt: number;
  /** SPNEGO (`Authorization: Negotiate`). */
  negotiate: number;
  /** The `impala.auth` cookie. */
  cookie: number;
}

/** `stats().http`, present when the cluster has HTTP on. */
export interface HttpEndpointStats {
  /** HTTP requests received (every method, answered or not). */
  requests: number;
  /**
   * Requests that authenticated, by how. `cookie` counts requests let in on
   * the cookie alone (no re-authentication); the others count full
   * authentications.
   */
  authSuccess: HttpAuthCounts;
  /** Credentials presented and refused, by method (a bad cookie that falls back to another method counts here too). */
  authFailure: HttpAuthCounts;
  /** Requests answered 401. */
  unauthorized: number;
  /**
   * Headers of the last request received (lower-case names), with the
   * values of `authorization`, `proxy-authorization` and `cookie` reduced to
   * `[redacted]` (a scheme, such as `Basic [redacted]`, is kept).
   */
  lastRequestHeaders: Record<string, string>;
}

/** Zeroed counters. */
export function newHttpStats(): HttpEndpointStats {
  const zero = (): HttpAuthCounts => ({ basic: 0, jwt: 0, negotiate: 0, cookie: 0 });
  return { requests: 0, authSuccess: zero(), authFailure: zero(), unauthorized: 0, lastRequestHeaders: {} };
}

/** A deep copy, for a stats snapshot. */
export function copyHttpStats(s: HttpEndpointStats): HttpEndpointStats {
  return { ...s, authSuccess: { ...s.authSuccess }, authFailure: { ...s.authFailure }, lastRequestHeaders: { ...s.lastRequestHeaders } };
}

/** Totals across a coordinator's processes (a restarted child starts from zero). */
export function addHttpStats(a: HttpEndpointStats | undefined, b: HttpEndpointStats | undefined): HttpEndpointStats | undefined {
  if (!a || !b) return a ? copyHttpStats(a) : b ? copyHttpStats(b) : undefined;
  const add = (x: HttpAuthCounts, y: HttpAuthCounts): HttpAuthCounts => ({
    basic: x.basic + y.basic,
    jwt: x.jwt + y.jwt,
    negotiate: x.negotiate + y.negotiate,
    cookie: x.cookie + y.cookie,
  });
  return {
    requests: a.requests + b.requests,
    authSuccess: add(a.authSuccess, b.authSuccess),
    authFailure: add(a.authFailure, b.authFailure),
    unauthorized: a.unauthorized + b.unauthorized,
    lastRequestHeaders: { ...(b.requests > 0 ? b.lastRequestHeaders : a.lastRequestHeaders) },
  };
}

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

/** Request headers fit for stats: credentials reduced to their scheme. */
export function redactHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    if (!SECRET_HEADERS.has(name)) {
      out[name] = value;
      continue;
    }
    const scheme = name === 'cookie' ? undefined : /^\s*([A-Za-z][A-Za-z0-9-]{0,31})\s/.exec(value)?.[1];
    out[name] = scheme ? `${scheme} [redacted]` : '[redacted]';
  }
  return out;
}
