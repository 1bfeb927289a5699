/**
 * The pool's debug log: `NODE_DEBUG=impala-pool` writes a line to stderr for
 * each of the pool's key decisions (health transitions with their ejection
 * backoff, retries and refusals to retry, replaced connections, drains,
 * failed connects, coordinators judged silent). It goes through
 * `util.debuglog`, so without that variable every call is a no-op and its
 * arguments are never formatted.
 *
 * Lines carry coordinator addresses, states, error codes and error messages
 * only — the same facts as the pool's events, which never hold a password,
 * token, keytab path or key. The pool adds no statement text; a server's
 * error message is Impala's own.
 *
 * @module
 * @internal
 */
import { debuglog } from 'node:util';

/**
 * Writes `format` (util.format style) to stderr as `IMPALA-POOL <pid>: …`
 * when `NODE_DEBUG` names `impala-pool`. Created once for the process;
 * util.debuglog checks `NODE_DEBUG` (as the process started with it) on
 * the first call.
 */
export const debug = debuglog('impala-pool');
