// Exact WebAssembly semantics, in JS, for the numeric instructions the differential test uses.
// i32 values are JS numbers in signed form, i64 values are BigInts in signed form (as `rt.fn`
// passes and returns them), f64 values are JS numbers (IEEE doubles, like wasm's).

export type VT = 'i32' | 'i64' | 'f64';
export const VTS: readonly VT[] = ['i32', 'i64', 'f64'];
export type Value = number | bigint;

/** Why a trap happened; the regexes are what V8 says for each kind. */
export type TrapKind = 'div0' | 'rem0' | 'divOverflow' | 'float' | 'unreachable';
export const TRAP_MESSAGE: Readonly<Record<TrapKind, RegExp>> = {
  div0: /divide by zero/,
  rem0: /remainder by zero/,
  divOverflow: /divide result unrepresentable/,
  float: /float unrepresentable in integer range/,
  unreachable: /unreachable/,
};

/** A trap of the reference machine (a wasm trap must happen exactly when one of these does). */
export class Trap extends Error {
  constructor(readonly kind: TrapKind) {
    super(`trap: ${kind}`);
  }
}

/** How the generator uses an op: plain unary/binary of one type, comparison, conversion, or may trap. */
export type OpCategory = 'un' | 'bin' | 'cmp' | 'conv' | 'trap';

export interface OpSpec {
  readonly name: string;
  readonly params: readonly VT[];
  readonly result: VT;
  readonly cat: OpCategory;
  readonly fn: (...args: never[]) => Value;
}

const I32_MIN = -0x80000000;
const I32_MAX = 0x7fffffff;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const TWO63 = 2 ** 63;
const TWO64 = 2 ** 64;

const S64 = (x: bigint): bigint => BigInt.asIntN(64, x);
const U64 = (x: bigint): bigint => BigInt.asUintN(64, x);
const b2i = (b: boolean): number => (b ? 1 : 0);

function ctz32(x: number): number {
  x |= 0;
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}
function popcnt32(x: number): number {
  let n = 0;
  for (let u = x >>> 0; u !== 0; u >>>= 1) n += u & 1;
  return n;
}
const hi32 = (x: bigint): number => Number(U64(x) >> 32n);
const lo32 = (x: bigint): number => Number(U64(x) & 0xffffffffn);

/** f64.nearest: round to nearest, ties to even, keeping the sign of zero. */
export function nearest(x: number): number {
  if (!Number.isFinite(x) || x === 0 || Math.abs(x) >= 2 ** 52) return x;
  const f = Math.floor(x);
  const d = x - f; // exact for |x| < 2^52
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return r === 0 && x < 0 ? -0 : r;
}

function truncChecked(x: number, lo: number, hiExclusive: number): number {
  if (Number.isNaN(x)) throw new Trap('float');
  const t = Math.trunc(x);
  if (!(t >= lo && t < hiExclusive)) throw new Trap('float');
  return t;
}

function truncSat(x: number, lo: number, hiExclusive: number): number | 'lo' | 'hi' {
  if (Number.isNaN(x)) return 0;
  const t = Math.trunc(x);
  if (t < lo) return 'lo';
  if (t >= hiExclusive) return 'hi';
  return t;
}

type F = (...a: never[]) => Value;
const specs: OpSpec[] = [];
function def(name: string, sig: string, cat: OpCategory, fn: F): void {
  const [ps, r] = sig.split('->').map((s) => s.trim()) as [string, string];
  specs.push({ name, params: ps === '' ? [] : (ps.split(/\s+/) as VT[]), result: r as VT, cat, fn });
}

// ---- i32
def('i32.eqz', 'i32 -> i32', 'cmp', ((a: number) => b2i(a === 0)) as F);
def('i32.clz', 'i32 -> i32', 'un', ((a: number) => Math.clz32(a)) as F);
def('i32.ctz', 'i32 -> i32', 'un', ((a: number) => ctz32(a)) as F);
def('i32.popcnt', 'i32 -> i32', 'un', ((a: number) => popcnt32(a)) as F);
def('i32.extend8_s', 'i32 -> i32', 'un', ((a: number) => (a << 24) >> 24) as F);
def('i32.extend16_s', 'i32 -> i32', 'un', ((a: number) => (a << 16) >> 16) as F);
def('i32.add', 'i32 i32 -> i32', 'bin', ((a: number, b: number) => (a + b) | 0) as F);
def('i32.sub', 'i32 i32 -> i32', 'bin', ((a: number, b: number) => (a - b) | 0) as F);
def('i32.mul', 'i32 i32 -> i32', 'bin', ((a: number, b: number) => Math.imul(a, b)) as F);
def('i32.and', 'i32 i32 -> i32', 'bin', ((a: number, b: number) => a & b) as F);
def('i32.or', 'i32 i32 -> i32', 'bin', ((a: number, b: number) => a | b) as F);
def('i32.xor', 'i32 i32 -> i32', 'bin', ((a: number, b: number) => a ^ b) as F);
def('i32.shl', 'i32 i32 -> i32', 'bin', ((a: number, b: number) => a << (b & 31)) as F);
def('i32.shr_s', 'i32 i32 -> i32', 'bin', ((a: number, b: number) => a >> (b & 31)) as F);
def('i32.shr_u', 'i32 i32 -> i32', 'bin', ((a: number, b: number) => (a >>> (b & 31)) | 0) as F);
def('i32.rotl', 'i32 i32 -> i32', 'bin', ((a: number, b: number) => {
  const k = b & 31;
  return (a << k) | (a >>> ((32 - k) & 31));
}) as F);
def('i32.rotr', 'i32 i32 -> i32', 'bin', ((a: number, b: number) => {
  const k = b & 31;
  return (a >>> k) | (a << ((32 - k) & 31));
}) as F);
const cmp32: Array<[string, (a: number, b: number) => boolean]> = [
  ['eq', (a, b) => a === b],
  ['ne', (a, b) => a !== b],
  ['lt_s', (a, b) => a < b],
  ['lt_u', (a, b) => a >>> 0 < b >>> 0],
  ['gt_s', (a, b) => a > b],
  ['gt_u', (a, b) => a >>> 0 > b >>> 0],
  ['le_s', (a, b) => a <= b],
  ['le_u', (a, b) => a >>> 0 <= b >>> 0],
  ['ge_s', (a, b) => a >= b],
  ['ge_u', (a, b) => a >>> 0 >= b >>> 0],
];
for (const [n, f] of cmp32) def(`i32.${n}`, 'i32 i32 -> i32', 'cmp', ((a: number, b: number) => b2i(f(a, b))) as F);
def('i32.div_s', 'i32 i32 -> i32', 'trap', ((a: number, b: number) => {
  if (b === 0) throw new Trap('div0');
  if (a === I32_MIN && b === -1) throw new Trap('divOverflow');
  return ((a - (a % b)) / b) | 0;
}) as F);
def('i32.div_u', 'i32 i32 -> i32', 'trap', ((a: number, b: number) => {
  if (b === 0) throw new Trap('div0');
  const ua = a >>> 0;
  const ub = b >>> 0;
  return ((ua - (ua % ub)) / ub) | 0;
}) as F);
def('i32.rem_s', 'i32 i32 -> i32', 'trap', ((a: number, b: number) => {
  if (b === 0) throw new Trap('rem0');
  return a % b | 0;
}) as F);
def('i32.rem_u', 'i32 i32 -> i32', 'trap', ((a: number, b: number) => {
  if (b === 0) throw new Trap('rem0');
  return (a >>> 0) % (b >>> 0) | 0;
}) as F);

// ---- i64
def('i64.eqz', 'i64 -> i32', 'cmp', ((a: bigint) => b2i(a === 0n)) as F);
def('i64.clz', 'i64 -> i64', 'un', ((a: bigint) => {
  const h = hi32(a);
  return BigInt(h !== 0 ? Math.clz32(h) : 32 + Math.clz32(lo32(a)));
}) as F);
def('i64.ctz', 'i64 -> i64', 'un', ((a: bigint) => {
  const l = lo32(a);
  return BigInt(l !== 0 ? ctz32(l) : 32 + ctz32(hi32(a)));
}) as F);
def('i64.popcnt', 'i64 -> i64', 'un', ((a: bigint) => BigInt(popcnt32(hi32(a)) + popcnt32(lo32(a)))) as F);
def('i64.extend8_s', 'i64 -> i64', 'un', ((a: bigint) => BigInt.asIntN(8, a)) as F);
def('i64.extend16_s', 'i64 -> i64', 'un', ((a: bigint) => BigInt.asIntN(16, a)) as F);
def('i64.extend32_s', 'i64 -> i64', 'un', ((a: bigint) => BigInt.asIntN(32, a)) as F);
def('i64.add', 'i64 i64 -> i64', 'bin', ((a: bigint, b: bigint) => S64(a + b)) as F);
def('i64.sub', 'i64 i64 -> i64', 'bin', ((a: bigint, b: bigint) => S64(a - b)) as F);
def('i64.mul', 'i64 i64 -> i64', 'bin', ((a: bigint, b: bigint) => S64(a * b)) as F);
def('i64.and', 'i64 i64 -> i64', 'bin', ((a: bigint, b: bigint) => S64(a & b)) as F);
def('i64.or', 'i64 i64 -> i64', 'bin', ((a: bigint, b: bigint) => S64(a | b)) as F);
def('i64.xor', 'i64 i64 -> i64', 'bin', ((a: bigint, b: bigint) => S64(a ^ b)) as F);
def('i64.shl', 'i64 i64 -> i64', 'bin', ((a: bigint, b: bigint) => S64(a << (U64(b) & 63n))) as F);
def('i64.shr_s', 'i64 i64 -> i64', 'bin', ((a: bigint, b: bigint) => S64(a >> (U64(b) & 63n))) as F);
def('i64.shr_u', 'i64 i64 -> i64', 'bin', ((a: bigint, b: bigint) => S64(U64(a) >> (U64(b) & 63n))) as F);
def('i64.rotl', 'i64 i64 -> i64', 'bin', ((a: bigint, b: bigint) => {
  const k = U64(b) & 63n;
  const u = U64(a);
  return S64((u << k) | (u >> ((64n - k) & 63n)));
}) as F);
def('i64.rotr', 'i64 i64 -> i64', 'bin', ((a: bigint, b: bigint) => {
  const k = U64(b) & 63n;
  const u = U64(a);
  return S64((u >> k) | (u << ((64n - k) & 63n)));
}) as F);
const cmp64: Array<[string, (a: bigint, b: bigint) => boolean]> = [
  ['eq', (a, b) => a === b],
  ['ne', (a, b) => a !== b],
  ['lt_s', (a, b) => a < b],
  ['lt_u', (a, b) => U64(a) < U64(b)],
  ['gt_s', (a, b) => a > b],
  ['gt_u', (a, b) => U64(a) > U64(b)],
  ['le_s', (a, b) => a <= b],
  ['le_u', (a, b) => U64(a) <= U64(b)],
  ['ge_s', (a, b) => a >= b],
  ['ge_u', (a, b) => U64(a) >= U64(b)],
];
for (const [n, f] of cmp64) def(`i64.${n}`, 'i64 i64 -> i32', 'cmp', ((a: bigint, b: bigint) => b2i(f(a, b))) as F);
def('i64.div_s', 'i64 i64 -> i64', 'trap', ((a: bigint, b: bigint) => {
  if (b === 0n) throw new Trap('div0');
  if (a === I64_MIN && b === -1n) throw new Trap('divOverflow');
  return S64(a / b);
}) as F);
def('i64.div_u', 'i64 i64 -> i64', 'trap', ((a: bigint, b: bigint) => {
  if (b === 0n) throw new Trap('div0');
  return S64(U64(a) / U64(b));
}) as F);
def('i64.rem_s', 'i64 i64 -> i64', 'trap', ((a: bigint, b: bigint) => {
  if (b === 0n) throw new Trap('rem0');
  return S64(a % b);
}) as F);
def('i64.rem_u', 'i64 i64 -> i64', 'trap', ((a: bigint, b: bigint) => {
  if (b === 0n) throw new Trap('rem0');
  return S64(U64(a) % U64(b));
}) as F);

// ---- f64 (no copysign/reinterpret: they would expose NaN sign bits, which wasm leaves open)
def('f64.abs', 'f64 -> f64', 'un', ((a: number) => Math.abs(a)) as F);
def('f64.neg', 'f64 -> f64', 'un', ((a: number) => -a) as F);
def('f64.ceil', 'f64 -> f64', 'un', ((a: number) => Math.ceil(a)) as F);
def('f64.floor', 'f64 -> f64', 'un', ((a: number) => Math.floor(a)) as F);
def('f64.trunc', 'f64 -> f64', 'un', ((a: number) => Math.trunc(a)) as F);
def('f64.nearest', 'f64 -> f64', 'un', ((a: number) => nearest(a)) as F);
def('f64.sqrt', 'f64 -> f64', 'un', ((a: number) => Math.sqrt(a)) as F);
def('f64.add', 'f64 f64 -> f64', 'bin', ((a: number, b: number) => a + b) as F);
def('f64.sub', 'f64 f64 -> f64', 'bin', ((a: number, b: number) => a - b) as F);
def('f64.mul', 'f64 f64 -> f64', 'bin', ((a: number, b: number) => a * b) as F);
def('f64.div', 'f64 f64 -> f64', 'bin', ((a: number, b: number) => a / b) as F);
// Math.min/max agree with wasm: NaN if either is NaN, and -0 < +0.
def('f64.min', 'f64 f64 -> f64', 'bin', ((a: number, b: number) => Math.min(a, b)) as F);
def('f64.max', 'f64 f64 -> f64', 'bin', ((a: number, b: number) => Math.max(a, b)) as F);
// JS comparisons are IEEE comparisons: false with a NaN (ne: true), -0 == +0.
def('f64.eq', 'f64 f64 -> i32', 'cmp', ((a: number, b: number) => b2i(a === b)) as F);
def('f64.ne', 'f64 f64 -> i32', 'cmp', ((a: number, b: number) => b2i(a !== b)) as F);
def('f64.lt', 'f64 f64 -> i32', 'cmp', ((a: number, b: number) => b2i(a < b)) as F);
def('f64.gt', 'f64 f64 -> i32', 'cmp', ((a: number, b: number) => b2i(a > b)) as F);
def('f64.le', 'f64 f64 -> i32', 'cmp', ((a: number, b: number) => b2i(a <= b)) as F);
def('f64.ge', 'f64 f64 -> i32', 'cmp', ((a: number, b: number) => b2i(a >= b)) as F);

// ---- conversions
def('i32.wrap_i64', 'i64 -> i32', 'conv', ((a: bigint) => Number(BigInt.asIntN(32, a))) as F);
def('i64.extend_i32_s', 'i32 -> i64', 'conv', ((a: number) => BigInt(a)) as F);
def('i64.extend_i32_u', 'i32 -> i64', 'conv', ((a: number) => BigInt(a >>> 0)) as F);
def('f64.convert_i32_s', 'i32 -> f64', 'conv', ((a: number) => a) as F);
def('f64.convert_i32_u', 'i32 -> f64', 'conv', ((a: number) => a >>> 0) as F);
// Number(bigint) rounds to nearest, ties to even, as f64.convert_i64_* does.
def('f64.convert_i64_s', 'i64 -> f64', 'conv', ((a: bigint) => Number(a)) as F);
def('f64.convert_i64_u', 'i64 -> f64', 'conv', ((a: bigint) => Number(U64(a))) as F);
def('i32.trunc_sat_f64_s', 'f64 -> i32', 'conv', ((a: number) => {
  const t = truncSat(a, I32_MIN, I32_MAX + 1);
  return t === 'lo' ? I32_MIN : t === 'hi' ? I32_MAX : t | 0;
}) as F);
def('i32.trunc_sat_f64_u', 'f64 -> i32', 'conv', ((a: number) => {
  const t = truncSat(a, 0, 2 ** 32);
  return t === 'lo' ? 0 : t === 'hi' ? -1 : t | 0;
}) as F);
def('i64.trunc_sat_f64_s', 'f64 -> i64', 'conv', ((a: number) => {
  const t = truncSat(a, -TWO63, TWO63);
  return t === 'lo' ? I64_MIN : t === 'hi' ? I64_MAX : BigInt(t);
}) as F);
def('i64.trunc_sat_f64_u', 'f64 -> i64', 'conv', ((a: number) => {
  const t = truncSat(a, 0, TWO64);
  return t === 'lo' ? 0n : t === 'hi' ? -1n : S64(BigInt(t));
}) as F);
def('i32.trunc_f64_s', 'f64 -> i32', 'trap', ((a: number) => truncChecked(a, I32_MIN, I32_MAX + 1) | 0) as F);
def('i32.trunc_f64_u', 'f64 -> i32', 'trap', ((a: number) => truncChecked(a, 0, 2 ** 32) | 0) as F);
def('i64.trunc_f64_s', 'f64 -> i64', 'trap', ((a: number) => BigInt(truncChecked(a, -TWO63, TWO63))) as F);
def('i64.trunc_f64_u', 'f64 -> i64', 'trap', ((a: number) => S64(BigInt(truncChecked(a, 0, TWO64)))) as F);

export const OPS: ReadonlyMap<string, OpSpec> = new Map(specs.map((s) => [s.name, s]));

/** Apply an op with exact wasm semantics; throws `Trap` where wasm traps. */
export function applyOp(name: string, args: readonly Value[]): Value {
  const s = OPS.get(name);
  if (!s) throw new Error(`no reference semantics for ${name}`);
  return (s.fn as (...a: Value[]) => Value)(...args);
}

/** Equality of wasm values as the test compares them: f64 by Object.is, or both NaN. */
export function sameValue(t: VT, a: Value, b: Value): boolean {
  if (t === 'f64') return Object.is(a, b) || (Number.isNaN(a as number) && Number.isNaN(b as number));
  return typeof a === typeof b && a === b;
}

export function zeroOf(t: VT): Value {
  return t === 'i64' ? 0n : 0;
}

/** A value as source text: `5`, `5n`, `f64(1.5)`, `f64(-0)`. */
export function showValue(t: VT, v: Value): string {
  if (t === 'i64') return `${String(v)}n`;
  if (t === 'f64') return `f64(${Object.is(v, -0) ? '-0' : String(v)})`;
  return String(v);
}
