// Merging encoded modules by copying bodies (compaction's code path, tested on its own): direct
// calls, type and table indices and link-table entries rewritten; bodies a kept body calls are
// kept; the result validates and runs.

import assert from 'node:assert/strict';
import binaryen from 'binaryen';
import { FuncBuilder, type Body } from '../codegen/ir/builder.js';
import type { FuncIR, Sig } from '../codegen/ir/nodes.js';
import type { SymbolInfo } from '../codegen/ir/symbols.js';
import { encodeModule, type CallLinking, type LowerContext } from '../codegen/lower/encode.js';
import { mergeModules, type MergePart } from '../codegen/lower/merge.js';
import { TEST_FEATURES, testBuilder, watToBinary } from './helpers.js';

const I32: Sig = { params: ['i32'], results: ['i32'] };
const F64: Sig = { params: ['f64'], results: ['f64'] };
/** Slots of the two functions the modules call through the table. */
const SLOTS: Record<string, number> = { inc: 3, half: 5 };

const syms: Record<string, SymbolInfo> = {
  inc: { kind: 'func', name: 'inc', sig: I32, inline: false, slot: SLOTS.inc! },
  half: { kind: 'func', name: 'half', sig: F64, inline: false, slot: SLOTS.half! },
  a0: { kind: 'func', name: 'a0', sig: I32, inline: false },
  a1: { kind: 'func', name: 'a1', sig: I32, inline: false },
  a2: { kind: 'func', name: 'a2', sig: F64, inline: false },
  b0: { kind: 'func', name: 'b0', sig: F64, inline: false },
  b1: { kind: 'func', name: 'b1', sig: I32, inline: false },
};

function func(name: string, sig: Sig, body: (b: FuncBuilder) => Body): FuncIR {
  const b = testBuilder({ resolve: (n) => syms[n] }, name, sig, ['x']);
  return b.finish(body(b));
}

function ctxFor(calls: CallLinking): LowerContext {
  return { slotOf: (n) => SLOTS[n]!, globalAddress: () => 0, constantValue: () => 0, exnBuffer: 0, calls, tailCalls: true, memory: { shared: false, maximum: undefined } };
}

/** The functions the table holds: inc(x) = x + 1 at slot 3, half(x) = x / 2 at slot 5. */
function libTable(): WebAssembly.Table {
  const lib = new WebAssembly.Instance(
    new WebAssembly.Module(
      watToBinary(`(module
        (func (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
        (func (export "half") (param f64) (result f64) (f64.div (local.get 0) (f64.const 2))))`) as BufferSource,
    ),
  );
  const t = new WebAssembly.Table({ initial: 8, element: 'anyfunc' });
  t.set(SLOTS.inc!, lib.exports.inc as never);
  t.set(SLOTS.half!, lib.exports.half as never);
  return t;
}

for (const calls of ['shared-table', 'link-table'] as const) {
  describe(`merging encoded modules (${calls})`, () => {
    it("lays out each function: its type, its body's place, its relocations", () => {
      const ctx = ctxFor(calls);
      const funcs = [
        func('a0', I32, (b) => b.call('inc', b.param(0))),
        func('a2', F64, (b) => b.f64.add(b.param(0), b.f64(1))),
        func('a1', I32, (b) => b.i32.mul(b.param(0), b.i32(2))),
      ];
      const enc = encodeModule({ name: 'A', ctx, layout: true, funcs });
      const l = enc.layout!;
      assert.deepEqual(l.types, [I32, F64], 'types in the order first used');
      assert.equal(l.spans.length, 5 * funcs.length);
      const spans = Array.from(l.spans);
      for (let f = 0; f < funcs.length; f++) {
        const [type, body, instrs, end] = spans.slice(5 * f, 5 * f + 4) as [number, number, number, number];
        assert.equal(l.types[type], funcs[f]!.sig, `function ${f}'s type`);
        assert.ok(body < instrs && instrs < end && end <= enc.bytes.length, `function ${f}'s span is inside the module`);
        assert.equal(enc.bytes[end - 1], 0x0b, `function ${f}'s body ends where its span says`);
        // Each body follows the one before, after its size (a padded 5-byte LEB).
        if (f > 0) assert.equal(body, spans[5 * (f - 1) + 3]! + 5, 'bodies follow each other');
      }
      // Only a0 calls through a slot: it has relocations (three words each), the others none.
      assert.ok(spans[4]! > 0 && spans[4]! % 3 === 0);
      assert.deepEqual([spans[9], spans[14]], [spans[4], spans[4]]);
    });

    it('rewrites direct calls, types, tables and link entries, and keeps what kept bodies call', () => {
      const ctx = ctxFor(calls);
      // Module A: a0 calls a1 directly and inc through its slot; a2 has another type.
      const a = encodeModule({
        name: 'A',
        ctx,
        layout: true,
        funcs: [
          func('a0', I32, (b) => b.i32.add(b.call('a1', b.param(0)), b.call('inc', b.param(0)))),
          func('a1', I32, (b) => b.i32.mul(b.param(0), b.i32(2))),
          func('a2', F64, (b) => b.call('half', b.param(0))),
        ],
      });
      // Module B: its types come in the other order, and it calls both slots.
      const bm = encodeModule({
        name: 'B',
        ctx,
        layout: true,
        funcs: [func('b0', F64, (b) => b.f64.add(b.call('half', b.param(0)), b.f64(1))), func('b1', I32, (b) => b.call('inc', b.call('inc', b.param(0))))],
      });
      const parts: MergePart[] = [
        // a1 is left out as if redefined elsewhere, yet a0 calls it directly: it must stay in.
        { bytes: a.bytes, layout: a.layout!, imports: a.imports, names: ['a0', 'a1', 'a2'], keep: [true, false, true] },
        { bytes: bm.bytes, layout: bm.layout!, imports: bm.imports, names: ['b0', 'b1'], keep: [true, true] },
      ];
      const merged = mergeModules('A…B', ctx, parts);
      const m = binaryen.readBinary(merged.bytes);
      try {
        m.setFeatures(TEST_FEATURES);
        assert.ok(m.validate(), 'the merged module validates');
      } finally {
        m.dispose();
      }
      assert.deepEqual(merged.parts[0]!.index, [0, 1, 2], 'a1 kept for its direct caller');
      assert.deepEqual(merged.parts[1]!.index, [3, 4]);
      assert.deepEqual([...merged.parts[0]!.slotRefs].sort(), [SLOTS.inc, SLOTS.half].sort());
      assert.deepEqual(merged.parts[1]!.slotRefs.sort(), [SLOTS.inc, SLOTS.half].sort());

      const table = libTable();
      const accrete: Record<string, WebAssembly.ImportValue> = {};
      if (merged.imports.table) accrete.table = table;
      assert.equal(merged.imports.table, calls === 'shared-table');
      assert.equal(merged.imports.link.length, calls === 'link-table' ? 2 : 0, 'one link entry per slot, shared by both parts');
      const inst = new WebAssembly.Instance(new WebAssembly.Module(merged.bytes as BufferSource), { accrete });
      if (merged.imports.link.length) {
        const link = inst.exports['accrete:link'] as WebAssembly.Table;
        merged.imports.link.forEach((slot, i) => link.set(i, table.get(slot)));
      }
      const run = inst.exports as Record<string, (x: number) => number>;
      assert.equal(run['0']!(5), 10 + 6, 'a0 = a1(5) + inc(5)');
      assert.equal(run['2']!(3), 1.5, 'a2 = half(3)');
      assert.equal(run['3']!(3), 2.5, 'b0 = half(3) + 1');
      assert.equal(run['4']!(1), 3, 'b1 = inc(inc(1))');
      assert.equal(WebAssembly.Module.customSections(new WebAssembly.Module(merged.bytes as BufferSource), 'name').length, 1);
    });
  });
}
