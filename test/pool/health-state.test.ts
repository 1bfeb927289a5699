import { describe, expect, it } from 'vitest';
import { HealthMachine, type HealthState, type HealthTransition } from '../../src/pool/health-state.js';
import { AnswerLatency, LatencyWindow } from '../../src/pool/latency.js';
import { ManualClock } from '../../src/util/clock.js';

type Step = ['ok'] | ['fail'] | ['wait', number] | ['probe'] | ['drain'] | ['endDrain', 'up' | 'down'] | ['remove'];

const thresholds = { rise: 2, fall: 3, ejectBaseMs: 1000, ejectMaxMs: 8000 };

function run(steps: Step[]): { states: HealthState[]; transitions: HealthTransition[]; machine: HealthMachine; clock: ManualClock } {
  const clock = new ManualClock();
  const transitions: HealthTransition[] = [];
  const m = new HealthMachine(thresholds, clock, (t) => transitions.push(t));
  const states: HealthState[] = [];
  for (const step of steps) {
    switch (step[0]) {
      case 'ok':
        m.success();
        break;
      case 'fail':
        m.failure('ECONNREFUSED');
        break;
      case 'wait':
        clock.advance(step[1]);
        break;
      case 'probe':
        m.probeDue();
        break;
      case 'drain':
        m.drain('shutting down');
        break;
      case 'endDrain':
        m.endDrain(step[1], 'drained');
        break;
      case 'remove':
        m.remove();
        break;
    }
    states.push(m.state);
  }
  return { states, transitions, machine: m, clock };
}

describe('HealthMachine', () => {
  it.each<[string, Step[], HealthState[]]>([
    ['fall failures take it down', [['fail'], ['fail'], ['fail']], ['suspect', 'suspect', 'down']],
    ['a success in between resets', [['fail'], ['fail'], ['ok'], ['fail'], ['fail']], ['suspect', 'suspect', 'up', 'suspect', 'suspect']],
    [
      'no probe before the backoff',
      [['fail'], ['fail'], ['fail'], ['wait', 999], ['probe']],
      ['suspect', 'suspect', 'down', 'down', 'down'],
    ],
    [
      'probing after the backoff, up after rise',
      [['fail'], ['fail'], ['fail'], ['wait', 1000], ['probe'], ['ok'], ['ok']],
      ['suspect', 'suspect', 'down', 'down', 'probing', 'probing', 'up'],
    ],
    [
      'a failed probe ejects again',
      [['fail'], ['fail'], ['fail'], ['wait', 1000], ['probe'], ['fail'], ['wait', 1999], ['probe'], ['wait', 1], ['probe']],
      ['suspect', 'suspect', 'down', 'down', 'probing', 'down', 'down', 'down', 'down', 'probing'],
    ],
    [
      'failures of requests already under way when it went down do not push the probe back',
      [['fail'], ['fail'], ['fail'], ['fail'], ['fail'], ['fail'], ['wait', 1000], ['probe']],
      ['suspect', 'suspect', 'down', 'down', 'down', 'down', 'down', 'probing'],
    ],
    [
      'drain, then down until probes',
      [['drain'], ['ok'], ['fail'], ['endDrain', 'down'], ['wait', 1000], ['probe'], ['ok'], ['ok']],
      ['draining', 'draining', 'draining', 'down', 'down', 'probing', 'probing', 'up'],
    ],
    ['drain, then back up', [['drain'], ['endDrain', 'up']], ['draining', 'up']],
    ['removed is terminal', [['remove'], ['ok'], ['fail'], ['drain']], ['removed', 'removed', 'removed', 'removed']],
  ])('%s', (_name, steps, expected) => {
    expect(run(steps).states).toEqual(expected);
  });

  it('backs off exponentially up to the max, and resets after a stable period', () => {
    const { machine, clock } = run([['fail'], ['fail'], ['fail']]);
    const gaps: number[] = [];
    for (let i = 0; i < 5; i++) {
      gaps.push(machine.probeAt - clock.now());
      clock.advance(machine.probeAt - clock.now());
      machine.probeDue();
      machine.failure('still down');
    }
    expect(gaps).toEqual([1000, 2000, 4000, 8000, 8000]);
    clock.advance(8000);
    machine.probeDue();
    machine.success();
    machine.success();
    expect(machine.state).toBe('up');
    clock.advance(9000);
    for (let i = 0; i < 3; i++) machine.failure('again');
    expect(machine.probeAt - clock.now()).toBe(1000);
  });

  it('reports transitions with reasons', () => {
    const { transitions } = run([['fail'], ['fail'], ['fail']]);
    expect(transitions).toEqual([
      { from: 'up', to: 'suspect', reason: 'ECONNREFUSED' },
      { from: 'suspect', to: 'down', reason: 'ECONNREFUSED' },
    ]);
  });
});

describe('latency', () => {
  it('answer latency: the first sample sets it; later ones weigh by the time since the last', () => {
    const clock = new ManualClock();
    const e = new AnswerLatency(clock, 1000);
    expect(e.estimate).toBe(0);
    e.observe(30);
    expect(e.estimate).toBe(30);
    // Samples close together barely move it: one spike is not a trend…
    e.observe(0.5);
    expect(e.estimate).toBe(30);
    // …while the same sample after a quiet second replaces most of the past.
    clock.advance(1000);
    e.observe(0.5);
    expect(e.estimate).toBeCloseTo(0.5 + 29.5 * Math.exp(-1), 6);
    // Two more health-check intervals of fast answers and it is fast again.
    clock.advance(2000);
    e.observe(0.5);
    clock.advance(2000);
    e.observe(0.5);
    expect(e.estimate).toBeLessThan(1);
  });

  it.each([
    [[5], 0.5, 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5, 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99, 10],
    [[10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 0.1, 1],
  ])('window %j q=%d → %d', (samples, q, expected) => {
    const w = new LatencyWindow(16);
    for (const s of samples) w.observe(s);
    expect(w.quantile(q)).toBe(expected);
  });

  it('keeps only the newest samples', () => {
    const w = new LatencyWindow(3);
    for (const s of [100, 100, 100, 1, 2, 3]) w.observe(s);
    expect(w.quantile(1)).toBe(3);
  });
});
