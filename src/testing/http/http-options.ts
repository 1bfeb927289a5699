/**
 * Options of the coordinators' HS2-over-HTTP endpoint (impalad's
 * `--hs2_http_port`), their defaults and validation.
 *
 * @module
 */
import { KeyObject, createPublicKey } from 'node:crypto';
import { intOption, msOption, rejectUnknown, stringOption } from '../../util/validate.js';

/** What a SPNEGO acceptor answers for a token it accepts. */
export interface NegotiateResult {
  /** The authenticated Kerberos principal, e.g. `alice@EXAMPLE.COM`; the auth cookie carries it. */
  principal: string;
  /** The short user name sessions run as, e.g. `alice`. */
  user: string;
  /** The acceptor's output token, sent back as `WWW-Authenticate: Negotiate <base64>`, if it has one. */
  response?: Buffer | undefined;
}

/**
 * Accepts one SPNEGO token (the decoded `Authorization: Negotiate <base64>`
 * value) and says who sent it; throws when the token is not acceptable.
 * Only single-step exchanges are modelled (Kerberos through SPNEGO needs one
 * step); impalad also supports a continuation, answered with a 401.
 */
export type NegotiateAcceptor = (token: Buffer) => NegotiateResult | Promise<NegotiateResult>;

/** JWT bearer tokens (impalad's `--jwt_token_auth`). */
export interface JwtOptions {
  /** Shared secret for HS256 tokens. */
  secret?: string | Buffer;
  /** Public key (PEM string or Buffer, or a KeyObject) for RS256 (RSA key) or ES256 (P-256 key) tokens. */
  publicKey?: string | Buffer | KeyObject;
  /**
   * The claim that names the user (impalad's `--jwt_custom_claim_username`,
   * whose default there is `username`). Default `sub`.
   */
  usernameClaim?: string;
}

/** Options of `startCluster({ http: { … } })`. `http: true` takes every default. */
export interface HttpEndpointOptions {
  /** HTTP port per coordinator (0 lets the OS pick). Default all 0. */
  ports?: number[];
  /** Accept JWT bearer tokens; default not. */
  jwt?: JwtOptions;
  /**
   * Accept `Authorization: Negotiate` (SPNEGO) with this acceptor; default
   * not. In process isolation it runs in the test process: each child asks
   * its parent.
   */
  negotiate?: NegotiateAcceptor;
  /**
   * How long an auth cookie is valid, in ms (impalad's
   * `--max_cookie_lifetime_s`, default one day); 0 turns cookies off. Only
   * used when some authentication is on.
   */
  cookieLifetimeMs?: number;
  /**
   * Key that signs auth cookies, at least 32 bytes (its first 32 are used, as
   * impalad reads `--cookie_secret_file`). With it, every coordinator accepts
   * the others' cookies and its own after a restart; without it each
   * coordinator draws a random key whenever it starts, as impalad does.
   */
  cookieSecret?: string | Buffer;
  /**
   * How long a session outlives the last HTTP connection that used it, in ms
   * (impalad's `--disconnected_session_timeout`). HTTP clients may open a new
   * connection for any request, so this is not the TCP endpoint's
   * `disconnectedSessionTimeoutMs`. Default 900000 (impalad's 15 minutes).
   */
  disconnectedSessionTimeoutMs?: number;
  /** A request must arrive whole within this many ms of its first byte, else 408 and the connection closes. Default 30000. */
  requestTimeoutMs?: number;
  /** A keep-alive connection with no request for this many ms is closed. Default 120000. */
  idleTimeoutMs?: number;
}

/** JWT settings after validation (what crosses to a child process). */
export interface ResolvedJwt {
  secret: Buffer | undefined;
  /** SPKI PEM. */
  publicKey: string | undefined;
  usernameClaim: string;
}

/** HTTP options after defaults and validation. */
export interface ResolvedHttpOptions {
  ports: number[];
  jwt: ResolvedJwt | undefined;
  negotiate: NegotiateAcceptor | undefined;
  cookieLifetimeMs: number;
  cookieSecret: Buffer | undefined;
  disconnectedSessionTimeoutMs: number;
  requestTimeoutMs: number;
  idleTimeoutMs: number;
}

const KNOWN = [
  'ports',
  'jwt',
  'negotiate',
  'cookieLifetimeMs',
  'cookieSecret',
  'disconnectedSessionTimeoutMs',
  'requestTimeoutMs',
  'idleTimeoutMs',
];

/** impalad's `--max_cookie_lifetime_s` default, one day. */
export const DEFAULT_COOKIE_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** Bytes of key an auth cookie's HMAC-SHA256 uses (impalad's `SHA256_DIGEST_LENGTH` key). */
export const COOKIE_KEY_BYTES = 32;

/**
 * Applies defaults and checks `startCluster`'s `http` option. Messages never
 * quote a secret.
 *
 * @param value - `true`, `false`/undefined (no HTTP endpoint) or {@link HttpEndpointOptions}
 * @param coordinators - the cluster's coordinator count (length of `ports`)
 * @throws TypeError naming the option that is wrong
 */
export function resolveHttpOptions(value: unknown, coordinators: number): ResolvedHttpOptions | undefined {
  if (value === undefined || value === false) return undefined;
  const o = (value === true ? {} : value) as HttpEndpointOptions;
  if (o === null || typeof o !== 'object' || Array.isArray(o))
    throw new TypeError('option http must be true or an object of HTTP endpoint options');
  rejectUnknown('http', o, KNOWN);
  let ports: number[] = Array.from({ length: coordinators }, () => 0);
  if (o.ports !== undefined) {
    if (!Array.isArray(o.ports) || o.ports.length !== coordinators)
      throw new TypeError(`option http.ports must be an array of ${coordinators} port numbers`);
    ports = o.ports.map((p, i) => intOption(`http.ports[${i}]`, p, 0, 0, 65535));
  }
  if (o.negotiate !== undefined && typeof o.negotiate !== 'function')
    throw new TypeError('option http.negotiate must be a function (token: Buffer) => { principal, user, response? }');
  return {
    ports,
    jwt: resolveJwt(o.jwt),
    negotiate: o.negotiate,
    cookieLifetimeMs: msOption('http.cookieLifetimeMs', o.cookieLifetimeMs, DEFAULT_COOKIE_LIFETIME_MS, true),
    cookieSecret: resolveCookieSecret(o.cookieSecret),
    disconnectedSessionTimeoutMs: msOption('http.disconnectedSessionTimeoutMs', o.disconnectedSessionTimeoutMs, 15 * 60 * 1000, true),
    requestTimeoutMs: msOption('http.requestTimeoutMs', o.requestTimeoutMs, 30_000),
    idleTimeoutMs: msOption('http.idleTimeoutMs', o.idleTimeoutMs, 120_000),
  };
}

function resolveCookieSecret(value: unknown): Buffer | undefined {
  if (value === undefined) return undefined;
  const key = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.isBuffer(value) ? Buffer.from(value) : undefined;
  if (!key || key.length < COOKIE_KEY_BYTES)
    throw new TypeError(`option http.cookieSecret must be a string or Buffer of at least ${COOKIE_KEY_BYTES} bytes`);
  return key.subarray(0, COOKIE_KEY_BYTES);
}

function resolveJwt(value: unknown): ResolvedJwt | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new TypeError('option http.jwt must be { secret?, publicKey?, usernameClaim? }');
  rejectUnknown('http.jwt', value, ['secret', 'publicKey', 'usernameClaim']);
  const j = value as JwtOptions;
  if (j.secret === undefined && j.publicKey === undefined)
    throw new TypeError('option http.jwt needs a secret (HS256) or a publicKey (RS256, ES256)');
  let secret: Buffer | undefined;
  if (j.secret !== undefined) {
    if (typeof j.secret === 'string' && j.secret.length > 0) secret = Buffer.from(j.secret, 'utf8');
    else if (Buffer.isBuffer(j.secret) && j.secret.length > 0) secret = Buffer.from(j.secret);
    else throw new TypeError('option http.jwt.secret must be a non-empty string or Buffer');
  }
  let publicKey: string | undefined;
  if (j.publicKey !== undefined) {
    let key: KeyObject;
    try {
      const given = j.publicKey;
      key = given instanceof KeyObject && given.type === 'public' ? given : createPublicKey(given as Parameters<typeof createPublicKey>[0]);
    } catch {
      throw new TypeError('option http.jwt.publicKey must be an RSA or EC public key (PEM or KeyObject)');
    }
    const type = key.asymmetricKeyType;
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (type !== 'rsa' && !(type === 'ec' && curve === 'prime256v1')) {
      throw new TypeError(
        `option http.jwt.publicKey must be an RSA key (RS256) or a P-256 EC key (ES256), got ${type ?? 'an unknown'} key`,
      );
    }
    publicKey = key.export({ type: 'spki', format: 'pem' }).toString();
  }
  return { secret, publicKey, usernameClaim: stringOption('http.jwt.usernameClaim', j.usernameClaim, 'sub')! };
}
