/**
 * Flag parsing shared by the CLI commands (node's own util.parseArgs).
 *
 * @module
 * @internal
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a command's flags; prints help and exits on --help. The tokens come
 * back too, for a command whose flags and positionals mean something in the
 * order they were given (`query`'s SQL arguments and `-f` files).
 */
export function parseCommand<const T extends OptionsConfig>(
  argv: string[],
  options: T,
  help: string,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; tokens: true }>> {
  const parsed = parseArgs({
    args: argv,
    options: { ...options, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    tokens: true,
  });
  if ((parsed.values as { help?: boolean }).help) {
    console.log(help);
    process.exit(0);
  }
  return parsed as never;
}
