/**
 * JWT bearer tokens, checked with node:crypto alone, as impalad's
 * `JWTTokenAuth` (Impala's be/src/rpc/authentication.cc) with
 * `--jwt_validate_signature` on checks them through jwt-cpp
 * (be/src/util/jwt-util.cc): the token must decode, carry a signature made
 * with a configured key by an algorithm that key is for, not be expired
 * (`exp`) or not yet valid (`nbf`), and name its user in the username claim.
 *
 * @module
 */
import { createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { ResolvedJwt } from './http-options.js';

/**
 * A token that does not authenticate. `stage` says where impalad would have
 * failed it: `decode` (not a JWT), `verify` (signature, algorithm, time —
 * the failures impalad answers with `WWW-Authenticate: Bearer
 * error="invalid_token"`) or `claim` (no usable username claim).
 */
export class JwtError extends Error {
  override name = 'JwtError';

  /**
   * @param stage - where the token failed
   * @param message - why, without any of the token
   */
  constructor(
    readonly stage: 'decode' | 'verify' | 'claim',
    message: string,
  ) {
    super(message);
  }
}

interface Decoded {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signed: string;
  signature: Buffer;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

function decodePart(part: string): Record<string, unknown> {
  if (!B64URL.test(part)) throw new JwtError('decode', 'Token is not in correct format');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new JwtError('decode', 'Base64 decoding failed or invalid json');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new JwtError('decode', 'Base64 decoding failed or invalid json');
  return parsed as Record<string, unknown>;
}

function decode(token: string): Decoded {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('decode', 'Token is not in correct format');
  const [h, p, s] = parts as [string, string, string];
  if (!B64URL.test(s)) throw new JwtError('decode', 'Token is not in correct format');
  return { header: decodePart(h), payload: decodePart(p), signed: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
}

/** Checks bearer tokens against the configured keys. */
export class JwtVerifier {
  readonly #secret: Buffer | undefined;
  readonly #publicKey: KeyObject | undefined;
  private readonly usernameClaim: string;

  /** @param options - the validated `http.jwt` option */
  constructor(options: ResolvedJwt) {
    this.#secret = options.secret;
    this.#publicKey = options.publicKey ? createPublicKey(options.publicKey) : undefined;
    this.usernameClaim = options.usernameClaim;
  }

  /**
   * The user a token names.
   *
   * @param token - the compact JWT (what follows `Bearer `)
   * @param nowS - the time to check `exp` and `nbf` against, in seconds since the epoch
   * @throws JwtError when it does not authenticate
   */
  verify(token: string, nowS = Date.now() / 1000): string {
    const jwt = decode(token);
    // impalad refuses unsigned tokens ("Unsecured JWT"), alg "none" included.
    if (jwt.signature.length === 0) throw new JwtError('verify', 'Unsecured JWT');
    const alg = typeof jwt.header.alg === 'string' ? jwt.header.alg : '';
    if (!this.signatureMatches(alg, jwt)) throw new JwtError('verify', 'Verification failed, error: invalid signature');
    const { exp, nbf } = jwt.payload;
    if (exp !== undefined && (typeof exp !== 'number' || nowS >= exp))
      throw new JwtError('verify', 'Verification failed, error: token expired');
    if (nbf !== undefined && (typeof nbf !== 'number' || nowS < nbf))
      throw new JwtError('verify', 'Verification failed, error: token not yet valid');
    const claim = this.usernameClaim;
    if (!Object.hasOwn(jwt.payload, claim)) throw new JwtError('claim', `Claim '${claim}' was not present`);
    const user = jwt.payload[claim];
    if (typeof user !== 'string') throw new JwtError('claim', `Claim '${claim}' was not present, error: not a string`);
    if (user === '') throw new JwtError('claim', `Claim '${claim}' is empty`);
    return user;
  }

  private signatureMatches(alg: string, jwt: Decoded): boolean {
    const data = Buffer.from(jwt.signed, 'ascii');
    // The name goes into a response header: only a tame one is repeated.
    const named = /^[A-Za-z0-9_-]{1,20}$/.test(alg) ? alg.toLowerCase() : '?';
    switch (alg) {
      case 'HS256': {
        if (!this.#secret) throw new JwtError('verify', `Unsupported cryptographic algorithm '${named}' for JWT`);
        const mac = createHmac('sha256', this.#secret).update(data).digest();
        return mac.length === jwt.signature.length && timingSafeEqual(mac, jwt.signature);
      }
      case 'RS256':
      case 'ES256': {
        const key = this.#publicKey;
        const wants = alg === 'RS256' ? 'rsa' : 'ec';
        if (!key || key.asymmetricKeyType !== wants) throw new JwtError('verify', `Unsupported cryptographic algorithm '${named}' for JWT`);
        // JWS carries ECDSA signatures as r || s, not DER.
        return verify('sha256', data, alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key, jwt.signature);
      }
      default:
        throw new JwtError('verify', `Unsupported cryptographic algorithm '${named}' for JWT`);
    }
  }
}
