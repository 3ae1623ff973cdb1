// Targets judged beside the engine alone: a target missed where the engine's own floor misses it
// too is "out of reach" in that run, in the case's table, over repeated runs, in the report's
// Targets table and its out-of-reach list, and in --compare.

import assert from 'node:assert/strict';
import { compareRuns } from '../benchmarks/compare.js';
import { markdown, type CaseResult } from '../benchmarks/harness.js';
import { targetsSection } from '../benchmarks/report.js';
import type { RunRecord } from '../benchmarks/results-file.js';
import { bounded, markOf, markOne, repeatedMet, repeatedVerdict, statusOf, verdict, type Verdict } from '../benchmarks/verdict.js';

const REACH = 'An engine that inlines across instances.';
/** A "≥ 5" target whose engine floor makes `engine`. */
const ge5 = (x: number, engine?: number): Verdict => {
  const v = verdict('speedup ≥ 5', x, x >= 5);
  return engine === undefined ? v : bounded(v, 'the floor', engine, engine >= 5, REACH);
};

const caseOf = (name: string, runs: Verdict[][]): CaseResult => ({
  case: name,
  description: 'd',
  reference: 'ref',
  target: 't',
  unit: 'µs',
  results: [],
  verdicts: runs[runs.length - 1]!,
  ...(runs.length > 1 ? { repeats: runs } : {}),
});

const record = (node: string, results: CaseResult[]): RunRecord => ({ date: '2026-01-01T00:00:00.000Z', command: 'npm run bench', mode: 'quick', machine: { platform: 'linux', arch: 'x64', cpus: ['cpu'] }, node, v8: 'x', binaryen: '132', results });

describe('bench targets beside the engine alone', () => {
  it('tells met, not met and out of reach apart', () => {
    assert.equal(statusOf(ge5(6, 4)), 'met');
    assert.equal(statusOf(ge5(4, 6)), 'not met');
    assert.equal(statusOf(ge5(4, 4)), 'out of reach');
    // Without a floor's figure a miss is only a miss.
    assert.equal(statusOf(ge5(4)), 'not met');
    assert.deepEqual(ge5(4, 4.5).engine, { of: 'the floor', value: '4.50×', met: false });
  });

  it('counts, over repeated runs, the misses where the engine missed too, and gives its spread', () => {
    const runs = [[ge5(4, 4.8)], [ge5(4.5, 5.2)], [ge5(5.5, 4.1)]];
    const v = repeatedVerdict(runs, 0);
    assert.equal(v.value, '4.50× (4.00×–5.50×)');
    assert.equal(v.met, 1);
    // The second run missed with the engine meeting it: not met there, not out of reach.
    assert.equal(v.outOfReach, 1);
    assert.deepEqual(v.engine, { of: 'the floor', value: '4.80× (4.10×–5.20×)', met: 1, runs: 3 });
    assert.equal(v.reach, REACH);
    assert.equal(repeatedMet(v), '1 of 3; out of reach in 1');
    assert.equal(markOf(v), '~');
    // What would reach it is said with the last run's figures, which the case's tables show.
    const said = (x: number, words: string) => bounded(verdict('speedup ≥ 5', x, false), 'the floor', 3, false, words);
    assert.equal(repeatedVerdict([[said(4, 'first run')], [said(4, 'last run')]], 0).reach, 'last run');
    // Runs without floors (older results files) have no engine figure.
    assert.equal(repeatedVerdict([[ge5(4)], [ge5(6)]], 0).engine, undefined);
  });

  it('marks every run met, misses only out of reach, some met, and none', () => {
    assert.equal(markOf({ met: 3, runs: 3, outOfReach: 0 }), '✓');
    assert.equal(markOf({ met: 0, runs: 3, outOfReach: 3 }), '⊘');
    assert.equal(markOf({ met: 1, runs: 3, outOfReach: 2 }), '⊘');
    assert.equal(markOf({ met: 1, runs: 3, outOfReach: 1 }), '~');
    assert.equal(markOf({ met: 0, runs: 3, outOfReach: 2 }), '✗');
    assert.deepEqual([ge5(6, 1), ge5(4, 4), ge5(4, 6), ge5(4)].map(markOne), ['✓', '⊘', '✗', '✗']);
  });

  it("shows the engine's figure in the case's table, says what would reach an out-of-reach target, and leaves the column out when no target has a floor", () => {
    const md = markdown(caseOf('c', [[ge5(4, 3), ge5(4, 6), verdict('plain ≤ 1', 0.5, true)]]));
    assert.match(md, /\| target \| measured \| met \| the engine alone \|/);
    assert.match(md, /\| speedup ≥ 5 \| 4\.00× \| \*\*out of reach\*\* \| 3\.00× \(the floor\): misses it too \|/);
    assert.match(md, /\| speedup ≥ 5 \| 4\.00× \| \*\*no\*\* \| 6\.00× \(the floor\) \|/);
    assert.match(md, /\| plain ≤ 1 \| 0\.50× \| yes \|  \|/);
    assert.match(md, /Out of reach in this run: speedup ≥ 5\. The engine alone makes 3\.00×\. An engine that inlines across instances\./);
    assert.equal(md.match(/Out of reach in this run/g)?.length, 1);
    const plain = markdown(caseOf('c', [[verdict('plain ≤ 1', 2, false)]]));
    assert.match(plain, /\| target \| measured \| met \|\n/);
    assert.doesNotMatch(plain, /engine alone|Out of reach/);
    const over = markdown(caseOf('c', [[ge5(4, 3)], [ge5(6, 3)], [ge5(4, 3)]]));
    assert.match(over, /\| speedup ≥ 5 \| 4\.00× \(4\.00×–6\.00×\) \| 1 of 3; out of reach in 2 \| 3\.00× \(3\.00×–3\.00×\) \(the floor\), met 0 of 3 \|/);
  });

  it("lists, after the report's Targets table, each target out of reach on an engine with both figures and what would reach it", () => {
    const node20 = caseOf('a', [
      [ge5(4, 3), verdict('memory ≤ 1', 0.5, true)],
      [ge5(4.2, 3.5), verdict('memory ≤ 1', 0.6, true)],
      [ge5(3.9, 3.2), verdict('memory ≤ 1', 0.4, true)],
    ]);
    const node24 = caseOf('a', [[ge5(4.5, 6), verdict('memory ≤ 1', 2, false)]]);
    const byNode = new Map([
      ['20', new Map([['a', { run: record('20.20.2', [node20]), result: node20 }]])],
      ['24', new Map([['a', { run: record('24.21.0', [node24]), result: node24 }]])],
    ]);
    const text = targetsSection(byNode, ['20', '24']).join('\n');
    assert.match(text, /\| a \| speedup ≥ 5 \| 4\.00× \(3\.90×–4\.20×\), met 0 of 3; out of reach in 3 ⊘ \| 4\.50× ✗ \|/);
    assert.match(text, /\| a \| memory ≤ 1 \| 0\.50× \(0\.40×–0\.60×\), met 3 of 3 ✓ \| 2\.00× ✗ \|/);
    const section = text.slice(text.indexOf('## Out of reach'));
    assert.ok(section.length < text.length, 'an out-of-reach section');
    assert.match(section, /- \*\*a, speedup ≥ 5\*\*, Node 20: 4\.00× \(3\.90×–4\.20×\), out of reach in 3 of 3 runs; the engine alone \(the floor\) 3\.20× \(3\.00×–3\.50×\), met in 0 of 3\. An engine that inlines across instances\./);
    // Node 24 missed it where the engine met it, and missed a target with no floor: neither listed.
    assert.doesNotMatch(section, /Node 24|memory/);
    // Nothing out of reach: no section.
    const met = caseOf('a', [[ge5(6, 3)]]);
    const none = targetsSection(new Map([['20', new Map([['a', { run: record('20.20.2', [met]), result: met }]])]]), ['20']).join('\n');
    assert.doesNotMatch(none, /## Out of reach/);
  });

  it('says out of reach in --compare', () => {
    const md = compareRuns({ file: 'a.json', run: record('20.20.2', [caseOf('c', [[ge5(4, 3)]])]) }, { file: 'b.json', run: record('20.20.2', [caseOf('c', [[ge5(4, 6)]])]) });
    assert.match(md, /\| speedup ≥ 5 \| 4\.00×, out of reach \| 4\.00×, not met \|/);
  });
});
