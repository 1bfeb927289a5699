/**
 * SPNEGO on the HTTP endpoint from the cluster's Kerberos acceptor: the
 * same keytab and principal as SASL GSSAPI on the HS2 port, as impalad
 * serves both from its `--principal`.
 *
 * @module
 */
import type { KerberosAcceptor } from '../kerberos/acceptor.js';
import { shortName } from '../kerberos/principal.js';
import type { NegotiateAcceptor } from './http-options.js';

/** The `Authorization: Negotiate` check for `acceptor`; it throws (a 401) when the token is refused. */
export function spnegoAcceptor(acceptor: KerberosAcceptor): NegotiateAcceptor {
  return (token) => {
    const accepted = acceptor.acceptSpnego(token);
    return { principal: accepted.client, user: shortName(accepted.client), response: accepted.outputToken };
  };
}
