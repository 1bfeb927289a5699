/**
 * The silence watchdog's judgement, on a manual clock: a coordinator is
 * silent only when something has been owed for the whole stall window and
 * nothing at all was heard meanwhile. Each case is a timeline of steps; a
 * request is any object, identified here by name.
 */
import { describe, expect, it } from 'vitest';
import { Silence } from '../../src/pool/silence.js';
import { ManualClock } from '../../src/util/clock.js';

const STALL_MS = 1000;

type Step =
  /** Moves the clock to `at` ms after the start, then looks at what is outstanding. */
  | { at: number; look: string[]; newlySilent: boolean; silent: boolean }
  /** The coordinator answered something at `at`. */
  | { at: number; heard: true }
  /** The watchdog was held up; forgive at `at`. */
  | { at: number; forgive: true; silent: boolean };

const look = (at: number, outstanding: string[], newlySilent: boolean, silent = newlySilent): Step => ({
  at,
  look: outstanding,
  newlySilent,
  silent,
});

const CASES: Array<[name: string, steps: Step[]]> = [
  [
    'not silent while nothing is outstanding, however long it has been quiet',
    [look(0, [], false), look(STALL_MS, [], false), look(100 * STALL_MS, [], false)],
  ],
  [
    'silent once a request has been outstanding for the stall window with no answer',
    [look(0, ['r1'], false), look(STALL_MS - 1, ['r1'], false), look(STALL_MS, ['r1'], true)],
  ],
  [
    'a request first seen late counts from when it was first seen, not from the last answer',
    [look(0, [], false), look(5 * STALL_MS, ['r1'], false), look(6 * STALL_MS - 1, ['r1'], false), look(6 * STALL_MS, ['r1'], true)],
  ],
  [
    'a request seen between looks counts from the look that first saw it',
    [
      look(0, ['r1'], false),
      look(STALL_MS / 2, ['r2'], false),
      look(STALL_MS + STALL_MS / 2 - 1, ['r2'], false),
      look(STALL_MS + STALL_MS / 2, ['r2'], true),
    ],
  ],
  [
    'the oldest outstanding request decides',
    [look(0, ['r1'], false), look(STALL_MS / 2, ['r1', 'r2'], false), look(STALL_MS, ['r2', 'r1'], true)],
  ],
  [
    'an answer restarts the window for requests still outstanding',
    [
      look(0, ['r1'], false),
      { at: STALL_MS - 1, heard: true },
      look(STALL_MS, ['r1'], false),
      look(2 * STALL_MS - 2, ['r1'], false),
      look(2 * STALL_MS - 1, ['r1'], true),
    ],
  ],
  [
    'heard() clears silence',
    [look(0, ['r1'], false), look(STALL_MS, ['r1'], true), { at: STALL_MS + 1, heard: true }, look(STALL_MS + 2, ['r1'], false, false)],
  ],
  [
    'after heard(), silence comes back only after another whole window',
    [
      look(0, ['r1'], false),
      look(STALL_MS, ['r1'], true),
      { at: STALL_MS + 1, heard: true },
      look(2 * STALL_MS, ['r1'], false, false),
      look(2 * STALL_MS + 1, ['r1'], true),
    ],
  ],
  [
    'look() reports silence only on the transition',
    [
      look(0, ['r1'], false),
      look(STALL_MS, ['r1'], true),
      look(STALL_MS + 1, ['r1'], false, true),
      look(10 * STALL_MS, ['r1', 'r2'], false, true),
    ],
  ],
  [
    'a silent coordinator stays silent with nothing outstanding until it answers',
    [look(0, ['r1'], false), look(STALL_MS, ['r1'], true), look(2 * STALL_MS, [], false, true)],
  ],
  [
    'forgive() gives a fresh window',
    [
      look(0, ['r1'], false),
      { at: STALL_MS - 1, forgive: true, silent: false },
      look(STALL_MS, ['r1'], false),
      look(2 * STALL_MS - 2, ['r1'], false),
      look(2 * STALL_MS - 1, ['r1'], true),
    ],
  ],
  [
    'forgive() does not clear a silence already judged',
    [
      look(0, ['r1'], false),
      look(STALL_MS, ['r1'], true),
      { at: STALL_MS + 1, forgive: true, silent: true },
      look(STALL_MS + 2, ['r1'], false, true),
    ],
  ],
];

describe('Silence', () => {
  it.each(CASES)('%s', (_name, steps) => {
    const clock = new ManualClock(50_000);
    const start = clock.now();
    const silence = new Silence(clock);
    const requests = new Map<string, object>();
    const request = (name: string): object => {
      let r = requests.get(name);
      if (!r) requests.set(name, (r = { name }));
      return r;
    };
    expect(silence.silent).toBe(false);
    for (const [i, step] of steps.entries()) {
      const now = clock.now() - start;
      expect(step.at, `step ${i} goes back in time`).toBeGreaterThanOrEqual(now);
      clock.advance(step.at - now);
      const where = `step ${i} at ${step.at} ms`;
      if ('look' in step) {
        expect(silence.look(step.look.map(request), STALL_MS), where).toBe(step.newlySilent);
        expect(silence.silent, where).toBe(step.silent);
      } else if ('heard' in step) {
        silence.heard();
        expect(silence.silent, where).toBe(false);
      } else {
        silence.forgive();
        expect(silence.silent, where).toBe(step.silent);
      }
    }
  });

  it('takes any iterable of outstanding requests', () => {
    const clock = new ManualClock(0);
    const silence = new Silence(clock);
    const owed = new Set<object>([{}]);
    expect(silence.look(owed.values(), STALL_MS)).toBe(false);
    clock.advance(STALL_MS);
    expect(silence.look(owed.values(), STALL_MS)).toBe(true);
  });
});
