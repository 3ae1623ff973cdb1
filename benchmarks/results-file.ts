// The results files `npm run bench` writes to benchmarks/results/ (one per run of the runner), and
// reading them back for the report and for comparisons, with a clear error for a file that is not one.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BenchUsageError } from './args.js';
import type { CaseResult } from './harness.js';

export interface RunRecord {
  date: string;
  command: string;
  mode: string;
  /** The commit measured, `+dirty` when the working tree had changes; absent outside a git checkout. */
  commit?: string;
  machine: { platform: string; arch: string; cpus: string[] };
  node: string;
  v8: string;
  binaryen: string;
  results: CaseResult[];
}

/**
 * Where results files go: benchmarks/results/, or ACCRETE_BENCH_RESULTS (with a trailing slash
 * added), which the runner's own tests set so that their runs never reach the real folder.
 */
export const RESULTS_DIR = process.env.ACCRETE_BENCH_RESULTS ? process.env.ACCRETE_BENCH_RESULTS.replace(/\/?$/, '/') : fileURLToPath(new URL('../../benchmarks/results/', import.meta.url));

/** Read one results file; throws a BenchUsageError naming the file and what is wrong with it. */
export function readRun(path: string): RunRecord {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BenchUsageError(`cannot read results file ${path}: ${(e as Error).message}`);
  }
  let run: Partial<RunRecord> | null;
  try {
    run = JSON.parse(text) as Partial<RunRecord> | null;
  } catch (e) {
    throw new BenchUsageError(`${path} is not JSON: ${(e as Error).message}`);
  }
  const missing = (['date', 'node', 'mode', 'results'] as const).filter((k) => run?.[k] === undefined);
  if (missing.length || !Array.isArray(run!.results)) throw new BenchUsageError(`${path} is not a benchmark results file (no ${missing.join(', ') || 'list of results'})`);
  // The report and --compare sort and parse these: a number where a string belongs is refused here.
  const notText = (['date', 'node', 'mode'] as const).filter((k) => typeof run![k] !== 'string');
  if (notText.length) throw new BenchUsageError(`${path} is not a benchmark results file (${notText.join(', ')} not text)`);
  run!.results.forEach((r: Partial<CaseResult> | null, i) => {
    const wrong = typeof r?.case !== 'string' ? 'no case name' : !Array.isArray(r.results) ? 'no strategy results' : !Array.isArray(r.verdicts) ? 'no verdicts' : undefined;
    if (wrong) throw new BenchUsageError(`${path} is not a benchmark results file (result ${i}${typeof r?.case === 'string' ? `, ${r.case}` : ''}: ${wrong})`);
  });
  return run as RunRecord;
}

/**
 * Every results file in RESULTS_DIR (smoke runs left out), oldest first. A file that is not one is
 * skipped with a warning: a stray file should not stop the report.
 */
export function listRuns(): Array<{ file: string; run: RunRecord }> {
  if (!existsSync(RESULTS_DIR)) return [];
  return readdirSync(RESULTS_DIR)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => {
      try {
        return [{ file: RESULTS_DIR + f, run: readRun(RESULTS_DIR + f) }];
      } catch (e) {
        console.warn(`skipped: ${(e as Error).message}`);
        return [];
      }
    })
    .filter(({ run }) => run.mode !== 'smoke')
    .sort((a, b) => a.run.date.localeCompare(b.run.date));
}

/** When a run was made, as reports print it ("2026-11-27 09:02", UTC). */
export const runDate = (run: RunRecord): string => run.date.slice(0, 16).replace('T', ' ');

/** The Node major version a run was made with ("20"). */
export const nodeMajor = (run: RunRecord): string => run.node.replace(/^v/, '').split('.')[0]!;

/** The checkout's root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Run git in the checkout (or in `cwd`) and return what it printed; throws if it fails. */
export const git = (args: readonly string[], cwd = ROOT): string => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** HEAD's commit, with `+dirty` if tracked files changed; undefined when git or the checkout is missing. */
export function currentCommit(): string | undefined {
  try {
    const rev = git(['rev-parse', '--short=12', 'HEAD']);
    return git(['status', '--porcelain', '--untracked-files=no']) !== '' ? `${rev}+dirty` : rev;
  } catch {
    return undefined;
  }
}
