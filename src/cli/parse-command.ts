/**
 * Flag parsing shared by the CLI commands (node's own util.parseArgs).
 *
 * @module
 * @internal
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's flags; prints help and exits on --help. */
export function parseCommand<const T extends OptionsConfig>(
  argv: string[],
  options: T,
  help: string,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true }>> {
  const parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  if ((parsed.values as { help?: boolean }).help) {
    console.log(help);
    process.exit(0);
  }
  return parsed as never;
}
