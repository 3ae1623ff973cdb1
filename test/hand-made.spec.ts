// Node objects made by hand (or by one body's builder and used in another) are checked when their
// body is committed, as the builder checks its own nodes as it makes them: bad ones get a typed
// error naming what is wrong, not a module the engine rejects, and the runtime stays as it was.

import assert from 'node:assert/strict';
import type { ExprObject as Expr } from '../runtime/index.js';
import { assertUnchanged, newRuntime, snapshot, testBuilder, throwsCode } from './helpers.js';
import type { ErrorCode } from '../runtime/errors.js';
import { FuncBuilder } from '../codegen/ir/builder.js';
import { NUMERIC } from '../codegen/wasm/instructions.js';

const i32 = (value: number): Expr => ({ k: 'const', type: 'i32', value });
const br = (label: string): Expr => ({ k: 'br', type: 'unreachable', label, value: null, cond: null });
/** Each body two ways: as a tiny body (made as objects) and past the switch to the stream. */
const ways: Array<[string, (b: FuncBuilder, e: () => Expr) => Expr]> = [
  ['a tiny body', (b, e) => b.i32.add(b.i32(1), e()) as Expr],
  ['a streamed body', (b, e) => b.block(b.i32.add(b.i32(1), e())) as unknown as Expr],
];

const bad: Array<[string, () => Expr, ErrorCode, RegExp]> = [
  ['a branch to no enclosing label', () => ({ k: 'block', type: 'i32', label: null, body: [br('nowhere')] }), 'InvalidBody', /label 'nowhere', which is not an enclosing/],
  ['a local that does not exist', () => ({ k: 'local.get', type: 'i32', index: 7 }), 'InvalidBody', /local 7 does not exist/],
  ['a local read as another type', () => ({ k: 'local.get', type: 'f64', index: 0 }), 'TypeMismatch', /local 0 is a i32, read as f64/],
  ['an operand of the wrong type, inside', () => ({ k: 'op', type: 'i32', op: 'i32.add', args: [{ k: 'const', type: 'f64', value: 1 }, i32(1)] }), 'TypeMismatch', /i32\.add, operand 0: expected i32, got f64/],
  ['an instruction that is not one', () => ({ k: 'op', type: 'i32', op: 'i32.frob', args: [] }), 'TypeMismatch', /'i32\.frob' is not a numeric instruction/],
  ['a constant of the wrong kind of number', () => ({ k: 'const', type: 'i32', value: 1n }), 'TypeMismatch', /i32 constant holds a bigint/],
  ['a kind of node that does not exist', () => ({ k: 'zork', type: 'i32' }) as unknown as Expr, 'InvalidBody', /zork/],
  ['a global that does not exist', () => ({ k: 'global.get', type: 'i32', name: 'nope' }), 'UnknownSymbol', /'nope' is not defined \(wanted a global\)/],
  ['a global read as another type', () => ({ k: 'global.get', type: 'i32', name: 'wide' }), 'TypeMismatch', /global\.get 'wide' typed i32, but it is a i64/],
  ['a function named as a global', () => ({ k: 'global.get', type: 'i32', name: 'inc' }), 'WrongSymbolKind', /'inc' is a func, not a global/],
  ['a nop typed as a value', () => ({ k: 'nop', type: 'i32' }) as unknown as Expr, 'TypeMismatch', /nop typed i32/],
  ['a drop typed as a value', () => ({ k: 'drop', type: 'i32', value: i32(1) }) as unknown as Expr, 'TypeMismatch', /drop typed i32/],
  ['memory.size typed none', () => ({ k: 'memory', type: 'none', op: 'memory.size', args: [] }), 'TypeMismatch', /memory\.size gives i32, typed none/],
  ['a slot typed i64', () => ({ k: 'slot.of', type: 'i64', name: 'inc' }) as unknown as Expr, 'TypeMismatch', /a slot is an i32/],
  ['an i32 constant that is not a 32-bit integer', () => i32(1.5), 'TypeMismatch', /i32 constant of 1\.5, out of its range/],
  ['an i64 constant wider than 64 bits', () => ({ k: 'drop', type: 'none', value: { k: 'const', type: 'i64', value: 2n ** 64n } }) as unknown as Expr, 'TypeMismatch', /i64 constant of 18446744073709551616, out of its range/],
  ['an operator whose instruction entry is another', () => ({ k: 'op', type: 'i32', op: 'i32.mul', info: NUMERIC.get('i32.sub'), args: [i32(3), i32(1)] }), 'TypeMismatch', /an i32\.mul node whose instruction entry is i32\.sub's/],
  ['a throw of a tag that does not exist', () => ({ k: 'block', type: 'i32', label: null, body: [{ k: 'throw', type: 'unreachable', tag: 'NOPE', id: 1, params: ['i32'], args: [i32(1)] }] }), 'UnknownSymbol', /'NOPE' is not defined \(wanted a tag\)/],
  ['a block typed unreachable that a branch leaves', () => ({ k: 'block', type: 'i32', label: null, body: [{ k: 'block', type: 'unreachable', label: 'L', body: [{ k: 'br', type: 'none', label: 'L', value: null, cond: i32(1) }, { k: 'unreachable', type: 'unreachable' }] }, i32(3)] }), 'InvalidBody', /block 'L' is typed unreachable, but a branch leaves it/],
  ['a block whose body does not give its type', () => ({ k: 'block', type: 'i32', label: null, body: [] }), 'TypeMismatch', /typed i32, but its body gives none/],
];

describe('nodes made by hand', () => {
  for (const [way, body] of ways) {
    for (const [what, node, code, pattern] of bad) {
      it(`refuses ${what}, in ${way}, and leaves the runtime as it was`, async () => {
        const rt = await newRuntime();
        rt.stage('lib').global('wide', 'i64', 1n).func('inc', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).commitSync();
        const before = snapshot(rt);
        throwsCode(() => rt.stage('s').func('f', 'i32 -> i32', (b) => body(b, node)).commitSync(), code, pattern);
        assertUnchanged(before, rt);
      });
    }
  }

  it('refuses one that holds an expression a builder made, in a tiny body and a streamed one', async () => {
    const rt = await newRuntime();
    const before = snapshot(rt);
    const other = testBuilder({ resolve: () => undefined }, 'other', { params: ['i32'], results: ['i32'] });
    other.drop(other.param(0)); // its stream has started: what it makes now are handles
    const holding = (x: unknown): Expr => ({ k: 'op', type: 'i32', op: 'i32.add', args: [x as Expr, i32(1)] });
    for (const [name, body] of [
      ['tiny', (b: FuncBuilder) => b.i32.add(b.param(0), holding(b.seq(b.nop(), b.param(1))))],
      ['streamed', (b: FuncBuilder) => b.block([b.nop(), b.i32.add(b.param(0), holding(b.param(1)))])],
      // Another body's handle, in a body still made as objects: found by the check at commit.
      ['another body', (b: FuncBuilder) => b.i32.add(b.param(0), holding(other.param(0)))],
    ] as const) {
      throwsCode(() => rt.stage(name).func(name, 'i32 i32 -> i32', body).commitSync(), 'InvalidBody', /holds an expression a builder made/);
    }
    other.dispose();
    assertUnchanged(before, rt);
  });

  it("refuses one made for another definition of its symbol: an earlier one, or another runtime's", async () => {
    const rt = await newRuntime();
    rt.stage('l').global('g', 'i32', 1).func('k', '-> i32', (b) => b.i32(1)).commitSync();
    let read: Expr | undefined;
    let call: Expr | undefined;
    rt.stage('x').func('x', '-> i32', (b) => ((read = b.global('g') as Expr), (call = b.call('k') as Expr), b.i32(0))).commitSync();
    rt.retire('x');
    rt.retire('l');
    // A new stage takes the freed cell and slot; another defines the names again elsewhere.
    rt.stage('pad').global('p', 'i32', 99).func('pk', '-> i32', (b) => b.i32(99)).commitSync();
    rt.stage('l2').global('g', 'i32', 2).func('k', '-> i32', (b) => b.i32(2)).commitSync();
    const before = snapshot(rt);
    throwsCode(() => rt.stage('s').func('f', '-> i32', () => read).commitSync(), 'InvalidBody', /'g' in a node made for another definition of it/);
    throwsCode(() => rt.stage('s').func('f', '-> i32', () => call).commitSync(), 'InvalidBody', /'k' in a node made for another definition of it/);
    const other = await newRuntime();
    other.stage('l').global('g', 'i32', 3).commitSync();
    throwsCode(() => other.stage('s').func('f', '-> i32', (b) => b.block(b.i32.add(read!, b.i32(0)))).commitSync(), 'InvalidBody', /'g' in a node made for another definition/);
    assertUnchanged(before, rt);
    // The same names, made again, read the new definitions.
    rt.stage('s').func('f', '-> i32', (b) => b.i32.add(b.global('g'), b.call('k'))).commitSync();
    assert.equal(rt.fn('f')(), 4);
  });

  it('types a builder block by the branches made by hand inside it', async () => {
    const rt = await newRuntime();
    rt.stage('s').func('f', 'i32 -> i32', (b) => b.block([{ k: 'br', type: 'unreachable', label: 'L', value: i32(5), cond: null }], { label: 'L' })).commitSync();
    assert.equal(rt.fn('f')(0), 5);
  });

  it('keeps a copy of a tiny body made by hand: changing the objects afterwards changes nothing', async () => {
    const rt = await newRuntime();
    const obj = { k: 'op', type: 'i32', op: 'i32.add', args: [{ k: 'local.get', type: 'i32', index: 0 }, i32(1)] } as Expr & { op: string; args: Expr[] };
    rt.stage('s').func('f', 'i32 -> i32', () => obj).commitSync();
    obj.op = 'i32.mul';
    obj.args[1] = { k: 'const', type: 'f64', value: 2 };
    await rt.loadOptimizer();
    rt.retierSync('s');
    assert.equal(rt.fn('f')(4), 5);
  });

  it('keeps copies of what it takes, lists and all: changing them afterwards changes nothing', async () => {
    const rt = await newRuntime();
    rt.stage('l').global('g', 'i32', 10).global('w', 'i64', 5n).commitSync();
    // Changed after the builder took it, before the body is finished.
    const leaf = { k: 'global.get', type: 'i32', name: 'g' } as Expr & { name: string };
    rt.stage('a').func('a', '-> i32', (b) => {
      const x = b.i32.add(leaf, b.i32(0));
      leaf.name = 'w';
      return x;
    }).commitSync();
    assert.equal(rt.fn('a')(), 10);
    // A branch table's labels, changed after the commit, then the body lowered again.
    const table = { k: 'br_table', type: 'unreachable', labels: ['A'], fallback: 'B', index: { k: 'local.get', type: 'i32', index: 0 }, value: null } as Expr & { labels: string[] };
    rt.stage('t')
      .func('t', 'i32 -> i32', (b) => b.seq(b.block([b.block([b.block(table, { label: 'A' }), b.return(b.i32(1))], { label: 'B' }), b.return(b.i32(2))]), b.i32(3)))
      .commitSync();
    assert.equal(rt.fn('t')(0), 1);
    table.labels[0] = 'B';
    await rt.loadOptimizer();
    rt.retierSync('t');
    assert.equal(rt.fn('t')(0), 1);
  });

  it('takes what the builder takes: a local declared later in the body, integers written unsigned', async () => {
    const rt = await newRuntime();
    const later = (index: number) => ({ k: 'local.get', type: 'i32', index }) as Expr;
    rt.stage('s')
      .func('late', 'i32 -> i32', (b) => {
        const e = b.i32.add(b.param(0), later(1));
        const t = b.local('i32');
        return b.seq(b.set(t, b.i32(7)), e);
      })
      .func('unsigned', '-> i32', () => i32(0xffffffff))
      .func('unsigned64', '-> i64', () => ({ k: 'const', type: 'i64', value: 2n ** 64n - 2n }))
      .func('unsigned64streamed', '-> i64', (b) => b.i64.add(b.i64.add(b.i64(1), b.i64(2)), { k: 'const', type: 'i64', value: 2n ** 64n - 1n }))
      .commitSync();
    assert.deepEqual([rt.fn('late')(1), rt.fn('unsigned')(), rt.fn('unsigned64')(), rt.fn('unsigned64streamed')()], [8, -1, -2n, 2n]);
    throwsCode(() => rt.stage('n').func('n', 'i32 -> i32', (b) => b.i32.add(b.param(0), later(3))).commitSync(), 'InvalidBody', /local 3 does not exist/);
    throwsCode(
      () =>
        rt.stage('n').func('n', 'i32 -> i32', (b) => {
          const e = b.i32.add(b.param(0), later(1));
          b.local('f64');
          return e;
        }).commitSync(),
      'TypeMismatch',
      /local 1 is a f64, used as i32/,
    );
  });

  it('leaves a namespace kept from a finished body pointing at no builder', async () => {
    const rt = await newRuntime();
    let kept: FuncBuilder['i32'] | undefined;
    rt.stage('s').func('f', '-> i32', (b) => ((kept = b.i32), b.i32(1))).commitSync();
    throwsCode(() => kept!.add(kept!(1), kept!(2)), 'InvalidBody', /the namespace was kept from a finished body/);
  });

  it('runs good ones, whether made by hand or for another body', async () => {
    const rt = await newRuntime();
    let third: Expr | undefined;
    rt.stage('a').func('a', 'i32 i32 i32 -> i32', (b) => (third = b.param(2) as Expr)).commitSync();
    const shl: Expr = { k: 'op', type: 'i32', op: 'i32.shl', args: [{ k: 'local.get', type: 'i32', index: 0 }, i32(4)] };
    rt.stage('b')
      .func('tiny', 'i32 -> i32', (b) => b.i32.add(b.param(0), shl))
      .func('streamed', 'i32 -> i32', (b) => b.block([b.nop(), b.i32.add(b.param(0), shl)]))
      .func('borrowed', 'i32 i32 i32 -> i32', (b) => b.i32.sub(third!, b.param(0)))
      .commitSync();
    assert.deepEqual([rt.fn('tiny')(3), rt.fn('streamed')(3), rt.fn('borrowed')(1, 2, 10)], [51, 51, 9]);
    // A node made for a body with more locals than this one has is refused here.
    throwsCode(() => rt.stage('c').func('c', 'i32 -> i32', (b) => b.i32.add(b.param(0), third!)).commitSync(), 'InvalidBody', /local 2 does not exist/);
  });
});
