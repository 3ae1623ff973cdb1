// `npm run bench -- --compare`: a real change is called, noise is not, targets and missing cases
// are listed, and a file that is not a results file is refused with its name.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alternation } from '../benchmarks/against.js';
import { BenchUsageError, parseArgs } from '../benchmarks/args.js';
import { changeOf, compareFiles, compareRuns, newestLike } from '../benchmarks/compare.js';
import type { CaseResult, StrategyResult, Verdict } from '../benchmarks/harness.js';
import { readRun, type RunRecord } from '../benchmarks/results-file.js';
import { medianOf, seededRandom, summarize } from '../benchmarks/stats.js';

/** `n` samples around `centre`, spread ±`spread` (deterministic per seed). */
function samples(centre: number, spread: number, seed: number, n = 200): number[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => centre + (r() * 2 - 1) * spread);
}

const strategy = (name: string, xs: number[], group?: string): StrategyResult => ({ strategy: name, group, items: undefined, summary: summarize(xs), samples: xs, breakdown: undefined });

function caseResult(name: string, strategies: StrategyResult[], verdicts: Verdict[] = [], earlier?: CaseResult[]): CaseResult {
  return { case: name, description: 'd', reference: 'ref', target: 't', unit: 'µs', results: strategies, verdicts, ...(earlier ? { earlier, repeats: [...earlier.map((e) => e.verdicts), verdicts] } : {}) };
}

const run = (results: CaseResult[], date: string): RunRecord => ({ date, command: 'npm run bench', mode: 'quick', machine: { platform: 'linux', arch: 'x64', cpus: ['cpu'] }, node: '20.20.2', v8: '11.3', binaryen: '132', results });

/** Temporary folders the tests make, removed after them. */
/** The worktree a `--against` run says it built the revision in. */
function builtIn(stderr: string): string {
  const m = /^\S+ built in (\S+)$/m.exec(stderr);
  assert.ok(m, `no worktree named: ${stderr}`);
  return m[1]!;
}

const made: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'accrete-compare-'));
  made.push(d);
  return d;
};
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('bench --compare', () => {
  it('calls a 20% change against the reference, with an interval that leaves out 1', () => {
    const old = caseResult('c', [strategy('ref', samples(100, 5, 1)), strategy('s', samples(120, 5, 2))]);
    const neu = caseResult('c', [strategy('ref', samples(100, 5, 3)), strategy('s', samples(100, 5, 4))]);
    const c = changeOf(old, neu, 's', undefined, { iterations: 500 })!;
    assert.equal(c.call, 'faster');
    assert.ok(Math.abs(c.change - 100 / 120) < 0.03, `change ${c.change}`);
    assert.ok(c.low < c.change && c.change < c.high && c.high < 1, `interval ${c.low}–${c.high}`);
    const back = changeOf(neu, old, 's', undefined, { iterations: 500 })!;
    assert.equal(back.call, 'slower');
  });

  it('calls nothing when both files sample the same distributions', () => {
    const one = (seed: number) => caseResult('c', [strategy('ref', samples(100, 20, seed)), strategy('s', samples(110, 20, seed + 1))]);
    const c = changeOf(one(10), one(20), 's', undefined, { iterations: 500 })!;
    assert.equal(c.call, '~');
    assert.ok(c.low < 1 && c.high > 1);
  });

  it('takes the median over repeated runs, and their spread widens the interval', () => {
    const single = (ref: number, s: number, seed: number) => caseResult('c', [strategy('ref', samples(ref, 1, seed)), strategy('s', samples(s, 1, seed + 1))]);
    // Three runs whose ratios are 1.0, 1.2 and 1.4: the median is 1.2; one run alone would be tight.
    const runs = [single(100, 100, 1), single(100, 120, 3), single(100, 140, 5)];
    const repeated = caseResult('c', runs[2]!.results, [], runs.slice(0, 2));
    const c = changeOf(repeated, single(100, 120, 7), 's', undefined, { iterations: 500 })!;
    assert.ok(Math.abs(c.oldRatio - 1.2) < 0.01, `old ratio ${c.oldRatio}`);
    assert.equal(c.call, '~', 'the runs disagree by ±17%: no change is called');
    const tight = changeOf(runs[1]!, single(100, 120, 7), 's', undefined, { iterations: 500 })!;
    assert.ok(c.high - c.low > 5 * (tight.high - tight.low), `repeated ${c.low}–${c.high} against one run ${tight.low}–${tight.high}`);
  });

  it('narrows the interval as runs are added: it draws as many runs as a side has', () => {
    // Runs whose ratios spread ±10% around 1.0 (old) and 0.92 (new): a real 8% change.
    const runsAround = (centre: number, count: number, seed: number) => {
      const r = seededRandom(seed);
      const runs = Array.from({ length: count }, (_, k) => {
        const ratio = centre * (0.9 + 0.2 * r());
        return caseResult('c', [strategy('ref', samples(100, 2, seed * 100 + 2 * k)), strategy('s', samples(100 * ratio, 2, seed * 100 + 2 * k + 1))]);
      });
      return caseResult('c', runs[count - 1]!.results, [], runs.slice(0, -1));
    };
    const width = (n: number) => {
      const c = changeOf(runsAround(1, n, 1), runsAround(0.92, n, 2), 's', undefined, { iterations: 400 })!;
      return { w: c.high - c.low, call: c.call };
    };
    const three = width(3);
    const thirty = width(30);
    assert.ok(thirty.w < three.w / 2, `30 runs ${thirty.w} against 3 runs ${three.w}`);
    assert.equal(thirty.call, 'faster');
  });

  it('lists targets old and new, groups, and what only one file has', () => {
    const old = run(
      [
        caseResult('c', [strategy('ref', samples(100, 5, 1), 'N=1'), strategy('s', samples(130, 5, 2), 'N=1'), strategy('gone', samples(50, 5, 3), 'N=1')], [
          { what: 'ratio ≤ 1.2', value: '1.30×', met: false },
          { what: 'dropped', value: '2.00×', met: true },
        ]),
        caseResult('old-only', [strategy('ref', samples(1, 0.1, 4))]),
      ],
      '2026-01-01T00:00:00.000Z',
    );
    const neu = run(
      [
        caseResult('c', [strategy('ref', samples(100, 5, 5), 'N=1'), strategy('s', samples(100, 5, 6), 'N=1'), strategy('new', samples(70, 5, 7), 'N=1')], [{ what: 'ratio ≤ 1.2', value: '1.00×', met: true }]),
        caseResult('new-only', [strategy('ref', samples(1, 0.1, 8))]),
      ],
      '2026-01-02T00:00:00.000Z',
    );
    const md = compareRuns({ file: 'a.json', run: old }, { file: 'b.json', run: neu }, { iterations: 300 });
    assert.match(md, /\| ratio ≤ 1\.2 \| 1\.30×, not met \| 1\.00×, met \|/);
    assert.match(md, /\| dropped \| 2\.00×, met \| \(none\) \|/);
    assert.match(md, /\| s \(N=1\) \| 1\.3\d\d \| (?:0\.9|1\.0)\d\d \| 0\.7\d\d \| [\d.]+–[\d.]+ \| \*\*faster\*\* \|/);
    assert.match(md, /\| new \(N=1\) \|.*only in the new file \|/);
    assert.match(md, /\| gone \(N=1\) \|.*only in the old file \|/);
    assert.match(md, /## Cases in one file only\n\n- old: old-only\n- new: new-only\n/);
    assert.match(md, /## Summary\n\n- c: s \(N=1\) faster/);
    assert.match(md, /one run on a side/);
    assert.match(md, /1 strategy compared: about 0\.1 would be called at 95% by chance alone/);
  });

  it('shows the phases of a change called, the reference once per group, and series', () => {
    const withPhases = (x: StrategyResult, compile: number): StrategyResult => ({ ...x, breakdown: { compile: summarize([compile]), link: summarize([10]) } });
    const series = (y: number[]) => ({ series: [{ strategy: 'accrete', x: [1, 2, 3], y }], xLabel: 'stages', yLabel: 'µs per stage' });
    const side = (a: number, b: number, compile: number, y: number[], seed: number) =>
      run(
        [
          caseResult('c', [withPhases(strategy('ref', samples(100, 2, seed), 'K=1'), 50), withPhases(strategy('a', samples(a, 2, seed + 1), 'K=1'), compile), withPhases(strategy('b', samples(b, 2, seed + 2), 'K=1'), compile)]),
          { ...caseResult('grow', []), series: series(y) },
        ],
        `2026-01-0${seed}T00:00:00.000Z`,
      );
    const md = compareRuns({ file: 'a', run: side(200, 300, 80, [4, 5, 6], 1) }, { file: 'b', run: side(150, 200, 40, [7, 8, 9], 2) }, { iterations: 300 });
    assert.match(md, /Phases of the changes called \(median µs, old → new\):\n\n\| strategy \| compile \| link \|/);
    assert.match(md, /\| a \(K=1\) \| 80\.0 → 40\.0 \| 10\.0 → 10\.0 \|/);
    assert.equal(md.match(/\| ref \(K=1\) \| 50\.0 → 50\.0 \|/g)?.length, 1, 'the reference once');
    assert.match(md, /\| b \(K=1\) \| 80\.0 → 40\.0 \|/);
    assert.match(md, /## grow\n\nSeries \(median over the points of the last run, µs per stage\):\n\n\| strategy \| old \| new \|\n\| --- \| ---: \| ---: \|\n\| accrete \| 5\.00 \| 8\.00 \|/);
  });

  it('compares OLD with the newest later file of its Node and mode that shares a case, or says there is none', () => {
    const at = (date: string, cases: string[], node = '20.20.2', mode = 'quick') => ({ file: `/r/${date}.json`, run: { ...run(cases.map((c) => caseResult(c, [strategy('ref', [1])])), `2026-01-${date}T00:00:00.000Z`), node, mode } });
    const old = at('02', ['a', 'b']);
    const candidates = [at('01', ['a']), old, at('03', ['b']), at('04', ['c']), at('05', ['a'], '24.21.0'), at('06', ['a'], '20.20.2', 'full'), at('07', ['b', 'z'])];
    assert.equal(newestLike(old, candidates).file, '/r/07.json');
    assert.equal(newestLike({ file: '/r/../r/07.json', run: candidates[6]!.run }, candidates.concat([at('08', ['b'])])).file, '/r/08.json');
    assert.throws(
      () => newestLike(at('09', ['a']), candidates),
      (e: Error) => e instanceof BenchUsageError && /no later results file of Node 20, mode quick, with any of a/.test(e.message),
    );
    // A case in neither: said, not reported as "no change".
    const md = compareRuns(at('01', ['a']), at('03', ['b']), { iterations: 10 });
    assert.match(md, /The two files share no case: nothing to compare\./);
    assert.doesNotMatch(md, /No change the noise/);
  });

  it('prints the same comparison each time (seeded resampling)', () => {
    const old = run([caseResult('c', [strategy('ref', samples(100, 30, 1)), strategy('s', samples(105, 30, 2))])], '2026-01-01T00:00:00.000Z');
    const neu = run([caseResult('c', [strategy('ref', samples(100, 30, 3)), strategy('s', samples(100, 30, 4))])], '2026-01-02T00:00:00.000Z');
    const a = compareRuns({ file: 'a', run: old }, { file: 'b', run: neu }, { iterations: 300 });
    assert.equal(compareRuns({ file: 'a', run: old }, { file: 'b', run: neu }, { iterations: 300 }), a);
  });

  it('compares one side of an --against run with its other side by default', () => {
    const dir = tempDir();
    const one = (ratio: number, date: string) => run([caseResult('c', [strategy('ref', samples(100, 5, 1)), strategy('s', samples(100 * ratio, 5, 2))])], date);
    writeFileSync(join(dir, 'x-node20-base.json'), JSON.stringify(one(1.5, '2026-01-01T00:00:00.000Z')));
    writeFileSync(join(dir, 'x-node20-head.json'), JSON.stringify(one(1, '2026-01-01T00:00:00.001Z')));
    const md = compareFiles(join(dir, 'x-node20-base.json'), undefined, { iterations: 200 });
    assert.match(md, /- new: .*x-node20-head\.json/);
    assert.match(md, /\*\*faster\*\*/);
    // Named by its head side alone, it is the same run, REV's side old.
    const byHead = compareFiles(join(dir, 'x-node20-head.json'), undefined, { iterations: 200 });
    assert.match(byHead, /- old: .*x-node20-base\.json[\s\S]*- new: .*x-node20-head\.json/);
    assert.match(byHead, /\*\*faster\*\*/);
  });

  it('refuses a file that is not a results file, naming it', () => {
    const dir = tempDir();
    const notJson = join(dir, 'x.json');
    writeFileSync(notJson, '{ not json');
    const other = join(dir, 'y.json');
    writeFileSync(other, JSON.stringify({ name: 'package' }));
    assert.throws(() => readRun(join(dir, 'missing.json')), (e: Error) => e.message.includes('missing.json') && /cannot read/.test(e.message));
    assert.throws(() => readRun(notJson), (e: Error) => e.message.includes(notJson) && /not JSON/.test(e.message));
    assert.throws(() => compareFiles(other, other), (e: Error) => e.message.includes(other) && /not a benchmark results file \(no date, node, mode, results\)/.test(e.message));
  });

  it('refuses a smoke run, the same file twice, and fields of the wrong type; warns when modes differ', () => {
    const dir = tempDir();
    const file = (name: string, r: RunRecord) => (writeFileSync(join(dir, name), JSON.stringify(r)), join(dir, name));
    const body = (seed: number) => [caseResult('c', [strategy('ref', samples(100, 5, seed)), strategy('s', samples(150, 5, seed + 1))])];
    const quick = file('quick.json', run(body(1), '2026-01-01T00:00:00.000Z'));
    const smoke = file('smoke.json', { ...run(body(3), '2026-01-02T00:00:00.000Z'), mode: 'smoke' });
    const full = file('full.json', { ...run(body(5), '2026-01-03T00:00:00.000Z'), mode: 'full' });
    assert.throws(() => compareFiles(quick, smoke), (e: unknown) => e instanceof BenchUsageError && e.message.includes(smoke) && /smoke run .* measures nothing/.test(e.message));
    assert.throws(() => compareFiles(quick, quick), (e: unknown) => e instanceof BenchUsageError && /both sides are/.test(e.message));
    assert.match(compareFiles(quick, full, { iterations: 100 }), /different modes \(quick, full\)/);
    // A smoke side (as --against --smoke compares) calls nothing, however far apart one sample each is.
    const one = (x: number) => [caseResult('c', [strategy('ref', [100]), strategy('s', [x])])];
    const md = compareRuns({ file: 'a', run: { ...run(one(100), '2026-01-01T00:00:00.000Z'), mode: 'smoke' } }, { file: 'b', run: { ...run(one(200), '2026-01-02T00:00:00.000Z'), mode: 'smoke' } });
    assert.match(md, /A smoke run measures nothing/);
    assert.match(md, /No change the noise does not explain/);
    const numeric = file('numeric.json', { ...run(body(7), '2026-01-04T00:00:00.000Z'), date: 20260104 } as never);
    assert.throws(() => readRun(numeric), (e: Error) => e.message.includes(numeric) && /date not text/.test(e.message));
  });

  it('runs from the command line: a table on stdout, a usage error on stderr', () => {
    const dir = tempDir();
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeFileSync(a, JSON.stringify(run([caseResult('c', [strategy('ref', samples(100, 5, 1)), strategy('s', samples(150, 5, 2))])], '2026-01-01T00:00:00.000Z')));
    writeFileSync(b, JSON.stringify(run([caseResult('c', [strategy('ref', samples(100, 5, 3)), strategy('s', samples(100, 5, 4))])], '2026-01-02T00:00:00.000Z')));
    const runner = fileURLToPath(new URL('../benchmarks/run.js', import.meta.url));
    // Relative paths are the user's: from where npm was run (INIT_CWD), not the package root.
    const ok = spawnSync(process.execPath, [runner, '--compare', 'a.json', 'b.json'], { encoding: 'utf8', env: { ...process.env, INIT_CWD: dir } });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /\| s \| 1\.[45]\d\d \| (?:0\.9|1\.0)\d\d \| 0\.6\d\d \|.*\*\*faster\*\*/);
    const bad = spawnSync(process.execPath, [runner, '--compare'], { encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--compare takes one or two results files/);
  });
});

describe('bench command line', () => {
  const names = ['stage-latency', 'link-scaling'];
  it('takes one or two files after --compare, stopping at the next flag', () => {
    assert.deepEqual(parseArgs(['--compare', 'a.json'], names).compare, ['a.json', undefined]);
    assert.deepEqual(parseArgs(['--compare', 'a.json', 'b.json'], names).compare, ['a.json', 'b.json']);
    const a = parseArgs(['--compare', 'a.json', '-h'], names);
    assert.deepEqual([a.compare, a.help], [['a.json', undefined], true]);
    assert.throws(() => parseArgs(['--compare', 'a', 'b', 'c'], names), (e: Error) => e instanceof BenchUsageError && /unknown argument c/.test(e.message));
  });

  it('refuses flags that run cases beside --compare or --report, and flags missing their value', () => {
    for (const argv of [['--compare', 'a', '--full'], ['--compare', 'a', '--report'], ['--report', '--case', 'link-scaling'], ['--node', '24', '--report']]) {
      assert.throws(() => parseArgs(argv, names), (e: Error) => e instanceof BenchUsageError && /runs nothing: .* cannot go with it/.test(e.message), argv.join(' '));
    }
    assert.throws(() => parseArgs(['--case', '--full'], names), /--case needs a value/);
    assert.throws(() => parseArgs(['--repeat', '0'], names), /--repeat takes a whole number of runs from 1 to 50, got 0/);
    assert.throws(() => parseArgs(['--repeat', '-3'], names), /--repeat takes a whole number of runs from 1 to 50, got -3/);
    assert.throws(() => parseArgs(['--bogus'], names), (e: Error) => /unknown argument --bogus[\s\S]*--case NAME\[,NAME\][\s\S]*stage-latency, link-scaling/.test(e.message));
    assert.deepEqual(parseArgs(['--full', '--case', 'a,b', '--node', '24', '--repeat', '3'], names), { mode: 'full', only: 'a,b', node: '24', child: undefined, report: false, repeat: 3, compare: undefined, against: undefined, instructions: false, help: false });
    assert.equal(parseArgs(['--against', 'HEAD~1', '--repeat', '3'], names).against, 'HEAD~1');
    assert.throws(() => parseArgs(['--against'], names), /--against needs a value/);
    assert.throws(() => parseArgs(['--compare', 'a', '--against', 'HEAD'], names), /--compare runs nothing: --against cannot go with it/);
  });
});

describe('bench --against', function () {
  this.timeout(180_000);
  const runner = fileURLToPath(new URL('../benchmarks/run.js', import.meta.url));
  const repo = fileURLToPath(new URL('../../', import.meta.url));
  const git = (...args: string[]) => spawnSync('git', args, { cwd: repo, encoding: 'utf8' });

  it('alternates which side runs first, rep by rep and case by case', () => {
    assert.deepEqual(alternation(3), [['base', 'head'], ['head', 'base'], ['base', 'head']]);
    assert.deepEqual([alternation(1, 0), alternation(1, 1)], [[['base', 'head']], [['head', 'base']]]);
  });

  it('stops between runs on an interrupt and still removes the worktree', async function () {
    if (git('rev-parse', '--verify', 'HEAD').status !== 0) this.skip(); // not a git checkout
    const child = spawn(process.execPath, [runner, '--against', 'HEAD', '--smoke', '--case', 'kept-heap,call-overhead,compile-time-imports'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      // After the first run, while the others are to come.
      if (!sent && /run 1 of 1/.test(err)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    assert.ok(sent, `no run started: ${err}`);
    assert.equal(code, 1, err);
    assert.match(err, /stopped by SIGINT; HEAD's worktree removed/);
    assert.doesNotMatch(err, /compile-time-imports: (base|head) run 1 of 1/, 'it went on after the interrupt');
    // Its own worktree: a run in another checkout of the repository, at the same commit, may have one.
    assert.ok(!git('worktree', 'list').stdout.includes(builtIn(err)), err);
  });

  it('builds the revision in a worktree, runs both sides, compares them and removes the worktree', function () {
    if (git('rev-parse', '--verify', 'HEAD').status !== 0) this.skip(); // not a git checkout: nothing to check out
    const head = git('rev-parse', '--short=12', 'HEAD').stdout.trim();
    const r = spawnSync(process.execPath, [runner, '--against', 'HEAD', '--smoke', '--case', 'kept-heap'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`- old: HEAD \\(${head}\\):.*commit ${head}`));
    assert.match(r.stdout, /## kept-heap\n\n\| target \| old \| new \|/);
    assert.match(r.stderr, /kept-heap: base run 1 of 1\nkept-heap: head run 1 of 1/);
    assert.ok(!git('worktree', 'list').stdout.includes(builtIn(r.stderr)), r.stderr);
    const bad = spawnSync(process.execPath, [runner, '--against', 'no-such-revision', '--smoke', '--case', 'kept-heap'], { encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--against: 'no-such-revision' is not a commit of this repository/);
  });
});

describe('medianOf', () => {
  it('agrees with summarize on odd and even counts, duplicates included, and leaves arrays alone', () => {
    const r = seededRandom(42);
    for (let n = 1; n < 60; n++) {
      const xs = Array.from({ length: n }, () => Math.floor(r() * 10));
      const copy = xs.slice();
      assert.equal(medianOf(xs), summarize(xs).median, `n=${n}: ${xs.join(',')}`);
      assert.deepEqual(xs, copy);
    }
    assert.ok(Number.isNaN(medianOf([])));
    for (let n = 1; n < 40; n++) {
      const xs = Array.from({ length: n }, () => r() * 1000 - 500);
      const sorted = [...xs].sort((a, b) => a - b);
      // A Float64Array is reordered in place (the bootstrap's scratch): the median is the same.
      assert.equal(medianOf(Float64Array.from(xs)), sorted[Math.ceil(n / 2) - 1], `floats, n=${n}`);
    }
  });
});
