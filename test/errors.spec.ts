// Bad input: each case gets its specific typed error naming stage and definition, and the
// runtime is exactly as before (symbols, slots, cells, descriptors, memory, table).

import assert from 'node:assert/strict';
import { AccreteError, SymbolError, ValidationError } from '../runtime/index.js';
import { assertUnchanged, LINKINGS, newRuntime, snapshot, throwsCode } from './helpers.js';

async function populated() {
  const rt = await newRuntime({ maxSlots: 12, globalsBytes: 64 });
  rt.stage('base').func('f', 'i32 -> i32', (b) => b.param(0)).global('g', 'i32', 1).rtt('T').tag('E', ['i32']).constant('K', 'i32', 3).commitSync();
  rt.stage('user').func('useF', 'i32 -> i32', (b) => b.call('f', b.param(0))).commitSync();
  return rt;
}

describe('errors leave the runtime unchanged', () => {
  it('unknown symbol', async () => {
    const rt = await populated();
    const before = snapshot(rt);
    const e = throwsCode(() => rt.stage('s').global('ok', 'i32', 1).func('h', '-> i32', (b) => b.call('nope')).commitSync(), 'UnknownSymbol', /'nope' is not defined/);
    assert.ok(e instanceof SymbolError);
    assert.equal(e.stage, 's');
    assert.equal(e.definition, 'h');
    assertUnchanged(before, rt);
  });

  it('wrong kind and wrong argument type', async () => {
    const rt = await populated();
    const before = snapshot(rt);
    throwsCode(() => rt.stage().func('h', '-> i32', (b) => b.call('g')).commitSync(), 'WrongSymbolKind', /'g' is a global/);
    throwsCode(() => rt.stage().func('h', '-> i32', (b) => b.call('f', b.f64(1))).commitSync(), 'TypeMismatch', /expected i32, got f64/);
    throwsCode(() => rt.stage().func('h', '-> i32', (b) => b.call('f')).commitSync(), 'TypeMismatch', /expected 1 argument/);
    throwsCode(() => rt.stage().func('h', '-> i32', (b) => b.i32.add(b.i32(1), b.i64(2))).commitSync(), 'TypeMismatch');
    throwsCode(() => rt.stage().func('h', '-> i32', (b) => b.f64(1)).commitSync(), 'TypeMismatch', /returns i32, but its body gives f64/);
    throwsCode(() => rt.stage().func('h', '->', (b) => b.setGlobal('g', b.f32(1))).commitSync(), 'TypeMismatch');
    assertUnchanged(before, rt);
  });

  it('duplicate names in one stage and across stages', async () => {
    const rt = await populated();
    const before = snapshot(rt);
    throwsCode(() => rt.stage().func('x', '->', () => undefined).global('x', 'i32', 0), 'DuplicateSymbol', /twice/);
    throwsCode(() => rt.stage().global('ok1', 'i32', 0).rtt('T').commitSync(), 'DuplicateSymbol', /already defined/);
    throwsCode(() => rt.stage().tag('E').commitSync(), 'DuplicateSymbol');
    throwsCode(() => rt.stage().rtt('T', {}).commitSync(), 'DuplicateSymbol');
    throwsCode(() => rt.stage().global('g', 'i32', 0).commitSync(), 'DuplicateSymbol');
    assertUnchanged(before, rt);
  });

  it('a duplicate in a stage of any size is refused, and the stage stays usable', async () => {
    // Small stages find names by scanning, bigger ones through a map made at the ninth definition.
    const rt = await newRuntime();
    for (const n of [1, 7, 8, 9, 20]) {
      const s = rt.stage(`dup${n}`);
      // c_i(x) = c_{i-1}(x) + 1: each body resolves an earlier name of its own stage.
      for (let i = 0; i < n; i++) s.func(`c${n}_${i}`, 'i32 -> i32', (b) => (i === 0 ? b.param(0) : b.i32.add(b.call(`c${n}_${i - 1}`, b.param(0)), b.i32(1))));
      for (const dup of [0, n - 1]) throwsCode(() => s.global(`c${n}_${dup}`, 'i32', 0), 'DuplicateSymbol', new RegExp(`'c${n}_${dup}' is defined twice`));
      s.global(`g${n}`, 'i32', n);
      s.commitSync();
      assert.equal(rt.fn(`c${n}_${n - 1}`)(5), 5 + n - 1, `stage of ${n}`);
      assert.equal(rt.getGlobal(`g${n}`), n);
    }
  });

  it('invalid bodies', async () => {
    const rt = await populated();
    const before = snapshot(rt);
    const e = throwsCode(() => rt.stage().func('h', '-> i32', (b) => [b.i32(1), b.i32(2)]).commitSync(), 'InvalidBody', /discarded/);
    assert.ok(e instanceof ValidationError);
    throwsCode(() => rt.stage().func('h', '->', (b) => b.block(b.br('missing'))).commitSync(), 'InvalidBody', /label 'missing'/);
    throwsCode(() => rt.stage().func('h', '->', (b) => b.drop(b.param(3))).commitSync(), 'InvalidBody', /parameter 3/);
    throwsCode(() => rt.stage().func('h', '->', () => ({ nonsense: true }) as never).commitSync(), 'InvalidBody');
    throwsCode(() => rt.stage().func('h', '->', () => {
      throw new RangeError('builder bug');
    }).commitSync(), 'InvalidBody', /builder bug/);
    throwsCode(() => rt.stage().func('h', 'i32 ->', (b) => b.drop(b.block(b.br('L', b.f64(1)), { label: 'L', type: 'i32' }))).commitSync(), 'InvalidBody', /carries f64/);
    assertUnchanged(before, rt);
  });

  it('bad signatures and types at definition time', async () => {
    const rt = await populated();
    throwsCode(() => rt.stage().func('h', 'i32 -> i128', (b) => b.unreachable()), 'BadSignature', /i128/);
    throwsCode(() => rt.stage().func('h', 'garbage', (b) => b.unreachable()), 'BadSignature');
    throwsCode(() => rt.stage().func('h', '-> i32 i32', (b) => b.unreachable()), 'BadSignature', /at most one result/);
    throwsCode(() => rt.stage().global('h', 'u8' as never, 0), 'BadSignature');
    throwsCode(() => rt.stage().tag('h', new Array(40).fill('i32')), 'BadSignature', /at most 32/);
  });

  it('redefinition of a kind that cannot be redefined', async () => {
    const rt = await populated();
    const before = snapshot(rt);
    throwsCode(() => rt.stage().func('K', '-> i32', (b) => b.i32(1), { redefine: true }).commitSync(), 'BadRedefinition', /constant/);
    assertUnchanged(before, rt);
  });

  it('table exhaustion undoes every reservation of the stage', async () => {
    const rt = await populated();
    const before = snapshot(rt);
    const s = rt.stage('big').global('g2', 'i32', 5).rtt('U', { parent: 'T' }).tag('E2');
    for (let i = 0; i < 20; i++) s.func(`f${i}`, '-> i32', (b) => b.i32(i));
    throwsCode(() => s.commitSync(), 'ResourceExhausted', /function table is full/);
    assertUnchanged(before, rt);
    // Still usable, and the reserved-then-released resources are handed out again.
    rt.stage().func('small', '-> i32', (b) => b.i32(1)).commitSync();
    assert.equal(rt.fn('small')(), 1);
  });

  it('a body nested deeper than the JavaScript stack allows', async () => {
    const rt = await populated();
    const before = snapshot(rt);
    const deep = (b: Parameters<Parameters<ReturnType<typeof rt.stage>['func']>[2]>[0]) => {
      let e = b.param(0);
      for (let i = 0; i < 50_000; i++) e = b.i32.add(e, b.i32(1));
      return e;
    };
    const e = throwsCode(() => rt.stage('deep').global('ok', 'i32', 1).func('chain', 'i32 -> i32', deep).commitSync(), 'ResourceExhausted', /nested too deeply to compile/);
    assert.equal(e.stage, 'deep');
    assertUnchanged(before, rt);
    rt.stage('flat').func('chain', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).commitSync();
    assert.equal(rt.fn('chain')(1), 2);
  });

  it('globals region exhaustion', async () => {
    const rt = await populated();
    const before = snapshot(rt);
    const s = rt.stage('many');
    for (let i = 0; i < 9; i++) s.global(`v${i}`, 'i64', 0n);
    const e = throwsCode(() => s.commitSync(), 'ResourceExhausted', /globals region/);
    assert.equal(e.stage, 'many');
    assertUnchanged(before, rt);
  });

  it('async commit failures are rejections with the same errors', async () => {
    const rt = await populated();
    const before = snapshot(rt);
    await assert.rejects(rt.stage().func('h', '-> i32', (b) => b.call('nope')).commit(), (e: unknown) => e instanceof AccreteError && e.code === 'UnknownSymbol');
    assertUnchanged(before, rt);
  });

  it('a redefinition that fails leaves the old code and its dependents in place', async () => {
    const rt = await populated();
    rt.stage('inl').func('k', '-> i32', (b) => b.i32(1), { inline: true }).commitSync();
    rt.stage('dep').func('useK', '-> i32', (b) => b.call('k')).commitSync();
    const before = snapshot(rt);
    throwsCode(() => rt.stage('re').func('k', '-> i32', (b) => b.i32(2), { redefine: true, inline: true }).func('broken', '-> i32', (b) => b.call('nope')).commitSync(), 'UnknownSymbol');
    assertUnchanged(before, rt);
    assert.equal(rt.fn('useK')(), 1);
  });

  for (const linking of LINKINGS) {
    it(`a failure after a module wrote its functions into the table puts the slots back (${linking})`, async () => {
      const rt = await newRuntime({ linking });
      rt.internals.installMin = 1;
      rt.stage('inl').func('k', '-> i32', (b) => b.i32(1), { inline: true }).commitSync();
      rt.stage('dep').func('useK', '-> i32', (b) => b.call('k')).commitSync();
      // A retired stage leaves a free slot still holding its stub: a fresh function may reuse it.
      rt.stage('gone').func('old', '-> i32', (b) => b.i32(9)).commitSync();
      rt.retire('gone');
      const before = snapshot(rt);
      // The stage's own module instantiates (and may install its fresh functions); then the
      // recompiled inliner's instantiation fails.
      const Real = WebAssembly.Instance;
      let n = 0;
      (WebAssembly as { Instance: unknown }).Instance = function (m: WebAssembly.Module, i?: WebAssembly.Imports) {
        if (++n === 2) throw new Error('injected failure');
        return new Real(m, i);
      };
      try {
        const s = rt.stage('re').func('k', '-> i32', (b) => b.i32(2), { redefine: true, inline: true });
        for (let i = 0; i < 3; i++) s.func(`fresh${i}`, '-> i32', (b) => b.i32(10 + i));
        throwsCode(() => s.commitSync(), 'InstantiateError', /injected failure/);
      } finally {
        (WebAssembly as { Instance: unknown }).Instance = Real;
      }
      assert.equal(n, 2, 'the failure struck after the stage module was instantiated');
      assertUnchanged(before, rt);
      assert.equal(rt.fn('useK')(), 1);
      rt.stage('again').func('fresh0', '-> i32', (b) => b.i32(5)).commitSync();
      assert.equal(rt.fn('fresh0')(), 5);
    });
  }

  it('a trap inside committed code leaves the runtime usable', async () => {
    const rt = await populated();
    rt.stage().func('trap', 'i32 -> i32', (b) => b.i32.div_s(b.i32(1), b.param(0))).func('oob', '-> i32', (b) => b.i32.load(b.i32(-8))).commitSync();
    assert.throws(() => rt.fn('trap')(0), WebAssembly.RuntimeError);
    assert.throws(() => rt.fn('oob')(), WebAssembly.RuntimeError);
    assert.equal(rt.fn('trap')(1), 1);
    rt.stage().func('after', '-> i32', (b) => b.call('useF', b.i32(4))).commitSync();
    assert.equal(rt.fn('after')(), 4);
  });

  it('unknown names in rt.fn and global access', async () => {
    const rt = await populated();
    throwsCode(() => rt.fn('nope'), 'UnknownSymbol');
    throwsCode(() => rt.fn('g'), 'WrongSymbolKind');
    throwsCode(() => rt.getGlobal('f'), 'WrongSymbolKind');
    throwsCode(() => rt.setGlobal('g', 1n), 'TypeMismatch');
    throwsCode(() => rt.stats('nope'), 'UnknownStage');
  });

  it('arguments of the wrong kind: a typed error that says what it got, nothing changed', async () => {
    const rt = await populated();
    rt.stage('types').rtt('Point', { fields: { x: 'i32' } }).commitSync();
    const before = snapshot(rt);
    const any = (x: unknown) => x as never;
    throwsCode(() => rt.fn(any(undefined)), 'UnknownSymbol', /expected a symbol name \(a string\), got undefined/);
    throwsCode(() => rt.lookup(any(42)), 'UnknownSymbol', /got number/);
    throwsCode(() => rt.getGlobal(any(null)), 'UnknownSymbol', /got null/);
    throwsCode(() => rt.retire(any(undefined)), 'UnknownStage', /expected a stage name/);
    throwsCode(() => rt.retierSync(any({})), 'UnknownStage', /expected a stage name/);
    throwsCode(() => rt.stats(any(null)), 'UnknownStage', /got null/);
    throwsCode(() => rt.isSubtype(12_345_678, 'Point'), 'TypeMismatch', /not the id of a runtime type/);
    throwsCode(() => rt.isSubtype((rt.lookup('Point') as { id: number }).id + 4, 'Point'), 'TypeMismatch');
    assert.equal(rt.isSubtype((rt.lookup('Point') as { id: number }).id, 'Point'), true);
    throwsCode(() => rt.exception('E', any('not a number')), 'TypeMismatch', /tag 'E', value 0/);
    throwsCode(() => rt.exception('E', 2 ** 40), 'TypeMismatch', /is not an i32/);
    assert.throws(() => rt.stage('s', any(null)), /stage options must be an object, got null/);
    assert.throws(() => rt.stage('s1').rtt('R', any(null)), /rtt 'R': options must be an object/);
    assert.throws(() => rt.stage('s2').global('c', 'i32', 1, any(null)), /global 'c': options must be an object/);
    assert.throws(() => rt.stage('s3').func('f2', '-> i32', (b) => b.i32(1), any(7)), /func 'f2': options must be an object/);
    throwsCode(() => rt.toText(any(undefined)), 'UnknownStage', /expected a stage name \(a string\), got undefined/);
    throwsCode(() => rt.exception(any(null), 1), 'UnknownSymbol', /got null/);
    throwsCode(() => rt.toText(any(Object.create(null))), 'UnknownStage', /got object/);
    // A bigint where a type is wanted is shown as one, not a failure to show it.
    throwsCode(() => rt.stage('s4').constant('q', any(1n), 1), 'BadSignature', /got 1n/);
    throwsCode(() => rt.stage('s5').tag('q', [any(2n)]), 'BadSignature', /got 2n/);
    throwsCode(() => rt.stage('s6').rtt('q', { fields: { x: any(3n) } }), 'BadSignature', /got 3n/);
    assertUnchanged(before, rt);
  });
});

describe('engine limits are typed errors, not code generator bugs', () => {
  it('refuses more than 1000 parameters and about 50,000 locals where the definition is made', async () => {
    const rt = await newRuntime();
    const before = snapshot(rt);
    throwsCode(() => rt.stage('p').func('f', { params: Array(1001).fill('i32'), results: [] }, () => undefined).commitSync(), 'BadSignature', /at most 1000 parameters/);
    throwsCode(
      () =>
        rt.stage('l').func('g', '->', (b) => {
          for (let i = 0; i < 60_000; i++) b.local('i32');
        }).commitSync(),
      'ResourceExhausted',
      /at most \d+ locals/,
    );
    assertUnchanged(before, rt);
    rt.stage('ok').func('h', { params: Array(1000).fill('i32'), results: ['i32'] }, (b) => b.param(999)).commitSync();
    assert.equal(rt.fn('h')(...Array(999).fill(0), 7), 7);
  });

  it('refuses a body that would unfold past what an engine compiles, without exhausting the process', async () => {
    const rt = await newRuntime();
    const before = snapshot(rt);
    // Each node used twice: 2^40 nodes as a tree (the IR's meaning, and what would be encoded).
    const e = throwsCode(
      () =>
        rt.stage('dag').func('f', 'i32 -> i32', (b) => {
          let x = b.param(0);
          for (let i = 0; i < 40; i++) x = b.i32.add(x, x);
          return x;
        }).commitSync(),
      'ResourceExhausted',
      /more than 7,654,321 nodes.*bind shared values to locals/,
    );
    assert.equal(e.stage, 'dag');
    assert.equal(e.definition, 'f');
    assertUnchanged(before, rt);
    // With branches in it too (checking them walks the body; a labelled block scans it as it is made).
    throwsCode(
      () =>
        rt.stage('dag2').func('f', 'i32 -> i32', (b) => {
          let x = b.block([b.drop(b.brIf('out', b.param(0), b.param(0))), b.param(0)], { label: 'out' });
          for (let i = 0; i < 40; i++) x = b.block([b.drop(b.brIf('l', b.param(0), x)), x], { label: 'l' });
          return x;
        }).commitSync(),
      'ResourceExhausted',
      /more than 7,654,321 nodes/,
    );
    assertUnchanged(before, rt);
    // Fewer nodes than that, but more bytes of code than the engines accept in one function.
    const big = throwsCode(
      () =>
        rt.stage('big').func('g', '->', (b) => {
          const body = [];
          for (let i = 0; i < 640_000; i++) body.push(b.drop(b.i64(-(2n ** 63n))));
          return body;
        }).commitSync(),
      'ResourceExhausted',
      /code is 7,680,\d+ bytes.*\(7,654,321\)/,
    );
    assert.equal(big.stage, 'big');
    assert.equal(big.definition, 'g');
    assertUnchanged(before, rt);
    rt.stage('ok').func('h', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).commitSync();
    assert.equal(rt.fn('h')(1), 2);
  });
});
