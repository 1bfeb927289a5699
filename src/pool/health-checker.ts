/**
 * Active, protocol-level health checks (HAProxy's `check`, but through HS2):
 * each coordinator gets a small dedicated connection that is pinged with
 * PingImpalaHS2Service every interval, with its own deadline. A coordinator
 * that accepts TCP but never answers (a black hole, a hung impalad) fails the
 * check, which a TCP connect check cannot see. Down coordinators are probed
 * only when their ejection backoff has elapsed; a probe is a fresh connect
 * (TCP + OpenSession) plus a ping.
 *
 * @module
 * @internal
 */
import { RpcTimeoutError, type ImpalaError } from '../errors.js';
import { Hs2Connection } from '../hs2/connection.js';
import type { Coordinator } from './coordinator.js';
import type { ResolvedPoolOptions } from './options.js';
import { debug } from '../util/debug-log.js';

/** Runs the checks on a timer. */
export class HealthChecker {
  private timer: NodeJS.Timeout | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private lastWatch = 0;
  /** The failure that stands for each coordinator's current silence (counted once). */
  private readonly silences = new WeakMap<Coordinator, ImpalaError>();
  /** Coordinators asked with a ping whether they are alive, until it settles. */
  private readonly suspected = new Set<Coordinator>();
  private readonly probes = new Map<Coordinator, Hs2Connection>();
  private readonly running = new Set<Coordinator>();
  private stopped = false;

  constructor(
    private readonly coordinators: () => readonly Coordinator[],
    private readonly options: ResolvedPoolOptions,
  ) {}

  /** Starts the timers (no-op when checks are off). */
  start(): void {
    if (this.options.healthCheckIntervalMs > 0) {
      this.timer = setInterval(() => void this.checkAll(), this.options.healthCheckIntervalMs);
      this.timer.unref();
    }
    if (this.options.keepaliveIntervalMs > 0) {
      const every = this.options.keepaliveIntervalMs;
      this.keepaliveTimer = setInterval(() => {
        for (const c of this.coordinators()) if (c.health.eligible) void c.keepalive(every);
      }, every);
      this.keepaliveTimer.unref();
    }
    this.watchSilence();
  }

  /**
   * Passive hang detection on the pool's own traffic: a coordinator that owes
   * an answer and has answered nothing for `healthCheckTimeoutMs` is judged
   * silent. That counts as one failure, and what waits on it is given up at
   * once (reads run again elsewhere, DML reports an unknown outcome); while it
   * stays silent, new work routes around it and whatever ends up waiting on
   * it is given up too, until it answers again.
   */
  watchSilence(): void {
    const stallMs = this.options.healthCheckTimeoutMs;
    const every = Math.max(10, Math.min(50, stallMs / 10));
    this.lastWatch = this.options.clock.now();
    this.silenceTimer = setInterval(() => {
      const now = this.options.clock.now();
      const late = now - this.lastWatch > every * 3;
      this.lastWatch = now;
      for (const c of this.coordinators()) {
        if (late) c.forgiveSilence();
        if (!this.suspected.has(c) && c.noteSilence(stallMs)) {
          const why = new RpcTimeoutError(`${c.id} answered nothing for ${stallMs} ms while requests waited`, { coordinator: c.id });
          debug('silent: %s; what waits on it is given up, new work routes around it', why.message);
          this.silences.set(c, why);
          c.recordFailure(why);
        } else if (!c.silent && this.timer !== undefined && !this.suspected.has(c) && c.owedMs() >= stallMs / 2) {
          // Half the window without a word: ask it directly, giving it the
          // other half to answer. A coordinator busy planning a big statement or
          // running DDL still answers a ping (which counts as hearing from it);
          // a hung one does not. No verdict while that question is open.
          this.suspected.add(c);
          void this.check(c, stallMs / 2).finally(() => this.suspected.delete(c));
        }
        const why = c.silent ? this.silences.get(c) : undefined;
        if (why) c.abandonUnanswered(why);
      }
    }, every);
    this.silenceTimer.unref();
  }

  /** Runs one round now (tests and the first round after start). */
  async checkAll(): Promise<void> {
    await Promise.all(this.coordinators().map((c) => this.check(c)));
  }

  /** Checks one coordinator unless a check of it is already running. */
  async check(c: Coordinator, timeoutMs = this.options.healthCheckTimeoutMs): Promise<void> {
    const state = c.health.state;
    if (this.stopped || this.running.has(c) || state === 'removed' || state === 'draining') return;
    if ((state === 'down' || state === 'probing') && !c.health.probeDue()) return;
    this.running.add(c);
    try {
      // One deadline for the connect (when the probe connection must be made) and the ping.
      const started = this.options.clock.now();
      const conn = await this.probeConnection(c, timeoutMs);
      const pong = await conn.ping(Math.max(1, timeoutMs - (this.options.clock.now() - started)));
      if (!this.stopped) {
        // A coordinator the balancer avoids gets no traffic: its pings keep its pace known.
        c.recordAnswer('PingImpalaHS2Service', pong.latencyMs);
        c.recordSuccess();
      }
    } catch (err) {
      this.dropProbe(c);
      if (!this.stopped) c.recordFailure(err);
    } finally {
      this.running.delete(c);
    }
  }

  /** Closes a coordinator's probe connection (it left the pool). */
  forget(c: Coordinator): void {
    this.dropProbe(c);
  }

  /** Stops the active checks and keepalives and closes every probe connection (each within `healthCheckTimeoutMs`). */
  async stop(): Promise<void> {
    this.stopChecks();
    const conns = [...this.probes.values()];
    this.probes.clear();
    await Promise.all(conns.map((c) => c.close(this.options.healthCheckTimeoutMs)));
  }

  /** Stops the checks and drops every probe connection at once (the pool's destroy). */
  destroy(): void {
    this.stopChecks();
    this.stopWatching();
    for (const conn of this.probes.values()) conn.destroy();
    this.probes.clear();
  }

  /**
   * Stops the silence watchdog. Separate from {@link stop}: while a pool ends
   * gracefully, what waits on a hung coordinator must still be given up.
   */
  stopWatching(): void {
    if (this.silenceTimer) clearInterval(this.silenceTimer);
    this.silenceTimer = undefined;
  }

  private stopChecks(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
  }

  private async probeConnection(c: Coordinator, timeoutMs: number): Promise<Hs2Connection> {
    const existing = this.probes.get(c);
    if (existing?.open) return existing;
    const conn = await Hs2Connection.open({
      ...c.connectOptions,
      connectTimeoutMs: Math.min(timeoutMs, c.connectOptions.connectTimeoutMs),
    });
    if (this.stopped) {
      conn.destroy();
      throw new Error('health checker stopped');
    }
    this.probes.set(c, conn);
    return conn;
  }

  private dropProbe(c: Coordinator): void {
    this.probes.get(c)?.destroy();
    this.probes.delete(c);
  }
}
