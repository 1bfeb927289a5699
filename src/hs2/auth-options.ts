/**
 * How a connection authenticates: the options (NOSASL, LDAP's PLAIN,
 * Kerberos, a JWT), their validation, and the resolved forms that keep
 * passwords, keytab paths and tokens in {@link Secret}s.
 *
 * @module
 */
import { boolOption, describe, enumOption, rejectUnknown, stringOption } from '../util/validate.js';
import { Secret } from '../util/secret.js';

/** No SASL: plain Thrift over TCP (impalad without authentication). */
export interface NoSaslAuth {
  /** No SASL layer. */
  mechanism: 'NOSASL';
}

/** SASL PLAIN: user name and password (impalad with LDAP authentication). */
export interface PlainAuth {
  /** SASL PLAIN. */
  mechanism: 'PLAIN';
  /** User name sent in the SASL exchange. */
  username: string;
  /** Password sent in the SASL exchange; never logged, never in errors. */
  password: string;
  /**
   * Send the password over a connection without TLS. Default false: without
   * `tls` the options are refused, as impala-shell refuses LDAP without SSL
   * unless given `--auth_creds_ok_in_clear`.
   */
  allowCleartext?: boolean;
}

/**
 * Kerberos (SASL GSSAPI; SPNEGO over HTTP). Needs the optional `kerberos`
 * package. The ticket comes from the credential cache (`kinit`; `KRB5CCNAME`
 * picks the cache) or from `keytab`.
 *
 * Each coordinator is asked for as `<service>/<its host>@REALM`, the realm
 * being the one krb5.conf maps the host to (domain_realm, else
 * default_realm) — or, with {@link kerberosHostFqdn}, every coordinator as
 * `<service>/<kerberosHostFqdn>@REALM`: the setup Impala's proxy guide
 * describes, where all impalads hold one shared principal in merged
 * keytabs (impala-shell's `-b`).
 */
export interface GssapiAuth {
  /** SASL GSSAPI (Kerberos). */
  mechanism: 'GSSAPI';
  /** Service part of the server principal. Default `impala` (impalad's `--principal=impala/_HOST@REALM`). */
  service?: string;
  /**
   * The server principal as a pattern, instead of `service`: e.g.
   * `impala/_HOST@EXAMPLE.COM`, where `_HOST` stands for each coordinator's
   * host; a pattern with a fixed host is the same as {@link kerberosHostFqdn}.
   */
  principal?: string;
  /** One host name put into every coordinator's service principal (a shared principal). Default: each coordinator's own host. */
  kerberosHostFqdn?: string;
  /** Client principal whose ticket to use (`user@REALM`). Default: the credential cache's default principal. */
  clientPrincipal?: string;
  /** Path of a client keytab to get the ticket from when the cache has none; never logged, never in errors. */
  keytab?: string;
}

/**
 * A JSON Web Token sent as `Authorization: Bearer` (impalad's
 * `--jwt_token_auth`); HS2 over HTTP only.
 */
export interface JwtAuth {
  /** JWT bearer token. */
  mechanism: 'JWT';
  /** The token; never logged, never in errors. */
  token: string;
}

/** How the connection authenticates. */
export type AuthOptions = NoSaslAuth | PlainAuth | GssapiAuth | JwtAuth;

/**
 * SASL PLAIN after validation. The password is boxed in a {@link Secret} so
 * that options kept for reconnecting render it redacted wherever they end up.
 *
 * @internal
 */
export interface ResolvedPlainAuth {
  /** SASL PLAIN. */
  mechanism: 'PLAIN';
  /** User name sent in the SASL exchange. */
  username: string;
  /** Password; revealed only to build the SASL response. */
  password: Secret;
  /** Whether the password may go out without TLS. */
  allowCleartext: boolean;
}

/**
 * Kerberos after validation: the principal pattern taken apart, the keytab
 * path in a {@link Secret}.
 *
 * @internal
 */
export interface ResolvedGssapiAuth {
  /** SASL GSSAPI. */
  mechanism: 'GSSAPI';
  /** Service part of the server principal. */
  service: string;
  /** Host put into every server principal, when one is shared. */
  kerberosHostFqdn: string | undefined;
  /** Client principal, when not the cache's default. */
  clientPrincipal: string | undefined;
  /** Client keytab path, when given. */
  keytab: Secret | undefined;
}

/**
 * A JWT after validation.
 *
 * @internal
 */
export interface ResolvedJwtAuth {
  /** JWT bearer token. */
  mechanism: 'JWT';
  /** The token. */
  token: Secret;
}

/**
 * Authentication after validation.
 *
 * @internal
 */
export type ResolvedAuth = NoSaslAuth | ResolvedPlainAuth | ResolvedGssapiAuth | ResolvedJwtAuth;

/**
 * Checks `auth` and returns a new object with the password in a
 * {@link Secret}; the caller's object is left as it is. Accepts an
 * already-resolved auth (its Secret is kept as it is).
 *
 * @throws TypeError naming the bad field, never describing the password
 * @internal
 */
export function resolveAuth(auth: unknown): ResolvedAuth {
  if (auth === undefined) return { mechanism: 'NOSASL' };
  if (auth === null || typeof auth !== 'object') throw new TypeError(`option auth must be an object, got ${describe(auth)}`);
  const a = auth as Record<string, unknown>;
  const mechanism = enumOption('auth.mechanism', a.mechanism, ['NOSASL', 'PLAIN', 'GSSAPI', 'JWT'] as const, 'NOSASL');
  if (mechanism === 'NOSASL') {
    rejectUnknown('auth', a, ['mechanism']);
    return { mechanism };
  }
  if (mechanism === 'GSSAPI') return resolveGssapi(a);
  if (mechanism === 'JWT') {
    rejectUnknown('auth', a, ['mechanism', 'token']);
    if (Secret.isSecret(a.token)) return { mechanism, token: a.token };
    // A token is never described, even of the wrong type.
    if (typeof a.token !== 'string' || a.token.length === 0 || /[\s]/.test(a.token))
      throw new TypeError('option auth.token must be a non-empty string without white space');
    return { mechanism, token: new Secret(a.token) };
  }
  // Fields of another mechanism (a token, a keytab) would otherwise be ignored without a word.
  rejectUnknown('auth', a, ['mechanism', 'username', 'password', 'allowCleartext']);
  const username = stringOption('auth.username', a.username);
  if (username === undefined) throw new TypeError('option auth.username is required for PLAIN');
  // SASL PLAIN separates its fields with NUL: one inside a field would shift them.
  if (username.includes('\0')) throw new TypeError('option auth.username must not contain a NUL character');
  const allowCleartext = boolOption('auth.allowCleartext', a.allowCleartext, false);
  // The password's value is never described, even when it is of the wrong type.
  if (Secret.isSecret(a.password)) return { mechanism, username, password: a.password, allowCleartext };
  if (typeof a.password !== 'string') throw new TypeError('option auth.password must be a string');
  if (a.password.includes('\0')) throw new TypeError('option auth.password must not contain a NUL character');
  return { mechanism, username, password: new Secret(a.password), allowCleartext };
}

// service/host@REALM, host optional (a principal pattern's parts).
const PRINCIPAL = /^([^/@\s]+)(?:\/([^/@\s]+))?(?:@([^/@\s]+))?$/;

// Kerberos auth this module resolved (the pool resolves once and passes the result on).
const resolvedGssapi = new WeakSet<object>();

function resolveGssapi(a: Record<string, unknown>): ResolvedGssapiAuth {
  if (resolvedGssapi.has(a)) return a as unknown as ResolvedGssapiAuth;
  rejectUnknown('auth', a, ['mechanism', 'service', 'principal', 'kerberosHostFqdn', 'clientPrincipal', 'keytab']);
  let service = stringOption('auth.service', a.service);
  let kerberosHostFqdn = stringOption('auth.kerberosHostFqdn', a.kerberosHostFqdn);
  const principal = stringOption('auth.principal', a.principal);
  if (principal !== undefined) {
    if (service !== undefined)
      throw new TypeError('options auth.principal and auth.service exclude each other: the pattern names the service');
    const m = PRINCIPAL.exec(principal);
    if (!m) throw new TypeError(`option auth.principal must look like service/_HOST@REALM, got ${describe(principal)}`);
    service = m[1]!;
    const host = m[2];
    if (host !== undefined && host !== '_HOST') {
      if (kerberosHostFqdn !== undefined && kerberosHostFqdn !== host)
        throw new TypeError('option auth.principal names a host other than auth.kerberosHostFqdn');
      kerberosHostFqdn = host;
    }
  }
  for (const [name, v] of [
    ['auth.service', service],
    ['auth.kerberosHostFqdn', kerberosHostFqdn],
  ] as const) {
    if (v !== undefined && !/^[^\s/@]+$/.test(v))
      throw new TypeError(`option ${name} must be a name without spaces, "/" or "@", got ${describe(v)}`);
  }
  const clientPrincipal = stringOption('auth.clientPrincipal', a.clientPrincipal);
  // The keytab path is a secret: never described.
  let keytab: Secret | undefined;
  if (Secret.isSecret(a.keytab)) keytab = a.keytab;
  else if (a.keytab !== undefined) {
    if (typeof a.keytab !== 'string' || a.keytab.length === 0)
      throw new TypeError('option auth.keytab must be a non-empty string (a file path)');
    keytab = new Secret(a.keytab);
  }
  const resolved: ResolvedGssapiAuth = { mechanism: 'GSSAPI', service: service ?? 'impala', kerberosHostFqdn, clientPrincipal, keytab };
  resolvedGssapi.add(resolved);
  return resolved;
}

/**
 * Refuses what a transport cannot carry: a JWT over TCP (impalad takes JWTs
 * on its HTTP endpoint only).
 *
 * @throws TypeError naming the option
 * @internal
 */
export function checkTransport(auth: ResolvedAuth, transport: 'tcp' | 'http'): ResolvedAuth {
  if (auth.mechanism === 'JWT' && transport !== 'http')
    throw new TypeError("option auth: JWT works over HS2's HTTP transport only; set transport: 'http'");
  return auth;
}

/**
 * Refuses a password in clear text: SASL PLAIN without TLS needs
 * `auth.allowCleartext`.
 *
 * @throws TypeError naming the option
 * @internal
 */
export function checkCleartext(auth: ResolvedAuth, tls: false | object): ResolvedAuth {
  if (auth.mechanism === 'PLAIN' && tls === false && !auth.allowCleartext) {
    throw new TypeError(
      'option auth: SASL PLAIN would send the password in clear text; set tls, or auth.allowCleartext: true to allow it (impala-shell: --auth_creds_ok_in_clear)',
    );
  }
  return auth;
}
