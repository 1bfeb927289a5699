/**
 * A real MIT Kerberos KDC for tests, started by the test itself in a
 * temporary directory with a realm of its own: its own krb5.conf (pointed to
 * by KRB5_CONFIG) and kdc.conf (KRB5_KDC_PROFILE), a database made with
 * `kdb5_util create -s`, principals and keytabs made with `kadmin.local`, and
 * `krb5kdc -n` listening on 127.0.0.1 at a free port. Nothing outlives the
 * test process: {@link TestKdc.close} kills the KDC and removes the
 * directory, and an exit hook does the same if a test forgets.
 *
 * Tests that need it call {@link requireKdcTools} (and {@link
 * requireKerberosModule} for the `kerberos` npm client) first; when a tool is
 * missing they skip loudly, or fail under REQUIRE_SYSTEM_TESTS=1, through
 * system-tool.ts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { hasTool, requireTool } from './system-tool.js';

/** Enctypes the test realm issues by default: the two the acceptor must support. */
export const DEFAULT_ENCTYPES = ['aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96'] as const;

/** The parts of the `kerberos` npm package (mongodb-js/kerberos) the tests use. */
export interface KerberosModule {
  /** `mechOID` for the default mechanism (krb5 with MIT). */
  GSS_C_NO_OID: number;
  /** `mechOID` for Kerberos V5. */
  GSS_MECH_OID_KRB5: number;
  /** `mechOID` for SPNEGO. */
  GSS_MECH_OID_SPNEGO: number;
  /** GSS flag: mutual authentication (the client expects an AP-REP). */
  GSS_C_MUTUAL_FLAG: number;
  /** GSS flag: sequence checking of per-message tokens. */
  GSS_C_SEQUENCE_FLAG: number;
  /**
   * Starts a client context for `service@host`. GSS flags go in `flags`: the
   * package's typings say `gssFlag`, but its native code reads `flags`
   * (default MUTUAL | SEQUENCE).
   */
  initializeClient(service: string, options?: { principal?: string; flags?: number; mechOID?: number }): Promise<KerberosClient>;
}

/** A client security context of the `kerberos` npm package. */
export interface KerberosClient {
  /** The client principal, once the context is complete. */
  username: string;
  /** Whether the context is established. */
  contextComplete: boolean;
  /** Whether the last unwrapped token was sealed (1) or integrity-only (0). */
  responseConf: number;
  /** gss_init_sec_context with a base64 input token (empty first); resolves to the base64 output token. */
  step(challenge: string): Promise<string>;
  /**
   * gss_wrap, SASL-style: what it protects is the first 4 octets of the
   * decoded challenge (the first forced to 0x01) followed by `user`.
   */
  wrap(challenge: string, options?: { user?: string; protect?: boolean }): Promise<string>;
  /** gss_unwrap of a base64 token; resolves to the base64 message. */
  unwrap(challenge: string): Promise<string>;
}

const MODULE_HINT = 'install it with `npm run kerberos:install` (it builds against MIT GSSAPI: Debian package libkrb5-dev)';

/**
 * Loads the `kerberos` npm package. When it cannot be loaded, skips loudly
 * (returns undefined) or, under REQUIRE_SYSTEM_TESTS=1, registers a failing
 * test, as {@link requireTool} does for system tools.
 */
export function requireKerberosModule(): KerberosModule | undefined {
  try {
    return createRequire(import.meta.url)('kerberos') as KerberosModule;
  } catch (err) {
    const message = `the kerberos npm package cannot be loaded (${(err as Error).message.split('\n')[0]}): ${MODULE_HINT}`;
    if (process.env.REQUIRE_SYSTEM_TESTS === '1') {
      it('requires the kerberos npm package', () => {
        throw new Error(`${message}; REQUIRE_SYSTEM_TESTS=1 forbids skipping`);
      });
    } else {
      console.warn(`\n${'!'.repeat(72)}\n!! SKIPPING tests: ${message}\n${'!'.repeat(72)}\n`);
    }
    return undefined;
  }
}

type Callback<T> = (error: Error | null, value?: T) => void;

/**
 * The `kerberos` module with the callback API of kerberos@2, which
 * hive-driver's MongoKerberosAuthProcess and KerberosStep call
 * (`initializeClient(spn, options, cb)`, `client.step(token, cb)`, …);
 * kerberos@7 only returns promises and would leave those callbacks
 * unanswered. Pass the result to `new MongoKerberosAuthProcess(options, it)`.
 */
export function kerberosForHiveDriver(k: KerberosModule): Record<string, unknown> {
  const settle = <T>(p: Promise<T>, cb: Callback<T>): void => {
    p.then(
      (v) => cb(null, v),
      (e: Error) => cb(e),
    );
  };
  const adapt = (c: KerberosClient) => ({
    get username() {
      return c.username;
    },
    get contextComplete() {
      return c.contextComplete;
    },
    step: (challenge: string, cb: Callback<string>) => settle(c.step(challenge), cb),
    unwrap: (challenge: string, cb: Callback<string>) => settle(c.unwrap(challenge), cb),
    wrap: (challenge: string, options: { user?: string }, cb: Callback<string>) => settle(c.wrap(challenge, options), cb),
  });
  return {
    GSS_C_NO_OID: k.GSS_C_NO_OID,
    GSS_MECH_OID_KRB5: k.GSS_MECH_OID_KRB5,
    GSS_MECH_OID_SPNEGO: k.GSS_MECH_OID_SPNEGO,
    // hive-driver also passes domain/user/password (used on Windows only); MIT needs the mech alone.
    initializeClient: (service: string, options: { mechOID?: number }, cb: Callback<ReturnType<typeof adapt>>) =>
      settle(k.initializeClient(service, { mechOID: options.mechOID ?? k.GSS_C_NO_OID }).then(adapt), cb),
  };
}

/** The MIT tools a KDC needs, with the Debian package that has each. */
const KDC_TOOLS: ReadonlyArray<readonly [string, string]> = [
  ['krb5kdc', 'krb5-kdc'],
  ['kdb5_util', 'krb5-admin-server'],
  ['kadmin.local', 'krb5-admin-server'],
  ['kinit', 'krb5-user'],
  ['kdestroy', 'krb5-user'],
];

/** Where the MIT daemons live on Debian; they are often not on a user's PATH. */
const SBIN_DIRS = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

function withSbinPath(): void {
  const parts = (process.env.PATH ?? '').split(':');
  const missing = SBIN_DIRS.filter((d) => !parts.includes(d));
  if (missing.length > 0) process.env.PATH = [...parts, ...missing].filter(Boolean).join(':');
}

/**
 * Whether every KDC tool is installed. Missing tools skip loudly (or fail
 * under REQUIRE_SYSTEM_TESTS=1); call it once at the top of a test file.
 */
export function requireKdcTools(): boolean {
  withSbinPath();
  let ok = true;
  for (const [tool, pkg] of KDC_TOOLS) {
    // Check them all, so one run names every missing package.
    if (!hasTool(tool)) ok = requireTool(tool, pkg) && ok;
  }
  return ok;
}

/** Options for {@link TestKdc.start}. */
export interface KdcOptions {
  /** Realm name; default a unique `IMPALA-POOL-<pid>-<n>.TEST`. */
  realm?: string;
  /** Enctypes the KDC issues and the clients permit, MIT names; default {@link DEFAULT_ENCTYPES}. */
  enctypes?: readonly string[];
  /** Extra `[libdefaults]` lines for krb5.conf (e.g. `clockskew = 600`). */
  libdefaults?: Readonly<Record<string, string>>;
}

/** Options for {@link TestKdc.kinit}. */
export interface KinitOptions {
  /** Get the ticket from this keytab (`kinit -k -t`). */
  keytab?: string;
  /** Or from this password (fed to kinit on stdin). */
  password?: string;
  /** Credential cache file; default a fresh one in the KDC directory. */
  ccache?: string;
  /** Ticket lifetime as kinit's -l takes it (e.g. `10m`). */
  lifetime?: string;
  /** Also point process.env.KRB5CCNAME at the cache (default true). */
  setEnv?: boolean;
}

let instances = 0;
const live = new Set<TestKdc>();
let exitHooked = false;

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  // Synchronous on purpose: 'exit' handlers cannot wait.
  process.once('exit', () => {
    for (const kdc of live) kdc.killNow();
  });
}

/** A running MIT KDC with its own realm, config files and database. */
export class TestKdc {
  /** Temporary directory holding config, database, logs, keytabs and caches. */
  readonly dir: string;
  /** The realm. */
  readonly realm: string;
  /** TCP and UDP port on 127.0.0.1. */
  readonly port: number;
  /** Path of the krb5.conf (what KRB5_CONFIG points to). */
  readonly krb5Config: string;
  /** Path of the kdc.conf (what KRB5_KDC_PROFILE points to). */
  readonly kdcProfile: string;
  private child: ChildProcess | undefined;
  private files = 0;

  private constructor(dir: string, realm: string, port: number) {
    this.dir = dir;
    this.realm = realm;
    this.port = port;
    this.krb5Config = join(dir, 'krb5.conf');
    this.kdcProfile = join(dir, 'kdc.conf');
  }

  /**
   * Creates the realm and starts the KDC, and points this process's
   * KRB5_CONFIG and KRB5_KDC_PROFILE at it (so MIT libraries loaded in this
   * process, such as the `kerberos` npm package's, use it). Call it before
   * the first `kerberos` call of the test file.
   */
  static async start(options: KdcOptions = {}): Promise<TestKdc> {
    withSbinPath();
    const dir = mkdtempSync(join(tmpdir(), 'impala-pool-kdc-'));
    const realm = options.realm ?? `IMPALA-POOL-${process.pid}-${++instances}.TEST`;
    try {
      const port = await freePort();
      const kdc = new TestKdc(dir, realm, port);
      kdc.writeConfig(options);
      process.env.KRB5_CONFIG = kdc.krb5Config;
      process.env.KRB5_KDC_PROFILE = kdc.kdcProfile;
      const master = randomBytes(18).toString('base64');
      kdc.run('kdb5_util', ['-r', realm, 'create', '-s', '-P', master], '', [master]);
      live.add(kdc);
      hookExit();
      try {
        await kdc.spawnKdc();
      } catch (err) {
        kdc.killNow();
        live.delete(kdc);
        throw err;
      }
      return kdc;
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Environment variables that point MIT tools and libraries at this realm. */
  env(): Record<string, string> {
    return { KRB5_CONFIG: this.krb5Config, KRB5_KDC_PROFILE: this.kdcProfile };
  }

  /** `name` with this realm appended when it has none. */
  qualify(name: string): string {
    return name.includes('@') ? name : `${name}@${this.realm}`;
  }

  /**
   * Adds a principal: with a random key (`addprinc -randkey`), or with a
   * password (`addprinc -pw`) for users who kinit with one; `enctypes`
   * limits its keys to those enctypes. Returns the qualified name.
   */
  addPrincipal(name: string, options: { password?: string; enctypes?: readonly string[] } = {}): string {
    const principal = this.qualify(name);
    const args = options.password === undefined ? ['-randkey'] : ['-pw', options.password];
    // -e limits the principal's keys (and so its tickets) to these enctypes.
    if (options.enctypes) args.push('-e', options.enctypes.map((e) => `${e}:normal`).join(','));
    this.kadmin(['addprinc', ...args, principal]);
    return principal;
  }

  /**
   * Exports the keys of one or more principals into a keytab (several
   * principals in one file make a "merged keytab", as Impala's proxy setup
   * uses). By default the keys are exported as they are (`-norandkey`), so
   * the same principal can go into several keytabs; `rotate: true` makes new
   * keys and a new key version instead, which leaves older keytabs stale.
   * Returns the keytab path.
   */
  keytab(principals: readonly string[], options: { file?: string; rotate?: boolean } = {}): string {
    const file = options.file ?? join(this.dir, `keytab-${++this.files}.keytab`);
    const args = ['ktadd', '-k', file];
    if (!options.rotate) args.push('-norandkey');
    this.kadmin([...args, ...principals.map((p) => this.qualify(p))]);
    return file;
  }

  /**
   * Gets a TGT for `principal` into a FILE: credential cache (`kinit -k -t
   * KEYTAB`, or with a password), and by default sets KRB5CCNAME to it.
   * Returns the cache name (`FILE:/…`).
   */
  kinit(principal: string, options: KinitOptions = {}): string {
    const ccache = options.ccache ?? `FILE:${join(this.dir, `ccache-${++this.files}`)}`;
    const args = ['-c', ccache];
    if (options.lifetime) args.push('-l', options.lifetime);
    if (options.keytab) args.push('-k', '-t', options.keytab);
    args.push(this.qualify(principal));
    if (!options.keytab && options.password === undefined) throw new Error('kinit needs a keytab or a password');
    this.run('kinit', args, options.keytab ? '' : `${options.password}\n`, options.password ? [options.password] : []);
    if (options.setEnv !== false) process.env.KRB5CCNAME = ccache;
    return ccache;
  }

  /** Destroys a credential cache (default: the one KRB5CCNAME names). */
  kdestroy(ccache = process.env.KRB5CCNAME): void {
    if (!ccache) return;
    this.run('kdestroy', ['-q', '-c', ccache]);
  }

  /** Runs one kadmin.local query. */
  kadmin(query: readonly string[]): string {
    // kadmin.local parses -q like a shell line; quote each word.
    const line = query.map((w) => (/^[\w@./:=,+-]+$/.test(w) ? w : `"${w.replace(/(["\\])/g, '\\$1')}"`)).join(' ');
    const secrets = query.filter((_, i) => query[i - 1] === '-pw');
    // kadmin.local -q exits 0 when the query fails; its only stderr on success is the policy notice.
    const failed = (stderr: string) => stderr.split('\n').some((l) => l.trim() !== '' && !/^(No policy specified|WARNING: )/.test(l));
    return this.run('kadmin.local', ['-r', this.realm, '-q', line], '', secrets, failed);
  }

  /** Stops the KDC and removes the directory. */
  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // Closing the watchdog's stdin makes it stop the KDC and wait for it.
      child.stdin?.end();
      const timer = setTimeout(() => this.killKdc(child), 3000);
      await exited;
      clearTimeout(timer);
    }
    live.delete(this);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Synchronous last-resort cleanup for the process 'exit' hook. @internal */
  killNow(): void {
    if (this.child) this.killKdc(this.child);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private killKdc(watchdog: ChildProcess): void {
    for (const pid of [Number(readFileOr(join(this.dir, 'krb5kdc.pid'))), watchdog.pid]) {
      try {
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /**
   * Runs a tool; throws with its stderr when it exits non-zero or, for tools
   * that report failures but still exit 0 (kadmin.local -q), when `failed`
   * says its stderr holds an error.
   */
  private run(
    command: string,
    args: readonly string[],
    input = '',
    secrets: readonly string[] = [],
    failed = (_stderr: string) => false,
  ): string {
    const r = spawnSync(command, args, { env: { ...process.env, ...this.env() }, input, encoding: 'utf8', timeout: 20_000 });
    if (r.status === 0 && !failed(r.stderr)) return r.stdout;
    // Never echo a password back, wherever the tool or the command line put it.
    let text = `${command} ${args.join(' ')} failed: ${(r.stderr || r.stdout || r.error?.message || `status ${r.status}`).trim()}`;
    for (const secret of secrets) if (secret) text = text.split(secret).join('***');
    throw new Error(text);
  }

  private writeConfig(options: KdcOptions): void {
    const enctypes = (options.enctypes ?? DEFAULT_ENCTYPES).join(' ');
    const supported = (options.enctypes ?? DEFAULT_ENCTYPES).map((e) => `${e}:normal`).join(' ');
    const extra = Object.entries(options.libdefaults ?? {})
      .map(([k, v]) => `    ${k} = ${v}\n`)
      .join('');
    const r = this.realm;
    writeFileSync(
      this.krb5Config,
      `[libdefaults]
    default_realm = ${r}
    dns_lookup_kdc = false
    dns_lookup_realm = false
    dns_canonicalize_hostname = false
    rdns = false
    udp_preference_limit = 1
    default_tkt_enctypes = ${enctypes}
    default_tgs_enctypes = ${enctypes}
    permitted_enctypes = ${enctypes}
    forwardable = false
    ticket_lifetime = 10h
${extra}
[realms]
    ${r} = {
        kdc = 127.0.0.1:${this.port}
    }

[domain_realm]
    localhost = ${r}
    .localhost = ${r}
`,
    );
    writeFileSync(
      this.kdcProfile,
      `[kdcdefaults]
    kdc_ports = 127.0.0.1:${this.port}
    kdc_tcp_ports = 127.0.0.1:${this.port}

[realms]
    ${r} = {
        database_name = ${join(this.dir, 'principal')}
        key_stash_file = ${join(this.dir, 'stash')}
        acl_file = ${join(this.dir, 'kadm5.acl')}
        master_key_type = aes256-cts-hmac-sha1-96
        supported_enctypes = ${supported}
        max_life = 1d
        max_renewable_life = 0
    }

[logging]
    kdc = FILE:${join(this.dir, 'kdc.log')}
    admin_server = FILE:${join(this.dir, 'kadmind.log')}
    default = FILE:${join(this.dir, 'krb5.log')}
`,
    );
    writeFileSync(join(this.dir, 'kadm5.acl'), `*/admin@${r} *\n`);
  }

  private async spawnKdc(): Promise<void> {
    // krb5kdc runs under a tiny shell watchdog that stops it (and removes the
    // directory) when our end of its stdin pipe closes: on close(), and also
    // when this process dies in a way no exit hook sees (SIGKILL, a crash).
    const child = spawn(
      'sh',
      ['-c', WATCHDOG, 'krb5kdc-watchdog', this.dir, 'krb5kdc', '-n', '-r', this.realm, '-P', join(this.dir, 'krb5kdc.pid')],
      {
        env: { ...process.env, ...this.env() },
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    );
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
    const failed = new Promise<never>((_, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new Error(`krb5kdc exited (${code ?? signal}) before listening: ${stderr.trim()}`)));
    });
    failed.catch(() => undefined);
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (await Promise.race([canConnect(this.port), failed])) return;
      if (Date.now() > deadline) throw new Error(`krb5kdc did not listen on 127.0.0.1:${this.port}: ${stderr.trim()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * `sh -c WATCHDOG name DIR cmd…`: runs cmd (the KDC) until it exits or stdin
 * reaches EOF, whichever is first, then removes DIR (the KDC's own temporary
 * directory).
 */
const WATCHDOG =
  'd=$1; shift; exec 3<&0; "$@" <&- 3<&- & k=$!; { read _ <&3; kill $k 2>/dev/null; } & w=$!; wait $k; s=$?; kill $w 2>/dev/null; rm -rf "$d"; exit $s';

function readFileOr(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
