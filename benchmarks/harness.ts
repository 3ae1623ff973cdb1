// The benchmark harness's model: a case has strategies that are sampled interleaved in one
// process after warm-up; every figure is reported as a ratio to the case's reference strategy.

import { summarize, type Summary } from './stats.js';

export interface Strategy<C = unknown> {
  readonly name: string;
  /** Prepare a context (a runtime, a table...), outside the timed region. */
  setup(): Promise<C> | C;
  /** One timed sample, in microseconds (the strategy measures itself, so it can exclude set-up). */
  sample(ctx: C, i: number): Promise<number> | number;
  /** Optional per-sample breakdown (phase → µs) for the last sample. */
  breakdown?(ctx: C): Record<string, number> | undefined;
}

export interface Case {
  readonly name: string;
  readonly description: string;
  /** The strategy every ratio is relative to. */
  readonly reference: string;
  /** What the case aims for, in words (reported beside the figures). */
  readonly target: string;
  readonly warmup: { quick: number; full: number };
  readonly reps: { quick: number; full: number };
  readonly strategies: ReadonlyArray<Strategy<never>>;
  /** The unit of the samples. */
  readonly unit: string;
}

export interface StrategyResult {
  strategy: string;
  summary: Summary;
  samples: number[];
  breakdown: Record<string, Summary> | undefined;
}

export interface CaseResult {
  case: string;
  description: string;
  reference: string;
  target: string;
  unit: string;
  results: StrategyResult[];
}

/** Run one case: warm up, then sample every strategy in turn, rep after rep. */
export async function runCase(c: Case, mode: 'quick' | 'full' | 'smoke', progress?: (done: number, total: number, what: string) => void): Promise<CaseResult> {
  const reps = mode === 'smoke' ? 1 : c.reps[mode];
  const warmup = mode === 'smoke' ? 0 : c.warmup[mode];
  const strategies = c.strategies as ReadonlyArray<Strategy<unknown>>;
  const ctxs: unknown[] = [];
  for (const s of strategies) ctxs.push(await s.setup());
  const samples: number[][] = strategies.map(() => []);
  const phases: Array<Record<string, number[]>> = strategies.map(() => ({}));
  const total = (warmup + reps) * strategies.length;
  let done = 0;
  for (let r = 0; r < warmup + reps; r++) {
    for (let k = 0; k < strategies.length; k++) {
      const s = strategies[k]!;
      const v = await s.sample(ctxs[k], r);
      if (r >= warmup) {
        samples[k]!.push(v);
        const b = s.breakdown?.(ctxs[k]);
        if (b) for (const [p, x] of Object.entries(b)) (phases[k]![p] ??= []).push(x);
      }
      progress?.(++done, total, s.name);
    }
  }
  return {
    case: c.name,
    description: c.description,
    reference: c.reference,
    target: c.target,
    unit: c.unit,
    results: strategies.map((s, k) => ({
      strategy: s.name,
      summary: summarize(samples[k]!),
      samples: samples[k]!,
      breakdown: Object.keys(phases[k]!).length ? Object.fromEntries(Object.entries(phases[k]!).map(([p, xs]) => [p, summarize(xs)])) : undefined,
    })),
  };
}

/** A Markdown table of a case's results with ratios to the reference. */
export function markdown(r: CaseResult): string {
  const ref = r.results.find((x) => x.strategy === r.reference)!;
  const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const lines = [
    `### ${r.case}`,
    '',
    `${r.description} Target: ${r.target}`,
    '',
    `| strategy | median (${r.unit}) | p99 (${r.unit}) | median ÷ ${r.reference} | p99 ÷ ${r.reference} |`,
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const x of r.results) {
    lines.push(`| ${x.strategy} | ${fmt(x.summary.median)} | ${fmt(x.summary.p99)} | ${(x.summary.median / ref.summary.median).toFixed(2)} | ${(x.summary.p99 / ref.summary.p99).toFixed(2)} |`);
  }
  const withPhases = r.results.filter((x) => x.breakdown);
  if (withPhases.length) {
    lines.push('', `Phases (median ${r.unit}):`, '');
    const names = [...new Set(withPhases.flatMap((x) => Object.keys(x.breakdown!)))];
    lines.push(`| strategy | ${names.join(' | ')} |`, `| --- |${names.map(() => ' ---: |').join('')}`);
    for (const x of withPhases) lines.push(`| ${x.strategy} | ${names.map((n) => (x.breakdown![n] ? fmt(x.breakdown![n]!.median) : '')).join(' | ')} |`);
  }
  return lines.join('\n');
}
