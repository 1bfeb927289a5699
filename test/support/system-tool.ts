/**
 * Tests that need a system tool (thrift-compiler, haproxy, a Kerberos KDC)
 * skip with a loud message when it is missing, and fail instead when
 * REQUIRE_SYSTEM_TESTS=1 (as CI sets it).
 */
import { execFileSync } from 'node:child_process';
import { it } from 'vitest';

/** True when `command --version`-like probing finds the tool on PATH. */
export function hasTool(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns whether the tests that need `command` should run. When the tool is
 * missing: prints a banner and returns false, or, under REQUIRE_SYSTEM_TESTS=1,
 * registers a failing test so the run goes red.
 */
export function requireTool(command: string, debianPackage: string): boolean {
  if (hasTool(command)) return true;
  const message = `${command} not found: install Debian package ${debianPackage} (apt-get install -y ${debianPackage})`;
  if (process.env.REQUIRE_SYSTEM_TESTS === '1') {
    it(`requires ${command}`, () => {
      throw new Error(`${message}; REQUIRE_SYSTEM_TESTS=1 forbids skipping`);
    });
  } else {
    console.warn(`\n${'!'.repeat(72)}\n!! SKIPPING tests: ${message}\n${'!'.repeat(72)}\n`);
  }
  return false;
}
