/**
 * Requests the HTTP authentication tests repeat: one OpenSession with given
 * headers, a session used with fixed headers, the user a session runs as
 * (from impalad's runtime profile), the auth cookie an answer sets.
 */
import type { LocalCluster } from '../../../src/testing/index.js';
import { impala, tcli } from '../../../src/wire/gen.js';
import { httpClient, openSessionBody, post, type HttpReply } from './http-hs2.js';
import { expectOk, run, type RawSession } from './raw-client.js';

/** The users of the tests' PLAIN clusters. */
export const USERS = { alice: 's3cret', bob: 'hunter2' };

/** `http://host:port` of coordinator `i`'s HTTP endpoint. */
export const to = (cluster: LocalCluster, i = 0): string => `http://${cluster.httpHosts[i]}`;

/** One OpenSession POST with these headers, on a connection of its own (coordinators restart under some tests). */
export function open(origin: string, headers: Record<string, string> = {}): Promise<HttpReply> {
  return post({ origin, headers, agent: false }, openSessionBody());
}

/** A session opened and used over HTTP with fixed headers per call. */
export async function sessionAs(origin: string, headers: Record<string, string>): Promise<RawSession> {
  const client = httpClient({ origin, headers });
  const resp = await client.OpenSession(new tcli.TOpenSessionReq({ client_protocol: tcli.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6 }));
  expectOk(resp.status);
  return { client, session: resp.sessionHandle!, close: async () => undefined };
}

/** The user impalad's runtime profile names for a statement run in `s`. */
export async function profileUser(s: RawSession): Promise<string | undefined> {
  const { op } = await run(s, 'SELECT 1');
  const prof = await s.client.GetRuntimeProfile(new impala.TGetRuntimeProfileReq({ operationHandle: op, sessionHandle: s.session }));
  return /\n\s*User: (\S+)/.exec(prof.profile ?? '')?.[1];
}

/** The `impala.auth=…` pair an answer sets (not a deleting one), without attributes. */
export const cookieOf = (r: HttpReply): string | undefined =>
  r.headers['set-cookie']?.find((c) => /^impala\.auth=[^;]/.test(c))?.split(';')[0];
