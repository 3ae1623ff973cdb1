// `npm run bench -- --instructions [--against REV]`: the commit path's work counted in instructions
// (valgrind's callgrind) instead of timed. A count repeats within ~1% whatever else the machine
// does, where the timed cases' medians move 2× between processes on a busy day: the way to tell
// whether a change to the runtime's JavaScript made it do less (not whether it got faster: cache
// misses cost time and no instructions).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchUsageError } from './args.js';
import { WORKLOADS, type Workload } from './instruction-workloads.js';

const WORKLOADS_JS = fileURLToPath(new URL('./instruction-workloads.js', import.meta.url));
export const THIS_RUNTIME = fileURLToPath(new URL('../runtime/index.js', import.meta.url));

/** The program total a callgrind output file records (its `summary:` line, or `totals:`). */
export function callgrindTotal(text: string): number {
  const m = /^(?:summary|totals):\s*(\d+)/m.exec(text);
  if (!m) throw new Error('no summary line in the callgrind output');
  return Number(m[1]);
}

/**
 * Instructions per counted stage: the run of `warm + counted` stages less the run of `warm`, so the
 * start-up, the library stage and the warm-up (V8 optimising the runtime's code) cancel out.
 */
export function perStage(warmRun: number, fullRun: number, counted: number): number {
  if (!(counted > 0)) throw new RangeError(`counted stages must be positive, got ${counted}`);
  return (fullRun - warmRun) / counted;
}

/** Whether valgrind can be run here. */
export function haveValgrind(): boolean {
  const p = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  return !p.error && p.status === 0;
}

/** Instructions callgrind counts for `stages` stages of workload `w` on the runtime at `runtime`. */
export function countInstructions(node: string, runtime: string, w: Workload, stages: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'accrete-callgrind-'));
  const out = join(dir, 'callgrind.out');
  try {
    // What makes V8's work the same from run to run: one thread (background compiles and marking
    // would land at other points), a garbage collector that does not schedule by the clock, fixed
    // seeds for its hashes. Two runs of a workload then differ by ~0.1% of their instructions (and
    // by ~1% past a few thousand stages, which the workloads stay below).
    const p = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, node, '--single-threaded', '--predictable-gc-schedule', '--random-seed=1', '--hash-seed=1', WORKLOADS_JS, runtime, w.name, String(stages)], {
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 1 << 26,
    });
    if (p.status !== 0) throw new Error(`workload ${w.name} failed under valgrind (exit ${p.status ?? p.signal}):\n${(p.stderr ?? '').trim().split('\n').slice(-8).join('\n')}`);
    return callgrindTotal(readFileSync(out, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A workload's instructions per counted stage on the runtime at `runtime`. */
function measure(node: string, runtime: string, w: Workload, say: (s: string) => void): number {
  const t = Date.now();
  const n = perStage(countInstructions(node, runtime, w, w.warm), countInstructions(node, runtime, w, w.warm + w.counted), w.counted);
  say(`${w.name}: ${Math.round(n).toLocaleString('en')} instructions per stage (${((Date.now() - t) / 1000).toFixed(0)} s)`);
  return n;
}

/** The report: per workload, instructions per stage here and (with a base) there, and new ÷ old. */
export function instructionsTable(rows: ReadonlyArray<{ w: Workload; head: number; base?: number }>, baseName?: string): string {
  const fmt = (x: number) => Math.round(x).toLocaleString('en');
  const lines = baseName
    ? ['| workload | ' + baseName + ' | this checkout | change |', '| --- | ---: | ---: | ---: |', ...rows.map((r) => `| ${r.w.name} | ${fmt(r.base!)} | ${fmt(r.head)} | ${(r.head / r.base!).toFixed(3)} |`)]
    : ['| workload | instructions per stage |', '| --- | ---: |', ...rows.map((r) => `| ${r.w.name} | ${fmt(r.head)} |`)];
  const about = rows.map((r) => `- ${r.w.name}: ${r.w.description}; ${r.w.counted} stages counted after ${r.w.warm}.`);
  return [...lines, '', ...about].join('\n');
}

/**
 * Count every workload with the Node binary `node` on this checkout and, with `base` (a built
 * revision's worktree), on it too, one after the other (a count does not depend on what ran before it).
 */
export function runInstructions(opts: { node: string; base?: { name: string; dir: string } }, say: (s: string) => void = (s) => console.error(s)): string {
  if (!haveValgrind()) throw new BenchUsageError('--instructions needs valgrind (Debian and Ubuntu: apt install valgrind)');
  const node = opts.node;
  const rows = WORKLOADS.map((w) => {
    const base = opts.base ? measure(node, join(opts.base.dir, 'dist/runtime/index.js'), w, (s) => say(`${opts.base!.name}: ${s}`)) : undefined;
    const head = measure(node, THIS_RUNTIME, w, (s) => say(`this checkout: ${s}`));
    return { w, head, base };
  });
  return instructionsTable(rows, opts.base?.name);
}
