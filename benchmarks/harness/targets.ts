/**
 * Judging a figure against its target, and saying by how much a missed one
 * missed — a result never hides a miss.
 *
 * @module
 */
import type { Ratio } from './scenario.js';

/** How a figure is compared with its bound. */
export type Comparison = '<=' | '<' | '>=' | '=';

const SYMBOL: Record<Comparison, string> = { '<=': '≤', '<': '<', '>=': '≥', '=': '=' };

/** Options of {@link judge}. */
export interface JudgeOptions {
  unit?: string;
  rounds?: number[];
  digits?: number;
}

/** A headline figure with its target, whether it was met, and the miss in words. */
export function judge(label: string, value: number, op: Comparison, bound: number, o: JudgeOptions = {}): Ratio {
  const digits = o.digits ?? 3;
  const unit = o.unit ? ` ${o.unit}` : '';
  const target = `${SYMBOL[op]} ${bound}${unit}`;
  const met =
    Number.isFinite(value) && (op === '<=' ? value <= bound : op === '<' ? value < bound : op === '>=' ? value >= bound : value === bound);
  const r: Ratio = { label, value, target, met, ...(o.unit ? { unit: o.unit } : {}), ...(o.rounds ? { rounds: o.rounds } : {}) };
  if (!met) r.miss = missText(value, op, bound, digits, unit);
  return r;
}

/** A figure reported without a target. */
export function figure(label: string, value: number, o: JudgeOptions = {}): Ratio {
  return { label, value, ...(o.unit ? { unit: o.unit } : {}), ...(o.rounds ? { rounds: o.rounds } : {}) };
}

function missText(value: number, op: Comparison, bound: number, digits: number, unit: string): string {
  if (!Number.isFinite(value)) return 'no figure: nothing was measured';
  const v = `${value.toFixed(digits)}${unit}`;
  if (op === '=') return `${v} instead of ${bound}${unit}`;
  const gap = Math.abs(value - bound);
  const rel = bound !== 0 ? ` (${((gap / Math.abs(bound)) * 100).toFixed(0)}% ${op.startsWith('<') ? 'over' : 'under'} the bound)` : '';
  return `${v} is ${gap.toFixed(digits)}${unit} ${op.startsWith('<') ? 'above' : 'below'} ${SYMBOL[op]} ${bound}${unit}${rel}`;
}
