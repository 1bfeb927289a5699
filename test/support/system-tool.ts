/**
 * Tests that need a system tool (thrift-compiler, haproxy, a Kerberos KDC) or
 * the npm registry skip with a loud message when it is missing, and fail
 * instead when REQUIRE_SYSTEM_TESTS=1 (as CI sets it).
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
  return skipLoudly(command, `${command} not found: install Debian package ${debianPackage} (apt-get install -y ${debianPackage})`);
}

/**
 * The same for something other than a tool on PATH (the npm registry, say):
 * returns true when `available`; otherwise prints `message` in a banner and
 * returns false, or, under REQUIRE_SYSTEM_TESTS=1, registers a failing test.
 */
export function requireSystem(what: string, available: boolean, message: string): boolean {
  return available || skipLoudly(what, message);
}

function skipLoudly(what: string, message: string): false {
  if (process.env.REQUIRE_SYSTEM_TESTS === '1') {
    it(`requires ${what}`, () => {
      throw new Error(`${message}; REQUIRE_SYSTEM_TESTS=1 forbids skipping`);
    });
  } else {
    console.warn(`\n${'!'.repeat(72)}\n!! SKIPPING tests: ${message}\n${'!'.repeat(72)}\n`);
  }
  return false;
}
