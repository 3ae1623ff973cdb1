// `npm run bench`: runs each case in a fresh child process (so one case cannot pollute the next),
// prints a Markdown table per case and writes every raw sample to benchmarks/results/.
// Flags: --full, --case NAME, --node 24, --smoke (one tiny iteration, for tests).

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { fileURLToPath } from 'node:url';
import { markdown, runCase, type Case, type CaseResult } from './harness.js';
import { CASES } from './cases/index.js';

interface Args {
  mode: 'quick' | 'full' | 'smoke';
  only: string | undefined;
  node: string | undefined;
  child: string | undefined;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { mode: 'quick', only: undefined, node: undefined, child: undefined };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--full') a.mode = 'full';
    else if (x === '--smoke') a.mode = 'smoke';
    else if (x === '--case') a.only = argv[++i];
    else if (x === '--node') a.node = argv[++i];
    else if (x === '--child') a.child = argv[++i];
    else throw new Error(`unknown argument ${x} (flags: --full, --smoke, --case NAME, --node VERSION)`);
  }
  return a;
}

function bar(done: number, total: number, what: string): void {
  if (!process.stderr.isTTY) return;
  const w = 30;
  const f = Math.round((done / total) * w);
  process.stderr.write(`\r[${'#'.repeat(f)}${'.'.repeat(w - f)}] ${what.padEnd(40).slice(0, 40)}`);
  if (done === total) process.stderr.write('\r' + ' '.repeat(w + 45) + '\r');
}

async function child(name: string, mode: Args['mode']): Promise<void> {
  const c = CASES.find((x) => x.name === name);
  if (!c) throw new Error(`no case ${name}`);
  const r = await runCase(c, mode, (d, t, s) => bar(d, t, `${c.name}: ${s}`));
  process.stdout.write(JSON.stringify(r));
}

export function runInChild(c: Case, mode: Args['mode'], node?: string): CaseResult {
  const script = fileURLToPath(import.meta.url);
  const cmd = node ? 'npx' : process.execPath;
  const args = node ? ['-y', `node@${node}`, '--expose-gc', script, '--child', c.name, ...(mode === 'quick' ? [] : [`--${mode}`])] : ['--expose-gc', script, '--child', c.name, ...(mode === 'quick' ? [] : [`--${mode}`])];
  const p = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 });
  if (p.status !== 0) throw new Error(`case ${c.name} failed (exit ${p.status})`);
  return JSON.parse(p.stdout) as CaseResult;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) return child(args.child, args.mode);
  const cases = args.only ? CASES.filter((c) => c.name === args.only) : CASES;
  if (cases.length === 0) throw new Error(`no case named ${args.only} (cases: ${CASES.map((c) => c.name).join(', ')})`);
  const results: CaseResult[] = [];
  const versions = spawnSync(args.node ? 'npx' : process.execPath, [...(args.node ? ['-y', `node@${args.node}`] : []), '-p', 'JSON.stringify(process.versions)'], { encoding: 'utf8' });
  const v = JSON.parse(versions.stdout) as Record<string, string>;
  console.log(`# Accrete benchmarks (${args.mode}) — Node ${v.node}, V8 ${v.v8}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}\n`);
  for (const c of cases) {
    const r = runInChild(c, args.mode, args.node);
    results.push(r);
    console.log(markdown(r) + '\n');
  }
  const dir = fileURLToPath(new URL('../../benchmarks/results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}${new Date().toISOString().slice(0, 10)}-node${v.node}.json`;
  const binaryen = (await import('../codegen/binaryen/version.js')).BINARYEN_VERSION;
  writeFileSync(file, JSON.stringify({ machine: { platform: platform(), arch: arch(), cpus: cpus().map((c) => c.model) }, node: v.node, v8: v.v8, binaryen, mode: args.mode, results }, null, 1));
  console.log(`Raw samples: ${file}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
