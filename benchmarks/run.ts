// `npm run bench`: runs each case in a fresh child process (so one case cannot pollute the next),
// prints a Markdown table per case and writes every raw sample to benchmarks/results/.
// Flags: see args.ts (`npm run bench -- --help`).

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { resolve } from 'node:path';
import { runInChild } from './child.js';
import { markdown, runCase, type Case, type CaseResult, type Mode } from './harness.js';
import { CASES } from './cases/index.js';
import { writeReport } from './report.js';
import { compareFiles, compareRuns } from './compare.js';
import { alternation, benchmarksChanged, casesAt, prepareRevision, removeRevision, type Revision } from './against.js';
import { RESULTS_DIR, currentCommit, type RunRecord } from './results-file.js';
import { BenchUsageError, commandOf, flagsNpmTook, parseArgs, usage, type Args } from './args.js';
import { BINARYEN_VERSION } from '../codegen/binaryen/version.js';
import { runInstructions } from './instructions.js';

function bar(done: number, total: number, what: string): void {
  if (!process.stderr.isTTY) return;
  const w = 30;
  const f = Math.round((done / total) * w);
  process.stderr.write(`\r[${'#'.repeat(f)}${'.'.repeat(w - f)}] ${what.padEnd(48).slice(0, 48)}`);
  if (done === total) process.stderr.write('\r' + ' '.repeat(w + 52) + '\r');
}

async function child(name: string, mode: Mode): Promise<void> {
  const c = CASES.find((x) => x.name === name);
  if (!c) throw new Error(`no case ${name}`);
  const r = await runCase(c, mode, (d, t, s) => bar(d, t, `${c.name}: ${s}`));
  process.stdout.write(JSON.stringify(r));
}

/** The versions of this Node or of Node `node` from the npm registry, and its binary (`execPath`). */
function versionsOf(node: string | undefined): Record<string, string> {
  const p = spawnSync(node ? 'npx' : process.execPath, [...(node ? ['-y', `node@${node}`] : []), '-p', 'JSON.stringify({ ...process.versions, execPath: process.execPath })'], { encoding: 'utf8' });
  if (p.status !== 0 || !p.stdout.trim()) {
    const why = (p.stderr ?? '').trim().split('\n').slice(-3).join('\n');
    throw new BenchUsageError(`--node ${node ?? ''}: could not run node@${node ?? 'this'} (exit ${p.status ?? p.signal})${why ? `:\n${why}` : ''}`);
  }
  return JSON.parse(p.stdout) as Record<string, string>;
}

async function main(): Promise<void> {
  const caseNames = CASES.map((c) => c.name);
  const args = parseArgs(process.argv.slice(2), caseNames);
  if (args.child) return child(args.child, args.mode);
  const took = flagsNpmTook(process.env);
  if (took.length) throw new BenchUsageError(`npm took ${took.join(', ')} for itself (npm passes a script only what comes after --): write npm run bench -- ${took.join(' ')} …`);
  if (args.help) {
    console.log(usage(caseNames));
    return;
  }
  if (args.compare) {
    // Paths as the user typed them, from where they typed them (npm runs scripts from the package root).
    const from = process.env.INIT_CWD ?? process.cwd();
    const [o, n] = args.compare;
    console.log(compareFiles(resolve(from, o), n === undefined ? undefined : resolve(from, n)));
    return;
  }
  if (args.report) {
    console.log(writeReport());
    return;
  }
  if (args.instructions) return instructions(args);
  // parseArgs trimmed the names.
  const names = args.only?.split(',') ?? [];
  const unknown = names.filter((n) => !CASES.some((c) => c.name === n));
  if (unknown.length) throw new BenchUsageError(`no case named ${unknown.join(', ')} (cases: ${caseNames.join(', ')})`);
  // In the suite's order, each once.
  const cases = names.length ? CASES.filter((c) => names.includes(c.name)) : CASES;
  if (args.against) return against(args.against, cases, args);
  const v = versionsOf(args.node);
  const command = commandOf(args);
  console.log(`# Accrete benchmarks (${args.mode}) — Node ${v.node}, V8 ${v.v8}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}\n`);
  // Read before the cases run: a file edited meanwhile does not change what was measured.
  const commit = currentCommit();
  const results: CaseResult[] = [];
  // An interrupt stops after the case running (the child gets it too, when it comes from the
  // terminal) and keeps the cases that finished, as a failing case does.
  const signal = interrupts();
  const keep = () => {
    if (args.mode === 'smoke' || results.length === 0) return '';
    const file = writeRecord(record(command, args.mode, commit, v, results));
    return results.length === 1 ? `; the case that finished is in ${file}` : `; the ${results.length} cases that finished are in ${file}`;
  };
  try {
    cases: for (const c of cases) {
      const runs: CaseResult[] = [];
      for (let i = 0; i < args.repeat; i++) {
        // The runs are synchronous: a signal's handler runs only when the event loop turns.
        await turn();
        if (signal.stopped) break cases;
        runs.push(runInChild(c.name, args.mode, args.node));
      }
      const r = asRepeated(runs);
      results.push(r);
      console.log(markdown(r) + '\n');
    }
  } catch (e) {
    // A child killed by the signal fails its case: say what happened instead.
    await turn();
    throw signal.stopped ? new BenchUsageError(`stopped by ${signal.stopped}${keep()}`) : new Error(`${(e as Error).message}${keep()}`, { cause: e });
  } finally {
    signal.off();
  }
  // Stopped before the last case (a signal during it finds nothing left to stop).
  if (results.length < cases.length) throw new BenchUsageError(`stopped by ${signal.stopped ?? 'a signal'}${keep()}`);
  // Smoke runs measure nothing: shown, not kept (as with --against).
  if (args.mode === 'smoke') console.log('A smoke run: no results file kept.');
  else console.log(`Raw samples: ${writeRecord(record(command, args.mode, commit, v, results))}`);
}

/** One case's runs as one result: the last run's tables, every run's verdicts, the runs before it whole. */
function asRepeated(runs: CaseResult[]): CaseResult {
  const r = runs[runs.length - 1]!;
  if (runs.length > 1) {
    r.repeats = runs.map((x) => x.verdicts);
    r.earlier = runs.slice(0, -1);
  }
  return r;
}

function record(command: string, mode: Mode, commit: string | undefined, v: Record<string, string>, results: CaseResult[], date = new Date()): RunRecord {
  return {
    date: date.toISOString(),
    command,
    mode,
    commit,
    machine: { platform: platform(), arch: arch(), cpus: cpus().map((c) => c.model) },
    node: v.node!,
    v8: v.v8!,
    binaryen: BINARYEN_VERSION,
    results,
  };
}

/** Write a results file into benchmarks/results/ (`sub`: a folder of it) and return its path. */
function writeRecord(r: RunRecord, sub = '', suffix = ''): string {
  const dir = `${RESULTS_DIR}${sub}`;
  mkdirSync(dir, { recursive: true });
  const stamp = r.date.replace(/[:.]/g, '-');
  const file = `${dir}${stamp}-node${r.node}${suffix}.json`;
  writeFileSync(file, JSON.stringify(r, null, 1));
  return file;
}

/** Let the event loop turn once (pending signal handlers run). */
const turn = () => new Promise<void>((done) => setImmediate(done));

/**
 * The interrupts a run stops for between its processes: `stopped` names the last one heard. The
 * runs are synchronous, so a handler runs only when the event loop turns (`turn`).
 */
function interrupts(): { readonly stopped: NodeJS.Signals | undefined; off(): void } {
  let stopped: NodeJS.Signals | undefined;
  const stop = (sig: NodeJS.Signals) => (stopped = sig);
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const sig of signals) process.on(sig, stop);
  return {
    get stopped() {
      return stopped;
    },
    off: () => signals.forEach((sig) => process.off(sig, stop)),
  };
}

/**
 * `--against REV`: each case at REV (base) and at this checkout (head), in alternating fresh
 * processes, then compared. The two results files go to benchmarks/results/against/, where the
 * report does not look (REV's figures are not this checkout's). An interrupt stops between runs and
 * still removes REV's worktree.
 */
async function against(rev: string, cases: readonly Case[], args: Args): Promise<void> {
  const v = versionsOf(args.node);
  const commit = currentCommit();
  const command = commandOf(args);
  console.log(`# ${rev} against this checkout (${commit ?? 'not a git checkout'}) — Node ${v.node}, V8 ${v.v8}\n`);
  // The signal reaches the running child too, which dies; the loop then stops and cleans up.
  const signal = interrupts();
  let base: Revision | undefined;
  try {
    base = prepareRevision(rev);
    process.stderr.write(`${rev} built in ${base.dir}\n`);
    const there = new Set(await casesAt(base));
    const missing = cases.filter((c) => !there.has(c.name)).map((c) => c.name);
    if (missing.length) console.log(`Not at ${rev}, so measured on neither side: ${missing.join(', ')}.\n`);
    const both = cases.filter((c) => there.has(c.name));
    if (both.length === 0) throw new BenchUsageError(`--against: ${rev} has none of the cases asked for (${cases.map((c) => c.name).join(', ')}): nothing to measure`);
    const changed = benchmarksChanged(base);
    if (changed.length) console.log(`benchmarks/ differs between ${rev} and this checkout (${changed.join(', ')}): each side runs its own cases, so a change there shows as a change of the runtime.\n`);
    const runs = { base: new Map<string, CaseResult[]>(), head: new Map<string, CaseResult[]>() };
    for (const [k, c] of both.entries()) {
      for (const order of alternation(args.repeat, k)) {
        for (const side of order) {
          // The runs are synchronous: a signal's handler runs only when the event loop turns.
          await turn();
          if (signal.stopped) throw new BenchUsageError(`stopped by ${signal.stopped}`);
          const r = runInChild(c.name, args.mode, args.node, undefined, side === 'base' ? base.runner : undefined);
          const list = runs[side].get(c.name) ?? [];
          runs[side].set(c.name, [...list, r]);
          console.error(`${c.name}: ${side} run ${list.length + 1} of ${args.repeat}`);
        }
      }
    }
    const results = (side: 'base' | 'head') => both.map((c) => asRepeated(runs[side].get(c.name)!));
    // One date for both: their files' names then differ only in -base/-head, which pairs them.
    const date = new Date();
    const b = record(command, args.mode, base.commit, v, results('base'), date);
    const h = record(command, args.mode, commit, v, results('head'), date);
    console.log(compareRuns({ file: `${rev} (${base.commit})`, run: b }, { file: 'this checkout', run: h }));
    // Smoke runs measure nothing: compared, not kept.
    if (args.mode === 'smoke') console.log('A smoke run: no results files kept.');
    else console.log(`Raw samples: ${writeRecord(b, 'against/', '-base')}, ${writeRecord(h, 'against/', '-head')}`);
  } catch (e) {
    // A child killed by the signal fails its case (or the build): say what happened instead.
    await turn();
    if (signal.stopped) throw new BenchUsageError(`stopped by ${signal.stopped}; ${rev}'s worktree removed`);
    throw e;
  } finally {
    if (base) removeRevision(base);
    signal.off();
  }
}

/** `--instructions [--against REV]`: instruction counts per stage (instructions.ts), REV's built in a worktree. */
function instructions(args: Args): void {
  const v = versionsOf(args.node);
  console.log(`# Instructions per stage (callgrind) — Node ${v.node}, V8 ${v.v8}, this checkout ${currentCommit() ?? '(not a git checkout)'}\n`);
  let base: Revision | undefined;
  try {
    if (args.against) {
      base = prepareRevision(args.against);
      process.stderr.write(`${args.against} built in ${base.dir}\n`);
    }
    console.log(runInstructions({ node: v.execPath!, base: base && { name: `${args.against} (${base.commit})`, dir: base.dir } }));
  } finally {
    if (base) removeRevision(base);
  }
}

main().catch((e: unknown) => {
  // A wrong command line or results file needs its message only; anything else, its stack.
  console.error(e instanceof BenchUsageError ? e.message : e);
  process.exit(1);
});
