// `npm run bench -- --compare OLD.json [NEW.json]`: what changed between two results files. Each
// strategy's median ÷ its reference's, per run, old against new, with a bootstrap interval that
// resamples runs and then samples, so a change is called only where the noise does not explain it.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { BenchUsageError } from './args.js';
import { findResult as find, type CaseResult } from './harness.js';
import { repeatedMet, repeatedVerdict, statusOf } from './verdict.js';
import { listRuns, nodeMajor, readRun, runDate, type RunRecord } from './results-file.js';
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

/** The median of a few values, the two middle ones averaged (runs: with two, neither one is the median). */
function midMedian(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/**
 * The change of `strategy` (in `group`) relative to the case's reference from `old` to `neu`. A
 * two-stage bootstrap: each resample draws as many runs as a side has (with replacement), resamples
 * each drawn run's samples of the strategy and of the reference, and takes the median of the runs'
 * ratios, so the interval sees the spread between runs and narrows as runs are added.
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
  const oldRatio = midMedian(a.map(ratio));
  const newRatio = midMedian(b.map(ratio));
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
    const ratios: number[] = [];
    for (let r = 0; r < ps.length; r++) {
      const p = ps[Math.floor(random() * ps.length)]!;
      ratios.push(resampledMedian(p.s) / resampledMedian(p.ref));
    }
    return midMedian(ratios);
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
    return `${v.value}, met ${repeatedMet(v)}`;
  }
  const v = r.verdicts[i]!;
  return `${v.value}, ${statusOf(v)}`;
}

const describe = (run: RunRecord, file: string, runs: number): string =>
  `${file}: ${runDate(run)} UTC, Node ${run.node}, \`${run.command}\`${run.commit ? `, commit ${run.commit}` : ''}${runs > 1 ? `, ${runs} runs of each case` : ''}`;

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
  const shown = new Set<string>();
  for (const c of called) {
    const have = Object.keys(find(neu, c.strategy, c.group)?.breakdown ?? {});
    if (!have.length) continue;
    if (!phases.length) phases = have;
    // The reference's phases once per group, beside the first change called in it.
    for (const s of [c.strategy, neu.reference]) {
      const key = `${s}\u0000${c.group ?? ''}`;
      if (shown.has(key)) continue;
      shown.add(key);
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
  const level = Math.round((o.level ?? 0.95) * 100);
  const lines = [
    '# What changed',
    '',
    `- old: ${describe(old.run, old.file, most(old.run))}`,
    `- new: ${describe(neu.run, neu.file, most(neu.run))}`,
    '',
    `Each strategy's median ÷ its case's reference, in the same run (the median over runs); change is new ÷ old, below 1 faster against the reference. The ${level}% interval resamples runs and then samples; a change is called only when the interval leaves out 1.`,
  ];
  if (most(old.run) < 2 || most(neu.run) < 2) lines.push('With one run on a side the interval cannot see how much processes differ (on this machine, up to ~10% for some cases): `--repeat 3` on both sides says more.');
  if (nodeMajor(old.run) !== nodeMajor(neu.run)) lines.push(`The two files come from different Node versions (${old.run.node}, ${neu.run.node}): engines differ, not only code.`);
  // A smoke run is one tiny iteration: its "interval" has nothing to resample and would call everything.
  const smoke = old.run.mode === 'smoke' || neu.run.mode === 'smoke';
  if (smoke) lines.push('A smoke run measures nothing (one tiny iteration per case): no change is called.');
  else if (old.run.mode !== neu.run.mode) lines.push(`The two files come from different modes (${old.run.mode}, ${neu.run.mode}): the samples, warm-ups and sizes differ, not only code.`);
  lines.push('');
  const called: Change[] = [];
  let compared = 0;
  for (const n of neu.run.results) {
    const o0 = old.run.results.find((r) => r.case === n.case);
    if (!o0) continue;
    lines.push(`## ${n.case}`, '');
    // Targets in the new file's order, then those only the old file has.
    const targets = [
      ...n.verdicts.map((v, i) => {
        const j = o0.verdicts.findIndex((w) => w.what === v.what);
        return `| ${v.what} | ${j >= 0 ? verdictText(o0, j) : '(none)'} | ${verdictText(n, i)} |`;
      }),
      ...o0.verdicts.flatMap((v, j) => (n.verdicts.some((w) => w.what === v.what) ? [] : [`| ${v.what} | ${verdictText(o0, j)} | (none) |`])),
    ];
    if (targets.length) lines.push('| target | old | new |', '| --- | ---: | ---: |', ...targets, '');
    // "not met" against "out of reach" is then a change of what the file records, not of the code.
    const bounds = (r: CaseResult) => r.verdicts.some((v) => v.engine);
    if (targets.length && bounds(o0) !== bounds(n)) lines.push(`Only the ${bounds(n) ? 'new' : 'old'} file has the engine alone's figures beside its targets: a target it calls out of reach, the other file can only call not met.`, '');
    const rows: string[] = [];
    for (const x of n.results) {
      if (x.strategy === n.reference) continue;
      const c = changeOf(o0, n, x.strategy, x.group, o);
      if (!c) {
        const why = find(o0, x.strategy, x.group) ? 'no samples of it or of the reference on a side' : 'only in the new file';
        rows.push(`| ${label(x.strategy, x.group)} | | | | | ${why} |`);
        continue;
      }
      if (smoke) c.call = '~';
      compared++;
      if (c.call !== '~') called.push(c);
      rows.push(`| ${label(x.strategy, x.group)} | ${c.oldRatio.toFixed(3)} | ${c.newRatio.toFixed(3)} | ${c.change.toFixed(3)} | ${c.low.toFixed(3)}–${c.high.toFixed(3)} | ${c.call === '~' ? '~' : `**${c.call}**`} |`);
    }
    for (const x of o0.results) if (x.strategy !== o0.reference && !find(n, x.strategy, x.group)) rows.push(`| ${label(x.strategy, x.group)} | | | | | only in the old file |`);
    if (rows.length) lines.push(`| strategy | old ÷ ${n.reference} | new ÷ ${n.reference} | change | interval | |`, '| --- | ---: | ---: | ---: | ---: | :---: |', ...rows, '');
    lines.push(...phaseTable(o0, n, called.filter((c) => c.case === n.case)), ...seriesTable(o0, n));
  }
  const only = (a: RunRecord, b: RunRecord) => a.results.filter((r) => !b.results.some((x) => x.case === r.case)).map((r) => r.case);
  const oldOnly = only(old.run, neu.run);
  const newOnly = only(neu.run, old.run);
  if (oldOnly.length || newOnly.length) {
    lines.push('## Cases in one file only', '');
    if (oldOnly.length) lines.push(`- old: ${oldOnly.join(', ')}`);
    if (newOnly.length) lines.push(`- new: ${newOnly.join(', ')}`);
    lines.push('');
  }
  lines.push('## Summary', '');
  if (!old.run.results.some((r) => neu.run.results.some((n) => n.case === r.case))) lines.push('The two files share no case: nothing to compare.', '');
  else {
    lines.push(called.length ? called.map((c) => `- ${c.case}: ${label(c.strategy, c.group)} ${c.call}, ${c.change.toFixed(3)}× (${c.low.toFixed(3)}–${c.high.toFixed(3)})`).join('\n') : 'No change the noise does not explain.', '');
    // Each interval leaves out 1 by chance for 1 unchanged strategy in 20 (at 95%): say how many that is here.
    const chance = (compared * (100 - level)) / 100;
    if (compared) lines.push(`${compared} ${compared === 1 ? 'strategy' : 'strategies'} compared: about ${chance < 1 ? chance.toFixed(1) : Math.round(chance)} would be called at ${level}% by chance alone, with nothing changed. A change worth believing repeats in another comparison.`, '');
  }
  return lines.join('\n');
}

/**
 * The file `--compare OLD` compares OLD with: the newest later results file (benchmarks/results/)
 * of the same Node major and mode that shares a case with it.
 */
export function newestLike(old: { file: string; run: RunRecord }, candidates = listRuns()): { file: string; run: RunRecord } {
  const path = resolve(old.file);
  const cases = new Set(old.run.results.map((r) => r.case));
  const like = candidates.filter(
    (x) => resolve(x.file) !== path && x.run.date > old.run.date && nodeMajor(x.run) === nodeMajor(old.run) && x.run.mode === old.run.mode && x.run.results.some((r) => cases.has(r.case)),
  );
  const hit = like[like.length - 1];
  if (!hit) throw new BenchUsageError(`no later results file of Node ${nodeMajor(old.run)}, mode ${old.run.mode}, with any of ${[...cases].join(', ')} in benchmarks/results/ to compare ${old.file} with: name both files`);
  return hit;
}

/**
 * `--compare OLD [NEW]`: when OLD is one side of an `--against` run (`…-base.json` beside
 * `…-head.json`) and NEW is not given, the two sides of that run, REV's side old; else NEW
 * defaults to `newestLike(OLD)`.
 */
export function compareFiles(oldPath: string, newPath?: string, o?: CompareOptions): string {
  if (newPath === undefined) {
    const side = /-(base|head)\.json$/.exec(oldPath);
    const base = oldPath.replace(/-head\.json$/, '-base.json');
    const head = oldPath.replace(/-base\.json$/, '-head.json');
    if (side && existsSync(base) && existsSync(head)) return compareFiles(base, head, o);
  }
  const old = { file: oldPath, run: measured(oldPath) };
  if (newPath !== undefined && resolve(newPath) === resolve(oldPath)) throw new BenchUsageError(`--compare: both sides are ${resolve(oldPath)}; name two files`);
  const neu = newPath !== undefined ? { file: newPath, run: measured(newPath) } : newestLike(old);
  return compareRuns(old, neu, o);
}

/** A results file that measured something: a smoke run (one tiny iteration) is refused by name. */
function measured(path: string): RunRecord {
  const run = readRun(path);
  if (run.mode === 'smoke') throw new BenchUsageError(`${resolve(path)} is a smoke run (one tiny iteration per case): it measures nothing to compare`);
  return run;
}
