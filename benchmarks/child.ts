// Running one case in a fresh process of `run.js --child` (so one case cannot pollute the next),
// for the runner and for cases made of other cases' runs (cold-path).

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CaseResult, Mode } from './harness.js';

const runner = fileURLToPath(new URL('./run.js', import.meta.url));

/**
 * Run case `name` in a fresh process: of this Node, or of Node `node` from the npm registry, with
 * `env` added to the environment, by this checkout's runner or another one's (`--against`).
 * Throws, with the child's exit, if the case fails.
 */
export function runInChild(name: string, mode: Mode, node?: string, env?: Record<string, string>, by = runner): CaseResult {
  const args = ['--expose-gc', by, '--child', name, ...(mode === 'quick' ? [] : [`--${mode}`])];
  const opts = { encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'inherit'] as ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28, env: env && { ...process.env, ...env } };
  const p = node ? spawnSync('npx', ['-y', `node@${node}`, ...args], opts) : spawnSync(process.execPath, args, opts);
  if (p.status !== 0) throw new Error(`case ${name} failed (exit ${p.status ?? p.signal})`);
  const r = JSON.parse(p.stdout) as CaseResult;
  // An older revision's runner (--against) judged no targets: none, not a missing list.
  r.verdicts ??= [];
  return r;
}
