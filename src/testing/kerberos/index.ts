/**
 * Kerberos for the test cluster, server side, on node:crypto alone: a
 * keytab-backed acceptor for the krb5 GSS-API mechanism and SPNEGO, RFC 4121
 * wrap tokens, and the RFC 4752 SASL GSSAPI exchange HiveServer2 runs over
 * Thrift's SASL framing. Clients are real ones (MIT GSSAPI through the
 * `kerberos` npm package, hive-driver, Java); tickets come from a real KDC.
 *
 * @module
 */
export { KerberosAcceptor } from './acceptor.js';
export type { AcceptedContext, Clock, KerberosAcceptorOptions } from './acceptor.js';
export { GssapiSaslServer, SecurityLayer } from './sasl-gssapi-server.js';
export type { GssapiSaslServerOptions, SaslGssapiIdentity, SaslOut, SaslStepResult } from './sasl-gssapi-server.js';
export { GssSecurityContext, GssFlag, KRB5_MECH_OID, KRB5_MS_MECH_OID, TokId, frameToken, unframeToken } from './gss.js';
export type { GssContextKeys, WrapOptions } from './gss.js';
export { SPNEGO_OID, NegState, decodeNegTokenInit, decodeNegTokenResp, encodeNegTokenResp, isKrb5Oid } from './spnego.js';
export type { NegTokenInit, NegTokenResp } from './spnego.js';
export { KerberosAcceptError } from './errors.js';
export type { KerberosAcceptReason } from './errors.js';
export { parseKeytab, readKeytab } from './keytab.js';
export type { KeytabEntry } from './keytab.js';
export { ReplayCache } from './replay-cache.js';
export { formatPrincipal, parsePrincipal, shortName, NameType } from './principal.js';
export type { PrincipalParts } from './principal.js';
export {
  KeyUsage,
  aesCtsDecrypt,
  aesCtsEncrypt,
  deriveKeyDk,
  enctypeName,
  getEnctype,
  isSupportedEnctype,
  kdfHmacSha2,
  nfold,
  randomKey,
} from './crypto.js';
export type { EncryptionKey, Enctype } from './crypto.js';
export {
  decodeApReq,
  decodeEncTicketPart,
  decryptAuthenticator,
  decryptTicket,
  encodeApRep,
  parseGssChecksum,
  principalText,
  GSS_CHECKSUM_TYPE,
} from './ap-req.js';
export type { ApRepParts, ApReq, Authenticator, EncTicketPart, EncryptedData, GssChecksum, PrincipalName, Ticket } from './ap-req.js';
