/**
 * The one error the Kerberos acceptor raises. Match on `reason`, not on the
 * message; messages say what is wrong in a user's words (which principal,
 * which key version, how far the clocks are apart) and never carry key
 * material.
 *
 * @module
 */

/**
 * Why a Kerberos token was refused:
 * - `bad-token`: not a well-formed token of the expected kind
 * - `no-key`: the keytab has the principal but not the key version or enctype the ticket needs
 * - `wrong-principal`: the ticket is for a principal this acceptor does not serve
 * - `clock-skew`: the client's clock and ours are further apart than allowed
 * - `expired`: the ticket is not valid now (expired, or not yet valid)
 * - `integrity`: a checksum or decryption failed (wrong key, or altered bytes)
 * - `replay`: an authenticator or message seen before
 * - `unsupported-enctype`: an encryption type this implementation does not do
 */
export type KerberosAcceptReason =
  'bad-token' | 'no-key' | 'wrong-principal' | 'clock-skew' | 'expired' | 'integrity' | 'replay' | 'unsupported-enctype';

/** A Kerberos token, ticket or message the acceptor refused. */
export class KerberosAcceptError extends Error {
  /** Stable machine-readable cause. */
  readonly reason: KerberosAcceptReason;

  /**
   * @param reason - stable cause
   * @param message - what is wrong, for a person; never key material
   */
  constructor(reason: KerberosAcceptReason, message: string) {
    super(message);
    this.name = 'KerberosAcceptError';
    this.reason = reason;
  }
}

/** Shorthand for the most common refusal: a malformed token. @internal */
export function badToken(message: string): KerberosAcceptError {
  return new KerberosAcceptError('bad-token', message);
}
