/**
 * The package's version, for `--version`.
 *
 * @module
 * @internal
 */
import { readFileSync } from 'node:fs';

/**
 * The `version` of impala-pool's package.json: two folders up from
 * src/cli/ in a checkout (run by tsx), three from dist/src/cli/ once built.
 *
 * @internal
 */
export function packageVersion(): string {
  for (const path of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'impala-pool' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // Not there (or not ours): try the next folder up.
    }
  }
  return 'unknown';
}
