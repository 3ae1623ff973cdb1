// `npm run bench`: runs each case in a fresh child process (so one case cannot pollute the next),
// prints a Markdown table per case and writes every raw sample to benchmarks/results/.
// Flags: --full, --case NAME, --node 24, --smoke (one tiny iteration), --repeat N (each case N
// times, in N fresh processes, reporting every target's median, range and how often it is met),
// --report (rewrite docs/benchmarks.md from the newest results of each Node version, without
// running anything).

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runInChild } from './child.js';
import { markdown, runCase, type CaseResult, type Mode } from './harness.js';
import { CASES } from './cases/index.js';
import { writeReport } from './report.js';
import { BINARYEN_VERSION } from '../codegen/binaryen/version.js';

interface Args {
  mode: Mode;
  only: string | undefined;
  node: string | undefined;
  child: string | undefined;
  report: boolean;
  repeat: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { mode: 'quick', only: undefined, node: undefined, child: undefined, report: false, repeat: 1 };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--full') a.mode = 'full';
    else if (x === '--smoke') a.mode = 'smoke';
    else if (x === '--case') a.only = argv[++i];
    else if (x === '--node') a.node = argv[++i];
    else if (x === '--child') a.child = argv[++i];
    else if (x === '--report') a.report = true;
    else if (x === '--repeat') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 50) throw new Error(`--repeat takes a whole number of runs from 1 to 50, got ${String(argv[i])}`);
      a.repeat = n;
    } else throw new Error(`unknown argument ${x} (flags: --full, --smoke, --case NAME, --node VERSION, --repeat N, --report)`);
  }
  return a;
}

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

function versionsOf(node: string | undefined): Record<string, string> {
  const p = spawnSync(node ? 'npx' : process.execPath, [...(node ? ['-y', `node@${node}`] : []), '-p', 'JSON.stringify(process.versions)'], { encoding: 'utf8' });
  return JSON.parse(p.stdout) as Record<string, string>;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) return child(args.child, args.mode);
  if (args.report) {
    console.log(`wrote ${writeReport()}`);
    return;
  }
  const cases = args.only ? CASES.filter((c) => c.name === args.only) : CASES;
  if (cases.length === 0) throw new Error(`no case named ${args.only} (cases: ${CASES.map((c) => c.name).join(', ')})`);
  const v = versionsOf(args.node);
  const command = `npm run bench --${args.mode === 'quick' ? '' : ` --${args.mode}`}${args.only ? ` --case ${args.only}` : ''}${args.node ? ` --node ${args.node}` : ''}${args.repeat > 1 ? ` --repeat ${args.repeat}` : ''}`.replace('-- ', '-- ').replace(/--$/, '').trim();
  console.log(`# Accrete benchmarks (${args.mode}) — Node ${v.node}, V8 ${v.v8}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}\n`);
  const results: CaseResult[] = [];
  for (const c of cases) {
    const runs: CaseResult[] = [];
    for (let i = 0; i < args.repeat; i++) runs.push(runInChild(c.name, args.mode, args.node));
    const r = runs[runs.length - 1]!;
    if (runs.length > 1) {
      r.repeats = runs.map((x) => x.verdicts);
      r.earlier = runs.slice(0, -1);
    }
    results.push(r);
    console.log(markdown(r) + '\n');
  }
  const dir = fileURLToPath(new URL('../../benchmarks/results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = `${dir}${stamp}-node${v.node}.json`;
  const record = {
    date: new Date().toISOString(),
    command,
    mode: args.mode,
    machine: { platform: platform(), arch: arch(), cpus: cpus().map((c) => c.model) },
    node: v.node,
    v8: v.v8,
    binaryen: BINARYEN_VERSION,
    results,
  };
  writeFileSync(file, JSON.stringify(record, null, 1));
  console.log(`Raw samples: ${file}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
