// Targets judged beside the engine alone: a target missed where the engine's own floor misses it
// too is "out of reach" in that run, in the case's table, over repeated runs, in the report's
// Targets table and its out-of-reach list, and in --compare; and the cases that set engine
// figures set the right ones.

import assert from 'node:assert/strict';
import { callOverhead } from '../benchmarks/cases/call-overhead.js';
import { linkScaling } from '../benchmarks/cases/link-scaling.js';
import { compareRuns } from '../benchmarks/compare.js';
import { markdown, type CaseResult, type StrategyResult } from '../benchmarks/harness.js';
import { targetsSection } from '../benchmarks/report.js';
import type { RunRecord } from '../benchmarks/results-file.js';
import { summarize } from '../benchmarks/stats.js';
import { bounded, markOf, markOne, repeatedMet, repeatedVerdict, statusOf, verdict, type Verdict } from '../benchmarks/verdict.js';

const REACH = 'An engine that inlines across instances.';
/** A "≥ 5" target whose engine floor makes `engine`. */
const ge5 = (x: number, engine?: number): Verdict =>
  engine === undefined ? verdict('speedup ≥ 5', x, x >= 5) : bounded('speedup ≥ 5', x, (y) => y >= 5, { of: 'the floor', value: engine, reach: REACH });

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

  it('leaves out an engine figure that is not a number, so that a floor that failed to measure cannot make a target out of reach', () => {
    for (const bad of [NaN, Infinity]) {
      const v = ge5(4, bad);
      assert.equal(v.engine, undefined);
      assert.equal(statusOf(v), 'not met');
    }
    // Nor does a value that is not a number spoil the median and range of the others.
    assert.equal(repeatedVerdict([[verdict('speedup ≥ 5', NaN, false)], [ge5(4)], [ge5(6)]], 0).value, '4.00× (4.00×–6.00×)');
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
    const said = (x: number, words: string) => bounded('speedup ≥ 5', x, (y) => y >= 5, { of: 'the floor', value: 3, reach: words });
    assert.equal(repeatedVerdict([[said(4, 'first run')], [said(4, 'last run')]], 0).reach, 'last run');
    // Runs without floors (older results files) have no engine figure; beside runs with one, they
    // count as misses that were not out of reach, and the engine's figure is over the others.
    assert.equal(repeatedVerdict([[ge5(4)], [ge5(6)]], 0).engine, undefined);
    const mixed = repeatedVerdict([[ge5(4)], [ge5(4, 3)], [ge5(4, 6)]], 0);
    assert.deepEqual([mixed.met, mixed.outOfReach, mixed.engine?.runs, mixed.engine?.met], [0, 1, 2, 1]);
    assert.equal(markOf(mixed), '✗');
    // Runs are matched by the target's words: a run whose list differs still pairs the right ones.
    const other = verdict('other ≤ 1', 9, false);
    assert.equal(repeatedVerdict([[other, ge5(4)], [ge5(6)]], 0).value, '4.00× (4.00×–6.00×)');
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
    assert.match(md, /Out of reach in this run: speedup ≥ 5: 4\.00×; the engine alone \(the floor\) 3\.00×\. An engine that inlines across instances\./);
    assert.equal(md.match(/Out of reach in this run/g)?.length, 1);
    const plain = markdown(caseOf('c', [[verdict('plain ≤ 1', 2, false)]]));
    assert.match(plain, /\| target \| measured \| met \|\n/);
    assert.doesNotMatch(plain, /engine alone|Out of reach/);
    const over = markdown(caseOf('c', [[ge5(4, 3)], [ge5(6, 3)], [ge5(4, 3)]]));
    assert.match(over, /\| speedup ≥ 5 \| 4\.00× \(4\.00×–6\.00×\) \| 1 of 3; out of reach in 2 \| 3\.00× \(3\.00×–3\.00×\) \(the floor\), met 0 of 3 \|/);
    // Repeated runs without floors: no engine column there either.
    const plainOver = markdown(caseOf('c', [[verdict('plain ≤ 1', 2, false)], [verdict('plain ≤ 1', 0.5, true)]]));
    assert.match(plainOver, /Over 2 runs[^|]*\| target \| measured \| met \|\n/);
    assert.doesNotMatch(plainOver, /engine alone/);
  });

  it("lists, after the report's Targets table, each target out of reach on an engine with both figures and what would reach it", () => {
    const node20 = caseOf('a', [
      [ge5(4, 3), verdict('memory ≤ 1', 0.5, true)],
      [ge5(4.2, 3.5), verdict('memory ≤ 1', 0.6, true)],
      [ge5(3.9, 3.2), verdict('memory ≤ 1', 0.4, true)],
    ]);
    const node24 = caseOf('a', [[ge5(4.5, 6), verdict('memory ≤ 1', 2, false)]]);
    // Repeated, with a floor, missed, and never out of reach: not listed either.
    const node22 = caseOf('a', [[ge5(4, 6)], [ge5(4.4, 5.5)], [ge5(5.2, 4)]]);
    const byNode = new Map([
      ['20', new Map([['a', { run: record('20.20.2', [node20]), result: node20 }]])],
      ['22', new Map([['a', { run: record('22.23.3', [node22]), result: node22 }]])],
      ['24', new Map([['a', { run: record('24.21.0', [node24]), result: node24 }]])],
    ]);
    const text = targetsSection(byNode, ['20', '22', '24']).join('\n');
    assert.match(text, /\| a \| speedup ≥ 5 \| 4\.00× \(3\.90×–4\.20×\), met 0 of 3; out of reach in 3 ⊘ \| 4\.40× \(4\.00×–5\.20×\), met 1 of 3 ~ \| 4\.50× ✗ \|/);
    assert.match(text, /\| a \| memory ≤ 1 \| 0\.50× \(0\.40×–0\.60×\), met 3 of 3 ✓ \|  \| 2\.00× ✗ \|/);
    const section = text.slice(text.indexOf('## Out of reach'));
    assert.ok(section.length < text.length, 'an out-of-reach section');
    assert.match(section, /- \*\*a, speedup ≥ 5\*\*, Node 20: 4\.00× \(3\.90×–4\.20×\), out of reach in 3 of 3 runs; the engine alone \(the floor\) 3\.20× \(3\.00×–3\.50×\), met in 0 of 3\. An engine that inlines across instances\./);
    // Node 24 missed it where the engine met it, and missed a target with no floor; Node 22 missed
    // it in two runs where the engine met it: none listed.
    assert.doesNotMatch(section, /Node 2[24]|memory/);
    // Nothing out of reach: no section.
    const met = caseOf('a', [[ge5(6, 3)]]);
    const none = targetsSection(new Map([['20', new Map([['a', { run: record('20.20.2', [met]), result: met }]])]]), ['20']).join('\n');
    assert.doesNotMatch(none, /## Out of reach/);
  });

  it("judges link-scaling's targets against the floor of Accrete's own linking, at the same phases and K", () => {
    // Every floor the same, so the expectations hold whichever linking this engine uses.
    const phases = (compile: number, link: number, firstCall = 0) => ({ compile, link, firstCall });
    const at: Record<string, Record<string, { whole: number; compile: number; link: number; firstCall?: number }>> = {
      'K=1': { 'import matching': { whole: 500, compile: 30, link: 40 }, 'accrete baseline': { whole: 800, compile: 20, link: 50 }, floor: { whole: 300, compile: 15, link: 20 } },
      'K=1000': {
        'import matching': { whole: 1500, compile: 300, link: 700 },
        'accrete baseline': { whole: 1400, compile: 100, link: 150 },
        floor: { whole: 600, compile: 90, link: 60, firstCall: 400 },
        late: { whole: 700, compile: 90, link: 110 },
      },
    };
    const results: StrategyResult[] = [];
    for (const [group, by] of Object.entries(at)) {
      for (const name of ['import matching', 'accrete baseline', 'floor (link table)', 'floor (shared table)', 'js (new Function)', 'floor (link table, late objects)']) {
        const x = by[name.startsWith('floor (link table, late') ? 'late' : name.startsWith('floor') ? 'floor' : name] ?? by['floor']!;
        const b = phases(x.compile, x.link, x.firstCall);
        results.push({ strategy: name, group, items: undefined, summary: summarize([x.whole]), samples: [x.whole], breakdown: Object.fromEntries(Object.entries(b).map(([k, v]) => [k, summarize([v])])) });
      }
    }
    const r: CaseResult = { case: 'link-scaling', description: 'd', reference: 'import matching', target: 't', unit: 'µs', results, verdicts: [] };
    const verdicts = linkScaling.verdicts!(r);
    const check = (what: string, value: string, status: string, engine?: string) => {
      const v = verdicts.find((x) => x.what === what);
      assert.ok(v, what);
      assert.equal(v.value, value, what);
      assert.equal(statusOf(v), status, what);
      assert.equal(v.engine?.value, engine, what);
      if (engine) assert.match(v.engine!.of, /^the (link|shared)-table floor$/, what);
    };
    check('K=1000, whole stage: import matching ÷ accrete ≥ 5', '1.07×', 'out of reach', '2.50×');
    check('K=1000, compile + link: import matching ÷ accrete ≥ 5', '4.00×', 'not met', '6.67×');
    check('K=1000, link (instantiate + wire): import matching ÷ accrete ≥ 5', '4.67×', 'not met', '11.67×');
    check('accrete link (instantiate + wire) K=1000 ÷ K=1 (flat: ≤ 2)', '3.00×', 'out of reach', '3.00×');
    check('whole stage, what one more reference costs (K=1 → 1000): accrete ÷ import matching ≤ 1', '0.60×', 'met', '0.30×');
    // The whole stage's reach says what the floor's first call took against what the target allows.
    assert.match(verdicts[0]!.reach!, /took 400 µs of the 300 µs/);
    // The evidence rows carry no engine figure of their own.
    const evidence = verdicts.filter((v) => /cheaper floor|late objects/.test(v.what));
    assert.ok(evidence.length >= 1 && evidence.every((v) => v.engine === undefined));
    const late = evidence.find((v) => /late objects/.test(v.what));
    if (late) assert.equal(late.value, '5.00×');
  });

  it("judges call-overhead's cross-stage call against the engine's own cross-module call_indirect ÷ its direct call", () => {
    const ns: Record<string, number> = { 'same-stage direct': 1, 'cross-stage (slot)': 2, 'cross-stage, optimizing tier': 1, inlined: 1, 'engine: direct': 0.25, 'engine: indirect, other module': 2 };
    const results: StrategyResult[] = Object.entries(ns).map(([strategy, x]) => ({ strategy, group: undefined, items: undefined, summary: summarize([x]), samples: [x], breakdown: undefined }));
    const [cross, ...rest] = callOverhead.verdicts!({ case: 'call-overhead', description: 'd', reference: 'same-stage direct', target: 't', unit: 'ns', results, verdicts: [] });
    assert.equal(cross!.value, '2.00×');
    assert.equal(cross!.engine?.value, '8.00×');
    assert.equal(statusOf(cross!), 'out of reach');
    assert.deepEqual(rest.map((v) => [v.value, v.met, v.engine]), [['1.00×', true, undefined], ['1.00×', true, undefined], ['1.00×', true, undefined]]);
  });

  it('says out of reach in --compare', () => {
    const md = compareRuns({ file: 'a.json', run: record('20.20.2', [caseOf('c', [[ge5(4, 3)]])]) }, { file: 'b.json', run: record('20.20.2', [caseOf('c', [[ge5(4, 6)]])]) });
    assert.match(md, /\| speedup ≥ 5 \| 4\.00×, out of reach \| 4\.00×, not met \|/);
    assert.doesNotMatch(md, /Only the/);
    // Against a file from before engine figures, the difference in words is said to be the file's.
    const before = compareRuns({ file: 'a.json', run: record('20.20.2', [caseOf('c', [[ge5(4)]])]) }, { file: 'b.json', run: record('20.20.2', [caseOf('c', [[ge5(4, 3)]])]) });
    assert.match(before, /\| speedup ≥ 5 \| 4\.00×, not met \| 4\.00×, out of reach \|/);
    assert.match(before, /Only the new file has the engine alone's figures/);
  });
});
