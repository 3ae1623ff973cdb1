// The baseline encoder reading a packed body front to back (codegen/lower/encode-stream.ts): its
// one-step writing of the commonest nodes, a call of another stage's function (through the link
// table or the shared table) and a global's read,
// must write the bytes the general path (and the tree encoder, which the suite checks every
// packed body against: helpers.ts) writes, wherever it applies and wherever it does not.

import assert from 'node:assert/strict';
import type { FuncBuilder, Operand } from '../codegen/ir/builder.js';
import { LAYOUT_MAX_RELOCS } from '../codegen/lower/body-layout.js';
import { LINKINGS, newRuntime } from './helpers.js';
import { encodeModule, encoderChecks, type LowerContext } from '../codegen/lower/encode.js';
import { packFunc } from '../codegen/ir/pack.js';
import { LazyFunc } from '../codegen/ir/packed.js';
import type { Expr, Sig } from '../codegen/ir/nodes.js';
import type { SymbolInfo } from '../codegen/ir/symbols.js';

/** More references than a module records relocations for: past them the one-step path writes. */
const N = Math.ceil(LAYOUT_MAX_RELOCS / 3) + 50;

describe('stream encoder', () => {
  it('runs with the suite comparing every packed body against the tree encoder', () => {
    assert.equal(encoderChecks.stream, true);
  });

  it('reads references named apart from their symbol, and calls with a signature of their own, as the tree encoder writes them', () => {
    // What a body lowered again holds (a name bound to another definition's record): heads with the
    // name beside the symbol (F2), and a call whose signature is not its symbol's own object (no
    // F4). The reader takes the commonest heads in one step; these must take the general path.
    const I32: Sig = { params: ['i32'], results: ['i32'] };
    const inc: SymbolInfo = { kind: 'func', name: 'inc', sig: I32, inline: false, slot: 3 };
    const g: SymbolInfo = { kind: 'global', name: 'g', type: 'i32', mutable: true, address: 16 };
    const x: Expr = { k: 'local.get', type: 'i32', index: 0 };
    let acc: Expr = x;
    for (let i = 0; i < 12; i++) {
      const read: Expr = { k: 'global.get', type: 'i32', name: i % 2 ? 'gAlias' : 'g', sym: g };
      const call: Expr = { k: 'call', type: 'i32', name: i % 3 ? 'incAlias' : 'inc', sym: inc, sig: i % 4 ? { params: ['i32'], results: ['i32'] } : I32, args: [read], tail: false };
      acc = { k: 'op', type: 'i32', op: 'i32.add', args: [acc, call] };
    }
    const packed = packFunc({ name: 'f', sig: I32, locals: [], localNames: [], body: [acc] });
    for (const calls of LINKINGS) {
      const ctx: LowerContext = { slotOf: () => 3, globalAddress: () => 16, constantValue: () => 0, exnBuffer: 0, calls, tailCalls: true, memory: { shared: false, maximum: undefined } };
      // encoderChecks.stream: the reader's bytes are compared with the tree encoder's (it throws if they differ).
      const enc = encodeModule({ name: 's', ctx, funcs: [new LazyFunc(packed)], packed: [{ body: packed, prefixed: false, exceptions: false }] });
      assert.ok(WebAssembly.validate(enc.bytes as BufferSource), `valid module (${calls})`);
    }
  });

  for (const linking of LINKINGS) {
    describe(`(${linking})`, () => {
      it('writes calls to other stages and reads of globals of every type as the general path does', async () => {
        const rt = await newRuntime({ linking });
        const lib = rt.stage('lib');
        for (let i = 0; i < N; i++) lib.func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i)));
        lib.global('gi', 'i32', 3).global('gl', 'i64', 5n).global('gf', 'f32', 1.5).global('gd', 'f64', 2.25);
        // Globals far apart, so that their cells' addresses take LEBs of more than one byte.
        for (let i = 0; i < 40; i++) lib.global(`pad${i}`, 'i64', 0n);
        lib.global('far', 'i32', 7).commitSync();
        const sum = (b: FuncBuilder, from: number, n: number): Operand => {
          let acc: Operand = b.i32(0);
          for (let i = from; i < from + n; i++) acc = b.i32.add(acc, b.call(`f${i}`, b.global(i % 2 ? 'gi' : 'far')));
          return acc;
        };
        const others = (b: FuncBuilder) =>
          b.i32.add(b.i32.add(b.i32.wrap_i64(b.global('gl')), b.i32.trunc_f32_s(b.global('gf'))), b.i32.trunc_f64_s(b.global('gd')));
        const want = (from: number, n: number) => {
          let s = 0;
          for (let i = from; i < from + n; i++) s += (i % 2 ? 3 : 7) + i;
          return s;
        };
        rt.stage('big').func('calls', '-> i32', (b) => b.i32.add(sum(b, 0, N), others(b))).commitSync();
        // Calls of a function of its own stage (direct) and tail calls are the general path's.
        rt.stage('mix')
          .func('mixed', '-> i32', (b) => b.i32.add(sum(b, 1, N - 1), b.call('own', b.i32(1))))
          .func('own', 'i32 -> i32', (b) => b.returnCall('f2', b.param(0)))
          .commitSync();
        assert.equal(rt.fn('calls')(), want(0, N) + 5 + 1 + 2);
        assert.equal(rt.fn('mixed')(), want(1, N - 1) + 3);
        // Redefined, a callee is reached through its slot from code written either way.
        rt.stage('again').func('f0', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1000)), { redefine: true }).commitSync();
        assert.equal(rt.fn('calls')(), want(0, N) + 5 + 1 + 2 + 1000);
      });
    });
  }
});
