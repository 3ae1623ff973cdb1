// The benchmark harness's model: a case has strategies that are sampled interleaved in one
// process after warm-up; every figure is reported as a ratio to the case's reference strategy
// (within the same group, e.g. the same batch size). Scaling cases produce series instead.

import { summarize, type Summary } from './stats.js';
import { outOfReach, repeatedMet, repeatedVerdict, statusOf, type Verdict } from './verdict.js';

// Cases judge their results with these; the report and the comparison read them back.
export { bounded, verdict, type Verdict } from './verdict.js';

export type Mode = 'quick' | 'full' | 'smoke';

export interface Strategy<C = unknown> {
  readonly name: string;
  /** Strategies are compared with the reference of the same group ("N=10", "K=1000"...). */
  readonly group?: string;
  /** Items one sample makes (functions, calls...), to report a rate beside the time. */
  readonly items?: number;
  /** Prepare a context (a runtime, a table...), outside the timed region. */
  setup(mode: Mode): Promise<C> | C;
  /** One timed sample, in the case's unit (the strategy measures itself, excluding set-up). */
  sample(ctx: C, i: number): Promise<number> | number;
  /** Optional breakdown (phase → value) of the last sample. */
  breakdown?(ctx: C): Record<string, number> | undefined;
  /**
   * Runs every IDLE_EVERY reps, outside the timing: background work the strategy's runtime queued
   * (Accrete's compaction) happens here, as it would while an application waits for its next
   * request, instead of inside a later sample or never.
   */
  idle?(ctx: C): Promise<void>;
}

/** A point series of a scaling case: y (in the case's unit) against x. */
export interface Series {
  strategy: string;
  x: number[];
  y: number[];
  /** Extra per-strategy figures (e.g. bytes per live stage). */
  extra?: Record<string, number>;
  /** Per point, the mean where `y` is a median (stage-count-scaling's blocks). */
  mean?: number[];
  /** Every raw sample behind the points, in order (results file only). */
  samples?: number[];
}

export interface Case {
  readonly name: string;
  readonly description: string;
  /** The strategy every ratio is relative to (per group). */
  readonly reference: string;
  /** What the case aims for, in words. */
  readonly target: string;
  readonly unit: string;
  readonly warmup: { quick: number; full: number };
  readonly reps: { quick: number; full: number };
  readonly strategies: ReadonlyArray<Strategy<never>>;
  /** For scaling cases: produce series instead of interleaved samples. */
  readonly series?: (mode: Mode, progress?: Progress) => Promise<{ series: Series[]; xLabel: string; yLabel: string }>;
  /** Judge the result against the target. */
  readonly verdicts?: (r: CaseResult) => Verdict[];
}

export type Progress = (done: number, total: number, what: string) => void;

export interface StrategyResult {
  strategy: string;
  group: string | undefined;
  items: number | undefined;
  summary: Summary;
  samples: number[];
  /**
   * The first warm-up samples (at most COLD_SAMPLES): the runtime's JavaScript not yet optimised
   * by the engine. Steady-state figures come after the whole warm-up; this shows what they hide.
   */
  cold?: Summary;
  breakdown: Record<string, Summary> | undefined;
  /** Every sample's phases, in the order of `samples`. */
  phases?: Record<string, number[]>;
}

export interface CaseResult {
  case: string;
  description: string;
  reference: string;
  target: string;
  unit: string;
  results: StrategyResult[];
  series?: { series: Series[]; xLabel: string; yLabel: string };
  verdicts: Verdict[];
  /**
   * With `--repeat N`: every run's verdicts (this result's tables are the last run's). On a shared
   * machine one run can land on either side of a target; the spread says how firmly it is met.
   */
  repeats?: Verdict[][];
  /** With `--repeat N`: the N − 1 runs before this one, whole (their raw samples too). */
  earlier?: CaseResult[];
}

/** Warm-up samples kept to show cold behaviour. */
const COLD_SAMPLES = 50;
/** How often (in reps) strategies with an `idle` hook get to run their background work. */
const IDLE_EVERY = 50;

/**
 * The order strategies run in, rep by rep: the groups ("N=10") are shuffled each rep, and so are
 * the strategies within each group (a fixed seed, so runs repeat). In a fixed order a strategy
 * always came right after the same one and paid for what it left behind: the first group's first
 * strategy after the last group's biggest sample (the floor at N=1 measured 134 µs after N=1000,
 * 60 µs on its own), and in link-scaling Accrete always after import matching's 2,000-import
 * instantiation and first call.
 */
function groupOrder(strategies: ReadonlyArray<Strategy<unknown>>): (rep: number) => number[] {
  const groups: number[][] = [];
  const byName = new Map<string | undefined, number[]>();
  strategies.forEach((s, k) => {
    let g = byName.get(s.group);
    if (!g) byName.set(s.group, (g = [])), groups.push(g);
    g.push(k);
  });
  let seed = 0x9e3779b9;
  const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const shuffled = <T>(xs: readonly T[]): T[] => {
    const out = xs.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = rnd(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  return () => shuffled(groups).flatMap(shuffled);
}

/** Run one case: warm up, then sample every strategy in turn, rep after rep. */
export async function runCase(c: Case, mode: Mode, progress?: Progress): Promise<CaseResult> {
  const base = { case: c.name, description: c.description, reference: c.reference, target: c.target, unit: c.unit };
  if (c.series) {
    const r: CaseResult = { ...base, results: [], series: await c.series(mode, progress), verdicts: [] };
    r.verdicts = c.verdicts?.(r) ?? [];
    return r;
  }
  const reps = mode === 'smoke' ? 1 : c.reps[mode];
  const warmup = mode === 'smoke' ? 0 : c.warmup[mode];
  const strategies = c.strategies as ReadonlyArray<Strategy<unknown>>;
  const ctxs: unknown[] = [];
  for (const s of strategies) ctxs.push(await s.setup(mode));
  const samples: number[][] = strategies.map(() => []);
  const cold: number[][] = strategies.map(() => []);
  const phases: Array<Record<string, number[]>> = strategies.map(() => ({}));
  const total = (warmup + reps) * strategies.length;
  let done = 0;
  const idles = strategies.some((s) => s.idle);
  const order = groupOrder(strategies);
  for (let r = 0; r < warmup + reps; r++) {
    if (idles && r > 0 && r % IDLE_EVERY === 0) {
      for (let k = 0; k < strategies.length; k++) await strategies[k]!.idle?.(ctxs[k]);
      // The rep after an idle period runs with caches the idle work has cooled, and the first
      // strategy alone would pay for it: one extra rep of every strategy (with an idle hook or
      // not) is run and thrown away. Its sample index lies past the counted ones, so names made
      // from it stay unique; progress does not count it.
      for (let k = 0; k < strategies.length; k++) await strategies[k]!.sample(ctxs[k], warmup + reps + r);
    }
    for (const k of order(r)) {
      const s = strategies[k]!;
      const v = await s.sample(ctxs[k], r);
      if (r < COLD_SAMPLES && r < warmup) cold[k]!.push(v);
      if (r >= warmup) {
        samples[k]!.push(v);
        const b = s.breakdown?.(ctxs[k]);
        if (b) for (const [p, x] of Object.entries(b)) (phases[k]![p] ??= []).push(x);
      }
      progress?.(++done, total, `${s.name}${s.group ? ' ' + s.group : ''}`);
    }
  }
  const r: CaseResult = {
    ...base,
    results: strategies.map((s, k) => ({
      strategy: s.name,
      group: s.group,
      items: s.items,
      summary: summarize(samples[k]!),
      samples: samples[k]!,
      ...(cold[k]!.length ? { cold: summarize(cold[k]!) } : {}),
      breakdown: Object.keys(phases[k]!).length ? Object.fromEntries(Object.entries(phases[k]!).map(([p, xs]) => [p, summarize(xs)])) : undefined,
      ...(Object.keys(phases[k]!).length ? { phases: phases[k]! } : {}),
    })),
    verdicts: [],
  };
  r.verdicts = c.verdicts?.(r) ?? [];
  return r;
}

/** The result of `strategy` in `group`, if the case has one. */
export function findResult(r: CaseResult, strategy: string, group?: string): StrategyResult | undefined {
  return r.results.find((s) => s.strategy === strategy && s.group === group);
}

/** The result of `strategy` in `group`. */
export function resultOf(r: CaseResult, strategy: string, group?: string): StrategyResult {
  const x = findResult(r, strategy, group);
  if (!x) throw new Error(`case ${r.case} has no strategy ${strategy}${group ? ' in ' + group : ''}`);
  return x;
}

/** Median of `strategy` ÷ median of the reference, in the same group. */
export function ratio(r: CaseResult, strategy: string, group?: string, stat: 'median' | 'p99' = 'median'): number {
  return resultOf(r, strategy, group).summary[stat] / resultOf(r, r.reference, group).summary[stat];
}

export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : a >= 1e4 ? `${(x / 1e3).toFixed(1)}k` : a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** A Markdown report of a case: a table with ratios to the reference, phases, verdicts. */
export function markdown(r: CaseResult, charts?: string): string {
  const lines = [`### ${r.case}`, '', `${r.description} Target: ${r.target}`, ''];
  if (r.results.length) {
    const grouped = r.results.some((x) => x.group !== undefined);
    const rates = r.results.some((x) => x.items !== undefined);
    const coldN = Math.max(0, ...r.results.map((x) => x.cold?.n ?? 0));
    // The 99th percentile of fewer than 100 samples is their maximum: say so.
    const few = r.results.some((x) => x.summary.n < 100);
    const head = [
      ...(grouped ? ['group'] : []),
      'strategy',
      'n',
      `median (${r.unit})`,
      few ? `p99 (${r.unit}; max below 100 samples)` : `p99 (${r.unit})`,
      ...(rates ? ['items/s (median)'] : []),
      `median ÷ ${r.reference}`,
      `p99 ÷ ${r.reference}`,
      ...(coldN ? [`first ${coldN}: median ÷ ${r.reference}`] : []),
    ];
    lines.push(`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < (grouped ? 2 : 1) ? ' --- |' : ' ---: |')).join('')}`);
    for (const x of r.results) {
      const ref = r.results.find((s) => s.strategy === r.reference && s.group === x.group);
      const cells = [
        ...(grouped ? [x.group ?? ''] : []),
        x.strategy,
        String(x.summary.n),
        fmt(x.summary.median),
        fmt(x.summary.p99),
        ...(rates ? [x.items !== undefined ? fmt(x.items / (x.summary.median * unitSeconds(r.unit))) : ''] : []),
        ref ? (x.summary.median / ref.summary.median).toFixed(2) : '',
        ref ? (x.summary.p99 / ref.summary.p99).toFixed(2) : '',
        ...(coldN ? [ref?.cold && x.cold ? (x.cold.median / ref.cold.median).toFixed(2) : ''] : []),
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    }
    const withPhases = r.results.filter((x) => x.breakdown);
    if (withPhases.length) {
      lines.push('', `Phases (median ${r.unit}):`, '');
      const names = [...new Set(withPhases.flatMap((x) => Object.keys(x.breakdown!)))];
      lines.push(`| strategy | ${names.join(' | ')} |`, `| --- |${names.map(() => ' ---: |').join('')}`);
      for (const x of withPhases) lines.push(`| ${x.strategy}${x.group ? ' ' + x.group : ''} | ${names.map((n) => (x.breakdown![n] ? fmt(x.breakdown![n]!.median) : '')).join(' | ')} |`);
      // Per-phase p99s come from different samples and add up to nothing; the slowest samples' own
      // phases say where a p99 comes from.
      const tails = withPhases.map((x) => [x, tailPhases(x)] as const).filter(([, t]) => t);
      if (tails.length) {
        lines.push('', `Phases of the slowest 1% of samples (mean ${r.unit}, at least one sample):`, '');
        lines.push(`| strategy | samples | ${names.join(' | ')} |`, `| --- | ---: |${names.map(() => ' ---: |').join('')}`);
        for (const [x, t] of tails) lines.push(`| ${x.strategy}${x.group ? ' ' + x.group : ''} | ${t!.n} | ${names.map((n) => (t!.mean[n] !== undefined ? fmt(t!.mean[n]!) : '')).join(' | ')} |`);
      }
    }
  }
  if (r.series) {
    for (const s of r.series.series) {
      const extra = s.extra ? Object.entries(s.extra).map(([k, v]) => `${k} ${fmt(v)}`).join(', ') : '';
      const failed = (s as { failed?: string }).failed;
      const mean = s.mean?.length ? ` (mean from ${fmt(s.mean[0]!)} to ${fmt(s.mean[s.mean.length - 1]!)})` : '';
      const value = s.x.length === 1 ? `${r.series.yLabel} ${fmt(s.y[0]!)}` : `${s.x.length} points, ${r.series.yLabel} from ${fmt(s.y[0] ?? NaN)} to ${fmt(s.y[s.y.length - 1] ?? NaN)}${mean}`;
      lines.push(`- ${s.strategy}: ${value}${extra ? '; ' + extra : ''}${failed ? `; **${failed}**` : ''}`);
    }
  }
  if (charts) lines.push('', charts);
  if (r.verdicts.length) {
    const engine = r.verdicts.some((v) => v.engine);
    lines.push('', ...verdictHead(engine));
    for (const v of r.verdicts) {
      const status = statusOf(v);
      const met = status === 'met' ? 'yes' : `**${status === 'not met' ? 'no' : status}**`;
      lines.push(`| ${v.what} | ${v.value} | ${met} |${engine ? ` ${v.engine ? `${v.engine.value} (${v.engine.of})${v.engine.met ? '' : ': misses it too'}` : ''} |` : ''}`);
    }
    const unreached = r.verdicts.flatMap((v) => {
      const said = outOfReach(v);
      return said ? [`Out of reach in this run: ${v.what}: ${said}`] : [];
    });
    if (unreached.length) lines.push('', ...unreached);
  }
  if (r.repeats && r.repeats.length > 1 && r.verdicts.length) {
    const all = r.verdicts.map((_, i) => repeatedVerdict(r.repeats!, i));
    const engine = all.some((v) => v.engine);
    lines.push('', `Over ${r.repeats.length} runs (each in a fresh process; median, range):`, '', ...verdictHead(engine));
    for (const v of all) lines.push(`| ${v.what} | ${v.value} | ${repeatedMet(v)} |${engine ? ` ${v.engine ? `${v.engine.value} (${v.engine.of}), met ${v.engine.met} of ${v.engine.runs}` : ''} |` : ''}`);
  }
  return lines.join('\n');
}

/**
 * A verdict table's head. The engine's column only where some target has a floor's figure: most
 * cases have none, and an empty column would read as a floor that measured nothing.
 */
function verdictHead(engine: boolean): string[] {
  return [`| target | measured | met |${engine ? ' the engine alone |' : ''}`, `| --- | ---: | :---: |${engine ? ' --- |' : ''}`];
}

/** The mean of each phase over the samples at or above the 99th percentile (results with raw phases only). */
function tailPhases(x: StrategyResult): { n: number; mean: Record<string, number> } | undefined {
  if (!x.phases || x.samples.length === 0) return undefined;
  const cut = x.summary.p99;
  const at = x.samples.flatMap((v, i) => (v >= cut ? [i] : []));
  const mean = Object.fromEntries(Object.entries(x.phases).map(([p, vs]) => [p, at.reduce((a, i) => a + vs[i]!, 0) / at.length]));
  return { n: at.length, mean };
}

function unitSeconds(unit: string): number {
  return unit === 'ns' ? 1e-9 : unit === 'µs' ? 1e-6 : unit === 'ms' ? 1e-3 : 1;
}

/**
 * Time `work` and check what it returns (a wrong answer makes a benchmark worthless, so every
 * sample is checked). Returns µs, or ns per item when `items` is given.
 */
export function timed(work: () => unknown, expected: unknown, items?: number): number {
  const t0 = performance.now();
  const r = work();
  const ms = performance.now() - t0;
  if (r !== expected) throw new Error(`wrong result ${String(r)}, expected ${String(expected)}`);
  return items === undefined ? ms * 1000 : (ms * 1e6) / items;
}
