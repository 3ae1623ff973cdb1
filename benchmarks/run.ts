// `npm run bench`: runs each case in a fresh child process (so one case cannot pollute the next),
// prints a Markdown table per case and writes every raw sample to benchmarks/results/.
// Flags: see args.ts (`npm run bench -- --help`).

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runInChild } from './child.js';
import { markdown, runCase, type CaseResult, type Mode } from './harness.js';
import { CASES } from './cases/index.js';
import { writeReport } from './report.js';
import { compareFiles } from './compare.js';
import { currentCommit, type RunRecord } from './results-file.js';
import { BenchUsageError, parseArgs, usage } from './args.js';
import { BINARYEN_VERSION } from '../codegen/binaryen/version.js';

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
  const caseNames = CASES.map((c) => c.name);
  const args = parseArgs(process.argv.slice(2), caseNames);
  if (args.child) return child(args.child, args.mode);
  if (args.help) {
    console.log(usage(caseNames));
    return;
  }
  if (args.compare) {
    console.log(compareFiles(...args.compare));
    return;
  }
  if (args.report) {
    console.log(`wrote ${writeReport()}`);
    return;
  }
  const names = args.only?.split(',').map((n) => n.trim()) ?? [];
  const unknown = names.filter((n) => !CASES.some((c) => c.name === n));
  if (unknown.length) throw new BenchUsageError(`no case named ${unknown.join(', ')} (cases: ${caseNames.join(', ')})`);
  // In the suite's order, each once.
  const cases = names.length ? CASES.filter((c) => names.includes(c.name)) : CASES;
  const v = versionsOf(args.node);
  const command = `npm run bench --${args.mode === 'quick' ? '' : ` --${args.mode}`}${args.only ? ` --case ${args.only}` : ''}${args.node ? ` --node ${args.node}` : ''}${args.repeat > 1 ? ` --repeat ${args.repeat}` : ''}`.replace('-- ', '-- ').replace(/--$/, '').trim();
  console.log(`# Accrete benchmarks (${args.mode}) — Node ${v.node}, V8 ${v.v8}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}\n`);
  // Read before the cases run: a file edited meanwhile does not change what was measured.
  const commit = currentCommit();
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
  const record: RunRecord = {
    date: new Date().toISOString(),
    command,
    mode: args.mode,
    commit,
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
  // A wrong command line or results file needs its message only; anything else, its stack.
  console.error(e instanceof BenchUsageError ? e.message : e);
  process.exit(1);
});
