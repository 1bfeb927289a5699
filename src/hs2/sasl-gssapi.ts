/**
 * SASL GSSAPI (Kerberos), the client side of RFC 4752 as HiveServer2's
 * clients run it: GSS-API context tokens until the context is established,
 * then the server's wrapped offer of security layers, answered with a
 * wrapped choice of "no security layer" (the `auth` quality of protection
 * impalad uses unless told otherwise).
 *
 * The GSS-API itself comes from the optional `kerberos` package (MIT or
 * Heimdal GSS-API underneath), loaded the first time GSSAPI is used. Tickets
 * come from the credential cache (`kinit`, `KRB5CCNAME`) or, when the auth
 * options name one, a client keytab (MIT's client keytab initiation).
 *
 * @module
 * @internal
 */
import { createRequire } from 'node:module';
import { AuthenticationError, ProtocolError, type AuthFailureReason } from '../errors.js';
import type { ResolvedGssapiAuth } from './auth-options.js';
import type { SaslMechanism, SaslStep } from './sasl-exchange.js';

/** The part of the `kerberos` package's client this file uses. */
interface KerberosClient {
  contextComplete: boolean;
  step(challenge: string): Promise<string>;
  wrap(challenge: string, options?: { user?: string; protect?: boolean }): Promise<string>;
  unwrap(challenge: string): Promise<string>;
}

/** The part of the `kerberos` package this file uses. */
export interface KerberosModule {
  GSS_MECH_OID_KRB5: number;
  GSS_MECH_OID_SPNEGO: number;
  initializeClient(service: string, options?: { principal?: string; mechOID?: number }): Promise<KerberosClient>;
}

let loaded: KerberosModule | undefined;

/**
 * The optional `kerberos` package, loaded once.
 *
 * @throws AuthenticationError (`module-missing`) saying how to install it
 */
export function loadKerberos(coordinator: string): KerberosModule {
  if (loaded) return loaded;
  try {
    loaded = createRequire(import.meta.url)('kerberos') as KerberosModule;
    return loaded;
  } catch (err) {
    throw new AuthenticationError(
      'auth mechanism GSSAPI needs the optional package "kerberos": npm install kerberos (it builds against the system\'s Kerberos headers: Debian/Ubuntu libkrb5-dev, RHEL krb5-devel, macOS built in)',
      { coordinator, reason: 'module-missing', cause: err },
    );
  }
}

/**
 * The GSS-API host-based service name for a coordinator: `service@host`,
 * which the Kerberos library turns into `service/host@REALM` (the realm from
 * krb5.conf's domain_realm or default_realm). `kerberosHostFqdn` replaces
 * every coordinator's host (one shared principal, impala-shell's `-b`); a
 * principal pattern `impala/_HOST@REALM` gives the service and `_HOST`
 * stands for the host.
 */
export function gssServiceName(auth: ResolvedGssapiAuth, host: string): string {
  return `${auth.service}@${auth.kerberosHostFqdn ?? host}`;
}

/** Which {@link AuthFailureReason} a Kerberos library message means. */
export function kerberosReason(message: string): AuthFailureReason {
  if (
    /no kerberos credentials|no credentials cache|no credentials were supplied|credentials cache .*not found|can't find client principal|ccache .*empty|matching credential not found/i.test(
      message,
    )
  )
    return 'no-ticket';
  if (/not found in kerberos database|server not found|unknown server/i.test(message)) return 'unknown-principal';
  if (/clock skew/i.test(message)) return 'clock-skew';
  if (/cannot contact any kdc|cannot find kdc|unable to reach any kdc/i.test(message)) return 'kdc-unreachable';
  return 'kerberos';
}

/** A Kerberos library message without file names (a keytab's path is a secret; cache paths are nobody's business). */
export function scrubKerberosMessage(message: string): string {
  return message.replace(/\b(?:FILE|DIR|KEYRING|KCM|MEMORY|WRFILE):[^\s)'"]*/g, '<cache>').replace(/(^|[\s'"(])\/[^\s)'"]+/g, '$1<path>');
}

function kerberosFailure(err: unknown, what: string, coordinator: string): AuthenticationError {
  const raw = (err as Error)?.message ?? String(err);
  const reason = kerberosReason(raw);
  // The library's own error object can carry paths: keep only the scrubbed text.
  return new AuthenticationError(`Kerberos ${what} for ${coordinator} failed: ${scrubKerberosMessage(raw)}`, { coordinator, reason });
}

// RFC 4752: bit 0 of the first octet = "no security layer".
const NO_SECURITY_LAYER = 0x01;

/** The GSSAPI mechanism for `auth`, talking to `host` (shown as `coordinator`). */
export async function gssapiMechanism(auth: ResolvedGssapiAuth, host: string, coordinator: string): Promise<SaslMechanism> {
  const krb = loadKerberos(coordinator);
  // MIT reads a client keytab from this variable when the cache has no ticket (process-wide, as in every MIT program).
  if (auth.keytab) process.env.KRB5_CLIENT_KTNAME = auth.keytab.reveal();
  let client: KerberosClient;
  try {
    client = await krb.initializeClient(gssServiceName(auth, host), {
      mechOID: krb.GSS_MECH_OID_KRB5,
      ...(auth.clientPrincipal ? { principal: auth.clientPrincipal } : {}),
    });
  } catch (err) {
    throw kerberosFailure(err, 'setup', coordinator);
  }
  const token = async (challenge: Buffer): Promise<SaslStep> => {
    try {
      // Once the context is complete the library may have nothing left to send: an empty token.
      const next = (await client.step(challenge.toString('base64'))) as string | null;
      return { payload: next ? Buffer.from(next, 'base64') : Buffer.alloc(0), complete: false };
    } catch (err) {
      throw kerberosFailure(err, 'authentication', coordinator);
    }
  };
  return {
    name: 'GSSAPI',
    initial: () => token(Buffer.alloc(0)),
    challenge: async (payload) => {
      if (!client.contextComplete) return token(payload);
      // The context is up: the payload is the server's wrapped offer of layers and buffer size.
      let offer: Buffer;
      try {
        offer = Buffer.from(await client.unwrap(payload.toString('base64')), 'base64');
      } catch (err) {
        throw kerberosFailure(err, 'security layer negotiation', coordinator);
      }
      if (offer.length !== 4)
        throw new ProtocolError(`${coordinator} sent a SASL GSSAPI security layer offer of ${offer.length} bytes, not 4`, {
          coordinator,
          statementSent: false,
        });
      if ((offer[0]! & NO_SECURITY_LAYER) === 0) {
        throw new AuthenticationError(
          `${coordinator} requires a SASL integrity or privacy layer (sasl_qop auth-int/auth-conf), which impala-pool does not speak; use TLS for protection`,
          { coordinator, reason: 'kerberos' },
        );
      }
      // No layer, no buffer size, no authorization id (authorize as the authenticated principal).
      try {
        const choice = Buffer.from([NO_SECURITY_LAYER, 0, 0, 0]).toString('base64');
        return { payload: Buffer.from(await client.wrap(choice, {}), 'base64'), complete: true };
      } catch (err) {
        throw kerberosFailure(err, 'security layer negotiation', coordinator);
      }
    },
    refused: (text) => {
      // A server that names the cause (clock skew, say) lets the caller see it in the reason too.
      const reason = kerberosReason(text);
      return new AuthenticationError(`${coordinator} rejected Kerberos (SASL GSSAPI) authentication: ${text}`, {
        coordinator,
        reason: reason === 'kerberos' ? 'rejected' : reason,
      });
    },
  };
}

/**
 * A fresh SPNEGO token for one HTTP request to `host` (`Authorization:
 * Negotiate …`), for the same service principal GSSAPI over TCP uses, as
 * impala-shell asks for it over HTTP.
 */
export async function spnegoToken(auth: ResolvedGssapiAuth, host: string, coordinator: string): Promise<string> {
  const krb = loadKerberos(coordinator);
  if (auth.keytab) process.env.KRB5_CLIENT_KTNAME = auth.keytab.reveal();
  try {
    const client = await krb.initializeClient(gssServiceName(auth, host), {
      mechOID: krb.GSS_MECH_OID_SPNEGO,
      ...(auth.clientPrincipal ? { principal: auth.clientPrincipal } : {}),
    });
    return await client.step('');
  } catch (err) {
    throw kerberosFailure(err, 'SPNEGO', coordinator);
  }
}
