// A case's targets, judged: Accrete's figure against its bound, and beside it the same figure for
// the engine alone measured in the same run, so that a report can tell "not met" from "out of
// reach" by measurement rather than by assertion.

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

/** `v` with the engine alone's figure for the same target beside it, and what would reach it. */
export function bounded(v: Verdict, of: string, value: number, ok: boolean, reach: string, suffix = '×'): Verdict {
  return { ...v, engine: { of, value: `${value.toFixed(2)}${suffix}`, met: ok }, reach };
}

export function statusOf(v: Verdict): Status {
  return v.met ? 'met' : v.engine && !v.engine.met ? 'out of reach' : 'not met';
}

/** Median and range of a list of formatted values sharing one suffix ("1.40× (1.20×–1.60×)"). */
function spread(values: readonly string[]): string {
  const suffix = values[0]!.replace(/^[-\d.]+/, '');
  const sorted = values.map((v) => parseFloat(v)).sort((a, b) => a - b);
  const med = sorted[(sorted.length - 1) >> 1]!;
  const f = (x: number) => `${x.toFixed(2)}${suffix}`;
  return `${f(med)} (${f(sorted[0]!)}–${f(sorted[sorted.length - 1]!)})`;
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

/** Target `i` over repeated runs: the median value, the range, how often it was met, and the engine's. */
export function repeatedVerdict(runs: readonly Verdict[][], i: number): RepeatedVerdict {
  const vs = runs.map((r) => r[i]!).filter((v) => v !== undefined);
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

/** A single run's verdict in the words of `markOf`'s marks. */
export function markOne(v: Verdict): string {
  return markOf({ met: v.met ? 1 : 0, runs: 1, outOfReach: statusOf(v) === 'out of reach' ? 1 : 0 });
}
