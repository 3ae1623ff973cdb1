// `npm run bench -- --compare OLD.json [NEW.json]`: what changed between two results files. Each
// strategy's median ÷ its reference's, per run, old against new, with a bootstrap interval that
// resamples runs and samples, so a change is called only where the noise does not explain it.

import { repeatedVerdict, type CaseResult, type StrategyResult, type Verdict } from './harness.js';
import { listRuns, nodeMajor, readRun, type RunRecord } from './results-file.js';
import { medianOf, seededRandom } from './stats.js';

export interface CompareOptions {
  /** Bootstrap resamples per strategy. Default 2000. */
  iterations?: number;
  /** Seed of the resampling, so that a comparison prints the same each time. Default 1. */
  seed?: number;
  /** Interval coverage. Default 0.95. */
  level?: number;
}

/** One strategy's change: ratios to the reference (median over runs), new ÷ old, its interval, and the call. */
export interface Change {
  case: string;
  strategy: string;
  group: string | undefined;
  oldRatio: number;
  newRatio: number;
  change: number;
  low: number;
  high: number;
  call: 'faster' | 'slower' | '~';
}

/** The runs of a case in a results file: the last one and, with --repeat, those before it. */
const runsOf = (r: CaseResult): CaseResult[] => [...(r.earlier ?? []), r];

const find = (r: CaseResult, strategy: string, group: string | undefined): StrategyResult | undefined =>
  r.results.find((x) => x.strategy === strategy && x.group === group);

/**
 * The change of `strategy` (in `group`) relative to the case's reference from `old` to `neu`. Each
 * resample picks a run on each side and resamples that run's samples of the strategy and of the
 * reference: the interval sees the spread between runs as well as within them.
 */
export function changeOf(old: CaseResult, neu: CaseResult, strategy: string, group: string | undefined, o: CompareOptions = {}): Change | undefined {
  const pairs = (c: CaseResult) =>
    runsOf(c).flatMap((run) => {
      const s = find(run, strategy, group);
      const ref = find(run, c.reference, group);
      return s?.samples.length && ref?.samples.length ? [{ s: s.samples, ref: ref.samples }] : [];
    });
  const a = pairs(old);
  const b = pairs(neu);
  if (!a.length || !b.length) return undefined;
  const ratio = (p: { s: number[]; ref: number[] }) => medianOf(p.s) / medianOf(p.ref);
  const mid = (ps: typeof a) => medianOf(ps.map(ratio));
  const oldRatio = mid(a);
  const newRatio = mid(b);
  const iterations = o.iterations ?? 2000;
  const level = o.level ?? 0.95;
  const random = seededRandom(o.seed ?? 1);
  const scratch = new Float64Array(Math.max(...[...a, ...b].flatMap((p) => [p.s.length, p.ref.length])));
  const resampledMedian = (xs: number[]) => {
    const n = xs.length;
    for (let i = 0; i < n; i++) scratch[i] = xs[Math.floor(random() * n)]!;
    return medianOf(scratch.subarray(0, n));
  };
  const resampled = (ps: typeof a) => {
    const p = ps[Math.floor(random() * ps.length)]!;
    return resampledMedian(p.s) / resampledMedian(p.ref);
  };
  const changes = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) changes[i] = resampled(b) / resampled(a);
  changes.sort();
  const low = changes[Math.floor(((1 - level) / 2) * (iterations - 1))]!;
  const high = changes[Math.ceil(((1 + level) / 2) * (iterations - 1))]!;
  const call = low > 1 ? 'slower' : high < 1 ? 'faster' : '~';
  return { case: old.case, strategy, group, oldRatio, newRatio, change: newRatio / oldRatio, low, high, call };
}

/** A verdict over the runs of a result: its value (median and range with --repeat) and how often it was met. */
function verdictText(r: CaseResult, i: number): string {
  if (r.repeats && r.repeats.length > 1) {
    const v = repeatedVerdict(r.repeats, i);
    return `${v.value}, met ${v.met} of ${v.runs}`;
  }
  const v = r.verdicts[i]!;
  return `${v.value}, ${v.met ? 'met' : 'not met'}`;
}

const describe = (run: RunRecord, file: string, runs: number): string =>
  `${file}: ${run.date.slice(0, 16).replace('T', ' ')} UTC, Node ${run.node}, \`${run.command}\`${run.commit ? `, commit ${run.commit}` : ''}${runs > 1 ? `, ${runs} runs of each case` : ''}`;

const label = (strategy: string, group: string | undefined) => (group ? `${strategy} (${group})` : strategy);

/** A strategy's median of `phase` over a result's runs (NaN where it has no such phase). */
function phaseMedian(r: CaseResult, strategy: string, group: string | undefined, phase: string): number {
  const xs = runsOf(r).flatMap((run) => {
    const m = find(run, strategy, group)?.breakdown?.[phase]?.median;
    return m === undefined ? [] : [m];
  });
  return xs.length ? medianOf(xs) : NaN;
}

/** Where a called change came from: the phases of the strategy and of its reference, old → new (absolute, so machine noise shows too). */
function phaseTable(old: CaseResult, neu: CaseResult, called: readonly Change[]): string[] {
  const rows: string[] = [];
  let phases: string[] = [];
  for (const c of called) {
    const have = Object.keys(find(neu, c.strategy, c.group)?.breakdown ?? {});
    if (!have.length) continue;
    if (!phases.length) phases = have;
    for (const s of [c.strategy, neu.reference]) {
      const cells = phases.map((p) => `${fmtPhase(phaseMedian(old, s, c.group, p))} → ${fmtPhase(phaseMedian(neu, s, c.group, p))}`);
      rows.push(`| ${label(s, c.group)} | ${cells.join(' | ')} |`);
    }
  }
  if (!rows.length) return [];
  return [`Phases of the changes called (median ${neu.unit}, old → new):`, '', `| strategy | ${phases.join(' | ')} |`, `| --- |${phases.map(() => ' ---: |').join('')}`, ...rows, ''];
}

const fmtPhase = (x: number) => (Number.isNaN(x) ? '–' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));

/** A scaling case's series, old → new: the median of each strategy's points (no interval: a point is already a summary). */
function seriesTable(old: CaseResult, neu: CaseResult): string[] {
  if (!neu.series || !old.series) return [];
  const rows = neu.series.series.flatMap((s) => {
    const o = old.series!.series.find((x) => x.strategy === s.strategy);
    if (!o) return [`| ${s.strategy} | | ${fmtPhase(medianOf(s.y))} |`];
    return [`| ${s.strategy} | ${fmtPhase(medianOf(o.y))} | ${fmtPhase(medianOf(s.y))} |`];
  });
  return [`Series (median over the points of the last run, ${neu.series.yLabel}):`, '', '| strategy | old | new |', '| --- | ---: | ---: |', ...rows, ''];
}

/** The comparison as Markdown. */
export function compareRuns(old: { file: string; run: RunRecord }, neu: { file: string; run: RunRecord }, o: CompareOptions = {}): string {
  const most = (run: RunRecord) => Math.max(1, ...run.results.map((r) => runsOf(r).length));
  const lines = [
    '# What changed',
    '',
    `- old: ${describe(old.run, old.file, most(old.run))}`,
    `- new: ${describe(neu.run, neu.file, most(neu.run))}`,
    '',
    `Each strategy's median ÷ its case's reference, in the same run (the median over runs); change is new ÷ old, below 1 faster against the reference. The ${Math.round((o.level ?? 0.95) * 100)}% interval resamples runs and samples; a change is called only when the interval leaves out 1.`,
  ];
  if (most(old.run) < 2 || most(neu.run) < 2) lines.push('With one run on a side the interval cannot see how much processes differ (on this machine, up to ~10% for some cases): `--repeat 3` on both sides says more.');
  if (nodeMajor(old.run) !== nodeMajor(neu.run)) lines.push(`The two files come from different Node versions (${old.run.node}, ${neu.run.node}): engines differ, not only code.`);
  lines.push('');
  const called: Change[] = [];
  for (const n of neu.run.results) {
    const o0 = old.run.results.find((r) => r.case === n.case);
    if (!o0) {
      lines.push(`## ${n.case}`, '', 'Only in the new file.', '');
      continue;
    }
    lines.push(`## ${n.case}`, '');
    const targets = n.verdicts.flatMap((v: Verdict, i) => {
      const j = o0.verdicts.findIndex((w) => w.what === v.what);
      return [`| ${v.what} | ${j >= 0 ? verdictText(o0, j) : '(none)'} | ${verdictText(n, i)} |`];
    });
    if (targets.length) lines.push('| target | old | new |', '| --- | ---: | ---: |', ...targets, '');
    const rows: string[] = [];
    for (const x of n.results) {
      if (x.strategy === n.reference) continue;
      const c = changeOf(o0, n, x.strategy, x.group, o);
      if (!c) {
        rows.push(`| ${label(x.strategy, x.group)} | | | | | only in the new file |`);
        continue;
      }
      if (c.call !== '~') called.push(c);
      rows.push(`| ${label(x.strategy, x.group)} | ${c.oldRatio.toFixed(3)} | ${c.newRatio.toFixed(3)} | ${c.change.toFixed(3)} | ${c.low.toFixed(3)}–${c.high.toFixed(3)} | ${c.call === '~' ? '~' : `**${c.call}**`} |`);
    }
    for (const x of o0.results) if (x.strategy !== o0.reference && !find(n, x.strategy, x.group)) rows.push(`| ${label(x.strategy, x.group)} | | | | | only in the old file |`);
    if (rows.length) lines.push(`| strategy | old ÷ ${n.reference} | new ÷ ${n.reference} | change | interval | |`, '| --- | ---: | ---: | ---: | ---: | :---: |', ...rows, '');
    lines.push(...phaseTable(o0, n, called.filter((c) => c.case === n.case)), ...seriesTable(o0, n));
  }
  for (const r of old.run.results) if (!neu.run.results.some((n) => n.case === r.case)) lines.push(`## ${r.case}`, '', 'Only in the old file.', '');
  lines.push('## Summary', '', called.length ? called.map((c) => `- ${c.case}: ${label(c.strategy, c.group)} ${c.call}, ${c.change.toFixed(3)}× (${c.low.toFixed(3)}–${c.high.toFixed(3)})`).join('\n') : 'No change the noise does not explain.', '');
  return lines.join('\n');
}

/** The newest results file of the same Node major as `old`, other than `old` itself. */
export function newestLike(old: { file: string; run: RunRecord }): { file: string; run: RunRecord } {
  const same = listRuns().filter((x) => x.file !== old.file && x.run.date !== old.run.date && nodeMajor(x.run) === nodeMajor(old.run));
  const hit = same[same.length - 1];
  if (!hit) throw new Error(`no other results file of Node ${nodeMajor(old.run)} in benchmarks/results/ to compare ${old.file} with: name both files`);
  return hit;
}

/** `--compare OLD [NEW]`: NEW defaults to the newest results file of OLD's Node major. */
export function compareFiles(oldPath: string, newPath?: string, o?: CompareOptions): string {
  const old = { file: oldPath, run: readRun(oldPath) };
  const neu = newPath ? { file: newPath, run: readRun(newPath) } : newestLike(old);
  return compareRuns(old, neu, o);
}
