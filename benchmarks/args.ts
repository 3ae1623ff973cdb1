// The runner's command line (`npm run bench -- FLAGS`): parsing, the usage text, and the error a
// wrong command line or a wrong results file gets (its message is all the user needs to see).

import type { Mode } from './harness.js';

/** A mistake in what the user asked for: printed without a stack. */
export class BenchUsageError extends Error {
  override name = 'BenchUsageError';
}

export interface Args {
  mode: Mode;
  /** --case: the names given, comma-separated (checked against the cases by the runner). */
  only: string | undefined;
  node: string | undefined;
  /** Internal: run one case and print its result as JSON (child.ts). */
  child: string | undefined;
  report: boolean;
  repeat: number;
  compare: [string, string | undefined] | undefined;
  /** --against REV: measure REV and this checkout in alternating processes, then compare. */
  against: string | undefined;
  /** --instructions: count the commit path's instructions under callgrind (instructions.ts). */
  instructions: boolean;
  help: boolean;
}

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

export function usage(caseNames: readonly string[]): string {
  return `npm run bench [-- FLAGS]
  (no flag)            the quick suite (each case in a fresh process; a table per case on stdout,
                       every raw sample in benchmarks/results/)
  --full               the whole suite (more samples; stage-count-scaling to 100,000 stages)
  --case NAME[,NAME]   only these cases:
${wrap(caseNames.join(', '), 72, ' '.repeat(23))}
  --node VERSION       run under that Node from the npm registry (e.g. 24)
  --repeat N           each case N times, each in a fresh process: every target's median, range
                       and how often it was met
  --smoke              one tiny iteration of each case (what npm test runs); keeps no file
  --report             rewrite docs/benchmarks.md from the newest results of each Node version
                       (refused when they cover less than it does: delete it to start afresh)
  --compare OLD [NEW]  what changed between two results files (NEW: the newest later file of
                       OLD's Node and mode that shares a case with it); runs nothing
  --against REV        measure git revision REV (built in a temporary worktree) and this
                       checkout in alternating processes, then compare them; with --repeat N
                       each side runs N times (3 or more says how much processes differ)
  --instructions       count the instructions the commit path runs per stage, under valgrind's
                       callgrind, for a few workloads (with --against REV: at REV too): counts
                       repeat within ~1% where timings do not; and for a cold one-function
                       stage, the cache lines it fetches from beyond L2 (what a cold commit waits on)
  --help               this text`;
}

/** Parse the runner's flags; a wrong command line throws a BenchUsageError that shows the usage. */
export function parseArgs(argv: readonly string[], caseNames: readonly string[]): Args {
  const a: Args = { mode: 'quick', only: undefined, node: undefined, child: undefined, report: false, repeat: 1, compare: undefined, against: undefined, instructions: false, help: false };
  const wrong = (what: string) => new BenchUsageError(`${what}\n\n${usage(caseNames)}`);
  // An empty value ('--against "$REV"' with REV unset) is refused, not read as the flag left out.
  const value = (i: number, flag: string) => {
    const v = argv[i];
    if (v === undefined || v.startsWith('-') || v.trim() === '') throw wrong(`${flag} needs a value`);
    return v;
  };
  const seen: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    // A flag given twice would have the last one win unseen (--smoke --full ran the full suite).
    if (seen.includes(x) && x.startsWith('-')) throw wrong(`${x} is given twice`);
    seen.push(x);
    if (x === '--full' || x === '--smoke') {
      if (seen.includes(x === '--full' ? '--smoke' : '--full')) throw wrong('--full and --smoke cannot go together');
      a.mode = x === '--full' ? 'full' : 'smoke';
    } else if (x === '--case') a.only = caseList(value(++i, x), wrong);
    else if (x === '--node') a.node = value(++i, x);
    else if (x === '--child') a.child = value(++i, x);
    else if (x === '--against') a.against = value(++i, x);
    else if (x === '--report') a.report = true;
    else if (x === '--instructions') a.instructions = true;
    else if (x === '--help' || x === '-h') a.help = true;
    else if (x === '--compare') {
      const files: string[] = [];
      while (files.length < 2 && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-')) files.push(argv[++i]!);
      if (!files.length) throw wrong('--compare takes one or two results files (benchmarks/results/*.json)');
      a.compare = [files[0]!, files[1]];
    } else if (x === '--repeat') {
      // Not `value`: a negative count should hear what the range is.
      if (argv[i + 1] === undefined) throw wrong('--repeat needs a value');
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 50) throw wrong(`--repeat takes a whole number of runs from 1 to 50, got ${String(argv[i])}`);
      a.repeat = n;
    } else throw wrong(`unknown argument ${x}`);
  }
  // --compare and --report read results files and run nothing: flags about running make no sense with them.
  const reading = a.compare ? '--compare' : a.report ? '--report' : undefined;
  const running = seen.filter((f) => ['--full', '--smoke', '--case', '--node', '--repeat', '--child', '--against', ...(a.compare ? ['--report'] : [])].includes(f));
  if (reading && running.length) throw wrong(`${reading} runs nothing: ${running.join(', ')} cannot go with it`);
  // Counting runs its own workloads, once each: only which Node and which revision can be chosen.
  const notCounting = seen.filter((f) => ['--full', '--smoke', '--case', '--repeat', '--child', '--report', '--compare'].includes(f));
  if (a.instructions && notCounting.length) throw wrong(`--instructions counts its own workloads: ${notCounting.join(', ')} cannot go with it`);
  return a;
}

/** The runner's flags. */
const FLAGS = ['full', 'smoke', 'case', 'node', 'repeat', 'report', 'compare', 'against', 'instructions', 'help'];

/**
 * The runner's flags npm took for itself: `npm run bench --smoke` (no `--`) hands the script no
 * argument, only `npm_config_smoke` in its environment, and the whole quick suite would run.
 */
export function flagsNpmTook(env: NodeJS.ProcessEnv): string[] {
  return FLAGS.filter((f) => env[`npm_config_${f}`] !== undefined).map((f) => `--${f}`);
}

/** `--case`'s value with each name trimmed; an empty name (`a,,b`) is a mistake, not a case. */
function caseList(v: string, wrong: (what: string) => BenchUsageError): string {
  const names = v.split(',').map((n) => n.trim());
  if (names.some((n) => n === '')) throw wrong(`--case has an empty name in '${v}'`);
  return names.join(',');
}

/** The command line that makes a run of `a`, as results files and reports quote it. */
export function commandOf(a: Args): string {
  const flags = [
    ...(a.against ? ['--against', a.against] : []),
    ...(a.instructions ? ['--instructions'] : []),
    ...(a.mode === 'quick' ? [] : [`--${a.mode}`]),
    ...(a.only ? ['--case', a.only] : []),
    ...(a.node ? ['--node', a.node] : []),
    ...(a.repeat > 1 ? ['--repeat', String(a.repeat)] : []),
  ];
  return `npm run bench${flags.length ? ` -- ${flags.join(' ')}` : ''}`;
}
