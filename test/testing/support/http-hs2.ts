/**
 * HS2 over HTTP from the stock thrift runtime's generated client and
 * node:http — none of the test cluster's code: each call's request message
 * is POSTed, and the body of the answer is fed back to the generated client.
 * The client object fits the RawSession helpers (run, submit, fetchAll).
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { service, tcli } from '../../../src/wire/gen.js';
import { BinaryProtocol, inputProtocol, outputTransport, type MessageHeader } from '../../../src/wire/thrift-codec.js';
import { expectOk, type Client, type RawSession } from './raw-client.js';

/** Where and how to POST. */
export interface HttpTarget {
  /** `http://127.0.0.1:PORT` or `https://…`. */
  origin: string;
  /** Request path. Default `/cliservice` (impala-shell's). */
  path?: string;
  /** Headers sent with every request (mutable: tests change credentials between calls). */
  headers?: Record<string, string>;
  /** Connection reuse; default node's global agent; `false`: a new connection per request. */
  agent?: http.Agent | false;
  /** CA for https. */
  ca?: string | Buffer;
  /** Keep the `impala.auth` cookie the server sets and send it back (what a browser-like client does). */
  cookies?: boolean;
  /** The cookie kept, `impala.auth=…` (without attributes). */
  cookie?: string;
}

/** An HTTP answer. */
export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A non-200 answer to an HS2 call. */
export class HttpStatusError extends Error {
  override name = 'HttpStatusError';

  constructor(readonly reply: HttpReply) {
    super(`HTTP ${reply.status}`);
  }
}

/** POSTs `body` (or sends `method`) and collects the whole answer. Rejects when the connection fails or closes early. */
export function post(
  target: HttpTarget,
  body: Buffer,
  extra: { headers?: Record<string, string>; method?: string } = {},
): Promise<HttpReply> {
  const url = new URL(target.path ?? '/cliservice', target.origin);
  const secure = url.protocol === 'https:';
  const headers: Record<string, string> = { 'Content-Type': 'application/x-thrift', ...target.headers, ...extra.headers };
  if (target.cookies && target.cookie) headers.Cookie = target.cookie;
  return new Promise((resolve, reject) => {
    const options = {
      method: extra.method ?? 'POST',
      headers,
      ...(target.agent !== undefined ? { agent: target.agent } : {}),
      ...(target.ca ? { ca: target.ca } : {}),
    };
    const req = (secure ? https : http).request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('answer aborted')));
      res.on('end', () => {
        if (!res.complete) return reject(new Error('answer incomplete'));
        const reply = { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) };
        if (target.cookies) keepCookie(target, reply.headers);
        resolve(reply);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function keepCookie(target: HttpTarget, headers: IncomingHttpHeaders): void {
  for (const set of headers['set-cookie'] ?? []) {
    const pair = set.split(';')[0]!;
    if (!pair.startsWith('impala.auth=')) continue;
    target.cookie = pair === 'impala.auth=' ? undefined : pair;
  }
}

type Generated = Record<string, (...a: unknown[]) => unknown>;

/** One call's request message, and how to read its answer. */
export function encodeCall<R = unknown>(method: string, req: unknown): { bytes: Buffer; decode(body: Buffer): Promise<R> } {
  let bytes: Buffer | undefined;
  const client = new service.Client(
    outputTransport((b) => (bytes = b)),
    BinaryProtocol,
  ) as unknown as Generated;
  const answer = (client[method] as unknown as (r: unknown) => Promise<R>).call(client, req);
  answer.catch(() => undefined);
  return {
    bytes: bytes!,
    decode(body) {
      const proto = inputProtocol(body);
      const h = proto.readMessageBegin() as MessageHeader;
      client[`recv_${method}`]!(proto, h.mtype, h.rseqid);
      return answer;
    },
  };
}

/** A generated-client look-alike whose every call is one POST. */
export function httpClient(target: HttpTarget): Client {
  return new Proxy({} as Client, {
    get(_t, method) {
      if (typeof method !== 'string') return undefined;
      return async (req: unknown) => {
        const call = encodeCall(method, req);
        const reply = await post(target, call.bytes);
        if (reply.status !== 200) throw new HttpStatusError(reply);
        return call.decode(reply.body);
      };
    },
  });
}

/** Opens a session over HTTP. */
export async function httpSession(target: HttpTarget, configuration: Record<string, string> = {}): Promise<RawSession> {
  const client = httpClient(target);
  const resp = await client.OpenSession(
    new tcli.TOpenSessionReq({ client_protocol: tcli.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6, configuration }),
  );
  expectOk(resp.status);
  const session = resp.sessionHandle!;
  return {
    client,
    session,
    async close() {
      await client.CloseSession(new tcli.TCloseSessionReq({ sessionHandle: session })).catch(() => undefined);
    },
  };
}

/** An OpenSession request body, for tests that only care about the HTTP side. */
export function openSessionBody(): Buffer {
  return encodeCall('OpenSession', new tcli.TOpenSessionReq({ client_protocol: tcli.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6 })).bytes;
}

/** `Basic …` for a user and password. */
export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
