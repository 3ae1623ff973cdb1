// rt.link: a module made elsewhere (binary or text) links as a stage; its "accrete" imports name
// runtime symbols, its exports become symbols; anything that cannot link is a clear error.

import assert from 'node:assert/strict';
import { LINKINGS, assertUnchanged, newRuntime, rejectsCode, snapshot, throwsCode, watToBinary } from './helpers.js';

const wat = (text: string): Uint8Array => watToBinary(text);

async function world(linking: 'shared-table' | 'link-table') {
  const rt = await newRuntime({ linking });
  rt.stage('base')
    .func('add', 'i32 i32 -> i32', (b) => b.i32.add(b.param(0), b.param(1)))
    .global('counter', 'i64', 10n)
    .constant('K', 'i32', 7)
    .rtt('Thing')
    .tag('Oops', ['i32'])
    .commitSync();
  return rt;
}

const FOREIGN = `(module
  (import "accrete" "add" (func $add (param i32 i32) (result i32)))
  (import "accrete" "counter" (global $counter (mut i64)))
  (import "accrete" "K" (global $k i32))
  (global $hits (export "hits") (mut i32) (i32.const 100))
  (global $version (export "VERSION") i32 (i32.const 3))
  (func $helper (param i32) (result i32) (call $add (local.get 0) (global.get $k)))
  (func (export "addK") (param i32) (result i32)
    (global.set $hits (i32.add (global.get $hits) (i32.const 1)))
    (global.set $counter (i64.add (global.get $counter) (i64.const 1)))
    (call $helper (local.get 0)))
  (func (export "tailAdd") (param i32 i32) (result i32) (return_call $add (local.get 0) (local.get 1))))`;

for (const linking of LINKINGS) {
  describe(`link (${linking})`, () => {
    it('links a binary module: imports lowered, exports published', async () => {
      const rt = await world(linking);
      const info = await rt.link(wat(FOREIGN), { name: 'foreign' });
      assert.deepEqual([...info.symbols].sort(), ['VERSION', 'addK', 'hits', 'tailAdd']);
      assert.equal(rt.fn('addK')(1), 8);
      assert.equal(rt.getGlobal('counter'), 11n, 'the imported mutable global is the runtime cell');
      assert.equal(rt.getGlobal('hits'), 101, 'an exported mutable global became a runtime global');
      assert.equal(rt.lookup('VERSION')!.kind, 'constant');
      assert.equal(rt.fn('tailAdd')(2, 3), 5);
      const imports = WebAssembly.Module.imports(rt.internals.stages.get('foreign')!.code!.module);
      assert.ok(imports.every((i) => i.module === 'accrete' && i.kind !== 'function' && i.kind !== 'global'), JSON.stringify(imports));
    });

    it('links a text module, and later stages call its functions and use its globals', async () => {
      const rt = await world(linking);
      await rt.link(FOREIGN, { name: 'text' });
      rt.stage().func('use', 'i32 -> i32', (b) => b.i32.add(b.call('addK', b.param(0)), b.i32.add(b.global('hits'), b.constant('VERSION')))).commitSync();
      assert.equal(rt.fn('use')(0), 7 + 101 + 3);
    });

    it('follows redefinition of a function it imports', async () => {
      const rt = await world(linking);
      rt.linkSync(wat(FOREIGN));
      rt.stage().func('add', 'i32 i32 -> i32', (b) => b.i32.mul(b.param(0), b.param(1)), { redefine: true }).commitSync();
      assert.equal(rt.fn('addK')(2), 14);
    });

    it('relinks when a constant it folded is redefined', async () => {
      const rt = await world(linking);
      rt.linkSync(wat(FOREIGN), { name: 'f' });
      const info = rt.stage().constant('K', 'i32', 1000, { redefine: true }).commitSync();
      assert.deepEqual(info.recompiled, ['f']);
      assert.equal(rt.fn('addK')(1), 1001);
    });

    it('relinking leaves alone an export another stage has redefined since', async () => {
      const rt = await world(linking);
      rt.linkSync(wat(FOREIGN), { name: 'f' });
      rt.stage('mine').func('addK', 'i32 -> i32', (b) => b.i32.mul(b.param(0), b.i32(42)), { redefine: true }).commitSync();
      const info = rt.stage().constant('K', 'i32', 1000, { redefine: true }).commitSync();
      assert.deepEqual(info.recompiled, ['f']);
      assert.equal(rt.fn('addK')(2), 84, 'the slot still holds the redefinition');
      assert.equal(rt.lookup('addK')!.stage, 'mine');
      assert.equal(rt.fn('tailAdd')(1, 2), 3, "the module's other exports are relinked");
    });

    it("reads the value its exported constant has now, once another stage redefines it, as code stages do", async () => {
      const rt = await world(linking);
      rt.linkSync(wat(`(module (global $L (export "L") i32 (i32.const 25))
        (func (export "viaLink") (param i32) (result i32) (i32.and (local.get 0) (global.get $L))))`), { name: 'lk' });
      rt.stage('code').func('viaCode', 'i32 -> i32', (b) => b.i32.and(b.param(0), b.constant('L'))).commitSync();
      const both = () => [rt.fn('viaLink')(-7), rt.fn('viaCode')(-7)];
      assert.deepEqual(both(), [25, 25]);
      assert.deepEqual(rt.stage('v2').constant('L', 'i32', 847, { redefine: true }).commitSync().recompiled, ['lk', 'code']);
      assert.deepEqual(both(), [841, 841]);
      rt.stage('v3').constant('L', 'i32', 9, { redefine: true }).commitSync();
      assert.deepEqual(both(), [9, 9]);
      // Retired, the constant keeps its last value for the code that folded it, even where the
      // name is defined anew (of another type, even) and the module is linked again.
      rt.retire('v3');
      assert.equal(rt.lookup('L'), undefined);
      assert.deepEqual(both(), [9, 9]);
      rt.stage('anew').constant('L', 'i64', 5n).commitSync();
      rt.stage().constant('K', 'i32', 8, { redefine: true }).commitSync();
      assert.deepEqual(both(), [9, 9]);
    });

    it('keeps its state when linked again: its private mutable globals and its own memory go on', async () => {
      const rt = await world(linking);
      // Its own memory, written by an active segment, and a private counter: both change as it runs.
      rt.linkSync(wat(`(module (import "accrete" "K" (global $k i32))
        (memory 1 4) (data (i32.const 16) "\\05")
        (global $c (mut i32) (i32.const 0)) (global $big (mut i64) (i64.const 0)) (global $fixed i32 (i32.const 3))
        (func (export "bump") (result i32)
          (global.set $c (i32.add (global.get $c) (global.get $k)))
          (global.set $big (i64.add (global.get $big) (i64.const 1)))
          (i32.store8 (i32.const 16) (i32.add (i32.load8_u (i32.const 16)) (i32.const 1)))
          (if (i64.eq (global.get $big) (i64.const 2)) (then (drop (memory.grow (i32.const 1)))))
          (global.get $c))
        (func (export "peek") (result i32) (i32.add (i32.mul (i32.load8_u (i32.const 16)) (i32.const 1000)) (i32.add (global.get $fixed) (i32.mul (memory.size) (i32.const 100))))))`), { name: 'st' });
      rt.fn('bump')();
      assert.equal(rt.fn('bump')(), 14, 'K is 7');
      assert.equal(rt.fn('peek')(), 7 * 1000 + 203);
      for (const k of [10, 100]) {
        // Each redefinition links it again: the counter, the byte and the grown memory are kept.
        assert.deepEqual(rt.stage().constant('K', 'i32', k, { redefine: true }).commitSync().recompiled, ['st']);
        rt.fn('bump')();
      }
      assert.equal(rt.fn('bump')(), 14 + 10 + 100 + 100);
      assert.equal(rt.fn('peek')(), 10 * 1000 + 203);
    });

    it('keeps its own exception tags when linked again: a frame of the replaced instance still catches what the new one throws', async () => {
      const rt = await world(linking);
      let relinked: readonly string[] = [];
      // The host relinks the module (a constant it folds changes), then calls its new instance,
      // which throws through the replaced instance's frame below.
      rt.stage('host')
        .host('relinkAndThrow', 'i32 -> ()', (k: number) => {
          relinked = rt.stage().constant('K', 'i32', k, { redefine: true }).commitSync().recompiled;
          rt.fn('thrower')(k);
        })
        .commitSync();
      rt.linkSync(
        wat(`(module (import "accrete" "relinkAndThrow" (func $h (param i32))) (import "accrete" "K" (global $k i32))
          (tag $e (param i32))
          (func (export "thrower") (param i32) (throw $e (i32.add (local.get 0) (global.get $k))))
          (func (export "outer") (param i32) (result i32)
            (try (result i32) (do (call $h (local.get 0)) (i32.const -1)) (catch $e))))`),
        { name: 'ex' },
      );
      assert.equal(rt.fn('outer')(10), 20, 'the old frame caught the new instance’s throw (K is 10 by then)');
      assert.deepEqual(relinked, ['ex']);
      assert.equal(rt.fn('outer')(3), 6, 'and the new instance catches its own');
      const imports = WebAssembly.Module.imports(rt.internals.stages.get('ex')!.code!.module);
      assert.ok(imports.some((i) => i.module === 'accrete:state' && i.kind === ('tag' as string)), JSON.stringify(imports));
    });

    it('names its functions, locals and globals at their new indices, also once its state is imported', async () => {
      const rt = await world(linking);
      await rt.loadOptimizer();
      rt.linkSync(wat(`(module (import "accrete" "K" (global $k i32)) (global $fixed i32 (i32.const 3)) (global $count (mut i32) (i32.const 0))
        (func $helper (param $x i32) (result i32) (i32.add (local.get $x) (global.get $fixed)))
        (func $bump (export "bump") (result i32) (global.set $count (i32.add (global.get $count) (call $helper (global.get $k)))) (global.get $count)))`), { name: 'lk' });
      rt.stage().constant('K', 'i32', 5, { redefine: true }).commitSync();
      const text = rt.toText('lk');
      for (const want of ['(import "accrete:state" "global:0" (global $count (mut i32)))', '(func $helper', '(param $x i32)', 'global.get $fixed', '(global $fixed i32']) assert.ok(text.includes(want), `${want} in\n${text}`);
      assert.equal(rt.fn('bump')(), 8);
    });

    it('keeps what its globals were initialised to from a constant it imports, when linked again', async () => {
      const rt = await world(linking);
      rt.linkSync(wat(`(module (import "accrete" "K" (global $k i32))
        (global $M (export "M") i32 (global.get $k)) (global $P i32 (global.get $k))
        (func (export "readMPK") (result i32) (i32.add (i32.mul (global.get $M) (i32.const 10000)) (i32.add (i32.mul (global.get $P) (i32.const 100)) (global.get $k)))))`), { name: 'lk' });
      assert.equal(rt.fn('readMPK')(), 70707);
      assert.deepEqual(rt.stage().constant('K', 'i32', 9, { redefine: true }).commitSync().recompiled, ['lk']);
      // The runtime's M is 7, and so is the module's; its code reads K as it is now.
      assert.deepEqual([(rt.lookup('M') as { value: number }).value, rt.fn('readMPK')()], [7, 70709]);
    });

    it("keeps what its constant expressions made of its own constant, and its data, when linked again", async () => {
      const rt = await world(linking);
      const at = rt.layout.heapBase + 64;
      // M's initialiser reads L: the runtime's M is what it was at link, and so is the module's.
      rt.linkSync(watToBinary(`(module (import "accrete" "memory" (memory 1))
        (data (i32.const ${at}) "\\01\\00\\00\\00")
        (global $L (export "L") i32 (i32.const 25))
        (global $M (export "M") i32 (i32.add (global.get $L) (i32.const 0)))
        (func (export "readM") (result i32) (global.get $M))
        (func (export "getL") (result i32) (global.get $L))
        (func (export "bump") (i32.store (i32.const ${at}) (i32.add (i32.load (i32.const ${at})) (i32.const 1))))
        (func (export "count") (result i32) (i32.load (i32.const ${at}))))`, { validate: false }), { name: 'lk' });
      rt.fn('bump')();
      assert.deepEqual(rt.stage('v2').constant('L', 'i32', 847, { redefine: true }).commitSync().recompiled, ['lk']);
      assert.deepEqual([(rt.lookup('M') as { value: number }).value, rt.fn('readM')(), rt.fn('getL')()], [25, 25, 847]);
      assert.equal(rt.fn('count')(), 2, 'the data segment ran once, at link');
    });

    it('folds RTT and tag ids imported as immutable i32 globals', async () => {
      const rt = await world(linking);
      rt.linkSync(wat(`(module (import "accrete" "Thing" (global $t i32)) (import "accrete" "Oops" (global $o i32))
        (func (export "ids") (result i64) (i64.or (i64.shl (i64.extend_i32_u (global.get $t)) (i64.const 32)) (i64.extend_i32_u (global.get $o)))))`));
      const ids = rt.fn('ids')() as bigint;
      assert.equal(Number(ids >> 32n), (rt.lookup('Thing') as { id: number }).id);
      assert.equal(Number(ids & 0xffffffffn), (rt.lookup('Oops') as { id: number }).id);
    });

    it('redefines runtime functions by its exports with { redefine: true }', async () => {
      const rt = await world(linking);
      rt.stage().func('callAdd', '-> i32', (b) => b.call('add', b.i32(2), b.i32(3))).commitSync();
      await rejectsCode(rt.link(wat(`(module (func (export "add") (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1))))`)), 'DuplicateSymbol', /redefine: true/);
      await rt.link(wat(`(module (func (export "add") (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1))))`), { redefine: true });
      assert.equal(rt.fn('callAdd')(), -1);
    });

    it('relinks a module whose imported function has been retired (calls reach the stub)', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('lib').func('f', '-> i32', (b) => b.i32(1)).commitSync();
      rt.stage('consts').constant('K', 'i32', 10).commitSync();
      rt.linkSync(
        wat(`(module (import "accrete" "f" (func $f (result i32))) (import "accrete" "K" (global $k i32))
          (func (export "useK") (result i32) (global.get $k)) (func (export "callF") (result i32) (call $f)))`),
        { name: 'L' },
      );
      rt.retire('lib');
      throwsCode(() => rt.fn('callF')(), 'RetiredSymbol');
      // Redefining K relinks L, which still imports the retired f.
      rt.stage('k2').constant('K', 'i32', 20, { redefine: true }).commitSync();
      assert.equal(rt.fn('useK')(), 20);
      throwsCode(() => rt.fn('callF')(), 'RetiredSymbol');
      rt.retire('k2');
      assert.equal(rt.fn('useK')(), 20, 'a retired constant keeps its last value');
    });

    it('relinks against the function its import was bound to, not what the name means since', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('consts').constant('K', 'i32', 10).commitSync();
      rt.stage('fl').func('f', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).commitSync();
      rt.linkSync(
        wat(`(module (import "accrete" "f" (func $f (param i32) (result i32))) (import "accrete" "K" (global $k i32))
          (func (export "viaLink") (param i32) (result i32) (i32.add (call $f (local.get 0)) (global.get $k))))`),
        { name: 'L' },
      );
      assert.equal(rt.fn('viaLink')(1), 12);
      const bound = (rt.lookup('f') as { slot: number }).slot;
      rt.retire('fl');
      // The name defined anew with another signature: relinking used to fail on it.
      rt.stage('fl2').func('f', 'i64 -> i64', (b) => b.param(0)).commitSync();
      rt.stage('k20').constant('K', 'i32', 20, { redefine: true }).commitSync();
      throwsCode(() => rt.fn('viaLink')(1), 'RetiredSymbol', /'f' was retired/);
      // The module still calls the retired f's slot: no new definition may take it.
      rt.stage('more').func('g', '-> i32', (b) => b.i32(1)).func('h', '-> i32', (b) => b.i32(2)).commitSync();
      const slots = ['f', 'g', 'h'].map((n) => (rt.lookup(n) as { slot: number }).slot);
      rt.retire('fl2');
      rt.stage('k30').constant('K', 'i32', 30, { redefine: true }).commitSync();
      rt.stage('x').func('x1', '-> i32', (b) => b.i32(1)).func('x2', '-> i32', (b) => b.i32(2)).commitSync();
      slots.push(...['x1', 'x2'].map((n) => (rt.lookup(n) as { slot: number }).slot));
      assert.ok(!slots.includes(bound), `the slot ${bound} the module calls was handed out again (${slots})`);
      throwsCode(() => rt.fn('viaLink')(1), 'RetiredSymbol', /'f' was retired/);
      assert.deepEqual(rt.internals.slots.mismatches(), []);
    });

    it('relinks with the last value of a retired constant it folded, even once the name is defined anew', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('consts').constant('K', 'i32', 10).commitSync();
      rt.stage('old').constant('K2', 'i32', 1000).commitSync();
      rt.stage('code').func('viaCode', '-> i32', (b) => b.i32.add(b.constant('K'), b.constant('K2'))).commitSync();
      rt.linkSync(wat('(module (import "accrete" "K" (global $k i32)) (import "accrete" "K2" (global $k2 i32)) (func (export "viaLink") (result i32) (i32.add (global.get $k) (global.get $k2))))'), { name: 'L' });
      rt.retire('old');
      rt.stage('new').constant('K2', 'i32', 5000).commitSync();
      rt.stage('k20').constant('K', 'i32', 20, { redefine: true }).commitSync();
      assert.equal(rt.fn('viaCode')(), 1020);
      assert.equal(rt.fn('viaLink')(), 1020, 'as the code stage: the K2 it folded, not the new one');
    });

    it('names its stage in every error, running out of slots included', async () => {
      const rt = await newRuntime({ linking, maxSlots: 4 });
      const before = snapshot(rt);
      const exports = Array.from({ length: 10 }, (_, i) => `(func (export "e${i}") (result i32) (i32.const ${i}))`).join(' ');
      const e = throwsCode(() => rt.linkSync(wat(`(module ${exports})`), { name: 'many' }), 'ResourceExhausted', /function table is full/);
      assert.equal(e.stage, 'many');
      assertUnchanged(before, rt);
    });

    it("follows a redefinition of one of its exports from its own calls, as a code stage does", async () => {
      const rt = await newRuntime({ linking });
      rt.linkSync(wat(`(module (func $f (export "f") (result i32) (i32.const 1)) (func (export "g") (result i32) (call $f)))`), { name: 'L' });
      assert.equal(rt.fn('g')(), 1);
      rt.stage('S').func('f', '-> i32', (b) => b.i32(2), { redefine: true }).commitSync();
      assert.equal(rt.fn('g')(), 2, "g's direct call now goes through f's slot");
      rt.stage('S2').func('f', '-> i32', (b) => b.i32(3), { redefine: true }).commitSync();
      assert.equal(rt.fn('g')(), 3);
    });

    it('sees its own new value of a constant it redefines and imports', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('A').constant('K', 'i32', 1).commitSync();
      rt.linkSync(wat(`(module (import "accrete" "K" (global $k i32)) (global (export "K") i32 (i32.const 2)) (func (export "getK") (result i32) (global.get $k)))`), { name: 'L', redefine: true });
      assert.equal(rt.fn('getK')(), 2);
      rt.stage('C').func('codeK', '-> i32', (b) => b.constant('K')).commitSync();
      assert.equal(rt.fn('codeK')(), 2);
    });

    it('checks its options and reads them once, before planning', async () => {
      const rt = await newRuntime({ linking });
      const mod = wat(`(module (func (export "seven") (result i32) (i32.const 7)))`);
      assert.throws(() => rt.linkSync(mod, { nmae: 'x' } as never), (e: unknown) => e instanceof TypeError && /unknown link option 'nmae'/.test(e.message));
      assert.throws(() => rt.linkSync(mod, { redefine: 'yes' } as never), TypeError);
      let reads = 0;
      const opts = {
        name: 'once',
        get redefine() {
          reads++;
          return false;
        },
      };
      rt.linkSync(mod, opts);
      assert.equal(reads, 1);
      assert.equal(rt.fn('seven')(), 7);
    });

    it('rejects what cannot link, changing nothing', async () => {
      const rt = await world(linking);
      const before = snapshot(rt);
      const bad: Array<[string, RegExp]> = [
        ['(module (import "accrete" "nope" (func)))', /no runtime symbol named 'nope'/],
        ['(module (import "accrete" "add" (func (param i32) (result i32))))', /signature mismatch/],
        ['(module (import "accrete" "counter" (global (mut i32))))', /type mismatch/],
        ['(module (import "accrete" "K" (global (mut i32))))', /needs a runtime global/],
        ['(module (import "env" "add" (func (param i32 i32) (result i32))))', /only imports from "accrete"/],
        ['(module (import "accrete" "counter" (global $c (mut i64))) (memory 1) (func (export "x") (result i64) (global.get $c)))', /defines its own memory/],
        ['(module (import "accrete" "table" (table 1 funcref)) (func $f) (elem (i32.const 0) $f))', /overwrite slots of the shared table/],
        ['(module (import "accrete" "table" (table 1 funcref)) (func (export "w") (table.set 0 (i32.const 0) (ref.null func))))', /table.set would write the shared table/],
        ['(module (import "accrete" "table" (table 1 funcref)) (func (export "g") (drop (table.grow 0 (ref.null func) (i32.const 1)))))', /table.grow would write the shared table/],
        ['(module (import "accrete" "table" (table 1 funcref)) (table $own 2 funcref) (func (export "c") (table.copy 0 1 (i32.const 0) (i32.const 0) (i32.const 1))))', /table.copy would write the shared table/],
        ['(module (import "accrete" "memory" (memory 1)) (data (i32.const 400) "clobber"))', /reserved regions/],
        // A second import of the table would be a second index for it, past the write checks on table 0.
        ['(module (import "accrete" "table" (table 1 funcref)) (import "accrete" "table" (table $t 1 funcref)) (func (export "w") (table.set $t (i32.const 0) (ref.null func))))', /the table is imported twice/],
      ];
      for (const [text, re] of bad) {
        const e = throwsCode(() => rt.linkSync(wat(text), { name: 'bad' }), 'LinkError', re);
        assert.equal(e.stage, 'bad');
        assertUnchanged(before, rt);
      }
      throwsCode(() => rt.linkSync(wat('(module (func (export "add") (param i32) (result i32) (local.get 0)))'), { redefine: true }), 'BadRedefinition', /signature/);
      assertUnchanged(before, rt);
    });

    it('rejects malformed bytes and text with the reason', async () => {
      const rt = await world(linking);
      const before = snapshot(rt);
      throwsCode(() => rt.linkSync(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1])), 'LinkError', /malformed wasm/);
      throwsCode(() => rt.linkSync(new Uint8Array([1, 2, 3])), 'LinkError', /malformed/);
      await rejectsCode(rt.link('(module (func (result i32) (i32.add (i32.const 1))))'), 'LinkError', /does not parse|not valid/);
      throwsCode(() => rt.linkSync(42 as never), 'LinkError', /Uint8Array/);
      assertUnchanged(before, rt);
    });

    it('lets active data segments initialise the heap', async () => {
      const rt = await world(linking);
      const at = rt.layout.heapBase + 16;
      rt.linkSync(wat(`(module (import "accrete" "memory" (memory 1)) (data (i32.const ${at}) "hi") (func (export "hi") (result i32) (i32.load16_u (i32.const ${at}))))`));
      assert.equal(rt.fn('hi')(), 0x6968);
    });

    it('reports an instantiation trap (a start function) as an error, changing nothing', async () => {
      const rt = await world(linking);
      const before = snapshot(rt);
      throwsCode(() => rt.linkSync(wat('(module (func $s unreachable) (start $s) (func (export "fine") (result i32) (i32.const 1)))')), 'InstantiateError', /unreachable/);
      // An out-of-bounds access is a trap too, not a resource running out.
      throwsCode(() => rt.linkSync(wat('(module (import "accrete" "memory" (memory 1)) (func $s (drop (i32.load (i32.const -1)))) (start $s))')), 'InstantiateError', /out of bounds/);
      assertUnchanged(before, rt);
    });

    it('runs a start function that calls runtime functions, on every engine', async () => {
      // Under link-table linking the runtime fills the link table, then calls the start function.
      const rt = await world(linking);
      const text = `(module
        (import "accrete" "add" (func $add (param i32 i32) (result i32)))
        (import "accrete" "counter" (global $c (mut i64)))
        (global $seen (mut i32) (i32.const 0))
        (func $init (global.set $seen (call $add (i32.const 40) (i32.const 2))) (global.set $c (i64.const 99)))
        (start $init)
        (func (export "seen") (result i32) (global.get $seen)))`;
      rt.linkSync(wat(text));
      assert.equal(rt.fn('seen')(), 42);
      assert.equal(rt.getGlobal('counter'), 99n);
      const before = snapshot(rt);
      const trapping = text.replace('(i32.const 40)', '(i32.const 40) (drop) (unreachable)').replace('"seen"', '"seen2"');
      throwsCode(() => rt.linkSync(wat(trapping)), 'InstantiateError', /unreachable/);
      assertUnchanged(before, rt);
    });

    it('puts back the runtime globals a trapping start function wrote, and its own exported ones', async () => {
      const rt = await world(linking);
      const before = snapshot(rt);
      const text = `(module
        (import "accrete" "counter" (global $c (mut i64)))
        (global $mine (export "mine") (mut i32) (i32.const 1234))
        (func $init (global.set $c (i64.const 4242)) (global.set $mine (i32.const 77)) (unreachable))
        (start $init))`;
      throwsCode(() => rt.linkSync(wat(text)), 'InstantiateError', /unreachable/);
      assertUnchanged(before, rt);
    });

    it("runs the start function once, after the module's exported globals hold their initial values", async () => {
      const rt = await world(linking);
      let starts = 0;
      rt.stage('counting').host('started', '-> ()', () => void starts++).commitSync();
      rt.linkSync(
        wat(`(module
          (import "accrete" "started" (func $started))
          (import "accrete" "K" (global $k i32))
          (global $x (export "x") (mut i32) (i32.const 5))
          (global $seen (mut i32) (i32.const -1))
          (func $init (call $started) (global.set $seen (global.get $x)) (global.set $x (i32.const 42)))
          (start $init)
          (func (export "seen") (result i32) (i32.add (global.get $seen) (global.get $k))))`),
      );
      assert.deepEqual([rt.fn('seen')(), rt.getGlobal('x'), starts], [5 + 7, 42, 1], 'the start saw x = 5 and its write stayed');
      // Redefining the constant it folded relinks the module: a new instance, no second start, and
      // the state the start made is kept.
      rt.stage('k2').constant('K', 'i32', 8, { redefine: true }).commitSync();
      assert.deepEqual([rt.fn('seen')(), starts], [5 + 8, 1]);
    });

    it('rejects a start function that takes parameters or returns a value, as the engine would', async () => {
      const rt = await world(linking);
      const before = snapshot(rt);
      // (type (i32) -> i32) (func (type 0) local.get 0) (start 0): valid text to binaryen's parser only as bytes.
      const section = (id: number, body: number[]) => [id, body.length, ...body];
      const bytes = new Uint8Array([
        0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
        ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7f]),
        ...section(3, [1, 0]),
        ...section(8, [0]),
        ...section(10, [1, 4, 0, 0x20, 0, 0x0b]),
      ]);
      assert.throws(() => new WebAssembly.Module(bytes), /start function/);
      throwsCode(() => rt.linkSync(bytes), 'LinkError', /the start function must take no parameters and return nothing, not \(i32\) -> i32/);
      assertUnchanged(before, rt);
    });

    it('refuses changes to the runtime from inside a start function, and the link fails cleanly', async () => {
      const rt = await world(linking);
      rt.stage('nested')
        .host('commitInside', '-> ()', () => void rt.stage('inner').func('x', '-> i32', (b) => b.i32(1)).commitSync())
        .commitSync();
      const before = snapshot(rt);
      throwsCode(
        () => rt.linkSync(wat(`(module (import "accrete" "commitInside" (func $c)) (func $s (call $c)) (start $s) (func (export "x") (result i32) (i32.const 2)))`)),
        'StageState',
        /from inside a linked module's start function/,
      );
      assertUnchanged(before, rt);
      assert.equal(rt.lookup('x'), undefined);
    });
  });
}
