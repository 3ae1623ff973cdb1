// `npm run bench -- --against REV`: the cases measured at another revision and at this checkout, in
// alternating fresh processes, then compared (compare.ts). Alternating processes is what makes the
// comparison fair on a shared machine: two sets run one after the other see different minutes.

import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchUsageError } from './args.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** A built checkout of another revision, in a git worktree of its own. */
export interface Revision {
  /** What the user named, and the commit it is. */
  readonly name: string;
  readonly commit: string;
  readonly dir: string;
  /** Its `run.js`, which runs one case with `--child NAME`. */
  readonly runner: string;
}

const git = (args: string[], cwd = root): string => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/**
 * Check out and build `rev` in a worktree under the system's temporary directory, with this
 * checkout's node_modules (so its dependencies are this checkout's versions). `removeRevision`
 * takes it away again.
 */
export function prepareRevision(rev: string): Revision {
  let commit: string;
  try {
    commit = git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  } catch {
    throw new BenchUsageError(`--against: '${rev}' is not a commit of this repository (${root})`);
  }
  const dir = join(tmpdir(), `accrete-against-${commit.slice(0, 12)}`);
  // A worktree left by an interrupted run is replaced.
  if (existsSync(dir)) removeWorktree(dir);
  git(['worktree', 'add', '--detach', '--force', dir, commit]);
  const rev0: Revision = { name: rev, commit: commit.slice(0, 12), dir, runner: join(dir, 'dist/benchmarks/run.js') };
  try {
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    removeRevision(rev0);
    const out = (e as { stdout?: Buffer }).stdout?.toString().trim();
    throw new BenchUsageError(`--against: ${rev} (${rev0.commit}) does not build with this checkout's dependencies${out ? `:\n${out.split('\n').slice(0, 10).join('\n')}` : ''}`);
  }
  if (!existsSync(rev0.runner)) {
    removeRevision(rev0);
    throw new BenchUsageError(`--against: ${rev} (${rev0.commit}) has no benchmark runner (dist/benchmarks/run.js)`);
  }
  return rev0;
}

function removeWorktree(dir: string): void {
  try {
    git(['worktree', 'remove', '--force', '--force', dir]);
  } catch {
    rmSync(dir, { recursive: true, force: true });
    git(['worktree', 'prune']);
  }
}

export function removeRevision(r: Revision): void {
  removeWorktree(r.dir);
}

/**
 * Which side runs first in each repetition: they take turns, so neither always follows the other
 * (a process started right after another one's exit meets a warmer or busier machine).
 */
export function alternation(repeat: number): Array<readonly ['base' | 'head', 'base' | 'head']> {
  return Array.from({ length: repeat }, (_, i) => (i % 2 === 0 ? (['base', 'head'] as const) : (['head', 'base'] as const)));
}
