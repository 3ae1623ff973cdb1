// The Julia-like type lattice and dispatch rule: subtyping (with Union and invariant Vector{T}),
// most-specific method selection, MethodError, ambiguity, replacement.

import assert from 'node:assert/strict';
import { JlError } from '../lang/dispatch/errors.js';
import { GenericFunction } from '../lang/dispatch/methods.js';
import { AbstractFloat, Any, Bool, DataType, Float64, Int64, Integer_, Number_, Real, String_, isConcrete, reprOf, subtype, unionOf, vectorOf } from '../lang/dispatch/types.js';

describe('dispatch types', () => {
  it('follows the abstract hierarchy of numbers', () => {
    assert.ok(subtype(Int64, Integer_) && subtype(Int64, Real) && subtype(Int64, Number_) && subtype(Int64, Any));
    assert.ok(subtype(Float64, AbstractFloat) && !subtype(Float64, Integer_));
    assert.ok(subtype(Bool, Integer_));
    assert.ok(!subtype(String_, Number_));
    assert.ok(!subtype(Real, Int64));
  });

  it('handles unions on both sides and simplifies them', () => {
    const IF = unionOf([Int64, Float64]);
    assert.ok(subtype(Int64, IF) && subtype(IF, Real) && !subtype(IF, Integer_));
    assert.ok(!subtype(Real, IF));
    assert.equal(unionOf([Int64, Integer_]), Integer_, 'a member under another member is absorbed');
    assert.equal(unionOf([Int64]), Int64);
    // Julia's order: isbits types before the others, then by name.
    assert.equal(String(unionOf([Int64, unionOf([String_, Float64])])), 'Union{Float64, Int64, String}');
    assert.equal(unionOf([String_, Int64]), unionOf([Int64, String_]), 'one object per union');
  });

  it('makes Vector{T} invariant and canonical', () => {
    assert.equal(vectorOf(Int64), vectorOf(Int64));
    assert.ok(!subtype(vectorOf(Int64), vectorOf(Any)));
    assert.ok(subtype(vectorOf(Int64), Any));
    assert.ok(isConcrete(vectorOf(Real)) && !isConcrete(Real) && isConcrete(Int64));
  });

  it('keeps primitives unboxed and everything else as a pointer', () => {
    assert.deepEqual([Int64, Float64, Bool, String_, Real, vectorOf(Int64)].map(reprOf), ['i64', 'f64', 'i32', 'ref', 'ref', 'ref']);
  });
});

describe('dispatch rule', () => {
  const Shape = new DataType('Shape', true, Any);
  const Circle = new DataType('Circle', false, Shape, [{ name: 'r', type: Float64 }]);
  const Square = new DataType('Square', false, Shape, [{ name: 's', type: Float64 }]);

  it('picks the most specific applicable method, argument by argument', () => {
    const f = new GenericFunction<string>('f');
    f.add([Any], 'any');
    f.add([Number_], 'number');
    f.add([unionOf([Int64, Float64])], 'int-or-float');
    assert.equal(f.select([Int64]).body, 'int-or-float');
    assert.equal(f.select([Float64]).body, 'int-or-float');
    assert.equal(f.select([Bool]).body, 'number');
    assert.equal(f.select([String_]).body, 'any');
    f.add([Integer_], 'integer');
    assert.equal(f.select([Bool]).body, 'integer');
    // Neither Integer nor Union{Int64, Float64} is under the other, and Int64 fits both: the union
    // is more specific, having a member that is (Julia's rule, JuliaLang/julia#16489).
    assert.equal(f.select([Int64]).body, 'int-or-float');
    f.add([unionOf([Int64, String_]), Int64], 'int-or-string, int');
    f.add([Int64, Real], 'int, real');
    assert.equal(f.select([String_, Int64]).body, 'int-or-string, int');
    // Each is more specific in one argument.
    assert.throws(() => f.select([Int64, Int64]), /AmbiguityError/);
  });

  it('dispatches on several arguments and reports ambiguity with the candidates', () => {
    const g = new GenericFunction<string>('g');
    g.add([Shape, Shape], 'shapes');
    g.add([Circle, Shape], 'circle-first');
    g.add([Shape, Circle], 'circle-second');
    assert.equal(g.select([Circle, Square]).body, 'circle-first');
    assert.equal(g.select([Square, Circle]).body, 'circle-second');
    assert.throws(() => g.select([Circle, Circle]), (e: unknown) => e instanceof JlError && e.kind === 'AmbiguityError' && /g\(Circle, Shape\)/.test(e.message) && /g\(Shape, Circle\)/.test(e.message));
    g.add([Circle, Circle], 'both');
    assert.equal(g.select([Circle, Circle]).body, 'both', 'a more specific method resolves the ambiguity');
  });

  it('raises MethodError naming the function and argument types', () => {
    const h = new GenericFunction<string>('area');
    h.add([Circle], 'c');
    assert.throws(() => h.select([Square]), (e: unknown) => e instanceof JlError && e.kind === 'MethodError' && /no method matching area\(Square\)/.test(e.message));
    assert.throws(() => h.select([Circle, Circle]), /MethodError/);
  });

  it('replaces a method with an equal signature', () => {
    const k = new GenericFunction<number>('k');
    const a = k.add([Int64], 1);
    const b = k.add([Int64], 2);
    assert.equal(a.replaced, undefined);
    assert.equal(b.replaced, a.method);
    assert.equal(k.methods.length, 1);
    assert.equal(k.select([Int64]).body, 2);
    assert.notEqual(a.method.id, b.method.id);
    const c = k.add([unionOf([Int64, Int64])], 3);
    assert.equal(c.replaced, b.method, 'Union{Int64} is Int64');
  });
});
