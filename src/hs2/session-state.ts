/**
 * The session state a statement can change (current database, SET options),
 * remembered so that a replacement connection can be brought to the same
 * state before the caller's next statement.
 *
 * @module
 */

/** What a session's USE and SET statements changed. */
export interface SessionState {
  /** Current database, if set by option or USE. */
  database: string | undefined;
  /** Query options set by option or SET, upper-cased keys. */
  options: Record<string, string>;
}

const USE_RE = /^\s*use\s+`?([A-Za-z0-9_]+)`?\s*;?\s*$/i;
const SET_RE = /^\s*set\s+([A-Za-z0-9_.]+)\s*=\s*(?:'([^']*)'|"([^"]*)"|([^;\s]*))\s*;?\s*$/i;

/** Updates `state` after `sql` succeeded; returns whether `sql` was a USE or SET. */
export function trackSessionState(state: SessionState, sql: string): boolean {
  const use = USE_RE.exec(sql);
  if (use) {
    state.database = use[1]!;
    return true;
  }
  const set = SET_RE.exec(sql);
  if (!set) return false;
  const value = set[2] ?? set[3] ?? set[4] ?? '';
  const key = set[1]!.toUpperCase();
  if (value === '') delete state.options[key];
  else state.options[key] = value;
  return true;
}

/** The statements that bring a fresh session to `state`. */
export function replayStatements(state: SessionState): string[] {
  const out: string[] = [];
  if (state.database) out.push(`USE \`${state.database}\``);
  for (const [k, v] of Object.entries(state.options)) out.push(`SET ${k}='${v.replace(/'/g, "\\'")}'`);
  return out;
}
