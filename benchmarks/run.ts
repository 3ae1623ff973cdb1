// `npm run bench`: runs each case in a fresh child process (so one case cannot pollute the next),
// prints a Markdown table per case and writes every raw sample to benchmarks/results/.
// Flags: see USAGE.

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
import { BINARYEN_VERSION } from '../codegen/binaryen/version.js';

/** `text` in lines of at most `width` characters, each after `indent`. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) lines.push(line), (line = '');
    line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].map((l) => indent + l).join('\n');
}

const USAGE = `npm run bench [-- FLAGS]
  (no flag)            the quick suite (each case in a fresh process; a table per case on stdout,
                       every raw sample in benchmarks/results/)
  --full               the whole suite (more samples; stage-count-scaling to 100,000 stages)
  --case NAME[,NAME]   only these cases:
${wrap(CASES.map((c) => c.name).join(', '), 72, ' '.repeat(23))}
  --node VERSION       run under that Node from the npm registry (e.g. 24)
  --repeat N           each case N times, each in a fresh process: every target's median, range
                       and how often it was met
  --smoke              one tiny iteration of each case (what npm test runs)
  --report             rewrite docs/benchmarks.md from the newest results of each Node version
  --compare OLD [NEW]  what changed between two results files (NEW: the newest of OLD's Node)
  --help               this text`;

interface Args {
  mode: Mode;
  only: string | undefined;
  node: string | undefined;
  child: string | undefined;
  report: boolean;
  repeat: number;
  compare: [string, string | undefined] | undefined;
  help: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { mode: 'quick', only: undefined, node: undefined, child: undefined, report: false, repeat: 1, compare: undefined, help: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--full') a.mode = 'full';
    else if (x === '--smoke') a.mode = 'smoke';
    else if (x === '--case') a.only = argv[++i];
    else if (x === '--node') a.node = argv[++i];
    else if (x === '--child') a.child = argv[++i];
    else if (x === '--report') a.report = true;
    else if (x === '--help' || x === '-h') a.help = true;
    else if (x === '--compare') {
      const files = [argv[i + 1], argv[i + 2]].filter((f): f is string => f !== undefined && !f.startsWith('--'));
      if (!files.length) throw new Error('--compare takes one or two results files (benchmarks/results/*.json)');
      a.compare = [files[0]!, files[1]];
      i += files.length;
    }
    else if (x === '--repeat') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 50) throw new Error(`--repeat takes a whole number of runs from 1 to 50, got ${String(argv[i])}`);
      a.repeat = n;
    } else throw new Error(`unknown argument ${x}\n\n${USAGE}`);
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
  if (args.help) {
    console.log(USAGE);
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
  if (unknown.length) throw new Error(`no case named ${unknown.join(', ')} (cases: ${CASES.map((c) => c.name).join(', ')})`);
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
  // A failed case has printed its own error (the child's stderr is this process's).
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
