/**
 * SPNEGO (RFC 4178) as HTTP Negotiate uses it (RFC 4559): the client's
 * first token is a NegTokenInit inside the GSS framing with the SPNEGO OID,
 * listing its mechanisms and carrying an optimistic token for the first;
 * the server answers a NegTokenResp (`[1]`, no framing) with
 * `accept-completed`, the mechanism it chose and that mechanism's reply.
 *
 * @module
 */
import { type Der, DerClass, derChildren, contextFields, derInt, derOctets, derOid, der, readDer, readDerPrefix } from './der.js';
import { badToken } from './errors.js';
import { KRB5_MECH_OID, KRB5_MS_MECH_OID } from './gss.js';

/** The SPNEGO pseudo-mechanism. */
export const SPNEGO_OID = '1.3.6.1.5.5.2';

/** NegTokenResp negState values. */
export const NegState = { ACCEPT_COMPLETED: 0, ACCEPT_INCOMPLETE: 1, REJECT: 2, REQUEST_MIC: 3 } as const;

/** A decoded NegTokenInit. */
export interface NegTokenInit {
  /** Mechanism OIDs the client offers, most preferred first. */
  mechTypes: string[];
  /** Optimistic token for `mechTypes[0]`, if sent. */
  mechToken: Buffer | undefined;
}

/** A decoded NegTokenResp. */
export interface NegTokenResp {
  /** negState, when present. */
  negState: number | undefined;
  /** The mechanism the acceptor chose, when present. */
  supportedMech: string | undefined;
  /** The chosen mechanism's token, when present. */
  responseToken: Buffer | undefined;
  /** MIC over the mechanism list, when present. */
  mechListMIC: Buffer | undefined;
}

/** Whether `oid` names Kerberos V5 (the standard OID or Microsoft's). */
export function isKrb5Oid(oid: string): boolean {
  return oid === KRB5_MECH_OID || oid === KRB5_MS_MECH_OID;
}

/** Decodes the client's first SPNEGO token (framed NegTokenInit). */
export function decodeNegTokenInit(token: Buffer): NegTokenInit {
  const outer = readDer(token, 'SPNEGO token');
  if (outer.cls !== DerClass.APPLICATION || outer.tag !== 0) {
    if (outer.cls === DerClass.CONTEXT && outer.tag === 1) throw badToken('expected a SPNEGO NegTokenInit, got a NegTokenResp');
    throw badToken('not a SPNEGO initial token (it must start with 0x60)');
  }
  const oid = readDerPrefix(outer.body, 'SPNEGO token mech');
  const mech = derOid(oid.el, 'SPNEGO token mech');
  if (mech !== SPNEGO_OID) throw badToken(`initial token is for mechanism ${mech}, not SPNEGO (${SPNEGO_OID})`);
  const choice = readDer(oid.rest, 'NegotiationToken');
  if (choice.cls !== DerClass.CONTEXT || choice.tag !== 0) throw badToken('SPNEGO initial token does not hold a NegTokenInit');
  const f = contextFields(readDer(choice.body, 'NegTokenInit'), 'NegTokenInit');
  const types = f.get(0);
  if (!types) throw badToken('NegTokenInit lists no mechanisms');
  const mechToken = f.get(2);
  return {
    mechTypes: derChildren(types, 'NegTokenInit mechTypes').map((el: Der) => derOid(el, 'NegTokenInit mechType')),
    mechToken: mechToken ? derOctets(mechToken, 'NegTokenInit mechToken') : undefined,
  };
}

/** Encodes a NegTokenResp (`[1] SEQUENCE`). */
export function encodeNegTokenResp(resp: Partial<NegTokenResp>): Buffer {
  return der.ctx(
    1,
    der.seq(
      resp.negState === undefined ? undefined : der.ctx(0, der.enumerated(resp.negState)),
      resp.supportedMech === undefined ? undefined : der.ctx(1, der.oid(resp.supportedMech)),
      resp.responseToken === undefined ? undefined : der.ctx(2, der.octets(resp.responseToken)),
      resp.mechListMIC === undefined ? undefined : der.ctx(3, der.octets(resp.mechListMIC)),
    ),
  );
}

/** Decodes a NegTokenResp (what a server sends, or a client's later tokens). */
export function decodeNegTokenResp(token: Buffer): NegTokenResp {
  const outer = readDer(token, 'NegTokenResp');
  if (outer.cls !== DerClass.CONTEXT || outer.tag !== 1) throw badToken('not a SPNEGO NegTokenResp');
  const f = contextFields(readDer(outer.body, 'NegTokenResp'), 'NegTokenResp');
  const state = f.get(0);
  const mech = f.get(1);
  const response = f.get(2);
  const mic = f.get(3);
  return {
    negState: state ? derInt(state, 'NegTokenResp negState') : undefined,
    supportedMech: mech ? derOid(mech, 'NegTokenResp supportedMech') : undefined,
    responseToken: response ? derOctets(response, 'NegTokenResp responseToken') : undefined,
    mechListMIC: mic ? derOctets(mic, 'NegTokenResp mechListMIC') : undefined,
  };
}
