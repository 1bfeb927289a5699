/**
 * The server side of SASL GSSAPI (RFC 4752) as HiveServer2 runs it inside
 * Thrift's SASL framing (TSaslServerTransport with Java's GSSAPI SASL
 * server, or impalad's Cyrus SASL): the client sends START "GSSAPI" and its
 * AP-REQ; the server answers OK with the AP-REP; once the context is
 * established (the client acknowledges with an empty token) the server sends
 * OK with a wrapped 4-octet offer (security layers, max buffer size); the
 * client answers with a wrapped 4-octet choice and an optional authzid; the
 * server ends with COMPLETE and an empty payload.
 *
 * @module
 */
import { SaslStatus } from '../../wire/sasl-frames.js';
import type { AcceptedContext, KerberosAcceptor } from './acceptor.js';
import { KerberosAcceptError } from './errors.js';
import { shortName } from './principal.js';

/** RFC 4752 security layers. */
export const SecurityLayer = { NONE: 0x01, INTEGRITY: 0x02, CONFIDENTIALITY: 0x04 } as const;

/** One negotiation message to send. */
export interface SaslOut {
  /** Status byte (SaslStatus). */
  status: number;
  /** Payload. */
  payload: Buffer;
}

/** The client the negotiation authenticated. */
export interface SaslGssapiIdentity {
  /** Client principal, `name@REALM`. */
  principal: string;
  /** Short name (first component), as Impala's default auth_to_local maps it. */
  user: string;
  /** Authorization id the client asked for, if any (hive-driver sends its `username` option). */
  authzid: string | undefined;
  /** Service principal the client's ticket was for. */
  server: string;
}

/** What one received message leads to. */
export interface SaslStepResult {
  /** Messages to send, in order. */
  send: SaslOut[];
  /** Set once negotiation succeeded. */
  done?: SaslGssapiIdentity;
  /** Set when negotiation failed (the ERROR/BAD message to send is in `send`). */
  error?: string;
  /** The acceptor's refusal, when that is why it failed. */
  cause?: KerberosAcceptError;
}

/** Options for {@link GssapiSaslServer}. */
export interface GssapiSaslServerOptions {
  /** Largest message we would accept under a security layer (the offer's max buffer size); default 65536, as Java. */
  maxBufferSize?: number;
}

type Phase = 'start' | 'token' | 'ack' | 'choice' | 'done' | 'failed';

/** RFC 4752 server state machine for one connection. */
export class GssapiSaslServer {
  private phase: Phase = 'start';
  private accepted: AcceptedContext | undefined;
  private readonly maxBufferSize: number;

  /**
   * @param acceptor - the keytab-backed Kerberos acceptor (only its `accept` is used)
   * @param options - offer details
   */
  constructor(
    private readonly acceptor: Pick<KerberosAcceptor, 'accept'>,
    options: GssapiSaslServerOptions = {},
  ) {
    this.maxBufferSize = Math.min(options.maxBufferSize ?? 65536, 0xffffff);
  }

  /** Whether negotiation finished successfully. */
  get complete(): boolean {
    return this.phase === 'done';
  }

  /** Feeds one negotiation message from the client. */
  receive(status: number, payload: Buffer): SaslStepResult {
    try {
      return this.step(status, payload);
    } catch (err) {
      const cause = err instanceof KerberosAcceptError ? err : undefined;
      return this.fail(SaslStatus.ERROR, `GSSAPI authentication failed: ${(err as Error).message}`, cause);
    }
  }

  private step(status: number, payload: Buffer): SaslStepResult {
    if (status === SaslStatus.BAD || status === SaslStatus.ERROR) {
      this.phase = 'failed';
      const error = `client aborted the negotiation: ${payload.toString('utf8') || '(no message)'}`;
      return { send: [], error };
    }
    switch (this.phase) {
      case 'start': {
        if (status !== SaslStatus.START) return this.fail(SaslStatus.ERROR, 'Expected START status');
        const mechanism = payload.toString('utf8');
        if (mechanism !== 'GSSAPI') return this.fail(SaslStatus.BAD, `Unsupported mechanism type ${mechanism}`);
        this.phase = 'token';
        return { send: [] };
      }
      case 'token': {
        this.expectOkOrComplete(status);
        this.accepted = this.acceptor.accept(payload);
        if (this.accepted.outputToken) {
          this.phase = 'ack';
          return { send: [{ status: SaslStatus.OK, payload: this.accepted.outputToken }] };
        }
        // No mutual authentication: the context is established already, so offer at once (as Java's GssKrb5Server does).
        return { send: [this.offer()] };
      }
      case 'ack':
        // RFC 4752: the client's token here is empty; Java ignores whatever it is, and so do we.
        this.expectOkOrComplete(status);
        return { send: [this.offer()] };
      case 'choice':
        this.expectOkOrComplete(status);
        return this.choose(payload);
      default:
        return this.fail(SaslStatus.ERROR, `unexpected message (status ${status}) after negotiation ended`);
    }
  }

  private offer(): SaslOut {
    const offer = Buffer.alloc(4);
    offer.writeUInt32BE(this.maxBufferSize, 0);
    // Only "no security layer": the QOP impalad uses by default (auth, not auth-int or auth-conf).
    offer[0] = SecurityLayer.NONE;
    this.phase = 'choice';
    return { status: SaslStatus.OK, payload: this.accepted!.context.wrap(offer, { confidential: false }) };
  }

  private choose(payload: Buffer): SaslStepResult {
    const accepted = this.accepted!;
    const { message } = accepted.context.unwrap(payload);
    if (message.length < 4)
      return this.fail(SaslStatus.ERROR, `client's security layer choice is ${message.length} bytes, expected at least 4`);
    const layer = message[0]!;
    if (layer !== SecurityLayer.NONE) {
      return this.fail(
        SaslStatus.ERROR,
        `client chose security layer 0x${layer.toString(16)}, but only 0x01 (no security layer) was offered`,
      );
    }
    const authzid = message.length > 4 ? message.subarray(4).toString('utf8') : undefined;
    this.phase = 'done';
    return {
      send: [{ status: SaslStatus.COMPLETE, payload: Buffer.alloc(0) }],
      done: { principal: accepted.client, user: shortName(accepted.client), authzid, server: accepted.server },
    };
  }

  private expectOkOrComplete(status: number): void {
    if (status !== SaslStatus.OK && status !== SaslStatus.COMPLETE) {
      throw new Error(`Expected OK or COMPLETE status, got ${status}`);
    }
  }

  private fail(status: number, message: string, cause?: KerberosAcceptError): SaslStepResult {
    this.phase = 'failed';
    return { send: [{ status, payload: Buffer.from(message, 'utf8') }], error: message, ...(cause ? { cause } : {}) };
  }
}
