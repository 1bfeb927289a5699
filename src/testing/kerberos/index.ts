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
export type { AcceptedContext } from './acceptor.js';
export { GssapiSaslServer } from './sasl-gssapi-server.js';
export type { SaslGssapiIdentity } from './sasl-gssapi-server.js';
export { GssSecurityContext, GssFlag, KRB5_MECH_OID, KRB5_MS_MECH_OID, TokId, frameToken, unframeToken } from './gss.js';
export { SPNEGO_OID, NegState, decodeNegTokenInit, decodeNegTokenResp, encodeNegTokenResp } from './spnego.js';
export { KerberosAcceptError } from './errors.js';
export { readKeytab } from './keytab.js';
export { ReplayCache } from './replay-cache.js';
export { formatPrincipal, parsePrincipal, shortName } from './principal.js';
export { aesCtsDecrypt, aesCtsEncrypt, deriveKeyDk, getEnctype, kdfHmacSha2, nfold, randomKey } from './crypto.js';
export { decodeApReq } from './ap-req.js';
export type { ApReq } from './ap-req.js';
