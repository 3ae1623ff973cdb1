// The object model: RTTs for the type lattice (isa is an RTT subtype test), boxing, the wasm bump
// allocator, strings on the JS side.

import assert from 'node:assert/strict';
import { Runtime } from '../runtime/index.js';
import { ObjectModel, SYM } from '../lang/dispatch/values.js';
import { Any, DataType, Float64, Int64, Integer_, Number_, Real, String_, vectorOf } from '../lang/dispatch/types.js';

describe('dispatch object model', () => {
  it('gives every type an RTT whose subtype test follows the lattice', async () => {
    const rt = await Runtime.create();
    const m = ObjectModel.create(rt);
    assert.ok(rt.isSubtype(m.rtt(Int64), m.rtt(Integer_)));
    assert.ok(rt.isSubtype(m.rtt(Int64), m.rtt(Number_)));
    assert.ok(!rt.isSubtype(m.rtt(Float64), m.rtt(Integer_)));
    const Shape = new DataType('Shape', true, Any);
    const Circle = new DataType('Circle', false, Shape, [{ name: 'r', type: Float64 }, { name: 'tag', type: Int64 }]);
    m.defineType(Shape);
    m.defineType(Circle);
    assert.ok(rt.isSubtype(m.rtt(Circle), m.rtt(Shape)));
    assert.ok(!rt.isSubtype(m.rtt(Circle), m.rtt(Real)));
  });

  it('boxes and unboxes primitives, strings and singletons', async () => {
    const rt = await Runtime.create();
    const m = ObjectModel.create(rt);
    for (const x of [42n, -7n, 1.5, true, false, null, 'héllo']) assert.deepEqual(m.unbox(m.box(x)), x);
    assert.equal(m.box(true), m.box(true), 'true is a singleton');
    assert.equal(m.box(null), m.constant(SYM.nothing));
    assert.equal(m.typeAt(m.box(3n)), Int64);
    assert.equal(m.typeAt(m.box('s')), String_);
  });

  it('allocates from wasm and JS out of one heap, growing the memory', async () => {
    const rt = await Runtime.create({ initialPages: 24 });
    const m = ObjectModel.create(rt);
    const alloc = rt.fn<(n: number) => number>(SYM.alloc);
    const a = alloc(12);
    const b = alloc(1);
    assert.equal(b - a, 16, 'sizes round up to 8');
    const before = rt.memory.buffer.byteLength;
    const big = alloc(before);
    assert.ok(rt.memory.buffer.byteLength > before, 'the memory grew');
    const c = m.allocJs(Int64);
    assert.ok(c >= big + before, 'JS allocation continues after wasm allocation');
  });

  it('registers Vector{T} types on demand', async () => {
    const rt = await Runtime.create();
    const m = ObjectModel.create(rt);
    const t = m.vectorType(Int64);
    assert.equal(t, vectorOf(Int64));
    const p = m.allocJs(t);
    assert.equal(m.typeAt(p), t);
    assert.ok(rt.isSubtype(m.rtt(t), m.rtt(Any)));
  });
});
