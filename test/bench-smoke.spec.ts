// The benchmark harness cannot rot: every case runs one tiny iteration (no timing asserted),
// and its report and charts render.

import assert from 'node:assert/strict';
import { CASES } from '../benchmarks/cases/index.js';
import { blockReader } from '../benchmarks/cases/stage-count-scaling.js';
import { markdown, runCase, type CaseResult } from '../benchmarks/harness.js';
import { repeatedVerdict } from '../benchmarks/verdict.js';
import { groupSeries, lineChart } from '../benchmarks/svg.js';

describe('benchmark smoke', function () {
  this.timeout(120_000);
  for (const c of CASES) {
    it(`runs ${c.name} once and reports it`, async () => {
      const r = await runCase(c, 'smoke');
      assert.equal(r.case, c.name);
      if (c.series) {
        assert.ok(r.series && r.series.series.length > 0);
        for (const s of r.series.series) assert.ok(s.x.length > 0, `${s.strategy} produced no points${(s as { failed?: string }).failed ? ': ' + (s as { failed?: string }).failed : ''}`);
      } else {
        assert.equal(r.results.length, c.strategies.length);
        for (const x of r.results) assert.ok(Number.isFinite(x.summary.median) && x.summary.median >= 0, `${x.strategy}: ${x.summary.median}`);
        assert.ok(r.results.some((x) => x.strategy === c.reference), 'the reference strategy ran');
      }
      const md = markdown(r);
      assert.match(md, new RegExp(`### ${c.name}`));
      if (c.verdicts) assert.ok(r.verdicts.length > 0, 'targets are judged');
      // Every figure a verdict shows is a number (a floor missing a phase would show NaN).
      for (const v of r.verdicts) {
        assert.ok(Number.isFinite(parseFloat(v.value)), `${v.what}: ${v.value}`);
        if (v.engine) assert.ok(Number.isFinite(parseFloat(v.engine.value)), `${v.what}, the engine alone: ${v.engine.value}`);
      }
    });
  }

  it('summarises repeated runs: median, range, and how often each target was met', () => {
    const run = (x: number, kb: number) => [
      { what: 'ratio ≤ 1.5', value: `${x.toFixed(2)}×`, met: x <= 1.5 },
      { what: 'memory', value: `${kb.toFixed(1)} KB`, met: true },
    ];
    const runs = [run(1.2, 5.1), run(1.6, 4.9), run(1.4, 5.3)];
    assert.deepEqual(repeatedVerdict(runs, 0), { what: 'ratio ≤ 1.5', value: '1.40× (1.20×–1.60×)', met: 2, runs: 3, outOfReach: 0 });
    assert.deepEqual(repeatedVerdict(runs, 1), { what: 'memory', value: '5.10 KB (4.90 KB–5.30 KB)', met: 3, runs: 3, outOfReach: 0 });
    const r: CaseResult = { case: 'c', description: 'd', reference: 'r', target: 't', unit: 'µs', results: [], verdicts: runs[2]!, repeats: runs };
    assert.match(markdown(r), /Over 3 runs[\s\S]*\| ratio ≤ 1\.5 \| 1\.40× \(1\.20×–1\.60×\) \| 2 of 3 \|/);
  });

  it('reads a scaling worker\'s blocks by whole lines, however its output is cut', () => {
    const read = blockReader();
    assert.deepEqual(read('reached 1000 45.1 4'), []);
    assert.deepEqual(read('8.2\nreached 2000 4'), [[1000, 45.1, 48.2]]);
    assert.deepEqual(read('6 50.5\nnoise\nreached 3000 47 49\n'), [[2000, 46, 50.5], [3000, 47, 49]]);
  });

  it('gives sample counts, names a p99 of few samples the maximum, and the slowest samples\' phases', () => {
    const summary = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return { n: s.length, median: s[(s.length - 1) >> 1]!, p90: s[s.length - 1]!, p99: s[s.length - 1]!, min: s[0]!, max: s[s.length - 1]!, mean: 0 };
    };
    const samples = [10, 11, 12, 50];
    const phases = { build: [4, 5, 6, 40], compile: [6, 6, 6, 10] };
    const r: CaseResult = {
      case: 'c', description: 'd', reference: 'a', target: 't', unit: 'µs', verdicts: [],
      results: [{ strategy: 'a', group: undefined, items: undefined, samples, summary: summary(samples), phases, breakdown: { build: summary(phases.build), compile: summary(phases.compile) } }],
    };
    const md = markdown(r);
    assert.match(md, /\| strategy \| n \| median \(µs\) \| p99 \(µs; max below 100 samples\) \|/);
    assert.match(md, /\| a \| 4 \| 11\.0 \| 50\.0 \|/);
    assert.match(md, /Phases of the slowest 1% of samples[\s\S]*\| a \| 1 \| 40\.0 \| 10\.0 \|/);
  });

  // V8 caches compiled modules by their bytes: a sample that compiles what was compiled before in
  // its process (by another strategy, or in a setup) gets its module for free. Two such bugs were
  // found in the fifteenth session. Every compile is recorded; a repeat inside a sample fails.
  it('compiles no module in a sample that its process compiled before, in any interleaved case', async () => {
    const wasm = WebAssembly as unknown as Record<'Module' | 'compile' | 'instantiate', unknown>;
    const saved = { Module: wasm.Module, compile: wasm.compile, instantiate: wasm.instantiate };
    let sampling = false;
    let current = 'setup';
    const seen = new Map<string, string>();
    const repeats: string[] = [];
    const bytesOf = (b: unknown) => (ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : b instanceof ArrayBuffer ? new Uint8Array(b) : undefined);
    const note = (b: unknown) => {
      const u = bytesOf(b);
      if (!u) return;
      const key = Buffer.from(u).toString('base64');
      const first = seen.get(key);
      if (first === undefined) seen.set(key, current);
      else if (sampling) repeats.push(`${current} compiled the bytes ${first} compiled`);
    };
    wasm.Module = new Proxy(saved.Module as typeof WebAssembly.Module, {
      construct(target, args: [BufferSource]) {
        note(args[0]);
        return Reflect.construct(target, args);
      },
    });
    wasm.compile = (b: BufferSource) => (note(b), (saved.compile as typeof WebAssembly.compile)(b));
    wasm.instantiate = (b: BufferSource | WebAssembly.Module, imports?: WebAssembly.Imports) => (note(b), (saved.instantiate as (x: unknown, i?: unknown) => unknown)(b, imports));
    try {
      for (const c of CASES) {
        if (c.series) continue;
        seen.clear();
        current = `${c.name}: setup`;
        const watched = c.strategies.map((st) => ({
          ...st,
          setup: (mode: Parameters<typeof st.setup>[0]) => ((current = `${c.name}: ${st.name} setup`), st.setup(mode)),
          sample: (ctx: never, i: number) => {
            current = `${c.name}: ${st.name}${st.group ? ` (${st.group})` : ''}`;
            sampling = true;
            const r = st.sample(ctx, i);
            if (r instanceof Promise) return r.finally(() => (sampling = false));
            sampling = false;
            return r;
          },
        }));
        await runCase({ ...c, strategies: watched }, 'smoke');
      }
    } finally {
      Object.assign(wasm, saved);
    }
    assert.deepEqual(repeats, []);
  });

  it('draws charts', () => {
    const svg = lineChart('t', [{ strategy: 'a', x: [1, 10, 100], y: [1, 2, 3] }], 'x', 'y', { logX: true });
    assert.match(svg, /^<svg[^>]*>/);
    assert.match(svg, /<polyline/);
    assert.deepEqual(groupSeries([{ strategy: 's', group: 'K=10', summary: { median: 5 } }]), [{ strategy: 's', x: [10], y: [5] }]);
  });
});
