// The multimethod runtime (lang/dispatch) against plain JS and the typed-function package:
// statically bound numeric code, dynamic dispatch over a heterogeneous vector, and invalidation.

import typed from 'typed-function';
import { JuliaLike } from '../../lang/dispatch/julia.js';
import { ratio, resultOf, timed, verdict, type Case, type Strategy } from '../harness.js';

const quiet = { output: () => undefined };

// ---- dispatch-static: recursive fib on Int64 and a float loop ----

const FIB = 25;
const FIB_RESULT = 75025n;
const HARM = 1_000_000;

function jsFib(n: number): number {
  return n < 2 ? n : jsFib(n - 1) + jsFib(n - 2);
}
function jsHarmonic(n: number): number {
  let s = 0;
  for (let k = 1; k <= n; k++) s += 1 / k;
  return s;
}

const staticJl = (group: string): Strategy<{ run: () => unknown; want: unknown }> => ({
  name: 'jl (accrete)',
  group,
  setup: async (mode) => {
    const jl = await JuliaLike.create(quiet);
    jl.eval('fib(n::Int64) = n < 2 ? n : fib(n - 1) + fib(n - 2)\nfunction harmonic(n::Int64)\n  s = 0.0\n  for k in 1:n\n    s += 1 / k\n  end\n  s\nend');
    const n = mode === 'smoke' ? 10 : FIB;
    const h = mode === 'smoke' ? 100 : HARM;
    if (group === 'fib') return { run: () => jl.call('fib', BigInt(n)), want: mode === 'smoke' ? 55n : FIB_RESULT };
    return { run: () => jl.call('harmonic', BigInt(h)), want: jsHarmonic(h) };
  },
  sample: (ctx) => timed(ctx.run, ctx.want),
});

const staticJs = (group: string): Strategy<{ run: () => unknown; want: unknown }> => ({
  name: 'js',
  group,
  setup: (mode) => {
    const n = mode === 'smoke' ? 10 : FIB;
    const h = mode === 'smoke' ? 100 : HARM;
    if (group === 'fib') return { run: () => BigInt(jsFib(n)), want: mode === 'smoke' ? 55n : FIB_RESULT };
    return { run: () => jsHarmonic(h), want: jsHarmonic(h) };
  },
  sample: (ctx) => timed(ctx.run, ctx.want),
});

export const dispatchStatic: Case = {
  name: 'dispatch-static',
  description: `Concretely typed code: fib(${FIB}) on Int64, and a float loop (harmonic sum to ${HARM}), called from JS.`,
  reference: 'js',
  target: 'jl within 1.5× of plain JS.',
  unit: 'µs',
  warmup: { quick: 5, full: 20 },
  reps: { quick: 30, full: 100 },
  strategies: [staticJs('fib'), staticJl('fib'), staticJs('float loop'), staticJl('float loop')] as never,
  verdicts: (r) => ['fib', 'float loop'].map((g) => verdict(`${g}: jl ÷ js ≤ 1.5`, ratio(r, 'jl (accrete)', g), ratio(r, 'jl (accrete)', g) <= 1.5)),
};

// ---- dispatch-dynamic: sum area over a Vector{Shape} of mixed concrete types ----

const SHAPES = 10_000;
const kindOf = (i: number) => i % 3;
const expectedArea = (() => {
  let s = 0;
  for (let i = 0; i < SHAPES; i++) s += kindOf(i) === 0 ? 3 * 1.5 * 1.5 : kindOf(i) === 1 ? 2 * 3 : 2 * 2;
  return s;
})();

/**
 * jl's `total`: by default its call of `area` is split into in-line type tests and static calls
 * (three methods, each for one concrete type); with `maxSplit: 0` every call goes through the
 * dispatch cache, the path of calls with more methods or abstract signatures.
 */
const dynJl = (name: string, maxSplit?: number): Strategy<{ run: () => unknown }> => ({
  name,
  setup: async () => {
    const jl = await JuliaLike.create({ ...quiet, ...(maxSplit === undefined ? {} : { maxSplit }) });
    jl.eval(`
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
shapes = Vector{Shape}()
for i in 0:${SHAPES - 1}
  k = i % 3
  if k == 0
    push!(shapes, Circle(1.5))
  elseif k == 1
    push!(shapes, Rect(2.0, 3.0))
  else
    push!(shapes, Square(2.0))
  end
end`);
    const shapes = jl.eval('shapes');
    const run = () => jl.call('total', shapes);
    // The first call specialises and compiles, the same modules in both jl strategies: here, so
    // that no sample compiles what the other strategy compiled (V8 would serve it from its cache).
    run();
    return { run };
  },
  sample: (ctx) => timed(ctx.run, expectedArea),
});

abstract class JsShape {
  abstract area(): number;
}
class JsCircle extends JsShape {
  constructor(readonly r: number) {
    super();
  }
  area() {
    return 3 * this.r * this.r;
  }
}
class JsRect extends JsShape {
  constructor(readonly w: number, readonly h: number) {
    super();
  }
  area() {
    return this.w * this.h;
  }
}
class JsSquare extends JsShape {
  constructor(readonly s: number) {
    super();
  }
  area() {
    return this.s * this.s;
  }
}
const jsShapes = (): JsShape[] => Array.from({ length: SHAPES }, (_, i) => (kindOf(i) === 0 ? new JsCircle(1.5) : kindOf(i) === 1 ? new JsRect(2, 3) : new JsSquare(2)));

const dynClasses: Strategy<{ shapes: JsShape[] }> = {
  name: 'js classes',
  setup: () => ({ shapes: jsShapes() }),
  sample: (ctx) =>
    timed(() => {
      let t = 0;
      for (const s of ctx.shapes) t += s.area();
      return t;
    }, expectedArea),
};

const dynTyped: Strategy<{ shapes: JsShape[]; area: (s: JsShape) => number }> = {
  name: 'typed-function',
  setup: () => {
    const t = typed.create();
    t.addTypes([
      { name: 'Circle', test: (x: unknown) => x instanceof JsCircle },
      { name: 'Rect', test: (x: unknown) => x instanceof JsRect },
      { name: 'Square', test: (x: unknown) => x instanceof JsSquare },
    ]);
    const area = t('area', {
      Circle: (c: JsCircle) => 3 * c.r * c.r,
      Rect: (r: JsRect) => r.w * r.h,
      Square: (s: JsSquare) => s.s * s.s,
    }) as (s: JsShape) => number;
    return { shapes: jsShapes(), area };
  },
  sample: (ctx) =>
    timed(() => {
      let t = 0;
      for (const s of ctx.shapes) t += ctx.area(s);
      return t;
    }, expectedArea),
};

export const dispatchDynamic: Case = {
  name: 'dispatch-dynamic',
  description: `Summing area over ${SHAPES} shapes of three concrete types in one abstract-typed vector. jl splits the call of area into type tests and static calls; "dispatch cache" is jl with splitting off (no target).`,
  reference: 'js classes',
  target: 'jl faster than typed-function, within 3× of JS classes with virtual methods.',
  unit: 'µs',
  // V8 moves jl's loop from its baseline compiler (Liftoff) to TurboFan after ~20 calls on Node 20
  // and ~25–30 on Node 24 (a call takes 165–220 µs before, 52–63 after): the warm-up covers that,
  // or the median is taken across the switch.
  warmup: { quick: 40, full: 60 },
  reps: { quick: 30, full: 100 },
  strategies: [dynClasses, dynTyped, dynJl('jl (accrete)'), dynJl('jl (accrete, dispatch cache)', 0)] as never,
  verdicts: (r) => [
    verdict('jl ÷ js classes ≤ 3', ratio(r, 'jl (accrete)'), ratio(r, 'jl (accrete)') <= 3),
    verdict('typed-function ÷ jl > 1', resultOf(r, 'typed-function').summary.median / resultOf(r, 'jl (accrete)').summary.median, resultOf(r, 'typed-function').summary.median > resultOf(r, 'jl (accrete)').summary.median),
  ],
};

// ---- invalidation: add a method that invalidates N specialisations, then call ----

function invalidation(n: number): Strategy<{ jl: JuliaLike }> {
  return {
    name: 'jl (accrete)',
    group: `N=${n}`,
    items: n,
    setup: async () => {
      const jl = await JuliaLike.create(quiet);
      let src = 'f(x) = 0\nf(x::Int64) = 1\n';
      for (let i = 0; i < n; i++) src += `g${i}(x) = f(x) + ${i}\n`;
      for (let i = 0; i < n; i++) src += `g${i}(1)\n`;
      jl.eval(src);
      return { jl };
    },
    sample: (ctx, i) =>
      timed(() => {
        // Replacing f(::Int64) invalidates f(Int64) and every g_i(Int64) that bound it.
        ctx.jl.eval(`f(x::Int64) = ${i + 2}`);
        return ctx.jl.eval('g0(1)');
      }, BigInt(i + 2)),
  };
}

export const dispatchInvalidation: Case = {
  name: 'invalidation',
  description: 'Redefining a method that N compiled specialisations bound statically, until the next call returns the new answer.',
  reference: 'jl (accrete)',
  target: 'none set; shows how the cost grows with N.',
  unit: 'µs',
  warmup: { quick: 3, full: 10 },
  reps: { quick: 20, full: 60 },
  strategies: [invalidation(10), invalidation(100)] as never,
};
