/**
 * SASL PLAIN (impalad with LDAP authentication): one message,
 * `authzid \0 user \0 password`, sent as COMPLETE right after START.
 *
 * @module
 * @internal
 */
import { AuthenticationError, ProtocolError } from '../errors.js';
import type { ResolvedPlainAuth } from './auth-options.js';
import type { SaslMechanism } from './sasl-exchange.js';

/** The PLAIN mechanism for `auth`, talking to `coordinator`. */
export function plainMechanism(auth: ResolvedPlainAuth, coordinator: string): SaslMechanism {
  return {
    name: 'PLAIN',
    initial: () => ({
      // The one place the password is revealed: straight into the bytes on the wire.
      payload: Buffer.concat([
        Buffer.from([0]),
        Buffer.from(auth.username, 'utf8'),
        Buffer.from([0]),
        Buffer.from(auth.password.reveal(), 'utf8'),
      ]),
      complete: true,
    }),
    challenge: () => {
      throw new ProtocolError(`${coordinator} sent a SASL challenge to PLAIN, which has nothing more to say`, {
        coordinator,
        statementSent: false,
      });
    },
    refused: (reason) => new AuthenticationError(`${coordinator} rejected SASL PLAIN authentication: ${reason}`, { coordinator }),
  };
}
