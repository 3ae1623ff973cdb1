// Runtime types: generative ids, descriptors in memory, O(1) subtype tests from wasm and JS,
// field layout with parents' fields first, deep hierarchies.

import assert from 'node:assert/strict';
import { RTT_DESC } from '../codegen/ir/symbols.js';
import { newRuntime, throwsCode } from './helpers.js';

describe('RTTs', () => {
  it('gives every RTT a fresh id whose descriptor holds size, depth and display', async () => {
    const rt = await newRuntime();
    rt.stage().rtt('A').rtt('B', { parent: 'A', fields: { n: 'i32' } }).rtt('C', { parent: 'A' }).commitSync();
    const [a, b, c] = ['A', 'B', 'C'].map((n) => rt.lookup(n) as { id: number; depth: number; size: number });
    assert.equal(new Set([a!.id, b!.id, c!.id]).size, 3);
    const v = new DataView(rt.memory.buffer);
    assert.equal(v.getUint32(b!.id + RTT_DESC.id, true), b!.id);
    assert.equal(v.getUint32(b!.id + RTT_DESC.depth, true), 1);
    assert.equal(v.getUint32(b!.id + RTT_DESC.size, true), b!.size);
    assert.equal(v.getUint32(b!.id + RTT_DESC.parent, true), a!.id);
    assert.equal(v.getUint32(b!.id + RTT_DESC.display, true), a!.id);
    assert.equal(v.getUint32(b!.id + RTT_DESC.display + 4, true), b!.id);
  });

  it('tests subtyping from JS and from generated code, over a deep hierarchy', async () => {
    const rt = await newRuntime();
    const depth = 40;
    const s = rt.stage('types').rtt('T0');
    for (let i = 1; i <= depth; i++) s.rtt(`T${i}`, { parent: `T${i - 1}` });
    s.rtt('Side', { parent: 'T3' });
    s.commitSync();
    const code = rt.stage('tests');
    for (const sup of [0, 1, 3, 20, 40]) code.func(`isT${sup}`, 'i32 -> i32', (b) => b.isSubtype(b.param(0), `T${sup}`));
    code.commitSync();
    for (let i = 0; i <= depth; i++) {
      const id = (rt.lookup(`T${i}`) as { id: number }).id;
      for (const sup of [0, 1, 3, 20, 40]) {
        const want = i >= sup;
        assert.equal(rt.isSubtype(`T${i}`, `T${sup}`), want, `JS T${i} <: T${sup}`);
        assert.equal(rt.fn(`isT${sup}`)(id), want ? 1 : 0, `wasm T${i} <: T${sup}`);
      }
    }
    const side = (rt.lookup('Side') as { id: number }).id;
    assert.equal(rt.fn('isT3')(side), 1);
    assert.equal(rt.fn('isT20')(side), 0);
    assert.equal(rt.isSubtype('T4', 'Side'), false);
    assert.equal(rt.isSubtype('Side', 'T4'), false);
  });

  it('lays out fields with the parent first and reads them with immediate offsets', async () => {
    const rt = await newRuntime();
    rt.stage().rtt('Shape', { fields: { tag: 'i32' } }).rtt('Circle', { parent: 'Shape', fields: { r: 'f64' } }).commitSync();
    const c = rt.lookup('Circle') as { fields: ReadonlyArray<{ name: string; offset: number }>; size: number };
    assert.deepEqual(c.fields.map((f) => [f.name, f.offset]), [['tag', 4], ['r', 8]]);
    assert.equal(c.size, 16);
    const heap = rt.layout.heapBase;
    rt.stage()
      .func('mk', 'i32 f64 ->', (b) => [b.initHeader(b.param(0), 'Circle'), b.setField(b.param(0), 'Circle', 'tag', b.i32(7)), b.setField(b.param(0), 'Circle', 'r', b.param(1))])
      .func('area', 'i32 -> f64', (b) => b.if(b.instanceOf(b.param(0), 'Circle'), b.f64.mul(b.f64(3), b.f64.mul(b.field(b.param(0), 'Circle', 'r'), b.field(b.param(0), 'Circle', 'r'))), b.f64(-1)))
      .func('isShape', 'i32 -> i32', (b) => b.instanceOf(b.param(0), 'Shape'))
      .commitSync();
    rt.fn('mk')(heap, 2);
    assert.equal(rt.fn('area')(heap), 12);
    assert.equal(rt.fn('isShape')(heap), 1);
    assert.equal(rt.fn('isShape')(0), 0, 'the null address is no instance');
  });

  it('rejects unknown parents and duplicate field names', async () => {
    const rt = await newRuntime();
    throwsCode(() => rt.stage().rtt('X', { parent: 'Nope' }).commitSync(), 'UnknownSymbol', /Nope/);
    rt.stage().rtt('P', { fields: { a: 'i32' } }).global('notType', 'i32', 0).commitSync();
    throwsCode(() => rt.stage().rtt('Q', { parent: 'P', fields: { a: 'f64' } }).commitSync(), 'DuplicateSymbol', /field 'a'/);
    throwsCode(() => rt.stage().rtt('R', { parent: 'notType' }).commitSync(), 'WrongSymbolKind');
    throwsCode(() => rt.stage().rtt('S', { fields: { z: 'i8' as never } }), 'BadSignature');
  });

  it('reports an unknown field at build time', async () => {
    const rt = await newRuntime();
    rt.stage().rtt('P', { fields: { a: 'i32' } }).commitSync();
    throwsCode(() => rt.stage().func('f', 'i32 -> i32', (b) => b.field(b.param(0), 'P', 'b')).commitSync(), 'UnknownSymbol', /no field 'b'/);
  });
});

describe('RTT space and tag ids of failed async commits', () => {
  it('are reused, so commits overtaken by sync ones do not exhaust the RTT region', async () => {
    const rt = await newRuntime({ rttBytes: 2048 });
    const rtts = rt.internals.rtts;
    const allocate = rtts.allocate.bind(rtts);
    let allocations = 0;
    rtts.allocate = (bytes: number, what: string) => (allocations++, allocate(bytes, what));
    // Each round publishes one descriptor (B's, never reused: ids are generative) above the one a
    // failed attempt (A's) reserved first. 45 rounds fit only if A's space is reused.
    for (let n = 0; n < 45; n++) {
      const before = allocations;
      const lost = rt.stage(`A${n}`).rtt(`RA${n}`, { fields: { x: 'i32' } }).tag(`TA${n}`, ['i32']).func(`dup${n}`, '-> i32', (b) => b.i32(1)).commit();
      // Let it plan (reserve its descriptor and tag), then overtake it with a sync commit of the same name.
      for (let i = 0; i < 1000 && allocations === before; i++) await Promise.resolve();
      assert.equal(allocations, before + 1, 'the async commit has planned');
      rt.stage(`B${n}`).rtt(`RB${n}`).tag(`TB${n}`).func(`dup${n}`, '-> i32', (b) => b.i32(2)).commitSync();
      await assert.rejects(lost, (e: unknown) => (e as { code?: string }).code === 'DuplicateSymbol');
      rt.retire(`B${n}`);
    }
    // Every failed attempt's tag id went to a later tag: B's 45, and one waiting.
    assert.ok(rt.internals.nextTagId <= 47, `tag ids reused (next ${rt.internals.nextTagId})`);
  });
});
