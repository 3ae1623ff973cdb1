// A case's targets, judged: Accrete's figure against its bound, and beside it the same figure for
// the engine alone measured in the same run, so that a report can tell "not met" from "out of
// reach" by measurement rather than by assertion.

import { summarize } from './stats.js';

/** The engine alone's figure for a target (a floor of the case, measured in the same process run). */
export interface EngineBound {
  /** Which floor, in words ("the shared-table floor"). */
  of: string;
  value: string;
  /** Whether the engine alone meets the target's bound. */
  met: boolean;
}

/** A target check: which ratio or figure, its value, and whether it is met. */
export interface Verdict {
  what: string;
  value: string;
  met: boolean;
  /**
   * The same figure for the engine alone, where a floor measures it. Where the engine misses the
   * bound too, no runtime with this lowering can meet it on this engine: out of reach in that run.
   */
  engine?: EngineBound;
  /** What would reach the target, said where the engine alone misses it. */
  reach?: string;
}

export type Status = 'met' | 'not met' | 'out of reach';

/** `value` formatted as a ratio (or with `suffix`), judged by `ok`. */
export function verdict(what: string, value: number, ok: boolean, suffix = '×'): Verdict {
  return { what, value: `${value.toFixed(2)}${suffix}`, met: ok };
}

/** The engine alone's figure for a target: which floor, its value, and what would reach the target. */
export interface EngineFigure {
  of: string;
  value: number;
  reach: string;
}

/**
 * A target judged by `test` for Accrete's `value` and, by the same test, for the engine alone. An
 * engine figure that is not a finite number (a floor missing a phase) is left out rather than
 * judged: a target must not read "out of reach" because a floor failed to measure.
 */
export function bounded(what: string, value: number, test: (x: number) => boolean, engine: EngineFigure, suffix = '×'): Verdict {
  const v = verdict(what, value, test(value), suffix);
  if (!Number.isFinite(engine.value)) return v;
  return { ...v, engine: { of: engine.of, value: `${engine.value.toFixed(2)}${suffix}`, met: test(engine.value) }, reach: engine.reach };
}

export function statusOf(v: Verdict): Status {
  return v.met ? 'met' : v.engine && !v.engine.met ? 'out of reach' : 'not met';
}

/**
 * Median and range of a list of formatted values sharing one suffix ("1.40× (1.20×–1.60×)"); with
 * an even count, the lower of the two middle values. Values that are not numbers ("NaN×") are left
 * out of both, and the suffix is taken from one that is.
 */
function spread(values: readonly string[]): string {
  const numbers = values.filter((v) => Number.isFinite(parseFloat(v)));
  if (numbers.length === 0) return values[0]!;
  const suffix = numbers[0]!.replace(/^[-\d.]+/, '');
  const s = summarize(numbers.map((v) => parseFloat(v)));
  const f = (x: number) => `${x.toFixed(2)}${suffix}`;
  return `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

/** One target over repeated runs. */
export interface RepeatedVerdict {
  what: string;
  /** The median over the runs, and the range. */
  value: string;
  met: number;
  runs: number;
  /** Runs in which it was missed and the engine alone missed it too. */
  outOfReach: number;
  /** The engine alone's figure over the runs that measured it, and in how many it met the bound. */
  engine?: { of: string; value: string; met: number; runs: number };
  reach?: string;
}

/**
 * Target `i` of the last run, over repeated runs: the median value, the range, how often it was
 * met, and the engine's figure over the runs that have one (results files from before engine
 * figures have none). Runs are matched by the target's words, not its position.
 */
export function repeatedVerdict(runs: readonly Verdict[][], i: number): RepeatedVerdict {
  const what = runs[runs.length - 1]![i]!.what;
  const vs = runs.flatMap((r) => r.filter((v) => v.what === what));
  const out: RepeatedVerdict = {
    what: vs[0]!.what,
    value: spread(vs.map((v) => v.value)),
    met: vs.filter((v) => v.met).length,
    runs: vs.length,
    outOfReach: vs.filter((v) => statusOf(v) === 'out of reach').length,
  };
  const bounds = vs.flatMap((v) => (v.engine ? [v.engine] : []));
  if (bounds.length) out.engine = { of: bounds[0]!.of, value: spread(bounds.map((b) => b.value)), met: bounds.filter((b) => b.met).length, runs: bounds.length };
  // The last run's words (its figures are the ones the case's tables show).
  const reach = [...vs].reverse().find((v) => v.reach)?.reach;
  if (reach) out.reach = reach;
  return out;
}

/** "2 of 3", and in how many of the misses the engine alone missed too. */
export function repeatedMet(v: RepeatedVerdict): string {
  return `${v.met} of ${v.runs}${v.outOfReach ? `; out of reach in ${v.outOfReach}` : ''}`;
}

/**
 * A mark for a target over runs: ✓ met in every run, ⊘ missed only where the engine alone missed
 * too (out of reach), ✗ met in none, ~ some.
 */
export function markOf(v: Pick<RepeatedVerdict, 'met' | 'runs' | 'outOfReach'>): string {
  if (v.met === v.runs) return '✓';
  if (v.met + v.outOfReach === v.runs) return '⊘';
  return v.met === 0 ? '✗' : '~';
}

/**
 * What a report says of a target out of reach: its figure, the engine alone's, and what would reach
 * it; undefined where it was never out of reach.
 */
export function outOfReach(v: Verdict | RepeatedVerdict): string | undefined {
  if ('runs' in v) {
    if (!v.outOfReach || !v.engine) return undefined;
    return `${v.value}, out of reach in ${v.outOfReach} of ${v.runs} runs; the engine alone (${v.engine.of}) ${v.engine.value}, met in ${v.engine.met} of ${v.engine.runs}. ${v.reach ?? ''}`.trimEnd();
  }
  if (statusOf(v) !== 'out of reach') return undefined;
  return `${v.value}; the engine alone (${v.engine!.of}) ${v.engine!.value}. ${v.reach ?? ''}`.trimEnd();
}

/** A single run's verdict in the words of `markOf`'s marks. */
export function markOne(v: Verdict): string {
  return markOf({ met: v.met ? 1 : 0, runs: 1, outOfReach: statusOf(v) === 'out of reach' ? 1 : 0 });
}
