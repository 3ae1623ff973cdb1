// Calls through a slot computed at run time (`b.callSlot`), under both linkings. Under link-table
// linking they go through one dispatcher per signature, so the calling module imports no table.

import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Runtime } from '../runtime/index.js';
import { LINKINGS, newRuntime, throwsCode } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function slot(rt: Runtime, name: string): number {
  const d = rt.lookup(name);
  assert.ok(d?.kind === 'func');
  return d.slot;
}

/** A stage with `apply(slot, x)`, which calls slot with x, and `apply2(slot, x, y)`. */
function applyStage(rt: Runtime, name = 'app'): void {
  rt.stage(name)
    .func(`${name}.apply`, 'i32 i32 -> i32', (b) => b.callSlot('i32 -> i32', b.param(0), b.param(1)))
    .func(`${name}.apply2`, 'i32 i32 i32 -> i32', (b) => b.callSlot('i32 i32 -> i32', b.param(0), b.param(1), b.param(2)))
    .commitSync();
}

for (const linking of LINKINGS) {
  describe(`dynamic calls (${linking})`, () => {
    it('reach whatever the slot holds now, across redefinitions', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('lib').func('inc', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).func('add', 'i32 i32 -> i32', (b) => b.i32.add(b.param(0), b.param(1))).commitSync();
      applyStage(rt);
      assert.equal(rt.fn('app.apply')(slot(rt, 'inc'), 10), 11);
      assert.equal(rt.fn('app.apply2')(slot(rt, 'add'), 10, 5), 15);
      rt.stage('lib2').func('inc', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(100)), { redefine: true }).commitSync();
      assert.equal(rt.fn('app.apply')(slot(rt, 'inc'), 10), 110);
    });

    it('trap on a signature mismatch, as a call_indirect does', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('lib').func('add', 'i32 i32 -> i32', (b) => b.i32.add(b.param(0), b.param(1))).commitSync();
      applyStage(rt);
      assert.throws(() => rt.fn('app.apply')(slot(rt, 'add'), 1), /signature|type/i);
    });

    it('make tail calls without growing the stack', async function () {
      const rt = await newRuntime({ linking });
      if (!rt.internals.features.tailCall) this.skip();
      // count(n, self): n == 0 ? 7 : tail-call slot `self` with n - 1: a million hops.
      rt.stage('loop')
        .func('count', 'i32 i32 -> i32', (b) => b.if(b.i32.eqz(b.param(0)), b.i32(7), b.returnCallSlot('i32 i32 -> i32', b.param(1), b.i32.sub(b.param(0), b.i32(1)), b.param(1))))
        .commitSync();
      assert.equal(rt.fn('count')(1_000_000, slot(rt, 'count')), 7);
    });

    it('survive compaction', async () => {
      const rt = await newRuntime({ linking, compactAfter: 0 });
      rt.stage('lib').func('inc', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).commitSync();
      applyStage(rt, 'a');
      applyStage(rt, 'b');
      const info = rt.compact();
      assert.ok(info && info.stages.includes('a') && info.stages.includes('b'), JSON.stringify(info));
      assert.equal(rt.fn('a.apply')(slot(rt, 'inc'), 1), 2);
      assert.equal(rt.fn('b.apply')(slot(rt, 'inc'), 2), 3);
      rt.stage('lib2').func('inc', 'i32 -> i32', (b) => b.i32.sub(b.param(0), b.i32(1)), { redefine: true }).commitSync();
      assert.equal(rt.fn('b.apply')(slot(rt, 'inc'), 2), 1);
    });

    it('reach slots added after the shared table grew', async () => {
      const rt = await newRuntime({ linking, initialSlots: 16 });
      applyStage(rt);
      const lib = rt.stage('lib');
      for (let i = 0; i < 100; i++) lib.func(`k${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i)));
      lib.commitSync();
      assert.ok(rt.table.length > 16, `the table has ${rt.table.length} slots`);
      assert.equal(rt.fn('app.apply')(slot(rt, 'k99'), 1), 100);
      assert.equal(rt.fn('app.apply')(slot(rt, 'k3'), 1), 4);
    });

    it('take a signature as a string or an object, and name a bad one', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('lib').func('inc', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).commitSync();
      rt.stage().func('viaObject', 'i32 -> i32', (b) => b.callSlot({ params: ['i32'], results: ['i32'] }, b.param(0), b.i32(4))).commitSync();
      assert.equal(rt.fn('viaObject')(slot(rt, 'inc')), 5);
      const e = throwsCode(() => rt.stage('bad').func('f', '->', (b) => b.drop(b.callSlot('i32 -> i33', b.i32(0), b.i32(1)))).commitSync(), 'BadSignature', /i33/);
      assert.equal(e.stage, 'bad');
      assert.equal(rt.lookup('f'), undefined);
    });
  });
}

describe('dynamic calls under link-table linking', () => {
  it('import no table: one dispatcher per signature sits in the link table', async () => {
    const rt = await newRuntime({ linking: 'link-table' });
    rt.stage('lib').func('inc', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).commitSync();
    applyStage(rt, 'a');
    applyStage(rt, 'b');
    const a = rt.internals.stages.get('a')!.code!;
    const b = rt.internals.stages.get('b')!.code!;
    assert.deepEqual(WebAssembly.Module.imports(a.module), []);
    // Two signatures, two entries.
    assert.equal(a.imports!.link.length, 2);
    assert.ok(a.imports!.link.every((v) => v < 0));
    // Dispatchers are made once per signature and shared by every stage.
    assert.deepEqual(a.imports!.link, b.imports!.link);
    assert.equal(a.linkTable!.get(0), b.linkTable!.get(0));
    assert.notEqual(a.linkTable!.get(0), a.linkTable!.get(1));
  });

  it('give a signature one entry however often a module uses it, beside the slots it calls', async () => {
    const rt = await newRuntime({ linking: 'link-table' });
    rt.stage('lib').func('inc', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).commitSync();
    rt.stage('m')
      .func('twice', 'i32 i32 -> i32', (b) => b.callSlot('i32 -> i32', b.param(0), b.callSlot('i32 -> i32', b.param(0), b.param(1))))
      .func('thrice', 'i32 i32 -> i32', (b) => b.call('inc', b.call('twice', b.param(0), b.callSlot('i32 -> i32', b.param(0), b.param(1)))))
      .commitSync();
    const m = rt.internals.stages.get('m')!.code!;
    assert.deepEqual(m.imports!.link.map((v) => v < 0), [true, false]);
    assert.equal(rt.fn('thrice')(slot(rt, 'inc'), 1), 5);
    // The text form says what each link-table entry stands for.
    const text = rt.toText('m');
    assert.match(text, /i32\.const 0 ;; dispatcher \(dynamic calls\)/);
    assert.match(text, /i32\.const 1 ;; → inc/);
  });
});

describe('retired stages under the default linking', () => {
  it('are collected, with static and dynamic calls (importing the shared table kept them alive on V8 11 and 12)', async () => {
    const rt = await newRuntime({ compactAfter: 0 });
    rt.stage('lib').func('inc', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).commitSync();
    let collected = 0;
    const registry = new FinalizationRegistry(() => collected++);
    const n = 40;
    for (let i = 0; i < n; i++) {
      rt.stage(`s${i}`)
        .func(`s${i}.static`, 'i32 -> i32', (b) => b.call('inc', b.param(0)))
        .func(`s${i}.dynamic`, 'i32 i32 -> i32', (b) => b.callSlot('i32 -> i32', b.param(0), b.param(1)))
        .commitSync();
      assert.equal(rt.fn(`s${i}.dynamic`)(slot(rt, 'inc'), i), rt.fn(`s${i}.static`)(i));
      registry.register(rt.internals.stages.get(`s${i}`)!.code!.instance, i);
    }
    for (let i = 0; i < n; i++) rt.retire(`s${i}`);
    for (let round = 0; round < 10 && collected < n; round++) {
      gc();
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.ok(collected >= n / 2, `only ${collected} of ${n} retired instances were collected (${rt.engine.linking})`);
  });
});
