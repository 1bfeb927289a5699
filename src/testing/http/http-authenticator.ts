/**
 * Who sent an HTTP request, decided as impalad's `THttpServer::headersDone`
 * decides it (Impala's be/src/transport/THttpServer.cpp, with the callbacks
 * of be/src/rpc/authentication.cc), on every request:
 *
 * 1. the `impala.auth` cookie, when cookies are on and one is presented; a
 *    bad one earns a deleting `Set-Cookie` and falls through;
 * 2. a JWT, when configured and the `Authorization` value is `Bearer` with a
 *    dot in it; a token whose verification fails adds `WWW-Authenticate:
 *    Bearer error="invalid_token",…`;
 * 3. HTTP Basic against the PLAIN users (LDAP in impalad), unless the client
 *    chose Negotiate and Negotiate is on; a failure adds `WWW-Authenticate:
 *    Basic`;
 * 4. SPNEGO, unless the client chose Basic and Basic is on; no token adds
 *    `WWW-Authenticate: Negotiate`, an acceptor's output token is sent as
 *    `WWW-Authenticate: Negotiate <base64>`.
 *
 * A success by 2–4 sets a new auth cookie. So a client that names no method
 * is told every method there is.
 *
 * @module
 */
import type { PlainUsers } from '../options.js';
import { AuthCookies, BadCookieError, DELETE_COOKIE, type CookieMechanism } from './auth-cookie.js';
import type { NegotiateAcceptor, NegotiateResult } from './http-options.js';
import type { HttpEndpointStats } from './http-stats.js';
import { JwtError, type JwtVerifier } from './jwt-verifier.js';

/** The methods one endpoint accepts. */
export interface HttpAuthMethods {
  /** Basic against these users (the cluster's PLAIN users). */
  users: PlainUsers | undefined;
  /** Bearer tokens. */
  jwt: JwtVerifier | undefined;
  /** SPNEGO. */
  negotiate: NegotiateAcceptor | undefined;
  /** Auth cookies; undefined when off. */
  cookies: AuthCookies | undefined;
}

/** The verdict on one request, with the headers impalad would add to its answer. */
export interface AuthOutcome {
  /** Whether the request may be served. */
  authorized: boolean;
  /** The authenticated user; undefined without authentication. */
  user: string | undefined;
  /** `Set-Cookie` values for the answer. */
  setCookie: string[];
  /** `WWW-Authenticate` values for the answer. */
  wwwAuthenticate: string[];
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** impalad's `GetShortUsernameFromKerberosPrincipal` (be/src/util/auth-util.cc). */
export function shortUserName(principal: string): string {
  const ends = [principal.indexOf('/'), principal.indexOf('@')].filter((i) => i >= 0);
  const end = ends.length > 0 ? Math.min(...ends) : -1;
  return end <= 0 ? principal : principal.slice(0, end);
}

/** Decides each request's user. */
export class HttpAuthenticator {
  // ES private: the users' passwords must not show when a cluster is inspected.
  readonly #methods: HttpAuthMethods;

  /**
   * @param methods - what is accepted
   * @param stats - counters to bump (the endpoint's `stats().http`)
   */
  constructor(
    methods: HttpAuthMethods,
    private readonly stats: HttpEndpointStats,
  ) {
    this.#methods = methods;
  }

  /** Whether any authentication is on (without it, every request is served as nobody in particular). */
  get enabled(): boolean {
    const m = this.#methods;
    return m.users !== undefined || m.jwt !== undefined || m.negotiate !== undefined;
  }

  /**
   * Authenticates one request.
   *
   * @param authorization - its `Authorization` header, if any
   * @param cookie - its `Cookie` header, if any
   */
  async authenticate(authorization: string | undefined, cookie: string | undefined): Promise<AuthOutcome> {
    const out: AuthOutcome = { authorized: false, user: undefined, setCookie: [], wwwAuthenticate: [] };
    if (!this.enabled) return { ...out, authorized: true };
    const { users, jwt, negotiate, cookies } = this.#methods;
    // A success by credentials sets a cookie naming `cookieUser` (the principal, for SPNEGO).
    const ok = (user: string, counter: keyof HttpEndpointStats['authSuccess'], mechanism?: CookieMechanism, cookieUser = user): void => {
      out.authorized = true;
      out.user = user;
      this.stats.authSuccess[counter] += 1;
      const set = mechanism ? cookies?.issue(cookieUser, mechanism) : undefined;
      if (set) out.setCookie.push(set);
    };
    const cookieValue = cookie?.trim() ?? '';
    // An empty Cookie header is ignored, not counted as a failed attempt (as in impalad).
    if (cookies && cookieValue !== '') {
      try {
        const id = cookies.verify(cookieValue);
        ok(id.mechanism === 'SPNEGO' ? shortUserName(id.user) : id.user, 'cookie');
        return out;
      } catch (err) {
        if (!(err instanceof BadCookieError)) throw err;
        out.setCookie.push(DELETE_COOKIE);
        this.stats.authFailure.cookie += 1;
      }
    }
    const auth = (authorization ?? '').trim();
    if (jwt && auth.includes('.') && auth.startsWith('Bearer ')) {
      try {
        ok(jwt.verify(auth.slice('Bearer '.length)), 'jwt', 'JWT');
        return out;
      } catch (err) {
        if (!(err instanceof JwtError)) throw err;
        this.stats.authFailure.jwt += 1;
        if (err.stage === 'verify')
          out.wwwAuthenticate.push(`Bearer error="invalid_token",error_description="Error verifying JWT Token: ${err.message}. "`);
      }
    }
    const gotBasic = auth.startsWith('Basic ');
    const gotNegotiate = auth.startsWith('Negotiate ');
    if (users && (!gotNegotiate || !negotiate)) {
      const user = gotBasic ? basicUser(users, auth.slice('Basic '.length)) : undefined;
      if (user !== undefined) {
        ok(user, 'basic', 'LDAP');
        return out;
      }
      if (gotBasic) this.stats.authFailure.basic += 1;
      out.wwwAuthenticate.push('Basic');
    }
    if (negotiate && (!gotBasic || !users)) {
      const token = gotNegotiate ? auth.slice('Negotiate '.length).trim() : '';
      if (token === '') {
        out.wwwAuthenticate.push('Negotiate');
      } else {
        const result = await this.negotiateStep(negotiate, token);
        if (result) {
          if (result.response && result.response.length > 0)
            out.wwwAuthenticate.push(`Negotiate ${Buffer.from(result.response).toString('base64')}`);
          ok(result.user, 'negotiate', 'SPNEGO', result.principal);
          return out;
        }
        this.stats.authFailure.negotiate += 1;
      }
    }
    this.stats.unauthorized += 1;
    return out;
  }

  /** One acceptor call; undefined when it refuses (impalad logs why; nothing here may leak a token). */
  private async negotiateStep(negotiate: NegotiateAcceptor, headerToken: string): Promise<NegotiateResult | undefined> {
    // beeline sends `Negotiate : <token>` (its header name ends in ": Negotiate "); impalad takes that too.
    const text = headerToken.startsWith(': ') ? headerToken.slice(2) : headerToken;
    if (!BASE64.test(text)) return undefined;
    try {
      const result = await negotiate(Buffer.from(text, 'base64'));
      const valid = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
      // impalad treats a completed exchange without a principal as a failure.
      if (!result || !valid(result.principal) || !valid(result.user)) return undefined;
      if (result.response !== undefined && !(result.response instanceof Uint8Array)) return undefined;
      return result;
    } catch {
      return undefined;
    }
  }
}

/** The user a Basic token names when its password is right (impalad's `BasicAuthExtractCredentials` + LDAP bind). */
function basicUser(users: PlainUsers, token: string): string | undefined {
  const t = token.trim();
  if (!BASE64.test(t)) return undefined;
  const decoded = Buffer.from(t, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  return Object.hasOwn(users, user) && users[user] === password ? user : undefined;
}
