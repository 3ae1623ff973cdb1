// The prelude: arithmetic and comparison are generic functions whose methods for the primitive
// types are one intrinsic each (so user code can add methods to `+`), and the intrinsics' wasm
// meaning. Specialisations of these methods are small, so Accrete inlines them.

import type { FuncBuilder, Expr as IR } from '../../runtime/index.js';
import { RANGE_FN } from './range-code.js';
import { Bool, Float64, Int64, String_, type JType } from './types.js';

export interface Intrinsic {
  readonly params: readonly JType[];
  readonly result: JType;
  readonly emit: (b: FuncBuilder, args: IR[]) => IR;
}

const INT64_MIN = -(1n << 63n);

/**
 * Integer division and remainder raise DivideError (through `jl:divide_error`, which does not
 * return) where wasm would trap: a zero divisor, and typemin ÷ -1 (typemin % -1 is 0 in both).
 */
function checkedDivision(b: FuncBuilder, x: IR, y: IR, op: 'div' | 'rem'): IR {
  const n = b.local('i64');
  const d = b.local('i64');
  const bad = op === 'rem' ? b.i64.eqz(b.get(d)) : b.i32.or(b.i64.eqz(b.get(d)), b.i32.and(b.i64.eq(b.get(d), b.i64(-1)), b.i64.eq(b.get(n), b.i64(INT64_MIN))));
  const result = op === 'div' ? b.i64.div_s(b.get(n), b.get(d)) : b.i64.rem_s(b.get(n), b.get(d));
  return b.block([b.set(n, x), b.set(d, y), b.if(bad, [b.call('jl:divide_error'), b.unreachable()]), result], { type: 'i64' });
}

/** 2^63 as a Float64: the one integral float in [-2^63, 2^63] that is no Int64. */
const TWO_63 = 9223372036854775808;

/**
 * Comparisons of an Int64 with a Float64, exact as Julia's (not through the float the integer
 * rounds to): where that float equals the other operand, which is then integral, the integers
 * are compared. `swap`: the Float64 is the left operand.
 */
function mixedCompare(op: 'eq' | 'lt' | 'le', swap: boolean): Intrinsic {
  return {
    params: swap ? [Float64, Int64] : [Int64, Float64],
    result: Bool,
    emit: (b, [x, y]) => {
      const n = b.local('i64');
      const f = b.local('f64');
      const nf = () => b.f64.convert_i64_s(b.get(n));
      const exact = () => b.i64.trunc_sat_f64_s(b.get(f));
      const inRange = () => b.f64.ne(b.get(f), b.f64(TWO_63));
      let test: IR;
      if (op === 'eq') test = b.i32.and(b.i32.and(b.f64.eq(nf(), b.get(f)), inRange()), b.i64.eq(exact(), b.get(n)));
      else if (!swap) {
        // n < f (n <= f): the float n rounds to is below f, or equal to it and n is below (at most) f's integer.
        const ints = op === 'lt' ? b.i64.lt_s(b.get(n), exact()) : b.i64.le_s(b.get(n), exact());
        test = b.i32.or(b.f64.lt(nf(), b.get(f)), b.i32.and(b.f64.eq(nf(), b.get(f)), b.i32.or(b.i32.eqz(inRange()), ints)));
      } else {
        const ints = op === 'lt' ? b.i64.lt_s(exact(), b.get(n)) : b.i64.le_s(exact(), b.get(n));
        test = b.i32.or(b.f64.lt(b.get(f), nf()), b.i32.and(b.i32.and(b.f64.eq(b.get(f), nf()), inRange()), ints));
      }
      return b.block([b.set(n, swap ? y! : x!), b.set(f, swap ? x! : y!), test], { type: 'i32' });
    },
  };
}

const i2 = (op: (b: FuncBuilder, x: IR, y: IR) => IR, r: JType = Int64): Intrinsic => ({ params: [Int64, Int64], result: r, emit: (b, [x, y]) => op(b, x!, y!) });
const f2 = (op: (b: FuncBuilder, x: IR, y: IR) => IR, r: JType = Float64): Intrinsic => ({ params: [Float64, Float64], result: r, emit: (b, [x, y]) => op(b, x!, y!) });

/** Intrinsics by name; only the prelude calls them. */
export const INTRINSICS: ReadonlyMap<string, Intrinsic> = new Map<string, Intrinsic>([
  ['__add_int', i2((b, x, y) => b.i64.add(x, y))],
  ['__sub_int', i2((b, x, y) => b.i64.sub(x, y))],
  ['__mul_int', i2((b, x, y) => b.i64.mul(x, y))],
  ['__div_int', i2((b, x, y) => checkedDivision(b, x, y, 'div'))],
  ['__rem_int', i2((b, x, y) => checkedDivision(b, x, y, 'rem'))],
  ['__eq_int', i2((b, x, y) => b.i64.eq(x, y), Bool)],
  ['__lt_int', i2((b, x, y) => b.i64.lt_s(x, y), Bool)],
  ['__le_int', i2((b, x, y) => b.i64.le_s(x, y), Bool)],
  ['__neg_int', { params: [Int64], result: Int64, emit: (b, [x]) => b.i64.sub(b.i64(0), x!) }],
  // Strings order by code points, as Julia's (JavaScript's < compares UTF-16 units): jl:strcmp.
  ['__lt_str', { params: [String_, String_], result: Bool, emit: (b, [x, y]) => b.i32.lt_s(b.call('jl:strcmp', x!, y!), b.i32(0)) }],
  ['__le_str', { params: [String_, String_], result: Bool, emit: (b, [x, y]) => b.i32.le_s(b.call('jl:strcmp', x!, y!), b.i32(0)) }],
  ['__add_float', f2((b, x, y) => b.f64.add(x, y))],
  ['__sub_float', f2((b, x, y) => b.f64.sub(x, y))],
  ['__mul_float', f2((b, x, y) => b.f64.mul(x, y))],
  ['__div_float', f2((b, x, y) => b.f64.div(x, y))],
  ['__eq_float', f2((b, x, y) => b.f64.eq(x, y), Bool)],
  ['__lt_float', f2((b, x, y) => b.f64.lt(x, y), Bool)],
  ['__le_float', f2((b, x, y) => b.f64.le(x, y), Bool)],
  ['__neg_float', { params: [Float64], result: Float64, emit: (b, [x]) => b.f64.neg(x!) }],
  ['__sqrt_float', { params: [Float64], result: Float64, emit: (b, [x]) => b.f64.sqrt(x!) }],
  ['__int_to_float', { params: [Int64], result: Float64, emit: (b, [x]) => b.f64.convert_i64_s(x!) }],
  ['__trunc_float', { params: [Float64], result: Float64, emit: (b, [x]) => b.f64.trunc(x!) }],
  ['__floor_float', { params: [Float64], result: Float64, emit: (b, [x]) => b.f64.floor(x!) }],
  ['__ceil_float', { params: [Float64], result: Float64, emit: (b, [x]) => b.f64.ceil(x!) }],
  ['__round_float', { params: [Float64], result: Float64, emit: (b, [x]) => b.f64.nearest(x!) }],
  ['__abs_float', { params: [Float64], result: Float64, emit: (b, [x]) => b.f64.abs(x!) }],
  ['__pow_float', f2((b, x, y) => b.call('jl:pow', x, y))],
  ['__not', { params: [Bool], result: Bool, emit: (b, [x]) => b.i32.eqz(x!) }],
  ['__eq_int_float', mixedCompare('eq', false)],
  ['__lt_int_float', mixedCompare('lt', false)],
  ['__le_int_float', mixedCompare('le', false)],
  ['__eq_float_int', mixedCompare('eq', true)],
  ['__lt_float_int', mixedCompare('lt', true)],
  ['__le_float_int', mixedCompare('le', true)],
  ['__bool_to_int', { params: [Bool], result: Int64, emit: (b, [x]) => b.i64.extend_i32_u(x!) }],
  ['__eq_bool', { params: [Bool, Bool], result: Bool, emit: (b, [x, y]) => b.i32.eq(x!, y!) }],
  // Ranges (range-code.ts): a float range's element k (0-based) and sum, a StepRange's length.
  ['__frange_at', { params: [Float64, Float64, Float64, Int64], result: Float64, emit: (b, args) => b.call('jl:frange_at', ...args) }],
  ['__frange_sum', { params: [Float64, Float64, Float64], result: Float64, emit: (b, args) => b.call('jl:frange_sum', ...args) }],
  ['__steprange_len', { params: [Int64, Int64, Int64], result: Int64, emit: (b, args) => b.call(RANGE_FN.stepLength, ...args) }],
]);

const mixed = (op: string, intr: string) => `
${op}(a::Int64, b::Float64) = ${intr}(__int_to_float(a), b)
${op}(a::Float64, b::Int64) = ${intr}(a, __int_to_float(b))`;

/** The prelude, in the language itself. */
export const PRELUDE = `
+(a::Int64, b::Int64) = __add_int(a, b)
-(a::Int64, b::Int64) = __sub_int(a, b)
*(a::Int64, b::Int64) = __mul_int(a, b)
÷(a::Int64, b::Int64) = __div_int(a, b)
%(a::Int64, b::Int64) = __rem_int(a, b)
/(a::Int64, b::Int64) = __div_float(__int_to_float(a), __int_to_float(b))
-(a::Int64) = __neg_int(a)
+(a::Int64) = a
+(a::Float64, b::Float64) = __add_float(a, b)
-(a::Float64, b::Float64) = __sub_float(a, b)
*(a::Float64, b::Float64) = __mul_float(a, b)
/(a::Float64, b::Float64) = __div_float(a, b)
-(a::Float64) = __neg_float(a)
+(a::Float64) = a
${mixed('+', '__add_float')}
${mixed('-', '__sub_float')}
${mixed('*', '__mul_float')}
${mixed('/', '__div_float')}
==(a::Int64, b::Int64) = __eq_int(a, b)
<(a::Int64, b::Int64) = __lt_int(a, b)
<=(a::Int64, b::Int64) = __le_int(a, b)
==(a::Float64, b::Float64) = __eq_float(a, b)
<(a::Float64, b::Float64) = __lt_float(a, b)
<=(a::Float64, b::Float64) = __le_float(a, b)
==(a::Int64, b::Float64) = __eq_int_float(a, b)
==(a::Float64, b::Int64) = __eq_float_int(a, b)
<(a::Int64, b::Float64) = __lt_int_float(a, b)
<(a::Float64, b::Int64) = __lt_float_int(a, b)
<=(a::Int64, b::Float64) = __le_int_float(a, b)
<=(a::Float64, b::Int64) = __le_float_int(a, b)
<(a::String, b::String) = __lt_str(a, b)
<=(a::String, b::String) = __le_str(a, b)
==(a::Bool, b::Bool) = __eq_bool(a, b)
==(a::Bool, b::Int64) = __eq_int(__bool_to_int(a), b)
==(a::Int64, b::Bool) = __eq_int(a, __bool_to_int(b))
==(a::Bool, b::Float64) = __eq_float(__int_to_float(__bool_to_int(a)), b)
==(a::Float64, b::Bool) = __eq_float(a, __int_to_float(__bool_to_int(b)))
==(a, b) = __equal(a, b)
!=(a, b) = !(a == b)
===(a, b) = __egal(a, b)
!==(a, b) = !(a === b)
>(a, b) = b < a
>=(a, b) = b <= a
<=(a, b) = a < b || a == b
!(a::Bool) = __not(a)
Float64(x::Int64) = __int_to_float(x)
Float64(x::Float64) = x
Float64(x::Bool) = __convert(x, Float64)
Int64(x::Int64) = x
Int64(x::Float64) = __convert(x, Int64)
Int64(x::Bool) = __bool_to_int(x)
Bool(x::Bool) = x
Bool(x::Int64) = __convert(x, Bool)
Bool(x::Float64) = __convert(x, Bool)
float(a::Int64) = __int_to_float(a)
float(a::Float64) = a
sqrt(a::Float64) = a < 0.0 ? __domain_error(a, "sqrt was called with a negative real argument but will only return a complex result if called with a complex argument. Try sqrt(Complex(x)).") : __sqrt_float(a)
sqrt(a::Int64) = sqrt(__int_to_float(a))
trunc(a::Float64) = __trunc_float(a)
floor(a::Float64) = __floor_float(a)
ceil(a::Float64) = __ceil_float(a)
round(a::Float64) = __round_float(a)
trunc(a::Int64) = a
floor(a::Int64) = a
ceil(a::Int64) = a
round(a::Int64) = a
abs(a::Int64) = a < 0 ? -a : a
abs(a::Float64) = __abs_float(a)
^(a::Float64, b::Float64) = __pow_float(a, b)
^(a::Float64, n::Int64) = __pow_float(a, __int_to_float(n))
^(a::Int64, b::Float64) = __pow_float(__int_to_float(a), b)
function ^(a::Int64, n::Int64)
  if n < 0
    if a == 1 || a == -1
      return n % 2 == 0 ? a * a : a
    end
    __domain_error(a, "Cannot raise an integer x to a negative power $n. Convert input to float.")
  end
  r = 1
  while n > 0
    if n % 2 == 1
      r = r * a
    end
    a = a * a
    n = n ÷ 2
  end
  r
end
__literal_pow_base(a::Int64) = __int_to_float(a)
__literal_pow_base(a) = a
`;
