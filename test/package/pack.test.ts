/**
 * What a new user gets: this package packed, then installed from the tarball
 * into a fresh project, with its dependencies from the npm registry. A
 * pool-only install carries no DuckDB; ESM and CommonJS both load it; its
 * declarations compile under a strict tsconfig that checks them too
 * (skipLibCheck off); `impala-pool/testing` says what to install, and once
 * that is installed it runs a cluster.
 *
 * Everything happens in a temporary directory, removed afterwards; this
 * checkout's node_modules is only read (its tsc, its @types/node version).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireSystem, requireTool } from '../support/system-tool.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');
// Installs from the registry on a busy 2-core CI machine take their time.
const INSTALL_MS = 300_000;

function readJson<T>(...path: string[]): T {
  return JSON.parse(readFileSync(join(ROOT, ...path), 'utf8')) as T;
}

const DUCKDB_RANGE = readJson<{ peerDependencies: Record<string, string> }>('package.json').peerDependencies['@duckdb/node-api']!;
// The consumer gets the @types/node this checkout compiles against.
const TYPES_NODE = readJson<{ version: string }>('node_modules', '@types', 'node', 'package.json').version;

/** npm's own lifecycle variables (set when this runs under `npm test`) would point npm back at this checkout. */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^npm_(lifecycle_|package_|config_local_prefix$)/.test(key) || key === 'INIT_CWD') delete env[key];
  }
  return env;
}

function registryReachable(): boolean {
  try {
    execFileSync('npm', ['ping', '--fetch-retries=0', '--fetch-timeout=20000'], { stdio: 'ignore', timeout: 30_000, env: childEnv() });
    return true;
  } catch {
    return false;
  }
}

/** Runs a command; on failure the error carries its output, which is what one needs to see in CI. */
function run(cwd: string, command: string, args: string[], timeoutMs = INSTALL_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env: childEnv(), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')} failed in ${cwd}: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

const runnable =
  requireTool('npm', 'npm') && requireSystem('the npm registry', registryReachable(), '`npm ping` cannot reach the npm registry');

describe.runIf(runnable)('the published package, installed by a new user', () => {
  let work = '';
  let app = '';

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'impala-pool-pack-'));
    const packDir = join(work, 'pack');
    mkdirSync(packDir);
    // prepack builds dist/ first, so the tarball is the current source.
    await run(ROOT, 'npm', ['pack', '--pack-destination', packDir]);
    const tarball = readdirSync(packDir).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack left no tarball in ${packDir}`);
    app = join(work, 'app');
    mkdirSync(app);
    const consumer = { name: 'impala-pool-consumer', version: '0.0.0', private: true, type: 'module' };
    writeFileSync(join(app, 'package.json'), JSON.stringify(consumer));
    await run(app, 'npm', ['install', '--no-audit', '--no-fund', join(packDir, tarball)]);
  }, INSTALL_MS);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('does not install DuckDB', () => {
    expect(existsSync(join(app, 'node_modules', 'impala-pool', 'package.json'))).toBe(true);
    expect(existsSync(join(app, 'node_modules', '@duckdb'))).toBe(false);
  });

  it('loads with import and with require', async () => {
    writeFileSync(
      join(app, 'esm.mjs'),
      `import { createPool, ImpalaError } from 'impala-pool';
const pool = createPool({ hosts: ['127.0.0.1:1'], healthCheckIntervalMs: 0 });
await pool.end();
console.log(typeof createPool, typeof ImpalaError);
`,
    );
    // require(esm): Node >= 20.19 loads an ES module graph without top-level await synchronously.
    writeFileSync(
      join(app, 'cjs.cjs'),
      `const { createPool, ImpalaError } = require('impala-pool');
const pool = createPool({ hosts: ['127.0.0.1:1'], healthCheckIntervalMs: 0 });
pool.end().then(() => console.log(typeof createPool, typeof ImpalaError));
`,
    );
    expect((await run(app, process.execPath, ['esm.mjs'], 30_000)).trim()).toBe('function function');
    expect((await run(app, process.execPath, ['cjs.cjs'], 30_000)).trim()).toBe('function function');
  });

  it(
    'compiles under strict TypeScript that checks its declarations',
    async () => {
      await run(app, 'npm', ['install', '--no-audit', '--no-fund', `@types/node@${TYPES_NODE}`]);
      writeFileSync(
        join(app, 'consumer.ts'),
        `import { createPool, ImpalaError, type ImpalaErrorCode, type PoolOptions, type QueryResult, type Row } from 'impala-pool';

const options: PoolOptions = { hosts: ['impalad-1:21050', { host: 'impalad-2', port: 21050 }], maxAttempts: 2 };

export function explain(err: unknown): string {
  if (!(err instanceof ImpalaError)) return 'not from impala-pool';
  const code: ImpalaErrorCode = err.code;
  switch (code) {
    case 'IMPALA_SERVER':
      return 'the server refused it';
    case 'IMPALA_NO_HEALTHY_COORDINATOR':
      return 'no coordinator is up';
    default:
      return code;
  }
}

export async function ids(): Promise<number[]> {
  const pool = createPool(options);
  try {
    const typed: QueryResult<{ id: number }> = await pool.query<{ id: number }>('SELECT id FROM t WHERE id > ?', [1]);
    const plain: Row[] = (await pool.query('SELECT 1 AS one')).rows;
    return [...typed.rows.map((r) => r.id), plain.length];
  } finally {
    await pool.end();
  }
}

// @ts-expect-error a misspelled option must be a type error, not an any
createPool({ hostz: ['impalad-1'] });
`,
      );
      // No "types": the declarations themselves must pull in Node's; no DOM lib, as in a Node project.
      writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(strictTsconfig(['consumer.ts'])));
      await run(app, TSC, ['-p', '.'], 120_000);
    },
    INSTALL_MS,
  );

  it('rejects importing impala-pool/testing without DuckDB, saying what to install', async () => {
    writeFileSync(
      join(app, 'testing-missing.mjs'),
      `try {
  await import('impala-pool/testing');
  console.log('loaded');
} catch (err) {
  console.log(err instanceof Error ? err.message : String(err));
}
`,
    );
    const out = await run(app, process.execPath, ['testing-missing.mjs'], 30_000);
    expect(out).toContain('impala-pool/testing');
    expect(out).toContain(`npm install --save-dev @duckdb/node-api@${DUCKDB_RANGE}`);
  });

  it(
    'runs a 3-coordinator cluster once DuckDB is installed',
    async () => {
      await run(app, 'npm', ['install', '--no-audit', '--no-fund', `@duckdb/node-api@${DUCKDB_RANGE}`]);
      writeFileSync(
        join(app, 'cluster.mjs'),
        `import { createPool } from 'impala-pool';
import { startCluster } from 'impala-pool/testing';

const cluster = await startCluster({ coordinators: 3 });
try {
  const pool = createPool({ hosts: cluster.hosts });
  try {
    const result = await pool.query('SELECT 1 AS one');
    console.log(JSON.stringify({ coordinators: cluster.hosts.length, rows: result.rows }));
  } finally {
    await pool.end();
  }
} finally {
  await cluster.close();
}
`,
      );
      const out = await run(app, process.execPath, ['cluster.mjs'], 60_000);
      expect(JSON.parse(out.trim())).toEqual({ coordinators: 3, rows: [{ one: 1 }] });

      writeFileSync(
        join(app, 'testing-consumer.ts'),
        `import { startCluster, type ClusterOptions, type CoordinatorStats, type LocalCluster } from 'impala-pool/testing';

export async function queriesPerCoordinator(options: ClusterOptions): Promise<number[]> {
  const cluster: LocalCluster = await startCluster(options);
  try {
    const stats: CoordinatorStats[] = cluster.stats();
    return stats.map((s) => s.queries + s.byKind.ddl);
  } finally {
    await cluster.close();
  }
}
`,
      );
      writeFileSync(join(app, 'tsconfig.testing.json'), JSON.stringify(strictTsconfig(['testing-consumer.ts'])));
      await run(app, TSC, ['-p', 'tsconfig.testing.json'], 120_000);
    },
    INSTALL_MS,
  );
});

function strictTsconfig(files: string[]): object {
  return {
    compilerOptions: {
      strict: true,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      lib: ['es2023'],
      types: [],
      skipLibCheck: false,
      noEmit: true,
    },
    files,
  };
}
