/**
 * `impala-pool query`: runs statements on one coordinator and prints results.
 *
 * @module
 * @internal
 */
import { connect } from '../hs2/connection.js';
import { DEFAULT_HS2_PORT } from '../hs2/options.js';
import { parseCommand } from './parse-command.js';

const HELP = `usage: impala-pool query --host HOST[:PORT] [--database DB] [--user U] [--tls]
                          [--auth-creds-ok-in-clear] [--timeout-ms MS] SQL [SQL...]

Each SQL argument is one statement. Statements that return rows print them as
a table; others print the affected row count. The password for --user is read
from the IMPALA_PASSWORD environment variable (never from the command line);
without --tls it is refused unless --auth-creds-ok-in-clear is given.`;

/** Runs the command; returns the exit code. */
export async function runQuery(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      host: { type: 'string' },
      database: { type: 'string' },
      user: { type: 'string' },
      tls: { type: 'boolean', default: false },
      'auth-creds-ok-in-clear': { type: 'boolean', default: false },
      'timeout-ms': { type: 'string' },
    },
    HELP,
  );
  if (!values.host) throw new TypeError('--host is required');
  if (positionals.length === 0) throw new TypeError('give at least one SQL statement');
  const [host, portText] = values.host.split(':');
  const password = process.env.IMPALA_PASSWORD;
  const conn = await connect({
    host: host!,
    port: portText ? Number(portText) : DEFAULT_HS2_PORT,
    ...(values.database ? { database: values.database } : {}),
    ...(values.tls ? { tls: true } : {}),
    ...(values.user && password !== undefined
      ? { auth: { mechanism: 'PLAIN' as const, username: values.user, password, allowCleartext: values['auth-creds-ok-in-clear'] } }
      : values.user
        ? { username: values.user }
        : {}),
  });
  const timeoutMs = values['timeout-ms'] ? Number(values['timeout-ms']) : undefined;
  try {
    for (const sql of positionals) {
      const result = await conn.query(sql, [], timeoutMs === undefined ? {} : { timeoutMs });
      if (result.columns.length > 0) console.table(result.rows);
      else console.log(`ok (query ${result.queryId})`);
    }
  } finally {
    await conn.close();
  }
  return 0;
}
