/**
 * impalad's HTTP auth cookie (Impala's be/src/rpc/authentication-util.cc,
 * `GenerateCookie` / `AuthenticateCookie` / `GetDeleteCookie`): after a
 * successful authentication the server sets
 *
 *     impala.auth=<signature>&u=<user>&t=<created, monotonic ms>&r=<random>&a=<mechanism>;HttpOnly;Max-Age=<s>[;Secure]
 *
 * where the signature is HMAC-SHA256 of everything after the first `&`,
 * web-safe base64 with padding, under a key only the server knows. The
 * cookie is stateless: nothing is remembered per cookie, so there is nothing
 * to bound.
 *
 * @module
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { COOKIE_KEY_BYTES } from './http-options.js';

/** impalad's cookie name (`COOKIE_NAME`). */
export const COOKIE_NAME = 'impala.auth';

/** What a rejected cookie makes impalad send back: a cookie that deletes it. */
export const DELETE_COOKIE = `${COOKIE_NAME}=;HttpOnly;Max-Age=0`;

// impalad checks at most this many `name=value` pairs of a Cookie header (`MAX_COOKIES_TO_CHECK`).
const MAX_COOKIES_TO_CHECK = 5;
const SIGNATURE_BYTES = 32;

/** The mechanism a cookie records (impalad's `HTTP_AUTH_MECH_*`). */
export type CookieMechanism = 'LDAP' | 'JWT' | 'SPNEGO';

/** Who a valid cookie says the client is. */
export interface CookieIdentity {
  /** The `u=` value: the user (the Kerberos principal for SPNEGO). */
  user: string;
  /** The `a=` value. */
  mechanism: string;
}

/** A cookie that does not authenticate; the message is impalad's reason (no cookie content). */
export class BadCookieError extends Error {
  override name = 'BadCookieError';
}

/**
 * impalad's `MonotonicMillis()`: CLOCK_MONOTONIC, which every process on the
 * host shares, so coordinators in child processes agree on a cookie's age.
 */
export function monotonicMillis(): number {
  return Number(process.hrtime.bigint() / 1_000_000n);
}

/** Web-safe base64 with padding, as Impala's `WebSafeBase64Escape(…, do_padding=true)`. */
function webSafeBase64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** Issues and checks auth cookies under one key. */
export class AuthCookies {
  readonly #key: Buffer;

  /**
   * @param lifetimeMs - how long a cookie is valid (impalad's `--max_cookie_lifetime_s`)
   * @param secure - whether cookies carry `Secure` (impalad's `--cookie_require_secure`)
   * @param key - signing key; default a random one, as impalad draws when it starts
   */
  constructor(
    private readonly lifetimeMs: number,
    private readonly secure: boolean,
    key: Buffer = randomBytes(COOKIE_KEY_BYTES),
  ) {
    this.#key = Buffer.from(key);
  }

  // Header text here is "binary": one char per byte, as node:http reads and writes header values
  // in latin1. So a UTF-8 user name goes out as its bytes, as impalad sends it, and is signed as bytes.
  private sign(binary: string): Buffer {
    return createHmac('sha256', this.#key).update(binary, 'latin1').digest();
  }

  /**
   * The `Set-Cookie` value for `user`, authenticated by `mechanism` now
   * (header text: one char per byte). Undefined for a user name with control
   * characters, which no header can carry.
   */
  issue(user: string, mechanism: CookieMechanism, createdMs = monotonicMillis()): string | undefined {
    if (/[\u0000-\u001f\u007f]/.test(user)) return undefined;
    // As in impalad, the random part only makes cookies unique; the key is what protects them.
    const value = Buffer.from(`u=${user}&t=${createdMs}&r=${randomInt(2 ** 31 - 1)}&a=${mechanism}`, 'utf8').toString('latin1');
    const maxAge = Math.ceil(this.lifetimeMs / 1000);
    return `${COOKIE_NAME}=${webSafeBase64(this.sign(value))}&${value};HttpOnly;Max-Age=${maxAge}${this.secure ? ';Secure' : ''}`;
  }

  /**
   * Checks a `Cookie` header as impalad's `AuthenticateCookie` does: the
   * first `impala.auth` among its first five pairs decides.
   *
   * @param header - the header as node:http gives it (one char per byte)
   * @throws BadCookieError with impalad's reason
   */
  verify(header: string): CookieIdentity {
    const pairs = header.split(';');
    for (let i = 0; i < pairs.length && i < MAX_COOKIES_TO_CHECK; i++) {
      const pair = pairs[i]!.trim();
      if (!pair.startsWith(`${COOKIE_NAME}=`)) continue;
      let cookie = pair.slice(COOKIE_NAME.length + 1);
      if (cookie.length >= 2 && cookie.startsWith('"') && cookie.endsWith('"')) cookie = cookie.slice(1, -1);
      const amp = cookie.indexOf('&');
      if (amp < 0) throw new BadCookieError('The cookie has an invalid format.');
      const base64 = cookie.slice(0, amp);
      const value = cookie.slice(amp + 1);
      if (!/^[A-Za-z0-9_-]*={0,2}$/.test(base64)) throw new BadCookieError('Unable to decode base64 signature.');
      const signature = Buffer.from(base64.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      if (signature.length !== SIGNATURE_BYTES) throw new BadCookieError('Signature is an incorrect length.');
      if (!timingSafeEqual(signature, this.sign(value))) throw new BadCookieError('The signature is incorrect.');
      const parts = value.split('&');
      if (parts.length !== 4) throw new BadCookieError('The cookie value has an invalid format.');
      const [u, t, , a] = parts as [string, string, string, string];
      if (!t.startsWith('t=')) throw new BadCookieError('The cookie timestamp value has an invalid format.');
      const created = t.slice(2);
      if (!/^-?\d{1,19}$/.test(created)) throw new BadCookieError('Could not parse cookie timestamp.');
      if (monotonicMillis() - Number(created) > this.lifetimeMs) throw new BadCookieError('Cookie is past its max lifetime.');
      if (!u.startsWith('u=')) throw new BadCookieError('The cookie username value has an invalid format.');
      if (!a.startsWith('a=')) throw new BadCookieError('The cookie authMech value has an invalid format.');
      return { user: Buffer.from(u.slice(2), 'latin1').toString('utf8'), mechanism: a.slice(2) };
    }
    throw new BadCookieError(`Did not find expected cookie name: ${COOKIE_NAME}`);
  }
}
