// Ranges as values in generated code: the wasm constructors of UnitRange, StepRange and the Float64
// StepRangeLen (one implementation, called by emitted code and by the JS side's dynamic `a:b`),
// the type `a:b` has, and the range methods of the prelude, written in the language itself.

import type { Expr as IR, FuncBuilder, Runtime } from '../../runtime/index.js';
import type * as A from './syntax/ast.js';
import { Any, Bottom, Float64, FloatRangeT, Int64, StepRangeT, UnitRangeT, isConcrete, type DataType, type JType } from './types.js';
import { SYM, type ObjectModel } from './values.js';
import { ValueCode } from './values-code.js';

/** The wasm functions making range objects; their steps are never zero (callers check, where they can say where). */
export const RANGE_FN = {
  unit: 'jl:unitrange',
  step: 'jl:steprange',
  float: 'jl:floatrange',
  stepLength: 'jl:steprange_len',
} as const;

export function isRangeType(t: JType): t is DataType {
  return t === UnitRangeT || t === StepRangeT || t === FloatRangeT;
}

/**
 * The integer range type a `for` loop over a value of type `t` reads the fields of: `t` itself,
 * or StepRange for a union of integer range types (converted once, before the loop: each element
 * from the JS side cost ~1,000× a field loop's).
 */
export function loopRangeType(t: JType): DataType | undefined {
  if (t === UnitRangeT || t === StepRangeT) return t;
  if (t.kind === 'union' && t.members.every((m) => m === UnitRangeT || m === StepRangeT)) return StepRangeT;
  return undefined;
}

/**
 * The type of `start:stop` or `start:step:stop` from its parts' types, as Julia's `(:)` methods
 * choose: Int64 parts make a UnitRange or StepRange, a Float64 among Int64s a float range. Parts
 * of unknown type leave it to run time (Any); other types have no method (Bottom: it raises).
 */
export function rangeType(parts: readonly JType[], stepped: boolean): JType {
  if (parts.includes(Bottom)) return Bottom;
  if (!parts.every(isConcrete)) return Any;
  if (parts.every((t) => t === Int64)) return stepped ? StepRangeT : UnitRangeT;
  return parts.every((t) => t === Int64 || t === Float64) ? FloatRangeT : Bottom;
}

/** Whether `for x in a:b` runs as a counting loop without making the range: its parts' types are known. */
export function literalRange(parts: readonly JType[]): boolean {
  return parts.every((t) => t === Bottom || isConcrete(t));
}

/**
 * Julia's steprange_last for a range that is not empty: the last element `step` reaches from
 * `start` towards `stop` (`up`: the step is positive), the distance taken unsigned so that it
 * cannot overflow. Shared by the StepRange constructor and the counting loop over `a:s:b`.
 */
export function lastReached(b: FuncBuilder, start: () => IR, step: () => IR, stop: () => IR, up: IR): IR {
  return b.if(up, b.i64.sub(stop(), b.i64.rem_u(b.i64.sub(stop(), start()), step())), b.i64.add(stop(), b.i64.rem_u(b.i64.sub(start(), stop()), b.i64.sub(b.i64(0), step()))), 'i64');
}

/** Define the constructors and StepRange's length (called once, when the object model is made). */
export function defineRangeFunctions(rt: Runtime, om: ObjectModel): void {
  const s = rt.stage('jl:ranges');
  const make = (b: FuncBuilder, t: DataType, fields: IR[]) => {
    const r = om.rtt(t);
    const p = b.local('i32');
    return [b.set(p, b.call(SYM.alloc, b.sizeOf(r))), b.initHeader(b.get(p), r), ...t.fields.map((f, i) => b.setField(b.get(p), r, f.name, fields[i]!)), b.get(p)];
  };
  // Julia keeps an empty UnitRange as start:start-1 (wrapping at typemin, as Julia's does).
  s.func(RANGE_FN.unit, 'i64 i64 -> i32', (b) => make(b, UnitRangeT, [b.param(0), b.if(b.i64.ge_s(b.param(1), b.param(0)), b.param(1), b.i64.sub(b.param(0), b.i64(1)), 'i64')]), { params: ['start', 'stop'], inline: true });
  s.func(
    RANGE_FN.step,
    'i64 i64 i64 -> i32',
    (b) => {
      const [start, step, stop] = [() => b.param(0), () => b.param(1), () => b.param(2)];
      const up = () => b.i64.gt_s(step(), b.i64(0));
      // The last element reached (stop > start means the step is positive here: the range is not
      // empty); an empty range keeps start∓1 as its stop.
      const towards = lastReached(b, start, step, stop, b.i64.gt_s(stop(), start()));
      const empty = b.if(up(), b.i64.sub(start(), b.i64(1)), b.i64.add(start(), b.i64(1)), 'i64');
      const last = b.if(b.i64.eq(stop(), start()), stop(), b.if(b.i32.ne(up(), b.i64.gt_s(stop(), start())), empty, towards, 'i64'), 'i64');
      return make(b, StepRangeT, [start(), step(), last]);
    },
    { params: ['start', 'step', 'stop'], inline: true },
  );
  s.func(RANGE_FN.float, 'f64 f64 f64 -> i32', (b) => make(b, FloatRangeT, [b.param(0), b.param(1), b.param(2), b.call('jl:frange_len', b.param(0), b.param(1), b.param(2))]), { params: ['start', 'step', 'stop'] });
  // Julia's length for Int64 ranges (unchecked: it wraps past typemax, as Base's does): the
  // distance over the step, unsigned where the distance may have overflowed.
  s.func(
    RANGE_FN.stepLength,
    'i64 i64 i64 -> i64',
    (b) => {
      const [start, step, stop] = [() => b.param(0), () => b.param(1), () => b.param(2)];
      const diff = () => b.i64.sub(stop(), start());
      const empty = b.i32.and(b.i64.ne(start(), stop()), b.i32.ne(b.i64.gt_s(step(), b.i64(0)), b.i64.gt_s(stop(), start())));
      const quotient = b.if(
        b.i64.eq(step(), b.i64(1)),
        diff(),
        b.if(
          b.i64.eq(step(), b.i64(-1)),
          b.i64.sub(b.i64(0), diff()),
          b.if(b.i64.lt_s(step(), b.i64(0)), b.i64.div_u(b.i64.sub(b.i64(0), diff()), b.i64.sub(b.i64(0), step())), b.i64.div_u(diff(), step()), 'i64'),
          'i64',
        ),
        'i64',
      );
      return [b.if(empty, b.i64(0), b.i64.add(quotient, b.i64(1)), 'i64')];
    },
    { params: ['start', 'step', 'stop'], inline: true },
  );
  s.commitSync();
}

/** Code making a range object from `a:b` or `a:s:b`, or of another range type (Emitter builds on it). */
export abstract class RangeCode extends ValueCode {
  abstract expr(e: A.Expr, want?: JType): IR;

  /**
   * Julia's convert for a range stored in a place of another range type, as promotion makes
   * them (`[1:3, 1:2:5]` is a Vector{StepRange{Int64, Int64}}): a UnitRange to a StepRange,
   * an integer range to a float range; a value of unknown type is converted on the JS side.
   */
  override storeConvert(ir: IR, from: JType, to: JType, at: A.Loc): IR {
    const b = this.b;
    if (!isRangeType(to) || from === to || from === Bottom || !(isRangeType(from) || !isConcrete(from)) || ir.type === 'unreachable') return super.storeConvert(ir, from, to, at);
    if (!isConcrete(from)) return b.call('jl:convert', this.box(ir, from), b.i32(this.host.typeObject(to)));
    const widens = (from === UnitRangeT && to === StepRangeT) || (from !== FloatRangeT && to === FloatRangeT);
    if (!widens) return super.storeConvert(ir, from, to, at);
    const p = b.local('i32');
    const rtt = this.host.om.rtt(from);
    const field = (f: string) => b.field(b.get(p), rtt, f);
    const step = () => (from === UnitRangeT ? b.i64(1) : field('step'));
    if (to === StepRangeT) return b.seq(b.set(p, ir), b.call(RANGE_FN.step, field('start'), step(), field('stop')));
    const float = (x: IR) => b.f64.convert_i64_s(x);
    return b.seq(b.set(p, ir), b.call(RANGE_FN.float, float(field('start')), float(step()), float(field('stop'))));
  }

  /** The range `e` of type `t` (see rangeType), its parts of types `ts` evaluated in the order written. */
  protected rangeValue(e: A.Range, t: JType, ts: readonly JType[]): IR {
    const b = this.b;
    const parts = [e.start, ...(e.step ? [e.step] : []), e.stop];
    if (t === Any) return b.call('jl:range', this.expr(e.start, Any), e.step ? this.expr(e.step, Any) : b.i32(0), this.expr(e.stop, Any));
    if (t === Bottom) {
      const evaluated = parts.map((p) => this.discard(this.expr(p)));
      if (ts.includes(Bottom)) return b.seq(...evaluated, b.unreachable());
      return b.seq(...evaluated, this.raise('MethodError', `no method matching (:)(${ts.join(', ')})`, e.loc, 'none'), b.unreachable());
    }
    const float = t === FloatRangeT;
    const el = float ? Float64 : Int64;
    const locals = parts.map(() => b.local(float ? 'f64' : 'i64'));
    const sets = parts.map((p, i) => b.set(locals[i]!, this.expr(p, el)));
    const args = () => locals.map((l) => b.get(l));
    if (!e.step) return b.seq(...sets, float ? b.call(RANGE_FN.float, args()[0]!, b.f64(1), args()[1]!) : b.call(RANGE_FN.unit, ...args()));
    const zero = float ? b.f64.eq(args()[1]!, b.f64(0)) : b.i64.eqz(args()[1]!);
    const check = b.if(zero, this.raise('ArgumentError', float ? 'range step cannot be zero' : 'step cannot be zero', e.step.loc, 'none'));
    return b.seq(...sets, check, b.call(float ? RANGE_FN.float : RANGE_FN.step, ...args()));
  }
}

/** Range methods of the prelude: the fields as Julia's accessors read them, indexing, collect and sum. */
export const RANGE_PRELUDE = `
UnitRange(start::Int64, stop::Int64) = start:stop
StepRange(start::Int64, step::Int64, stop::Int64) = start:step:stop
first(r::UnitRange{Int64}) = r.start
last(r::UnitRange{Int64}) = r.stop
step(r::UnitRange{Int64}) = 1
isempty(r::UnitRange{Int64}) = r.stop < r.start
length(r::UnitRange{Int64}) = r.stop - r.start + 1
first(r::StepRange{Int64, Int64}) = r.start
last(r::StepRange{Int64, Int64}) = r.stop
step(r::StepRange{Int64, Int64}) = r.step
isempty(r::StepRange{Int64, Int64}) = r.start != r.stop && (r.step > 0) != (r.stop > r.start)
length(r::StepRange{Int64, Int64}) = __steprange_len(r.start, r.step, r.stop)
first(r::StepRangeLen{Float64}) = __frange_at(r.start, r.step, r.stop, 0)
last(r::StepRangeLen{Float64}) = __frange_at(r.start, r.step, r.stop, r.len - 1)
step(r::StepRangeLen{Float64}) = r.step
isempty(r::StepRangeLen{Float64}) = r.len == 0
length(r::StepRangeLen{Float64}) = r.len
function getindex(r::UnitRange{Int64}, i::Int64)
  x = r.start + (i - 1)
  if i < 1 || x > r.stop || x < r.start
    __bounds_error(r, i)
  end
  x
end
function getindex(r::StepRange{Int64, Int64}, i::Int64)
  x = r.start + (i - 1) * r.step
  if i < 1 || (r.step > 0 ? (x > r.stop || x < r.start) : (x < r.stop || x > r.start))
    __bounds_error(r, i)
  end
  x
end
function getindex(r::StepRangeLen{Float64}, i::Int64)
  if i < 1 || i > r.len
    __bounds_error(r, i)
  end
  __frange_at(r.start, r.step, r.stop, i - 1)
end
# What cannot fit the 4 GiB heap is refused before anything is made, as Julia's collect allocates
# the whole vector first (its length wraps past typemax: negative here).
function __collect_fits(n::Int64)
  if n < 0 || n > 536870911
    __out_of_memory(n < 0 || n > 1152921504606846975 ? 9223372036854775807 : 8 * n)
  end
  nothing
end
function collect(r::Union{UnitRange{Int64}, StepRange{Int64, Int64}})
  __collect_fits(length(r))
  v = Int64[]
  for x in r
    push!(v, x)
  end
  v
end
function collect(r::StepRangeLen{Float64})
  __collect_fits(length(r))
  v = Float64[]
  for x in r
    push!(v, x)
  end
  v
end
function sum(r::UnitRange{Int64})
  l = length(r)
  l * r.start + (l % 2 == 0 ? (l - 1) * (l ÷ 2) : l * ((l - 1) ÷ 2))
end
function sum(r::StepRange{Int64, Int64})
  l = length(r)
  l * r.start + (l % 2 == 0 ? (r.step * (l - 1)) * (l ÷ 2) : (r.step * l) * ((l - 1) ÷ 2))
end
sum(r::StepRangeLen{Float64}) = __frange_sum(r.start, r.step, r.stop)
in(x::Int64, r::UnitRange{Int64}) = r.start <= x && x <= r.stop
in(x::Float64, r::UnitRange{Int64}) = x - trunc(x) == 0.0 && r.start <= x && x <= r.stop
function in(x::Int64, r::StepRange{Int64, Int64})
  up = r.step > 0
  !isempty(r) && (up ? r.start : r.stop) <= x && x <= (up ? r.stop : r.start) && __mod_int(x, r.step) == __mod_int(r.start, r.step)
end
in(x::Float64, r::StepRange{Int64, Int64}) = x - trunc(x) == 0.0 && !isempty(r) && minimum(r) <= x && x <= maximum(r) && in(Int64(x), r)
function __mod_int(a::Int64, s::Int64)
  m = a % s
  m != 0 && (m < 0) != (s < 0) ? m + s : m
end
minimum(r::StepRange{Int64, Int64}) = r.step > 0 ? r.start : r.stop
maximum(r::StepRange{Int64, Int64}) = r.step > 0 ? r.stop : r.start
function __in_frange(x, r::StepRangeLen{Float64})
  if r.len == 0
    return false
  end
  f = first(r)
  l = last(r)
  if !(f <= x <= l || l <= x <= f)
    return false
  end
  n = Int64(round((x - f) / r.step)) + 1
  n >= 1 && n <= r.len && r[n] == x
end
in(x::Int64, r::StepRangeLen{Float64}) = __in_frange(x, r)
in(x::Float64, r::StepRangeLen{Float64}) = __in_frange(x, r)
`;
