/**
 * `impala-pool query`: runs SQL through a pool over one or more
 * coordinators and prints the results (docs/cli.md).
 *
 * The statements run in one pool session, as impala-shell runs a script in
 * one session: USE and SET carry over, and the pool still picks the
 * coordinator, passes over one that refuses the connection, and moves the
 * session (USE and SET replayed) when it must.
 *
 * @module
 * @internal
 */
import { readFile } from 'node:fs/promises';
import { text as readStream } from 'node:stream/consumers';
import { ImpalaError } from '../errors.js';
import type { PoolConnection } from '../pool/pool-connection.js';
import { createPool } from '../pool/pool.js';
import type { PoolOptions } from '../pool/options.js';
import { DEFAULT_HS2_PORT } from '../hs2/options.js';
import type { Value } from '../hs2/row-set.js';
import { bindParameters, type BindScalar } from '../sql/bind.js';
import { classify } from '../sql/classify.js';
import { isImpalaUrl, parseHostList, parseImpalaUrl, type Target } from './coordinators.js';
import { FORMATS, createFormatter, type Format, type StatementOutcome } from './output.js';
import { parseParam } from './params.js';
import { parseCommand } from './parse-command.js';
import { splitStatements } from './split-statements.js';
import { UsageError } from './usage-error.js';
import { packageVersion } from './version.js';

const HELP = `usage: impala-pool query [options] [SQL...]
       impala-pool query [options] -f FILE [-f FILE...]
       impala-pool query [options] < script.sql

Runs SQL through an impala-pool over one or more coordinators, in one HS2
session on the coordinator the pool picks (leastconn); a coordinator that
refuses the connection is passed over for the next. The statements run in
order in that session, so USE and SET carry over.

SQL comes from the SQL arguments and -f files, in the order given, or from
stdin when there are neither (or with -f -). Each is split into statements at
';' outside quotes and comments (Impala's lexer rules); empty statements are
dropped. A SQL argument that starts with '-' goes after '--'.

connection:
  --host HOST[:PORT]        a coordinator; repeatable, or comma-separated (--host a,b:21051);
                            IPv6 as [::1]:21050, or bare (::1) for the default port 21050;
                            an impala:// URL here is taken as --url
  --url URL                 the pool's URL, as createPool takes it (docs/cli.md):
                            impala://[USER@]HOST[:PORT][,HOST[:PORT]...][/DATABASE][?OPTION=VALUE&...]
                            with the pool's options (tls, strategy, ddl, MEM_LIMIT...), but no
                            password: see IMPALA_PASSWORD
  --database DB             the session's database (default: default)
  --user USER               user name; with IMPALA_PASSWORD set, LDAP (SASL PLAIN) with it
  --tls                     TLS, with the server's certificate verified
  --auth-creds-ok-in-clear  send the password without --tls (impala-shell's --auth_creds_ok_in_clear)
  --timeout-ms MS           each statement's deadline, fetching included; when it passes the
                            statement is cancelled on the server and fails (IMPALA_QUERY_TIMEOUT)

statements:
  -f, --file FILE           read SQL from FILE (repeatable; - is stdin)
  --param VALUE             bind the next ? placeholder (repeatable; in order across all the
                            statements): TEXT or str:TEXT a string, null NULL, int:N or
                            bigint:N an integer, double:X a number, bool:true or bool:false
  --continue-on-error       run the remaining statements after one fails (the exit status is still 1)

output:
  --format FORMAT           table (default), csv, tsv, json or ndjson
  --no-header               csv and tsv: leave out the line of column names
  --quiet                   no per-statement summary on stderr (errors are still printed)
  --version                 print impala-pool's version and exit
  -h, --help                print this help and exit

formats (stdout carries only data; summaries and errors go to stderr):
  table   a table per result set; NULL as NULL; control characters escaped (\\t, \\x1b)
  csv     quoted as RFC 4180 ("a,b", "say ""hi"""); column names first unless --no-header;
          NULL is an empty field, an empty string is ""; result sets after the first
          follow an empty line
  tsv     csv's rules with a tab between fields
  json    one array, an object per statement: {"statement", "sql", "coordinator", "queryId",
          "columns": [{"name", "type"}], "rows": [{"column": value, ...}]}; DML has
          "rowsAffected" instead of columns and rows; a failed statement has
          "error": {"code", "message"}
  ndjson  one JSON object per row, of every result set in turn
  Values are exact: BIGINT with all its digits, DECIMAL, TIMESTAMP and DATE as Impala's
  text, BINARY as hex digits. In json and ndjson NULL is null, integers within
  +-(2^53-1) are numbers, larger BIGINTs and every DECIMAL are strings, and a repeated
  column name becomes name_2, name_3, ... as a key.

After each statement stderr says "Fetched N row(s) in 0.12s on HOST:PORT", "Modified N row(s)
in ..." for INSERT, UPSERT, UPDATE, DELETE and MERGE, or "Done in ..." without a result set.
With stderr on a terminal, a statement running over a second shows its time meanwhile.

environment:
  IMPALA_PASSWORD           the password for --user (never read from the command line or URL)

exit status:
  0    every statement succeeded
  1    a statement failed (stderr: error [CODE]: message), or no coordinator answered
  2    usage: a bad flag or value, a bad --host or URL, no SQL, --param not fitting the ?s
  130  interrupted: Ctrl-C cancels the running statement on the server

examples:
  impala-pool query --host impalad-1,impalad-2,impalad-3 'SELECT count(*) FROM sales.orders'
  impala-pool query --url 'impala://analyst@impalad-1,impalad-2/sales?tls=true' --format csv -f report.sql
  impala-pool query --host '[::1]:21050' --param int:42 --param Ada 'SELECT * FROM t WHERE id = ? OR name = ?'
  echo 'SHOW TABLES' | impala-pool query --host impalad-1 --format json`;

// The DML whose row count Impala reports when the statement is closed (impala-shell's "Modified N row(s)").
const MODIFYING = new Set(['INSERT', 'UPSERT', 'UPDATE', 'DELETE', 'MERGE']);
// How long a statement runs before a terminal gets a progress line, and how often it is redrawn.
const PROGRESS_AFTER_MS = 1000;
const PROGRESS_EVERY_MS = 100;

/** A statement to run, with where it came from and the values for its placeholders. */
interface Planned {
  text: string;
  source: string;
  line: number;
  params: BindScalar[];
}

/** The flags after checking. */
interface Settings {
  target: Target;
  format: Format;
  header: boolean;
  quiet: boolean;
  continueOnError: boolean;
  password: string | undefined;
  allowCleartext: boolean;
  /** `--timeout-ms`: each statement's deadline. */
  timeoutMs: number | undefined;
}

/** Runs the command; returns the exit code. */
export async function runQuery(argv: string[]): Promise<number> {
  const { values, tokens } = parseCommand(
    argv,
    {
      host: { type: 'string', multiple: true },
      url: { type: 'string' },
      database: { type: 'string' },
      user: { type: 'string' },
      tls: { type: 'boolean', default: false },
      'auth-creds-ok-in-clear': { type: 'boolean', default: false },
      'timeout-ms': { type: 'string' },
      file: { type: 'string', short: 'f', multiple: true },
      param: { type: 'string', multiple: true },
      'continue-on-error': { type: 'boolean', default: false },
      format: { type: 'string', default: 'table' },
      'no-header': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      version: { type: 'boolean', default: false },
    },
    HELP,
  );
  if (values.version) {
    console.log(packageVersion());
    return 0;
  }
  const format = values.format as Format;
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(values.format)}`);
  }
  const settings: Settings = {
    target: readTarget(values),
    format,
    header: !values['no-header'],
    quiet: values.quiet,
    continueOnError: values['continue-on-error'],
    password: process.env.IMPALA_PASSWORD,
    allowCleartext: values['auth-creds-ok-in-clear'],
    timeoutMs: values['timeout-ms'] === undefined ? undefined : timeoutFlag(values['timeout-ms']),
  };
  const params = (values.param ?? []).map((p, i) => parseParam(p, i + 1));
  const sources = tokens.flatMap((t): Array<{ file?: string; sql?: string }> => {
    if (t.kind === 'positional') return [{ sql: t.value }];
    if (t.kind === 'option' && t.name === 'file') return [{ file: t.value! }];
    return [];
  });
  const planned = planStatements(await readSources(sources), params);
  return runStatements(settings, planned);
}

/** The flags {@link readTarget} reads. */
interface TargetFlags {
  host?: string[];
  url?: string;
  database?: string;
  user?: string;
  tls: boolean;
}

/** The hosts and connection settings of the flags and URL. */
function readTarget(values: TargetFlags): Target {
  const hostValues = values.host ?? [];
  const urls = hostValues.filter(isImpalaUrl).map((h) => parseImpalaUrl(h, '--host'));
  if (values.url !== undefined) urls.push(parseImpalaUrl(values.url, '--url'));
  if (urls.length > 1) throw new UsageError('give one impala:// URL at most (more coordinators go in its host list, or in --host)');
  const url: Target = urls[0] ?? { hosts: [] };
  // The URL's port= is the pool's default port, so it is that of every host without one, --host ones too.
  const port = url.options?.port ?? DEFAULT_HS2_PORT;
  const hosts = hostValues.filter((h) => !isImpalaUrl(h)).flatMap((h) => parseHostList(h, '--host', port));
  const all = [...url.hosts, ...hosts];
  if (all.length === 0) {
    throw new UsageError('no coordinator: give --host HOST[:PORT] (repeatable, or comma-separated) or --url impala://HOST,...');
  }
  const seen = new Set<string>();
  for (const h of all) {
    // Host names are case-insensitive: H1 and h1 are one coordinator.
    if (seen.has(h.toLowerCase())) throw new UsageError(`--host: ${h} is given twice`);
    seen.add(h.toLowerCase());
  }
  const target: Target = { hosts: all };
  const database = agree('--database', values.database, "the URL's database", url.database);
  const user = agree('--user', values.user, "the URL's user name", url.user);
  if (values.tls && url.tls === false) throw new UsageError("--tls and the URL's tls=false disagree");
  if (database !== undefined) target.database = database;
  if (user !== undefined) target.user = user;
  if (values.tls || url.tls) target.tls = true;
  if (url.options !== undefined) target.options = url.options;
  return target;
}

/** The one value a flag and the URL give, or a usage error when they differ. */
function agree<T>(flag: string, fromFlag: T | undefined, urlPart: string, fromUrl: T | undefined): T | undefined {
  if (fromFlag !== undefined && fromUrl !== undefined && fromFlag !== fromUrl) {
    throw new UsageError(`${flag} and ${urlPart} disagree; give it once`);
  }
  return fromFlag ?? fromUrl;
}

function timeoutFlag(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !(n >= 1 && n <= 2_147_483_647)) {
    throw new UsageError(`--timeout-ms must be a whole number of milliseconds from 1 to 2147483647, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** The SQL of each source, named for messages; stdin when there is no source at all. */
async function readSources(sources: Array<{ file?: string; sql?: string }>): Promise<Array<{ name: string; sql: string }>> {
  // Without a source, stdin is read unless it is a terminal (a script that forgot its SQL must not
  // sit waiting); an explicit -f - reads a terminal too, to the end of input (Ctrl-D).
  const implicit = sources.length === 0;
  const list = implicit ? [{ file: '-' }] : sources;
  const out: Array<{ name: string; sql: string }> = [];
  let args = 0;
  let stdinRead = false;
  for (const s of list) {
    if (s.sql !== undefined) {
      args += 1;
      out.push({ name: `argument ${args}`, sql: s.sql });
    } else if (s.file === '-') {
      if (stdinRead) throw new UsageError('-f - is given twice: stdin can be read once');
      stdinRead = true;
      if (implicit && process.stdin.isTTY) {
        throw new UsageError('no SQL: give statements as arguments, with -f FILE, or on stdin (which is a terminal here)');
      }
      out.push({ name: 'stdin', sql: stripBom(await readStream(process.stdin)) });
    } else {
      let sql: string;
      try {
        sql = await readFile(s.file!, 'utf8');
      } catch (err) {
        throw new UsageError(`-f ${s.file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
      out.push({ name: s.file!, sql: stripBom(sql) });
    }
  }
  return out;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Splits the sources into statements and hands each its share of the
 * `--param` values, checking every binding before anything runs: a count
 * that does not fit, or a value the binder refuses, is a usage error rather
 * than a failure halfway through a script.
 */
function planStatements(sources: Array<{ name: string; sql: string }>, params: BindScalar[]): Planned[] {
  const statements = sources.flatMap((s) => splitStatements(s.sql).map((st) => ({ ...st, source: s.name })));
  if (statements.length === 0) throw new UsageError('no SQL: give statements as arguments, with -f FILE, or on stdin');
  const placeholders = statements.reduce((n, st) => n + st.placeholders, 0);
  if (placeholders !== params.length) {
    const n = params.length;
    const given = n === 0 ? 'no --param was given' : `${n} --param value${n === 1 ? ' was' : 's were'} given`;
    const them = `${placeholders} ? placeholder${placeholders === 1 ? '' : 's'}`;
    throw new UsageError(`the SQL has ${them} but ${given} (a literal ? goes in quotes)`);
  }
  let next = 0;
  return statements.map((st, i) => {
    const mine = params.slice(next, (next += st.placeholders));
    try {
      bindParameters(st.text, mine);
    } catch (err) {
      throw new UsageError(`--param: statement ${i + 1} (${st.source}, line ${st.line}): ${(err as Error).message}`);
    }
    return { text: st.text, source: st.source, line: st.line, params: mine };
  });
}

function poolOptions(s: Settings): PoolOptions {
  const t = s.target;
  const options: PoolOptions = {
    // One short-lived session: background health checks would only open more; a coordinator
    // that refuses the connection is passed over all the same. A URL that asks for them gets them.
    healthCheckIntervalMs: 0,
    // The URL's other options as the pool read them (the ones a flag also sets are merged below).
    ...t.options,
    // A fresh pool starts its round-robin at the first host: shuffled, many runs of the
    // command spread over the coordinators instead of all starting on the first one.
    hosts: shuffled(t.hosts),
  };
  if (t.database !== undefined) options.database = t.database;
  if (t.tls) options.tls = true;
  if (t.user !== undefined && s.password !== undefined) {
    // The pool refuses this too, in its own options' words; this says it in the flags'.
    if (!t.tls && !s.allowCleartext) {
      throw new UsageError(
        '--user with IMPALA_PASSWORD would send the password in clear text: add --tls, or --auth-creds-ok-in-clear to allow it',
      );
    }
    options.auth = { mechanism: 'PLAIN', username: t.user, password: s.password, allowCleartext: s.allowCleartext };
  } else if (t.user !== undefined) {
    options.username = t.user;
  }
  return options;
}

function shuffled<T>(list: readonly T[]): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Runs the statements in one pool session, printing as it goes; returns the exit code. */
async function runStatements(s: Settings, planned: Planned[]): Promise<number> {
  let pool;
  try {
    pool = createPool(poolOptions(s));
  } catch (err) {
    // The pool's option checks (a password without TLS, say) are about the command line.
    if (err instanceof TypeError) throw new UsageError(err.message);
    throw err;
  }
  const out = new Stdout();
  const formatter = createFormatter(s.format, s.header);
  let failed = false;
  let interrupted = false;
  let running: AbortController | undefined;
  const opening = new AbortController();
  const onInterrupt = (): void => {
    // A second Ctrl-C does not wait for the cancellation.
    if (interrupted) process.exit(130);
    interrupted = true;
    opening.abort();
    running?.abort();
  };
  process.on('SIGINT', onInterrupt);
  await out.write(formatter.start());
  try {
    await pool.session(
      async (session) => {
        for (const [i, st] of planned.entries()) {
          if (interrupted) break;
          running = new AbortController();
          const { outcome, report } = await runOne(session, st, i + 1, s, running.signal, planned.length);
          running = undefined;
          // The data first, then what stderr says about it, as impala-shell does on a terminal.
          await out.write(formatter.statement(outcome));
          if (report !== '') console.error(report);
          if (outcome.kind === 'error') {
            failed = true;
            if (!s.continueOnError) break;
          }
        }
      },
      { signal: opening.signal },
    );
  } catch (err) {
    // The session could not be opened: no coordinator answered.
    failed = true;
    console.error(errorText(err));
  } finally {
    process.off('SIGINT', onInterrupt);
    await out.write(formatter.finish());
    await pool.end();
  }
  if (interrupted) return 130;
  return failed ? 1 : 0;
}

/**
 * Runs one statement. A failure comes back as an outcome, not thrown; the
 * report is what stderr says about the statement (its summary, unless
 * --quiet, or its error).
 */
async function runOne(
  session: PoolConnection,
  st: Planned,
  index: number,
  s: Settings,
  signal: AbortSignal,
  count: number,
): Promise<{ outcome: StatementOutcome; report: string }> {
  const options = { signal, ...(s.timeoutMs === undefined ? {} : { timeoutMs: s.timeoutMs }) };
  const stopProgress = s.quiet ? () => {} : showProgress(index, count);
  const started = performance.now();
  const summary = (line: string): string => (s.quiet ? '' : line);
  try {
    const c = classify(st.text);
    if (c.kind === 'dml' && MODIFYING.has(c.verb)) {
      const r = await session.execute(st.text, st.params, options);
      return {
        outcome: { kind: 'modified', index, sql: st.text, rowsAffected: r.rowsAffected, coordinator: r.coordinator, queryId: r.queryId },
        report: summary(`Modified ${r.rowsAffected} row(s) in ${seconds(started)} on ${r.coordinator}`),
      };
    }
    const r = await session.query<Value[]>(st.text, st.params, { ...options, rowMode: 'array' });
    const what = r.columns.length > 0 ? `Fetched ${r.rows.length} row(s)` : 'Done';
    return {
      outcome: { kind: 'rows', index, sql: st.text, columns: r.columns, rows: r.rows, coordinator: r.coordinator, queryId: r.queryId },
      report: summary(`${what} in ${seconds(started)} on ${r.coordinator}`),
    };
  } catch (err) {
    const code = err instanceof ImpalaError ? err.code : ((err as Error)?.name ?? 'Error');
    // Where it was, once there is more than one place it could have been.
    const where = count > 1 ? `\n  in statement ${index} of ${count} (${st.source}, line ${st.line})` : '';
    const message = (err as Error)?.message ?? String(err);
    return { outcome: { kind: 'error', index, sql: st.text, code, message }, report: errorText(err) + where };
  } finally {
    stopProgress();
  }
}

function errorText(err: unknown): string {
  if (err instanceof ImpalaError) return `error [${err.code}]: ${err.message}`;
  return `error: ${(err as Error)?.message ?? String(err)}`;
}

function seconds(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(2)}s`;
}

/**
 * On a terminal, a line on stderr with the running statement's elapsed time,
 * redrawn in place once it has run a second; returns what erases it. Nothing
 * when stderr is not a terminal, so pipes and logs get the summaries only.
 */
function showProgress(index: number, count: number): () => void {
  if (!process.stderr.isTTY) return () => {};
  const started = performance.now();
  let shown = false;
  const timer = setInterval(() => {
    const ms = performance.now() - started;
    if (ms < PROGRESS_AFTER_MS) return;
    shown = true;
    const which = count > 1 ? `statement ${index} of ${count}` : 'statement';
    process.stderr.write(`\r\x1b[2K${which} running, ${(ms / 1000).toFixed(1)}s`);
  }, PROGRESS_EVERY_MS);
  return () => {
    clearInterval(timer);
    if (shown) process.stderr.write('\r\x1b[2K');
    shown = false;
  };
}

/**
 * stdout with backpressure. Once the reader has gone (EPIPE: `| head`) the
 * output is dropped, and the statements still run: a script's DML does not
 * depend on who reads its SELECTs.
 */
class Stdout {
  private gone = false;

  constructor() {
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      this.gone = true;
    });
  }

  async write(text: string): Promise<void> {
    if (text === '' || this.gone) return;
    if (process.stdout.write(text)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        process.stdout.off('drain', done);
        process.stdout.off('error', done);
        resolve();
      };
      process.stdout.on('drain', done);
      process.stdout.on('error', done);
    });
  }
}
