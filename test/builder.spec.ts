// The body builder and the baseline encoder on the shapes that are easy to get wrong: blocks
// that never complete, inferred block types, branches carrying values.

import assert from 'node:assert/strict';
import { newRuntime, throwsCode } from './helpers.js';
import type { FuncBuilder } from '../codegen/ir/builder.js';

describe('builder and encoder', () => {
  it('accepts blocks and ifs that never complete where a value is expected', async () => {
    const rt = await newRuntime();
    rt.stage('s')
      .func('g', '-> i32', (b) => b.i32(4))
      .func('seqReturn', '-> i32', (b) => b.seq(b.nop(), b.return(b.i32(3))))
      .func('ifTail', '-> i32', (b) => b.if(b.i32(1), b.returnCall('g'), b.returnCall('g')))
      .func('operand', '-> i32', (b) => b.i32.add(b.seq(b.nop(), b.return(b.i32(5))), b.i32(1)))
      .func('loopForever', 'i32 -> i32', (b) => b.if(b.param(0), b.loop('l', b.br('l')), b.i32(7)))
      // Ending with no value after code that never returns fits any type, as in wasm.
      .func('nopAfterReturn', '-> i32', (b) => [b.return(b.i32(3)), b.nop()])
      .func('typedByBranch', 'i32 -> i32', (b) => b.i32.add(b.block([b.br('out', b.i32(9)), b.nop()], { label: 'out' }), b.param(0)))
      .func('typedAfterTrap', '-> f64', (b) => b.block([b.unreachable(), b.nop()], { type: 'f64' }))
      .commitSync();
    assert.equal(rt.fn('nopAfterReturn')(), 3);
    assert.equal(rt.fn('typedByBranch')(1), 10);
    assert.throws(() => rt.fn('typedAfterTrap')(), /unreachable/);
    assert.equal(rt.fn('seqReturn')(), 3);
    assert.equal(rt.fn('ifTail')(), 4);
    assert.equal(rt.fn('operand')(), 5);
    assert.equal(rt.fn('loopForever')(0), 7);
  });

  it('types a sequence by its last value, even after code that never returns, as wasm does', async () => {
    for (const tier of ['baseline', 'optimizing'] as const) {
      const rt = await newRuntime({ tier });
      const refused = (sig: string, body: Parameters<ReturnType<typeof rt.stage>['func']>[2], code: 'TypeMismatch' | 'InvalidBody', pattern: RegExp) =>
        throwsCode(() => rt.stage().func('f', sig, body).commitSync(), code, pattern);
      // The value made after the code that never returns is what the construct gives: wasm refuses each of these.
      refused('->', (b) => [b.unreachable(), b.i32(1)], 'TypeMismatch', /returns nothing, but its body gives i32/);
      refused('-> f64', (b) => [b.return(b.f64(1)), b.i32(1)], 'TypeMismatch', /returns f64, but its body gives i32/);
      refused('-> i32', (b) => b.block([b.unreachable(), b.f64(1)], { type: 'i32' }), 'TypeMismatch', /block: expected i32, the body gives f64/);
      refused('i32 -> i32', (b) => b.if(b.param(0), [b.unreachable(), b.f64(1)], [b.i32(2)]), 'TypeMismatch', /then gives f64, else gives i32/);
      refused('-> i32', (b) => [b.seq(b.return(b.i32(3)), b.i32(1)), b.i32(2)], 'InvalidBody', /element 0: a value of type i32 would be discarded/);
      refused('i32 -> i64', (b) => b.block([b.br('L', b.i32(1)), b.i64(1)], { label: 'L' }), 'InvalidBody', /branch to 'L' carries i32 but the target expects i64/);
      // And where it matches, the module is valid and runs.
      rt.stage()
        .func('afterReturn', '-> f64', (b) => [b.return(b.f64(1)), b.f64(2)])
        .func('dropped', '->', (b) => b.drop(b.block([b.unreachable(), b.f64(1)])))
        .func('arms', 'i32 -> i32', (b) => b.if(b.param(0), [b.return(b.i32(4)), b.i32(1)], [b.i32(2)]))
        .commitSync();
      assert.equal(rt.fn('afterReturn')(), 1);
      assert.deepEqual([rt.fn('arms')(1), rt.fn('arms')(0)], [4, 2]);
    }
  });

  it('lets a br_if whose value never returns stand for any value, as it never runs', async () => {
    for (const tier of ['baseline', 'optimizing'] as const) {
      const rt = await newRuntime({ tier });
      rt.stage()
        // wasm types such a br_if by its label (i32 here); used as an i64 or f64 operand, it must still be valid.
        .func('trap', '-> i32', (b) => b.block([b.drop(b.i64.add(b.brIf('L', b.i32(0), b.unreachable()), b.i64(1))), b.i32(3)], { label: 'L' }))
        .func('ret', 'i32 -> i32', (b) => b.block([b.drop(b.f64.neg(b.brIf('L', b.param(0), b.return(b.i32(9))))), b.i32(3)], { label: 'L' }))
        .func('nothing', 'i32 ->', (b) => b.block([b.drop(b.i32.eqz(b.brIf('L', b.param(0), b.return())))], { label: 'L' }))
        .commitSync();
      assert.throws(() => rt.fn('trap')(), /unreachable/);
      assert.equal(rt.fn('ret')(0), 9);
      assert.equal(rt.fn('nothing')(1), undefined);
    }
  });

  it("refuses an integer constant out of its type's range, as a global's initial value, instead of wrapping it", async () => {
    const rt = await newRuntime();
    const bad: Array<[string, (b: FuncBuilder) => unknown, RegExp]> = [
      ['-> i32', (b) => b.i32(2 ** 40), /i32 constant of 1099511627776, out of its range \(an integer from -2\^31 to 2\^32 - 1\)/],
      ['-> i32', (b) => b.i32(2 ** 32), /i32 constant of 4294967296, out of its range/],
      ['-> i32', (b) => b.i32(-(2 ** 31) - 1), /i32 constant of -2147483649, out of its range/],
      ['-> i32', (b) => b.i32(1e300), /i32 constant of 1e\+300, out of its range/],
      ['-> i64', (b) => b.i64(2n ** 64n + 7n), /i64 constant of 18446744073709551623, out of its range \(an integer from -2\^63 to 2\^64 - 1\)/],
      ['-> i64', (b) => b.i64(-(2n ** 63n) - 1n), /i64 constant of -9223372036854775809, out of its range/],
      ['-> i64', (b) => b.i64(2 ** 70), /i64 constant of 1\.1805916207174113e\+21, not a safe integer \(give a bigint\)/],
      ['-> i64', (b) => b.i64(2 ** 63), /not a safe integer/],
      ['-> i64', (b) => b.i64(1.5), /i64 constant must be an integer, got 1\.5/],
    ];
    for (const [sig, make] of bad) {
      // As a tiny body's first node (an object), and in a body whose stream has started.
      throwsCode(() => rt.stage().func('f', sig, (b) => make(b) as never).commitSync(), 'TypeMismatch');
      throwsCode(() => rt.stage().func('f', sig, (b) => [b.drop(b.block([b.nop(), b.i32(1)])), make(b) as never]).commitSync(), 'TypeMismatch', bad.find((x) => x[1] === make)![2]);
    }
    // What the range allows: signed or unsigned, held signed.
    rt.stage()
      .func('u32', '-> i32', (b) => b.i32(0xffffffff))
      .func('s32', '-> i32', (b) => b.i32(-(2 ** 31)))
      .func('u64', '-> i64', (b) => b.i64(2n ** 64n - 1n))
      .func('s64', '-> i64', (b) => b.i64(-(2n ** 63n)))
      .func('safe', '-> i64', (b) => b.i64(Number.MAX_SAFE_INTEGER))
      .commitSync();
    assert.deepEqual(['u32', 's32', 'u64', 's64', 'safe'].map((f) => rt.fn(f)()), [-1, -(2 ** 31), -1n, -(2n ** 63n), BigInt(Number.MAX_SAFE_INTEGER)]);
  });

  it('refuses a type given to a block, loop, if or try that is not one, naming it', async () => {
    const rt = await newRuntime();
    rt.stage('t').tag('E', []).commitSync();
    const bad = 'i8' as 'i32';
    const makes: Array<[RegExp, (b: FuncBuilder) => unknown]> = [
      [/block: a type must be i32, i64, f32, f64 or none, got 'i8'/, (b) => b.block([b.i32(1)], { type: bad })],
      [/loop: a type must be .* got 'i8'/, (b) => b.loop('l', [b.i32(1)], bad)],
      [/if: a type must be .* got 'i8'/, (b) => b.if(b.i32(1), [b.i32(1)], [b.i32(2)], bad)],
      [/try: a type must be .* got 'i8'/, (b) => b.try([b.i32(1)], [], [b.i32(2)], bad)],
      [/block: a type must be .* got 'unreachable'/, (b) => b.block([b.unreachable()], { type: 'unreachable' as 'i32' })],
    ];
    for (const [pattern, make] of makes) throwsCode(() => rt.stage().func('f', '-> i32', (b) => make(b) as never).commitSync(), 'BadSignature', pattern);
  });

  it('infers a labelled block type from the branches that leave it', async () => {
    const rt = await newRuntime();
    rt.stage('s')
      .func('pick', 'i32 -> i64', (b) => b.block([b.drop(b.brIf('out', b.param(0), b.i64(10))), b.br('out', b.i64(20))], { label: 'out' }))
      .commitSync();
    assert.equal(rt.fn('pick')(1), 10n);
    assert.equal(rt.fn('pick')(0), 20n);
  });

  it('refuses a labelled block whose body ends with no value while branches to it carry one', async () => {
    const rt = await newRuntime();
    throwsCode(
      () => rt.stage('s').func('f', 'i32 -> i32', (b) => b.block([b.drop(b.brIf('l', b.param(0), b.i32(1)))], { label: 'l' })).commitSync(),
      'TypeMismatch',
      /block 'l': branches to it carry i32, but its body ends with no value/,
    );
    assert.equal(rt.internals.symbols.get('f'), undefined);
  });

  it("lets an argument build another runtime's body: the shared namespaces come back to the outer builder", async () => {
    const a = await newRuntime();
    const other = await newRuntime();
    let n = 0;
    // Building a body of `other` while `b.i32.add(...)` evaluates its arguments points the shared
    // namespaces (b.i32, b.memory) at that body's builder; they come back when it is done.
    const helper = () => {
      other.stage(`o${n}`).func(`g${n++}`, 'i32 -> i32', (c) => c.i32.mul(c.param(0), c.i32(10))).commitSync();
      return 5;
    };
    a.stage('s')
      .func('f', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(helper())))
      .func('m', '-> i32', (b) => b.i32.add(b.memory.size(), b.i32(helper())))
      .commitSync();
    assert.equal(a.fn('f')(1), 6);
    assert.equal(a.fn('m')(), a.internals.memory.buffer.byteLength / 65536 + 5);
    assert.equal(other.fn('g0')(2), 20);
  });

  it('dispatches with br_table', async () => {
    const rt = await newRuntime();
    rt.stage('s')
      .func('sw', 'i32 -> i32', (b) => [
        b.block([b.block([b.block(b.brTable(['a', 'b'], 'c', b.param(0)), { label: 'a' }), b.return(b.i32(100))], { label: 'b' }), b.return(b.i32(200))], { label: 'c' }),
        b.i32(300),
      ])
      .commitSync();
    assert.deepEqual([0, 1, 2, 9].map((i) => rt.fn('sw')(i)), [100, 200, 300, 300]);
  });
});
