// `npm run bench -- --against REV`: the cases measured at another revision and at this checkout, in
// alternating fresh processes, then compared (compare.ts). Alternating processes is what makes the
// comparison fair on a shared machine: two sets run one after the other see different minutes.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BenchUsageError } from './args.js';
import { ROOT, git } from './results-file.js';


/** A built checkout of another revision, in a git worktree of its own. */
export interface Revision {
  /** What the user named, and the commit it is. */
  readonly name: string;
  readonly commit: string;
  /** The worktree, inside a fresh temporary folder (`home`) of this run's own. */
  readonly dir: string;
  readonly home: string;
  /** Its `run.js`, which runs one case with `--child NAME`. */
  readonly runner: string;
}

/**
 * Check out and build `rev` in a worktree in a fresh temporary folder (two runs at once, even of
 * the same revision, never share one), with this checkout's node_modules (so its dependencies are
 * this checkout's versions). `removeRevision` takes it away again.
 */
export function prepareRevision(rev: string): Revision {
  let commit: string;
  try {
    commit = git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  } catch {
    throw new BenchUsageError(`--against: '${rev}' is not a commit of this repository (${ROOT})`);
  }
  const home = mkdtempSync(join(tmpdir(), `accrete-against-${commit.slice(0, 12)}-`));
  const dir = join(home, 'tree');
  const r: Revision = { name: rev, commit: commit.slice(0, 12), dir, home, runner: join(dir, 'dist/benchmarks/run.js') };
  try {
    git(['worktree', 'add', '--detach', '--force', dir, commit]);
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const tsc = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    removeRevision(r);
    // A build killed by an interrupt is not the revision's fault.
    const signal = (e as { signal?: string }).signal;
    if (signal) throw new BenchUsageError(`stopped by ${signal} while building ${rev}; its worktree removed`);
    const out = (e as { stdout?: Buffer }).stdout?.toString().trim();
    throw new BenchUsageError(`--against: ${rev} (${r.commit}) could not be checked out and built with this checkout's dependencies${out ? `:\n${out.split('\n').slice(0, 10).join('\n')}` : ''}`);
  }
  if (!existsSync(r.runner)) {
    removeRevision(r);
    throw new BenchUsageError(`--against: ${rev} (${r.commit}) has no benchmark runner (dist/benchmarks/run.js)`);
  }
  return r;
}

/**
 * Unregister and delete the revision's worktree. Only this one: `git worktree prune` would also drop
 * the user's own worktrees whose folders happen to be missing (moved, or on a disk not mounted).
 */
export function removeRevision(r: Revision): void {
  try {
    git(['worktree', 'remove', '--force', '--force', r.dir]);
  } catch {
    // Not registered (the checkout failed before): only the folder is left to delete.
  }
  rmSync(r.home, { recursive: true, force: true });
}

/** The names of the cases the revision has (a case added since is not there to run). */
export async function casesAt(r: Revision): Promise<string[]> {
  const m = (await import(pathToFileURL(join(r.dir, 'dist/benchmarks/cases/index.js')).href)) as { CASES?: Array<{ name: string }> };
  return (m.CASES ?? []).map((c) => c.name);
}

/**
 * Files under benchmarks/ that only read, compare or report results, or drive the runs from the
 * command line (run.ts: its child entry only calls the harness): they change no measurement. How a
 * child process is started (child.ts: its flags, its environment) can, so it is not among them.
 */
const NOT_MEASURING = new Set(['against.ts', 'args.ts', 'compare.ts', 'instruction-workloads.ts', 'instructions.ts', 'report.ts', 'results-file.ts', 'run.ts', 'svg.ts'].map((f) => `benchmarks/${f}`));

/** The files under benchmarks/ that measure something and differ between the revision and this checkout. */
export function benchmarksChanged(r: Revision): string[] {
  const out = git(['diff', '--name-only', r.commit, '--', 'benchmarks/']);
  return out ? out.split('\n').filter((f) => !NOT_MEASURING.has(f)) : [];
}

/**
 * Which side runs first, case by case and repetition by repetition: they take turns, so neither
 * always follows the other (a process started right after another one's exit meets a warmer or
 * busier machine), even with one repetition of several cases.
 */
export function alternation(repeat: number, caseIndex = 0): Array<readonly ['base' | 'head', 'base' | 'head']> {
  return Array.from({ length: repeat }, (_, i) => ((i + caseIndex) % 2 === 0 ? (['base', 'head'] as const) : (['head', 'base'] as const)));
}
