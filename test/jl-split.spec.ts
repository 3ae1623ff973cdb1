// Union splitting in the Julia-like front end: a dynamic call whose few methods all have concrete
// parameter types becomes in-line type tests and static calls; small leaf methods are inlined.

import assert from 'node:assert/strict';
import { JlError } from '../lang/dispatch/errors.js';
import { JuliaLike, type JuliaOptions } from '../lang/dispatch/julia.js';

const SHAPES = `
abstract type Shape end
struct Circle <: Shape
  r::Float64
end
struct Rect <: Shape
  w::Float64
  h::Float64
end
struct Square <: Shape
  s::Float64
end
struct Tri <: Shape
  b::Float64
end
area(c::Circle) = 3.0 * c.r * c.r
area(r::Rect) = r.w * r.h
area(s::Square) = s.s * s.s
function total(v::Vector{Shape})
  t = 0.0
  for x in v
    t += area(x)
  end
  t
end
shapes = Shape[Circle(1.0), Rect(2.0, 3.0), Square(2.0)]
`;

async function jlWith(opts: JuliaOptions = {}): Promise<{ jl: JuliaLike; out: () => string }> {
  let out = '';
  const jl = await JuliaLike.create({ ...opts, output: (s) => (out += s) });
  return { jl, out: () => out };
}

/** Evaluate `source`; the error's message if it raised one. */
function evalOrError(jl: JuliaLike, source: string): unknown {
  try {
    return jl.eval(source);
  } catch (e) {
    if (e instanceof JlError) return `${e.kind}: ${e.bare}`;
    throw e;
  }
}

describe('jl union splitting', () => {
  it('calls each of a few concretely typed methods statically after an in-line type test', async () => {
    const { jl } = await jlWith();
    jl.eval(SHAPES);
    assert.equal(jl.eval('total(shapes)'), 3 + 6 + 4);
    const text = jl.specializationText('total', ['Vector{Shape}']);
    assert.ok(!/jl:dyn:area|jl:miss/.test(text), `total dispatches nothing at run time:\n${text}`);
    assert.match(text, /jl:nomethod1/, 'an argument no method fits raises');
  });

  it('leaves calls with more methods than maxSplit to the dispatch cache, with the same results', async () => {
    for (const maxSplit of [0, 2]) {
      const { jl } = await jlWith({ maxSplit });
      jl.eval(SHAPES);
      assert.equal(jl.eval('total(shapes)'), 13, `maxSplit ${maxSplit}`);
      assert.match(jl.specializationText('total', ['Vector{Shape}']), /jl:dyn:area/, `maxSplit ${maxSplit}`);
    }
  });

  it('refuses a maxSplit that is not an integer from 0 to 16', async () => {
    for (const bad of [-1, 1.5, 17, Number.NaN, '4']) {
      await assert.rejects(JuliaLike.create({ maxSplit: bad as number }), (e: unknown) => e instanceof TypeError && /maxSplit must be an integer from 0 to 16/.test(e.message), String(bad));
    }
  });

  it('raises the MethodError the dispatch cache raises for an argument no method fits', async () => {
    const got: unknown[] = [];
    for (const maxSplit of [4, 0]) {
      const { jl } = await jlWith({ maxSplit });
      jl.eval(SHAPES);
      jl.eval('total(shapes)');
      got.push(evalOrError(jl, 'push!(shapes, Tri(1.0))\ntotal(shapes)'));
    }
    assert.match(String(got[0]), /^MethodError: no method matching area\(Tri\)/);
    assert.equal(got[0], got[1]);
  });

  it('sees a method added later, and a method replaced, in code compiled before', async () => {
    const { jl } = await jlWith();
    jl.eval(SHAPES);
    assert.equal(jl.eval('total(shapes)'), 13);
    jl.eval('area(t::Tri) = 0.5 * t.b\npush!(shapes, Tri(4.0))');
    assert.equal(jl.eval('total(shapes)'), 15);
    // area(Circle) was inlined into total: replacing it must still reach total.
    jl.eval('area(c::Circle) = 100.0');
    assert.equal(jl.eval('total(shapes)'), 100 + 6 + 4 + 2);
    assert.ok(jl.invalidated.some((s) => s.fn === 'total'));
  });

  it('splits on primitive and string arguments, unboxing them for their methods', async () => {
    const { jl } = await jlWith();
    jl.eval('f(x::Int64) = x + 1\nf(x::Float64) = x * 2.0\nf(x::Bool) = 7\nf(x::String) = 9\nxs = Any[1, 2.5, true, "s"]');
    jl.eval('function fs(v::Vector{Any})\n  s = 0.0\n  for x in v\n    s += f(x)\n  end\n  s\nend');
    assert.equal(jl.eval('fs(xs)'), 2 + 5 + 7 + 9);
    assert.ok(!/jl:dyn:f\//.test(jl.specializationText('fs', ['Vector{Any}'])));
    // The result's type is a union: each method's result is boxed for it.
    jl.eval('g(x::Int64) = x + 1\ng(x::Float64) = x * 2.0\nh(v::Vector{Any}) = g(v[1])');
    assert.equal(jl.eval('h(Any[3])'), 4n);
    assert.equal(jl.eval('h(Any[1.5])'), 3);
  });

  it('tests only the arguments whose static type is not concrete', async () => {
    const { jl } = await jlWith();
    jl.eval('p(a::Int64, b::Int64) = a * b\np(a::Float64, b::Int64) = a + 1.0\nq(v::Vector{Any}, n::Int64) = p(v[1], n)');
    assert.equal(jl.eval('q(Any[6], 7)'), 42n);
    assert.equal(jl.eval('q(Any[0.5], 7)'), 1.5);
    assert.match(String(evalOrError(jl, 'q(Any["x"], 7)')), /^MethodError: no method matching p\(String, Int64\)/);
  });

  it('splits on vector parameters, a union element included (one RTT each: unions are canonical)', async () => {
    // Vector{Union{…}} written in two orders is one type with one RTT, so an RTT test on the
    // method's own type sees the value's (found by review when unions were made afresh).
    for (const first of ['', 'f(w)\n']) {
      const { jl } = await jlWith();
      jl.eval('f(v::Vector{Union{Int64, Nothing}}) = length(v)\nf(x::Int64) = 0\ng(xs::Vector{Any}) = f(xs[1])\nw = Vector{Union{Nothing, Int64}}()\npush!(w, 1)\n' + first);
      assert.equal(jl.eval('g(Any[w])'), 1n, first);
      assert.equal(jl.eval('g(Any[5])'), 0n, first);
      assert.ok(!/jl:dyn:f\//.test(jl.specializationText('g', ['Vector{Any}'])), 'split');
      assert.equal(jl.eval('1 + 1'), 2n);
    }
    const { jl } = await jlWith();
    jl.eval('h(v::Vector{Int64}) = length(v)\nh(x::Int64) = 0\nk(xs::Vector{Any}) = h(xs[1])');
    assert.equal(jl.eval('k(Any[[1, 2, 3]])'), 3n);
    assert.equal(jl.eval('k(Any[7])'), 0n);
    assert.ok(!/jl:dyn:h\//.test(jl.specializationText('k', ['Vector{Any}'])), 'Vector{Int64} has one RTT: split');
  });

  it('raises a TypeError, in either mode, when a comparison chain meets a comparison that returns no Bool', async () => {
    // Found by review: the static path returned the method's Int64 where the chain wanted a Bool,
    // the dispatch path made a Bool-returning dispatcher while a body was being built, and its
    // adapter returned the Int64 as a Bool.
    for (const maxSplit of [4, 0]) {
      const { jl } = await jlWith({ maxSplit });
      jl.eval('struct P\n  x::Int64\nend\n<=(a::P, b::P) = 5\nle(v::Vector{Any}, p::P) = v[1] <= p <= p\nlt(v::Vector{Any}) = v[1] < v[2] < v[3]');
      assert.match(String(evalOrError(jl, 'le(Any[P(1)], P(2))')), /^TypeError: expected Bool/, `maxSplit ${maxSplit}`);
      assert.equal(jl.eval('lt(Any[1, 2, 3])'), true);
      jl.eval('<(a::P, b::Int64) = 5');
      assert.match(String(evalOrError(jl, 'lt(Any[P(1), 2, 3])')), /^TypeError: expected Bool/, `maxSplit ${maxSplit}`);
      assert.equal(jl.eval('lt(Any[1, 2, 3])'), true, 'the session goes on');
    }
  });

  it('keeps a call in the dispatch cache when one of its methods always raises', async () => {
    const { jl } = await jlWith();
    jl.eval('k(x::Int64) = error("no ints")\nk(x::Float64) = 2.0\nks(v::Vector{Any}) = k(v[1])');
    assert.equal(jl.eval('ks(Any[1.0])'), 2);
    assert.match(jl.specializationText('ks', ['Vector{Any}']), /jl:dyn:k\/1/);
    assert.match(String(evalOrError(jl, 'ks(Any[1])')), /no ints/);
  });

  it('raises MethodError in running code for a method defined while it ran (world age)', async () => {
    let jl: JuliaLike | undefined;
    let defined = false;
    jl = await JuliaLike.create({
      output: (s) => {
        // The first line printed defines the method the next element needs, mid-loop.
        if (!defined && s.trim()) {
          defined = true;
          jl!.eval('area(t::Tri) = 1.0');
        }
      },
    });
    jl.eval(SHAPES);
    jl.eval('function each(v::Vector{Shape})\n  for x in v\n    println(area(x))\n  end\nend\nmixed = Shape[Circle(1.0), Tri(1.0)]');
    assert.match(String(evalOrError(jl, 'each(mixed)')), /^MethodError: no method matching area\(Tri\): the method that fits was defined while the calling code ran/);
    // At top level again, the new method is seen.
    assert.equal(jl.eval('area(Tri(2.0))'), 1);
    defined = true;
    assert.doesNotThrow(() => jl!.eval('each(mixed)'));
  });
});

describe('jl inlining of small methods', () => {
  it('inlines a one-expression method that calls only intrinsics, and not a recursive one', async () => {
    const { jl } = await jlWith();
    jl.eval('sq(x::Float64) = x * x\nuse(x::Float64) = sq(x) + 1.0\nfib(n::Int64) = n < 2 ? n : fib(n - 1) + fib(n - 2)\nuse(2.0)\nfib(10)');
    const use = jl.specializationText('use', ['Float64']);
    const body = use.slice(use.indexOf('(func $use'), use.indexOf('(func', use.indexOf('(func $use') + 1));
    assert.ok(!/call \$sq/.test(body), `sq is inlined into use:\n${body}`);
    assert.equal(jl.eval('use(3.0)'), 10);
    const fib = jl.specializationText('fib', ['Int64']);
    assert.match(fib, /call \$fib/, 'fib calls itself');
    assert.equal(jl.eval('fib(20)'), 6765n);
  });

  it('loops over a union of integer range types by the fields of a StepRange, not element by element from JS', async () => {
    const { jl } = await jlWith();
    jl.eval('function u(n, stepped)\n  r = stepped ? (1:2:n) : (1:n)\n  s = 0\n  for i in r\n    s += i\n  end\n  s\nend');
    assert.deepEqual(['u(10, false)', 'u(10, true)', 'u(0, true)', 'u(-3, false)'].map((c) => jl.eval(c)), [55n, 25n, 0n, 0n]);
    const text = jl.specializationText('u', ['Int64', 'Bool']);
    assert.ok(!/jl:dyn_element/.test(text), `the loop reads no element from JS:\n${text}`);
  });
});
