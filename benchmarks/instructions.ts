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
import { INSTRUMENT_ENV, WORKLOADS, type Workload } from './instruction-workloads.js';

const WORKLOADS_JS = fileURLToPath(new URL('./instruction-workloads.js', import.meta.url));
export const THIS_RUNTIME = fileURLToPath(new URL('../runtime/index.js', import.meta.url));

/** A callgrind output file's totals line (`summary:`, or `totals:`): one figure per event. */
const SUMMARY = /^(?:summary|totals):\s*(.+)$/m;

/** The program total a callgrind output file records: its summary's first figure (instructions). */
export function callgrindTotal(text: string): number {
  const m = SUMMARY.exec(text);
  if (!m) throw new Error('no summary line in the callgrind output');
  return Number(m[1]!.trim().split(/\s+/)[0]);
}

/**
 * The cache callgrind simulates for cold workloads: this machine's (a Xeon: 32 KB L1i, 48 KB L1d,
 * 2 MB L2 per core). Its L3 is shared by every tenant of the host, so a line missed in L2 is the
 * cost counted: ~30 ns each, and a cold commit's code runs mostly once per line fetched.
 */
const COLD_CACHE = ['--cache-sim=yes', '--I1=32768,8,64', '--D1=49152,12,64', '--LL=2097152,16,64'];
/** The function V8 runs a `JSON.parse` reviver from: cold workloads' counted stages run inside one. */
const COLD_TOGGLE = '--toggle-collect=*JsonParseInternalizer*';
/** Cold workloads run uninstrumented until their counted stages (INSTRUMENT_ENV). */
const COLD_OPTIONS = [...COLD_CACHE, COLD_TOGGLE, '--instr-atstart=no'];

/** The events a callgrind output file's summary records, by name (`events:` and `summary:` lines). */
export function callgrindEvents(text: string): Record<string, number> {
  const ev = /^events:\s*(.+)$/m.exec(text);
  const sum = SUMMARY.exec(text);
  if (!ev || !sum) throw new Error('no events or summary line in the callgrind output');
  const names = ev[1]!.trim().split(/\s+/);
  const values = sum[1]!.trim().split(/\s+/).map(Number);
  return Object.fromEntries(names.map((n, i) => [n, values[i] ?? 0]));
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
  return callgrindTotal(callgrind(node, runtime, w, stages));
}

/** What a cold workload's stages fetch from beyond the L2 cache, per counted stage, in 64-byte lines. */
export interface ColdLines {
  code: number;
  data: number;
  /** Instructions run in the counted stages, per stage. */
  instructions: number;
}

/**
 * Runs of a cold workload per side: one run's lines move by ~3–10% between processes of the same
 * build (two runs: 1,888 and 1,827 code lines, 146 k and 133 k instructions). The runs wait for
 * the runtime's background compaction, whose end is not at the same point each time.
 */
export const COLD_RUNS = 3;

/** The run whose lines (code + data) are the median of `runs`. */
export function medianRun(runs: readonly ColdLines[]): ColdLines {
  if (runs.length === 0) throw new RangeError('no runs to take the median of');
  const sorted = [...runs].sort((a, b) => a.code + a.data - (b.code + b.data));
  return sorted[(sorted.length - 1) >> 1]!;
}

/** Lines a cold workload (`w.cold`) fetches per counted stage, its warm-up (`warm` stages) run first and not counted. */
export function countColdLines(node: string, runtime: string, w: Workload, counted = w.counted, warm = w.warm): ColdLines {
  if (!w.cold) throw new Error(`workload ${w.name} is not a cold one`);
  const e = callgrindEvents(callgrind(node, runtime, w, warm + counted, { valgrind: COLD_OPTIONS, warm }));
  return { code: (e['ILmr'] ?? 0) / counted, data: ((e['DLmr'] ?? 0) + (e['DLmw'] ?? 0)) / counted, instructions: (e['Ir'] ?? 0) / counted };
}

/**
 * Run `stages` stages of workload `w` under callgrind; its output file's text. A cold workload's
 * run adds callgrind's options and its warm-up's length.
 */
function callgrind(node: string, runtime: string, w: Workload, stages: number, cold?: { valgrind: readonly string[]; warm: number }): string {
  const dir = mkdtempSync(join(tmpdir(), 'accrete-callgrind-'));
  const out = join(dir, 'callgrind.out');
  try {
    // What makes V8's work the same from run to run: one thread (background compiles and marking
    // would land at other points), a garbage collector that does not schedule by the clock, fixed
    // seeds for its hashes. Two runs of a workload then differ by ~0.1% of their instructions (and
    // by ~1% past a few thousand stages, which the workloads stay below).
    const p = spawnSync('valgrind', [
      '--tool=callgrind',
      `--callgrind-out-file=${out}`,
      ...(cold?.valgrind ?? []),
      node,
      '--single-threaded',
      '--predictable-gc-schedule',
      '--random-seed=1',
      '--hash-seed=1',
      WORKLOADS_JS,
      runtime,
      w.name,
      String(stages),
      ...(cold ? [String(cold.warm)] : []),
    ], {
      encoding: 'utf8',
      env: cold ? { ...process.env, [INSTRUMENT_ENV]: '1' } : process.env,
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 1 << 26,
    });
    if (p.status !== 0) throw new Error(`workload ${w.name} failed under valgrind (exit ${p.status ?? p.signal}):\n${(p.stderr ?? '').trim().split('\n').slice(-8).join('\n')}`);
    return readFileSync(out, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A workload's figure per counted stage on the runtime at `runtime`: instructions, or a cold one's lines. */
function measure(node: string, runtime: string, w: Workload, say: (s: string) => void): number | ColdLines {
  const t = Date.now();
  const took = () => `(${((Date.now() - t) / 1000).toFixed(0)} s)`;
  if (w.cold) {
    const runs = Array.from({ length: COLD_RUNS }, () => countColdLines(node, runtime, w));
    const c = medianRun(runs);
    say(`${w.name}: ${linesOf(c)} lines per stage from beyond L2 (code + data), the median of ${runs.map(linesOf).join(', ')} ${took()}`);
    return c;
  }
  const n = perStage(countInstructions(node, runtime, w, w.warm), countInstructions(node, runtime, w, w.warm + w.counted), w.counted);
  say(`${w.name}: ${fmt(n)} instructions per stage ${took()}`);
  return n;
}

const fmt = (x: number) => Math.round(x).toLocaleString('en');
const linesOf = (c: ColdLines) => `${fmt(c.code)} + ${fmt(c.data)}`;
const totalOf = (c: ColdLines) => c.code + c.data;

type Row = { w: Workload; head: number | ColdLines; base?: number | ColdLines | undefined };

/**
 * The report: per workload, instructions per stage here and (with a base) there, and new ÷ old;
 * then the cold workloads' lines fetched from beyond L2 per stage, code + data, the change taken
 * on their sum.
 */
export function instructionsTable(rows: readonly Row[], baseName?: string): string {
  const warm = rows.filter((r) => typeof r.head === 'number') as Array<{ w: Workload; head: number; base?: number }>;
  const cold = rows.filter((r) => typeof r.head !== 'number') as Array<{ w: Workload; head: ColdLines; base?: ColdLines }>;
  const out: string[] = [];
  if (warm.length) {
    out.push(
      ...(baseName
        ? ['| workload | ' + baseName + ' | this checkout | change |', '| --- | ---: | ---: | ---: |', ...warm.map((r) => `| ${r.w.name} | ${fmt(r.base!)} | ${fmt(r.head)} | ${(r.head / r.base!).toFixed(3)} |`)]
        : ['| workload | instructions per stage |', '| --- | ---: |', ...warm.map((r) => `| ${r.w.name} | ${fmt(r.head)} |`)]),
      '',
    );
  }
  if (cold.length) {
    out.push(
      ...(baseName
        ? ['| cold workload | ' + baseName + ': lines per stage (code + data) | this checkout | change |', '| --- | ---: | ---: | ---: |', ...cold.map((r) => `| ${r.w.name} | ${linesOf(r.base!)} | ${linesOf(r.head)} | ${(totalOf(r.head) / totalOf(r.base!)).toFixed(3)} |`)]
        : ['| cold workload | lines per stage from beyond L2 (code + data) | instructions per stage |', '| --- | ---: | ---: |', ...cold.map((r) => `| ${r.w.name} | ${linesOf(r.head)} | ${fmt(r.head.instructions)} |`)]),
      '',
    );
  }
  const about = rows.map((r) => `- ${r.w.name}: ${r.w.description}; ${r.w.counted} stages counted after ${r.w.warm}.`);
  return [...out, ...about].join('\n');
}

/**
 * Count every workload with the Node binary `node` on this checkout and, with `base` (a built
 * revision's worktree), on it too, one after the other (a count does not depend on what ran before it).
 */
export function runInstructions(opts: { node: string; base?: { name: string; dir: string } }, say: (s: string) => void = (s) => console.error(s)): string {
  if (!haveValgrind()) throw new BenchUsageError('--instructions needs valgrind (Debian and Ubuntu: apt install valgrind)');
  const node = opts.node;
  const rows = WORKLOADS.map((w): Row => {
    const base = opts.base ? measure(node, join(opts.base.dir, 'dist/runtime/index.js'), w, (s) => say(`${opts.base!.name}: ${s}`)) : undefined;
    const head = measure(node, THIS_RUNTIME, w, (s) => say(`this checkout: ${s}`));
    return { w, head, base };
  });
  return instructionsTable(rows, opts.base?.name);
}
