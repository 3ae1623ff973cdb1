// `npm run bench -- --compare`: a real change is called, noise is not, targets and missing cases
// are listed, and a file that is not a results file is refused with its name.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { changeOf, compareFiles, compareRuns } from '../benchmarks/compare.js';
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

  it('lists targets old and new, groups, and what only one file has', () => {
    const old = run(
      [
        caseResult('c', [strategy('ref', samples(100, 5, 1), 'N=1'), strategy('s', samples(130, 5, 2), 'N=1'), strategy('gone', samples(50, 5, 3), 'N=1')], [{ what: 'ratio ≤ 1.2', value: '1.30×', met: false }]),
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
    assert.match(md, /\| s \(N=1\) \| 1\.3\d\d \| (?:0\.9|1\.0)\d\d \| 0\.7\d\d \| [\d.]+–[\d.]+ \| \*\*faster\*\* \|/);
    assert.match(md, /\| new \(N=1\) \|.*only in the new file \|/);
    assert.match(md, /\| gone \(N=1\) \|.*only in the old file \|/);
    assert.match(md, /## new-only\n\nOnly in the new file\./);
    assert.match(md, /## old-only\n\nOnly in the old file\./);
    assert.match(md, /## Summary\n\n- c: s \(N=1\) faster/);
    assert.match(md, /one run on a side/);
  });

  it('prints the same comparison each time (seeded resampling)', () => {
    const old = run([caseResult('c', [strategy('ref', samples(100, 30, 1)), strategy('s', samples(105, 30, 2))])], '2026-01-01T00:00:00.000Z');
    const neu = run([caseResult('c', [strategy('ref', samples(100, 30, 3)), strategy('s', samples(100, 30, 4))])], '2026-01-02T00:00:00.000Z');
    const a = compareRuns({ file: 'a', run: old }, { file: 'b', run: neu }, { iterations: 300 });
    assert.equal(compareRuns({ file: 'a', run: old }, { file: 'b', run: neu }, { iterations: 300 }), a);
  });

  it('refuses a file that is not a results file, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'accrete-compare-'));
    const notJson = join(dir, 'x.json');
    writeFileSync(notJson, '{ not json');
    const other = join(dir, 'y.json');
    writeFileSync(other, JSON.stringify({ name: 'package' }));
    assert.throws(() => readRun(join(dir, 'missing.json')), (e: Error) => e.message.includes('missing.json') && /cannot read/.test(e.message));
    assert.throws(() => readRun(notJson), (e: Error) => e.message.includes(notJson) && /not JSON/.test(e.message));
    assert.throws(() => compareFiles(other, other), (e: Error) => e.message.includes(other) && /not a benchmark results file \(no date, node, mode, results\)/.test(e.message));
  });

  it('runs from the command line: a table on stdout, a usage error on stderr', () => {
    const dir = mkdtempSync(join(tmpdir(), 'accrete-compare-'));
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeFileSync(a, JSON.stringify(run([caseResult('c', [strategy('ref', samples(100, 5, 1)), strategy('s', samples(150, 5, 2))])], '2026-01-01T00:00:00.000Z')));
    writeFileSync(b, JSON.stringify(run([caseResult('c', [strategy('ref', samples(100, 5, 3)), strategy('s', samples(100, 5, 4))])], '2026-01-02T00:00:00.000Z')));
    const runner = fileURLToPath(new URL('../benchmarks/run.js', import.meta.url));
    const ok = spawnSync(process.execPath, [runner, '--compare', a, b], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /\| s \| 1\.[45]\d\d \| (?:0\.9|1\.0)\d\d \| 0\.6\d\d \|.*\*\*faster\*\*/);
    const bad = spawnSync(process.execPath, [runner, '--compare'], { encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--compare takes one or two results files/);
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
  });
});
