/**
 * A coordinator's health as a state machine, with HAProxy's rise/fall
 * semantics and ejection backoff:
 *
 * ```
 *   up ──failure──▶ suspect ──(fall failures)──▶ down ──(backoff elapsed)──▶ probing
 *    ▲                 │ success                   ▲                           │
 *    └─────────────────┘                           └────────failure────────────┤
 *    ▲                                                                          │
 *    └────────────────────────(rise successes)──────────────────────────────────┘
 *   any ──drain()──▶ draining ──endDrain()──▶ down | up        any ──remove()──▶ removed
 * ```
 *
 * `up` and `suspect` take traffic; `down` and `probing` only get health
 * probes (and panic traffic when every coordinator is down); `draining`
 * finishes what it has and takes nothing new.
 *
 * @module
 */
import type { Clock } from '../util/clock.js';

/** Health states. */
export type HealthState = 'up' | 'suspect' | 'down' | 'probing' | 'draining' | 'removed';

/** Thresholds and backoff. */
export interface HealthThresholds {
  /** Consecutive successful probes to come back up. */
  rise: number;
  /** Consecutive failures (active or passive) to go down. */
  fall: number;
  /** First ejection's length in ms; doubles with each ejection in a row. */
  ejectBaseMs: number;
  /** Longest ejection in ms. */
  ejectMaxMs: number;
}

/** A state change. */
export interface HealthTransition {
  from: HealthState;
  to: HealthState;
  /** Why: the last error, "rise", "drain", … */
  reason: string;
}

/** The state machine for one coordinator. */
export class HealthMachine {
  private current: HealthState = 'up';
  private failures = 0;
  private successes = 0;
  private ejections = 0;
  private nextProbeAt = 0;
  private upSince: number;
  /** The last failure's description (never contains secrets). */
  lastError: string | undefined;

  constructor(
    private readonly thresholds: HealthThresholds,
    private readonly clock: Clock,
    private readonly onChange: (t: HealthTransition) => void = () => {},
  ) {
    this.upSince = clock.now();
  }

  /** The current state. */
  get state(): HealthState {
    return this.current;
  }

  /** Whether new work may be sent here in normal (non-panic) operation. */
  get eligible(): boolean {
    return this.current === 'up' || this.current === 'suspect';
  }

  /** Whether a down coordinator's backoff has elapsed (it then moves to probing). */
  probeDue(): boolean {
    if (this.current === 'down' && this.clock.now() >= this.nextProbeAt) {
      this.move('probing', 'backoff elapsed');
    }
    return this.current === 'probing';
  }

  /** When the next probe of a down coordinator is due (clock ms). */
  get probeAt(): number {
    return this.nextProbeAt;
  }

  /** A request or probe succeeded. */
  success(): void {
    switch (this.current) {
      case 'suspect':
        this.failures = 0;
        this.move('up', 'recovered');
        break;
      case 'up':
        this.failures = 0;
        break;
      case 'down':
      case 'probing':
        this.successes += 1;
        if (this.successes >= this.thresholds.rise) {
          this.failures = 0;
          this.upSince = this.clock.now();
          this.move('up', `${this.successes} successful checks`);
        } else if (this.current === 'down') {
          this.move('probing', 'a check succeeded');
        }
        break;
      default:
        break;
    }
  }

  /** A request or probe failed in a way that says the coordinator is unwell. */
  failure(reason: string): void {
    this.lastError = reason;
    switch (this.current) {
      case 'up':
      case 'suspect':
        this.failures += 1;
        if (this.failures >= this.thresholds.fall) this.eject(reason);
        else if (this.current === 'up') this.move('suspect', reason);
        break;
      case 'probing':
        this.eject(reason);
        break;
      case 'down':
        // Requests already under way when it went down failing one after
        // another: one outage, not a reason to wait longer before probing.
        break;
      default:
        break;
    }
  }

  /** Stops new work; in-flight work continues. */
  drain(reason: string): void {
    if (this.current === 'draining' || this.current === 'removed') return;
    this.move('draining', reason);
  }

  /** Ends a drain: `down` waits for probes (a restarted server comes back by rise), `up` resumes at once. */
  endDrain(to: 'down' | 'up', reason: string): void {
    if (this.current !== 'draining') return;
    if (to === 'down') this.eject(reason);
    else {
      this.failures = 0;
      this.upSince = this.clock.now();
      this.move('up', reason);
    }
  }

  /** Terminal: the coordinator left the pool. */
  remove(): void {
    if (this.current !== 'removed') this.move('removed', 'removed');
  }

  private eject(reason: string): void {
    // A coordinator that stayed up for a whole max-backoff period starts over;
    // one that fails its probes keeps doubling.
    const wasServing = this.current === 'up' || this.current === 'suspect' || this.current === 'draining';
    if (wasServing && this.clock.now() - this.upSince > this.thresholds.ejectMaxMs) this.ejections = 0;
    this.ejections += 1;
    const backoff = Math.min(this.thresholds.ejectBaseMs * 2 ** (this.ejections - 1), this.thresholds.ejectMaxMs);
    this.nextProbeAt = this.clock.now() + backoff;
    this.successes = 0;
    this.failures = 0;
    if (this.current !== 'down') this.move('down', reason);
  }

  private move(to: HealthState, reason: string): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    this.onChange({ from, to, reason });
  }
}
