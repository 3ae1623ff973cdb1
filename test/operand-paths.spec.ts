// One- and two-operand instructions and calls of up to two parameters take their operands without
// making a list (builder.ts `opAB`, `call`): these tests check that they build what the list path
// builds, in every order and reuse, and refuse a wrong count or a foreign operand as it does.

import assert from 'node:assert/strict';
import type { FuncBuilder, Operand } from '../codegen/ir/builder.js';
import type { Runtime } from '../runtime/index.js';
import { LINKINGS, newRuntime, throwsCode } from './helpers.js';

/** Commit `body` as a function of signature `sig` in a fresh stage and call it; failures show the case. */
async function run(rt: Runtime, what: string, sig: string, body: (b: FuncBuilder) => Operand, ...args: number[]): Promise<unknown> {
  const name = `t${++count}`;
  try {
    rt.stage().func(name, sig, body).commitSync();
    return rt.fn(name)(...args);
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`, { cause: e });
  }
}
let count = 0;

/** A body past the builder's first nodes (made as objects), so that every node below is a stream handle. */
const streamed = (b: FuncBuilder): void => {
  for (let i = 0; i < 10; i++) b.drop(b.i32(i));
};

async function library(rt: Runtime): Promise<void> {
  rt.stage('lib')
    .func('neg', 'i32 -> i32', (b) => b.i32.sub(b.i32(0), b.param(0)))
    .func('sub2', 'i32 i32 -> i32', (b) => b.i32.sub(b.param(0), b.param(1)))
    .func('seven', '-> i32', (b) => b.i32(7))
    .func('three', 'i32 i32 i32 -> i32', (b) => b.i32.add(b.i32.mul(b.param(0), b.i32(100)), b.i32.add(b.i32.mul(b.param(1), b.i32(10)), b.param(2))))
    .global('g', 'i32', 40)
    .commitSync();
}

for (const linking of LINKINGS) {
  describe(`operands without a list (${linking})`, () => {
    let rt: Runtime;
    before(async () => {
      rt = await newRuntime({ linking });
      await library(rt);
    });

    it('builds two-operand instructions in wasm order, out of order, and from a reused node', async () => {
      const cases: Array<[string, (b: FuncBuilder) => Operand, number]> = [
        ['in order', (b) => (streamed(b), b.i32.sub(b.param(0), b.i32(3))), 9],
        ['out of order', (b) => { streamed(b); const three = b.i32(3); const x = b.param(0); return b.i32.sub(x, three); }, 9],
        ['the same node twice', (b) => { streamed(b); const x = b.i32.add(b.param(0), b.i32(1)); return b.i32.mul(x, x); }, 169],
        ['an operand from an earlier statement', (b) => { streamed(b); const x = b.param(0); b.drop(b.i32(5)); return b.i32.sub(x, b.i32(2)); }, 10],
        ['a node made by hand', (b) => (streamed(b), b.i32.add({ k: 'const', type: 'i32', value: 30 } as never, b.param(0))), 42],
        ['as the first nodes of a body (objects)', (b) => b.i32.sub(b.param(0), b.i32(3)), 9],
      ];
      for (const [what, body, want] of cases) assert.equal(await run(rt, what, 'i32 -> i32', body, 12), want, what);
    });

    it('builds one-operand instructions and calls of zero, one and two arguments, in and out of order', async () => {
      const cases: Array<[string, (b: FuncBuilder) => Operand, number]> = [
        ['eqz', (b) => (streamed(b), b.i32.eqz(b.param(0))), 0],
        ['eqz of a reused node', (b) => { streamed(b); const z = b.i32.sub(b.param(0), b.param(0)); b.drop(z); return b.i32.eqz(z); }, 1],
        ['no argument', (b) => (streamed(b), b.call('seven')), 7],
        ['one argument', (b) => (streamed(b), b.call('neg', b.param(0))), -12],
        ['one argument made earlier', (b) => { streamed(b); const x = b.i32.add(b.param(0), b.i32(1)); b.drop(b.i32(0)); return b.call('neg', x); }, -13],
        ['two arguments', (b) => (streamed(b), b.call('sub2', b.param(0), b.global('g'))), -28],
        ['two arguments out of order', (b) => { streamed(b); const g = b.global('g'); const x = b.param(0); return b.call('sub2', x, g); }, -28],
        ['two arguments, one node twice', (b) => { streamed(b); const x = b.call('neg', b.param(0)); return b.call('sub2', x, x); }, 0],
        ['three arguments (the list path)', (b) => (streamed(b), b.call('three', b.i32(1), b.param(0), b.i32(5))), 225],
      ];
      for (const [what, body, want] of cases) assert.equal(await run(rt, what, 'i32 -> i32', body, 12), want, what);
    });

    it('builds stores with the address and value in and out of order, and refuses a wrong type naming which', async () => {
      const at = rt.layout.heapBase + 64;
      const cases: Array<[string, (b: FuncBuilder) => Operand]> = [
        ['in order', (b) => (streamed(b), b.seq(b.i32.store(b.i32(at), b.param(0)), b.i32.load(b.i32(at))))],
        ['out of order', (b) => { streamed(b); const v = b.i32.add(b.param(0), b.i32(1)); const a = b.i32(at); return b.seq(b.i32.store(a, v), b.i32.load(b.i32(at))); }],
        ['i64, the value made first', (b) => { streamed(b); const v = b.i64.extend_i32_s(b.param(0)); return b.seq(b.i64.store(b.i32(at), v), b.i32.wrap_i64(b.i64.load(b.i32(at)))); }],
      ];
      const want = [12, 13, 12];
      for (let i = 0; i < cases.length; i++) assert.equal(await run(rt, cases[i]![0], 'i32 -> i32', cases[i]![1], 12), want[i], cases[i]![0]);
      throwsCode(() => rt.stage().func(`bad${++count}`, 'i32 -> i32', (b) => (streamed(b), b.seq(b.i32.store(b.i64(at), b.param(0)), b.param(0)))).commitSync(), 'TypeMismatch', /i32\.store address: expected i32, got i64/);
      throwsCode(() => rt.stage().func(`bad${++count}`, 'i32 -> i32', (b) => (streamed(b), b.seq(b.i32.store(b.i32(at), b.f32(1)), b.param(0)))).commitSync(), 'TypeMismatch', /i32\.store value: expected i32, got f32/);
    });

    it('refuses a wrong number of operands or arguments, saying how many it got', () => {
      const refuse = (what: string, body: (b: FuncBuilder) => unknown, pattern: RegExp) =>
        throwsCode(() => rt.stage().func(`bad${++count}`, 'i32 -> i32', (b) => (streamed(b), body(b) as Operand)).commitSync(), 'TypeMismatch', pattern);
      const add = (b: FuncBuilder) => b.i32.add as unknown as (...a: unknown[]) => Operand;
      const eqz = (b: FuncBuilder) => b.i32.eqz as unknown as (...a: unknown[]) => Operand;
      const call = (b: FuncBuilder) => b.call.bind(b) as unknown as (...a: unknown[]) => Operand;
      refuse('add of one', (b) => add(b)(b.param(0)), /i32\.add: expected 2 argument\(s\), got 1/);
      refuse('add of none', (b) => add(b)(), /i32\.add: expected 2 argument\(s\), got 0/);
      refuse('add of three', (b) => add(b)(b.param(0), b.i32(1), b.i32(2)), /i32\.add: expected 2 argument\(s\), got 3/);
      refuse('eqz of two', (b) => eqz(b)(b.param(0), b.i32(1)), /i32\.eqz: expected 1 argument\(s\), got 2/);
      refuse('call of one with none', (b) => call(b)('neg'), /call of 'neg' .*expected 1 argument\(s\), got 0/);
      refuse('call of one with two', (b) => call(b)('neg', b.param(0), b.i32(1)), /call of 'neg' .*expected 1 argument\(s\), got 2/);
      refuse('call of two with one', (b) => call(b)('sub2', b.param(0)), /call of 'sub2' .*expected 2 argument\(s\), got 1/);
      refuse('call of none with one', (b) => call(b)('seven', b.param(0)), /call of 'seven' .*expected 0 argument\(s\), got 1/);
    });

    it('refuses operands of the wrong type, or that are no expression, naming which', () => {
      const body = (f: (b: FuncBuilder) => unknown) => (b: FuncBuilder) => (streamed(b), f(b) as Operand);
      throwsCode(() => rt.stage().func(`bad${++count}`, 'i32 -> i32', body((b) => b.i32.add(b.param(0), b.i64(1)))).commitSync(), 'TypeMismatch', /i32\.add, argument 1: expected i32, got i64/);
      throwsCode(() => rt.stage().func(`bad${++count}`, 'i32 -> i32', body((b) => b.call('sub2', b.f64(1), b.param(0)))).commitSync(), 'TypeMismatch', /call of 'sub2' .*argument 0: expected i32, got f64/);
      throwsCode(() => rt.stage().func(`bad${++count}`, 'i32 -> i32', body((b) => b.i32.add(null as never, b.param(0)))).commitSync(), 'InvalidBody', /argument 0: expected an expression, got null/);
      throwsCode(() => rt.stage().func(`bad${++count}`, 'i32 -> i32', body((b) => b.call('neg', 5 as never))).commitSync(), 'InvalidBody', /argument 0: expected an expression, got 5/);
      throwsCode(() => rt.stage().func(`bad${++count}`, 'i32 -> i32', body((b) => b.block([b.nop(), 'x' as never, b.param(0)]))).commitSync(), 'InvalidBody', /'bad[0-9]+': block, element 1: expected an expression, got x/);
      throwsCode(() => rt.stage().func(`bad${++count}`, 'i32 -> i32', body((b) => b.if(b.param(0), b.i32(1), b.i64(2)))).commitSync(), 'TypeMismatch', /'bad[0-9]+': if: then gives i32, else gives i64/);
      throwsCode(() => rt.stage().func(`bad${++count}`, 'i32 -> i32', body((b) => b.select(b.param(0), b.f64(1), b.i32(2)))).commitSync(), 'TypeMismatch', /'bad[0-9]+': select: f64 vs i32/);
    });

    it("refuses an operand made for another body, in either position", () => {
      let other: Operand | undefined;
      rt.stage().func(`keep${++count}`, 'i32 -> i32', (b) => (streamed(b), (other = b.i32(1)))).commitSync();
      for (const f of [(b: FuncBuilder) => b.i32.add(other!, b.param(0)), (b: FuncBuilder) => b.i32.add(b.param(0), other!), (b: FuncBuilder) => b.call('sub2', b.param(0), other!)]) {
        throwsCode(() => rt.stage().func(`bad${++count}`, 'i32 -> i32', (b) => (streamed(b), f(b))).commitSync(), 'InvalidBody', /made for the body of 'keep/);
      }
    });
  });
}
