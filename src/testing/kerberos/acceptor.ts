/**
 * The Kerberos acceptor: what impalad does with its keytab when a client
 * authenticates. It takes the client's first GSS-API token (the krb5 mech's
 * AP-REQ, or SPNEGO around it), finds the service key in the keytab,
 * decrypts the ticket and the authenticator, checks clocks, ticket times
 * and replays the way MIT's krb5_rd_req does, and returns an established
 * {@link GssSecurityContext} plus the AP-REP to send back when the client
 * asked for mutual authentication.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import {
  type ApReq,
  decodeApReq,
  decryptAuthenticator,
  decryptTicket,
  GSS_CHECKSUM_TYPE,
  encodeApRep,
  parseGssChecksum,
  principalText,
  TICKET_FLAG_INVALID,
} from './ap-req.js';
import { enctypeName, type EncryptionKey, isSupportedEnctype, randomKey } from './crypto.js';
import { badToken, KerberosAcceptError } from './errors.js';
import { frameToken, GssFlag, GssSecurityContext, KRB5_MECH_OID, KRB5_MS_MECH_OID, TokId, unframeToken } from './gss.js';
import { type KeytabEntry, readKeytab } from './keytab.js';
import { parsePrincipal } from './principal.js';
import { ReplayCache } from './replay-cache.js';
import { decodeNegTokenInit, encodeNegTokenResp, isKrb5Oid, NegState } from './spnego.js';

/** A source of the current time in ms since the epoch (inject one to test clock problems). */
export interface Clock {
  /** Current time, ms since the epoch. */
  now(): number;
}

/** Options for {@link KerberosAcceptor}. */
export interface KerberosAcceptorOptions {
  /** Keytab file path, or its bytes. */
  keytab: string | Buffer;
  /**
   * Accept only tickets for this service principal, e.g.
   * `impala/host1.example.com@EXAMPLE.COM`. `_HOST` stands for
   * {@link KerberosAcceptorOptions.hostname}, as in impalad's `--principal`;
   * without a realm any realm matches. Default: any principal in the keytab.
   */
  principal?: string;
  /** What `_HOST` in {@link KerberosAcceptorOptions.principal} becomes; default this machine's host name, lower-cased. */
  hostname?: string;
  /** Clock; default `Date.now`. */
  clock?: Clock;
  /** Largest allowed difference between the client's clock and ours, ms; default 5 minutes (MIT's and Java's default). */
  maxClockSkewMs?: number;
  /** Replay cache to use (share one between acceptors that share a principal); default a new one. */
  replayCache?: ReplayCache;
  /** Size of the default replay cache; default 10,000 authenticators. */
  replayCacheSize?: number;
  /** Choose an acceptor subkey in the AP-REP, as MIT does for AES; default true. */
  acceptorSubkey?: boolean;
}

/** An accepted client: the security context and the token to answer with. */
export interface AcceptedContext {
  /** The established context, for wrap and unwrap. */
  context: GssSecurityContext;
  /** Token to send back (AP-REP, or the SPNEGO reply); undefined when there is nothing to send. */
  outputToken: Buffer | undefined;
  /** The client principal, `name@REALM`. */
  client: string;
  /** The service principal the ticket was for. */
  server: string;
  /** GSS flags the client asked for (GssFlag bits). */
  flags: number;
  /** Mechanism OID the client used. */
  mech: string;
  /** When the client's ticket expires, ms. */
  ticketEndTime: number;
}

const DEFAULT_SKEW_MS = 5 * 60_000;
const AP_OPTION_USE_SESSION_KEY = 0x40000000;
const GSS_C_DCE_STYLE = 0x1000;

/** Accepts Kerberos clients with the keys of a keytab. */
export class KerberosAcceptor {
  /** The service principals this acceptor serves. */
  readonly principals: readonly string[];
  private readonly entries: readonly KeytabEntry[];
  private readonly restriction: { components: string[]; realm: string | undefined } | undefined;
  private readonly clock: Clock;
  private readonly skewMs: number;
  private readonly replays: ReplayCache;
  private readonly acceptorSubkey: boolean;

  /** @param options - keytab, principal restriction, clock and limits */
  constructor(options: KerberosAcceptorOptions) {
    const all = readKeytab(options.keytab);
    const source = typeof options.keytab === 'string' ? `keytab ${options.keytab}` : 'the keytab';
    if (all.length === 0) throw new KerberosAcceptError('no-key', `${source} holds no keys`);
    if (options.principal !== undefined) {
      const host = (options.hostname ?? osHostname()).toLowerCase();
      const parts = parsePrincipal(options.principal);
      this.restriction = { components: parts.components.map((c) => (c === '_HOST' ? host : c)), realm: parts.realm };
    }
    this.entries = all.filter((e) => this.serves(e.components, e.realm));
    this.principals = [...new Set(this.entries.map((e) => e.principal))];
    if (this.entries.length === 0) {
      throw new KerberosAcceptError(
        'no-key',
        `${source} has no key for ${this.restrictionText()}; it has ${listOf([...new Set(all.map((e) => e.principal))])}`,
      );
    }
    this.clock = options.clock ?? { now: () => Date.now() };
    this.skewMs = options.maxClockSkewMs ?? DEFAULT_SKEW_MS;
    this.replays = options.replayCache ?? new ReplayCache(this.skewMs, options.replayCacheSize ?? 10_000);
    this.acceptorSubkey = options.acceptorSubkey ?? true;
  }

  /** Accepts a krb5 mechanism token (the GSS-framed AP-REQ). */
  accept(token: Buffer): AcceptedContext {
    const { mech, tokId, inner } = unframeToken(token);
    if (mech !== KRB5_MECH_OID && mech !== KRB5_MS_MECH_OID)
      throw badToken(`token is for mechanism ${mech}, not Kerberos V5 (${KRB5_MECH_OID})`);
    if (tokId !== TokId.AP_REQ) throw badToken(`expected an AP-REQ token (TOK_ID 01 00), got ${tokId.toString(16).padStart(4, '0')}`);
    return this.acceptApReq(decodeApReq(inner), mech);
  }

  /** Accepts a SPNEGO initial token (HTTP `Negotiate`); the output token is the NegTokenResp. */
  acceptSpnego(token: Buffer): AcceptedContext {
    const init = decodeNegTokenInit(token);
    const preferred = init.mechTypes[0];
    if (preferred === undefined || !isKrb5Oid(preferred)) {
      throw badToken(`the client prefers mechanism ${preferred ?? '(none)'}; this server speaks only Kerberos (${KRB5_MECH_OID})`);
    }
    if (!init.mechToken) throw badToken('the SPNEGO token carries no Kerberos token');
    const accepted = this.accept(init.mechToken);
    const reply = encodeNegTokenResp({
      negState: NegState.ACCEPT_COMPLETED,
      supportedMech: preferred,
      responseToken: accepted.outputToken,
    });
    return { ...accepted, outputToken: reply };
  }

  private acceptApReq(apReq: ApReq, mech: string): AcceptedContext {
    const { ticket } = apReq;
    const server = principalText(ticket.sname, ticket.realm);
    // User-to-user tickets are sealed in a TGT session key, not in any keytab key.
    if (apReq.apOptions & AP_OPTION_USE_SESSION_KEY) throw badToken('user-to-user authentication (use-session-key) is not supported');
    const serviceKey = this.serviceKey(apReq, server);
    const part = rethrow(
      () => decryptTicket(ticket, serviceKey.key),
      (e) =>
        e.reason === 'integrity'
          ? `the ticket for ${server} does not decrypt with the keytab's key (version ${serviceKey.kvno}, ${enctypeName(serviceKey.key.etype)}): the keytab does not match the KDC's key, or the ticket was altered`
          : `ticket for ${server}: ${e.message}`,
    );
    const client = principalText(part.cname, part.crealm);
    const auth = rethrow(
      () => decryptAuthenticator(apReq, part.sessionKey),
      (e) =>
        e.reason === 'integrity'
          ? `the authenticator from ${client} does not decrypt with the ticket's session key: it was altered`
          : e.message,
    );
    const authClient = principalText(auth.cname, auth.crealm);
    if (authClient !== client) throw badToken(`the authenticator names ${authClient} but the ticket is for ${client}`);

    const now = this.clock.now();
    const clientTime = auth.ctime + Math.floor(auth.cusec / 1000);
    if (Math.abs(now - clientTime) > this.skewMs) {
      throw new KerberosAcceptError(
        'clock-skew',
        `the clock of ${client} is ${duration(Math.abs(clientTime - now))} ${clientTime > now ? 'ahead of' : 'behind'} this server's (at most ${duration(this.skewMs)} allowed): client time ${iso(clientTime)}, server time ${iso(now)}; synchronise the clocks (NTP)`,
      );
    }
    const start = part.starttime ?? part.authtime;
    if (part.flags & TICKET_FLAG_INVALID)
      throw new KerberosAcceptError('expired', `the ticket of ${client} is postdated and not yet validated (kinit -v)`);
    if (start - this.skewMs > now)
      throw new KerberosAcceptError(
        'expired',
        `the ticket of ${client} for ${server} is not valid until ${iso(start)} (server time ${iso(now)})`,
      );
    if (part.endtime + this.skewMs < now) {
      throw new KerberosAcceptError(
        'expired',
        `the ticket of ${client} for ${server} expired at ${iso(part.endtime)} (server time ${iso(now)}); run kinit again`,
      );
    }
    if (!this.replays.check(apReq.authenticator.cipher, now)) {
      throw new KerberosAcceptError(
        'replay',
        `replayed authenticator from ${client} for ${server} (client time ${iso(clientTime)}): this exact AP-REQ was already accepted`,
      );
    }

    let flags = 0;
    if (auth.cksum?.type === GSS_CHECKSUM_TYPE) flags = parseGssChecksum(auth.cksum.value).flags;
    else if (auth.cksum) flags = GssFlag.REPLAY | GssFlag.SEQUENCE; // Samba-style plain checksum, as MIT treats it
    if (apReq.mutualRequired) flags |= GssFlag.MUTUAL;
    if (flags & GSS_C_DCE_STYLE) throw badToken('DCE-style contexts (GSS_C_DCE_STYLE, a raw AP-REP and a third leg) are not supported');

    const initiatorKey: EncryptionKey = auth.subkey ?? part.sessionKey;
    const recvSeq = auth.seqNumber ?? 0;
    let outputToken: Buffer | undefined;
    let acceptorSubkey: EncryptionKey | undefined;
    let sendSeq = recvSeq;
    if (flags & GssFlag.MUTUAL) {
      acceptorSubkey = this.acceptorSubkey ? randomKey(initiatorKey.etype) : undefined;
      // MIT keeps initial sequence numbers below 2^30 for peers that treat them as signed.
      sendSeq = randomBytes(4).readUInt32BE(0) & 0x3fffffff;
      const apRep = encodeApRep(part.sessionKey, { ctime: auth.ctime, cusec: auth.cusec, subkey: acceptorSubkey, seqNumber: sendSeq });
      outputToken = frameToken(mech, TokId.AP_REP, apRep);
    }
    const context = new GssSecurityContext({ role: 'acceptor', initiatorKey, acceptorSubkey, sendSeq, recvSeq, flags });
    return { context, outputToken, client, server, flags, mech, ticketEndTime: part.endtime };
  }

  /** The keytab entry that decrypts this ticket, or the reason there is none. */
  private serviceKey(apReq: ApReq, server: string): KeytabEntry {
    const { sname, realm, encPart } = apReq.ticket;
    if (!this.serves(sname.components, realm)) {
      throw new KerberosAcceptError(
        'wrong-principal',
        `the ticket is for ${server}, but this server accepts only ${this.restrictionText()}`,
      );
    }
    const mine = this.entries.filter((e) => e.principal === server);
    if (mine.length === 0) {
      throw new KerberosAcceptError('wrong-principal', `the ticket is for ${server}, but the keytab has ${listOf(this.principals)}`);
    }
    if (!isSupportedEnctype(encPart.etype)) {
      throw new KerberosAcceptError(
        'unsupported-enctype',
        `the ticket for ${server} is encrypted with ${enctypeName(encPart.etype)}, which this server does not support (it does the AES enctypes 17, 18, 19 and 20)`,
      );
    }
    const sameType = mine.filter((e) => e.key.etype === encPart.etype);
    if (sameType.length === 0) {
      throw new KerberosAcceptError(
        'no-key',
        `the ticket for ${server} is encrypted with ${enctypeName(encPart.etype)}, but the keytab has ${server} only with ${listOf([...new Set(mine.map((e) => enctypeName(e.key.etype)))])}`,
      );
    }
    const kvno = encPart.kvno;
    const match = kvno === undefined ? sameType.reduce((a, b) => (b.kvno > a.kvno ? b : a)) : sameType.find((e) => e.kvno === kvno);
    if (!match) {
      throw new KerberosAcceptError(
        'no-key',
        `the ticket for ${server} needs key version ${kvno}, but the keytab has version ${listOf([...new Set(sameType.map((e) => String(e.kvno)))])}: the keytab is stale, export it again`,
      );
    }
    return match;
  }

  private serves(components: readonly string[], realm: string): boolean {
    const r = this.restriction;
    if (!r) return true;
    if (r.realm !== undefined && r.realm !== realm) return false;
    return r.components.length === components.length && r.components.every((c, i) => c === components[i]);
  }

  private restrictionText(): string {
    const r = this.restriction;
    if (!r) return 'any principal';
    return r.components.join('/') + (r.realm === undefined ? ' (any realm)' : `@${r.realm}`);
  }
}

function rethrow<T>(run: () => T, message: (e: KerberosAcceptError) => string): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof KerberosAcceptError) throw new KerberosAcceptError(err.reason, message(err));
    throw err;
  }
}

function listOf(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? 'nothing') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 120) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}
