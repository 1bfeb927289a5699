/**
 * The CLI's usage errors: a bad flag, a bad flag value, missing SQL. They
 * exit with code 2, apart from a statement that failed (code 1), so a
 * script can tell "you called it wrong" from "the cluster said no".
 *
 * @module
 * @internal
 */

/**
 * A command line the CLI cannot run. A TypeError, as the package's other
 * argument errors are, so code that catches those catches these too.
 *
 * @internal
 */
export class UsageError extends TypeError {
  /** @param message - what is wrong, naming the flag */
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Whether `err` is a usage error: a {@link UsageError}, or util.parseArgs
 * refusing a flag (unknown option, missing value, unexpected positional).
 *
 * @internal
 */
export function isUsageError(err: unknown): err is TypeError {
  if (err instanceof UsageError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof TypeError && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
