// `npm run bench -- --instructions`: its command line, its arithmetic and table, every workload
// running on the public API, and one real count under callgrind where valgrind is installed.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BenchUsageError, commandOf, parseArgs } from '../benchmarks/args.js';
import { THIS_RUNTIME, medianRun, callgrindEvents, callgrindTotal, countColdLines, countInstructions, haveValgrind, instructionsTable, perStage } from '../benchmarks/instructions.js';
import { WORKLOADS } from '../benchmarks/instruction-workloads.js';

const workloadsJs = fileURLToPath(new URL('../benchmarks/instruction-workloads.js', import.meta.url));
const names = ['kept-heap'];
const refused = (argv: string[], message: RegExp) => assert.throws(() => parseArgs(argv, names), (e: unknown) => e instanceof BenchUsageError && message.test(e.message), argv.join(' '));

describe('bench --instructions', function () {
  this.timeout(120_000);

  it('goes with --against and --node only', () => {
    const a = parseArgs(['--instructions', '--against', 'HEAD~1', '--node', '24'], names);
    assert.ok(a.instructions && a.against === 'HEAD~1' && a.node === '24');
    assert.equal(commandOf(a), 'npm run bench -- --against HEAD~1 --instructions --node 24');
    refused(['--instructions', '--case', 'kept-heap'], /--instructions counts its own workloads: --case cannot go with it/);
    refused(['--instructions', '--repeat', '3'], /--repeat cannot go with it/);
    refused(['--instructions', '--full'], /--full cannot go with it/);
    refused(['--instructions', '--instructions'], /given twice/);
  });

  it('reads callgrind totals and counts per stage net of the warm-up', () => {
    assert.equal(callgrindTotal('events: Ir\nsummary: 123456\n'), 123456);
    assert.equal(callgrindTotal('events: Ir\ntotals: 77\n'), 77);
    assert.throws(() => callgrindTotal('events: Ir\n'), /no summary line/);
    assert.deepEqual(callgrindEvents('events: Ir ILmr DLmr\nsummary: 100 7 3\n'), { Ir: 100, ILmr: 7, DLmr: 3 });
    assert.throws(() => callgrindEvents('summary: 100 7 3\n'), /no events or summary line/);
    assert.equal(perStage(1_000, 5_000, 40), 100);
    const run = (code: number, data: number) => ({ code, data, instructions: code });
    assert.deepEqual(medianRun([run(10, 5), run(1, 1), run(7, 1)]), run(7, 1));
    // By code and data together: 10 + 5 lies between 1 + 1 and 20 + 1.
    assert.deepEqual(medianRun([run(20, 1), run(10, 5), run(1, 1)]), run(10, 5));
    assert.throws(() => medianRun([]), RangeError);
    assert.throws(() => perStage(1, 2, 0), RangeError);
  });

  it('tables one side, or two with the change', () => {
    const w = WORKLOADS.find((x) => !x.cold)!;
    const one = instructionsTable([{ w, head: 123_456.4 }]);
    assert.match(one, new RegExp(`\\| ${w.name} \\| 123,456 \\|`));
    const two = instructionsTable([{ w, head: 90, base: 100 }], 'abc');
    assert.match(two, /\| workload \| abc \| this checkout \| change \|/);
    assert.match(two, new RegExp(`\\| ${w.name} \\| 100 \\| 90 \\| 0\\.900 \\|`));
    assert.match(two, new RegExp(`- ${w.name}: .*; ${w.counted} stages counted after ${w.warm}\\.`));
  });

  it('tables cold workloads apart, in lines, the change taken on code and data together', () => {
    const w = WORKLOADS.find((x) => x.cold)!;
    const one = instructionsTable([{ w, head: { code: 1_000.4, data: 250, instructions: 140_000 } }]);
    assert.match(one, /\| cold workload \| lines per stage from beyond L2 \(code \+ data\) \| instructions per stage \|/);
    assert.match(one, new RegExp(`\\| ${w.name} \\| 1,000 \\+ 250 \\| 140,000 \\|`));
    assert.doesNotMatch(one, /\| workload \| instructions per stage \|/);
    const two = instructionsTable([{ w, head: { code: 800, data: 100, instructions: 1 }, base: { code: 1_000, data: 200, instructions: 1 } }], 'abc');
    assert.match(two, new RegExp(`\\| ${w.name} \\| 1,000 \\+ 200 \\| 800 \\+ 100 \\| 0\\.750 \\|`));
  });

  it('runs every workload on the public API', () => {
    for (const w of WORKLOADS) {
      const p = spawnSync(process.execPath, [workloadsJs, THIS_RUNTIME, w.name, '3'], { encoding: 'utf8' });
      assert.equal(p.status, 0, `${w.name}: ${p.stderr}`);
    }
    // A cold workload's counted stages (past a warm-up of 2), outside callgrind.
    for (const w of WORKLOADS.filter((x) => x.cold)) {
      const p = spawnSync(process.execPath, [workloadsJs, THIS_RUNTIME, w.name, '4', '2'], { encoding: 'utf8' });
      assert.equal(p.status, 0, `${w.name} cold: ${p.stderr}`);
    }
    const p = spawnSync(process.execPath, [workloadsJs, THIS_RUNTIME, 'no-such-workload', '3'], { encoding: 'utf8' });
    assert.notEqual(p.status, 0);
    assert.match(p.stderr, /usage: instruction-workloads\.js/);
  });

  it('counts a workload under callgrind', function () {
    if (!haveValgrind()) this.skip();
    // One run (Node starts ~10× slower under valgrind): the parse and the workload, end to end.
    const n = countInstructions(process.execPath, THIS_RUNTIME, WORKLOADS.find((x) => x.name === 'one-function')!, 2);
    // Node's start alone runs hundreds of millions of instructions.
    assert.ok(n > 1e8 && Number.isInteger(n), `counted ${n}`);
  });

  it('counts a cold workload in lines, its counted stages alone', function () {
    if (!haveValgrind()) this.skip();
    const w = WORKLOADS.find((x) => x.cold)!;
    assert.throws(() => countColdLines(process.execPath, THIS_RUNTIME, WORKLOADS.find((x) => !x.cold)!), /is not a cold one/);
    const c = countColdLines(process.execPath, THIS_RUNTIME, w, 2, 3);
    // Two stages, not Node's start (hundreds of millions): the collection is the counted stages'.
    assert.ok(c.instructions > 1e4 && c.instructions < 2e7, `instructions ${c.instructions}`);
    assert.ok(c.code > 100 && c.data > 10, `lines ${c.code} + ${c.data}`);
  });
});
