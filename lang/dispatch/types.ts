// The type lattice of the Julia-like language: Any at the top, abstract and concrete data types,
// primitive types, Union{...} and Vector{T}, with Julia's subtyping (invariant parameters) and the
// machine representation each concrete type has in generated code.

/** How a value of a type is held in generated code. */
export type Repr = 'i64' | 'f64' | 'i32' | 'ref';

export type JType = DataType | UnionType | VectorType;

/** A named type: abstract (no instances) or concrete (a struct or a primitive). */
export class DataType {
  readonly kind = 'data' as const;
  constructor(
    readonly name: string,
    readonly abstract: boolean,
    readonly supertype: DataType | undefined,
    /** Fields of a concrete struct, in order; empty for abstract and primitive types. */
    readonly fields: ReadonlyArray<{ readonly name: string; readonly type: JType }> = [],
    readonly mutable = false,
    /** Set for the primitive types, whose values are unboxed in specialised code. */
    readonly primitive?: 'Int64' | 'Float64' | 'Bool' | 'Nothing' | 'String',
  ) {}

  toString(): string {
    return this.name;
  }
}

/**
 * Union{A, B, ...}: flattened, without duplicates, never of one member (that is the member). Made
 * only by unionOf, which gives one object per set of members, in Julia's order: so identity is
 * equality, and a union prints as Julia prints it.
 */
export class UnionType {
  readonly kind = 'union' as const;
  constructor(readonly members: readonly JType[]) {}
  toString(): string {
    return `Union{${this.members.map(String).join(', ')}}`;
  }
}

/** Vector{T}: concrete for every T, invariant in T. */
export class VectorType {
  readonly kind = 'vector' as const;
  constructor(readonly element: JType) {}
  toString(): string {
    return `Vector{${this.element}}`;
  }
}

export const Any = new DataType('Any', true, undefined);
export const Number_ = new DataType('Number', true, Any);
export const Real = new DataType('Real', true, Number_);
export const Integer_ = new DataType('Integer', true, Real);
export const AbstractFloat = new DataType('AbstractFloat', true, Real);
export const AbstractString = new DataType('AbstractString', true, Any);
export const Int64 = new DataType('Int64', false, Integer_, [], false, 'Int64');
export const Float64 = new DataType('Float64', false, AbstractFloat, [], false, 'Float64');
export const Bool = new DataType('Bool', false, Integer_, [], false, 'Bool');
export const Nothing = new DataType('Nothing', false, Any, [], false, 'Nothing');
export const String_ = new DataType('String', false, AbstractString, [], false, 'String');
/** What type objects (`Int64` used as a value, `typeof(x)`) are: the index of the type in a JS table. */
export const DataTypeT = new DataType('DataType', false, Any, [{ name: 'index', type: Int64 }]);
/** What the type object of a Union{A, B, ...} is (in Julia, typeof(Union{Int64, Nothing}) is Union). */
export const UnionT = new DataType('Union', false, Any, [{ name: 'index', type: Int64 }]);
/** What the type object of Union{} is (Julia's Core.TypeofBottom; no name a program can write). */
export const TypeofBottom = new DataType('Core.TypeofBottom', false, Any, [{ name: 'index', type: Int64 }]);
/** The bottom type: the type of an expression that never returns (Union{}). */
export const Bottom = new UnionType([]);

/**
 * Every Vector{T} and every range is an AbstractVector, as in Julia (which spells it
 * AbstractArray{T, 1}): methods on it (the prelude's sum, first, in, ...) are specialised at each
 * concrete vector type, which stands in for the `where T` this lattice lacks.
 */
export const AbstractVector = new DataType('AbstractVector', true, Any);
/**
 * Ranges, immutable structs as in Julia. Without type parameters in this lattice each is one
 * concrete type named as Julia prints it; UnitRange and StepRange hold Julia's fields (`stop` is
 * the last element, or start ∓ 1 when empty), the Float64 range its endpoints and step as written
 * and its length (ranges.ts computes its elements as Julia's TwicePrecision ones).
 */
export const AbstractRange = new DataType('AbstractRange', true, AbstractVector);
export const UnitRangeT = new DataType('UnitRange{Int64}', false, AbstractRange, [
  { name: 'start', type: Int64 },
  { name: 'stop', type: Int64 },
]);
export const StepRangeT = new DataType('StepRange{Int64, Int64}', false, AbstractRange, [
  { name: 'start', type: Int64 },
  { name: 'step', type: Int64 },
  { name: 'stop', type: Int64 },
]);
export const FloatRangeT = new DataType('StepRangeLen{Float64, Base.TwicePrecision{Float64}, Base.TwicePrecision{Float64}, Int64}', false, AbstractRange, [
  { name: 'start', type: Float64 },
  { name: 'step', type: Float64 },
  { name: 'stop', type: Float64 },
  { name: 'len', type: Int64 },
]);
export const RANGE_TYPES: readonly DataType[] = [UnitRangeT, StepRangeT, FloatRangeT];

export const BUILTIN_TYPES: readonly DataType[] = [Any, Number_, Real, Integer_, AbstractFloat, AbstractString, Int64, Float64, Bool, Nothing, String_, DataTypeT, UnionT, TypeofBottom, AbstractVector, AbstractRange, ...RANGE_TYPES];

/** The type of the type object of `t`: Union for a union, Core.TypeofBottom for Union{}, else DataType. */
export function typeObjectTypeOf(t: JType): DataType {
  return t === Bottom ? TypeofBottom : t.kind === 'union' ? UnionT : DataTypeT;
}

/** Whether values of `t` are type objects (an index into the JS side's table of types). */
export function isTypeObjectType(t: JType): boolean {
  return t === DataTypeT || t === UnionT || t === TypeofBottom;
}

/** Canonical Vector{T} objects, so that identity means equality. */
const vectors = new Map<JType, VectorType>();
export function vectorOf(t: JType): VectorType {
  let v = vectors.get(t);
  if (!v) vectors.set(t, (v = new VectorType(t)));
  return v;
}

/** Canonical unions by their members' ids (in order). */
const unions = new Map<string, UnionType>();
const typeIds = new WeakMap<JType, number>();
let nextTypeId = 1;
function typeId(t: JType): number {
  let id = typeIds.get(t);
  if (id === undefined) typeIds.set(t, (id = nextTypeId++));
  return id;
}

/** Union of types, simplified: nested unions flattened, members absorbed by a supertype member. */
export function unionOf(types: readonly JType[]): JType {
  const flat: JType[] = [];
  for (const t of types) for (const m of t.kind === 'union' ? t.members : [t]) if (!flat.some((x) => sameType(x, m))) flat.push(m);
  const kept = flat.filter((t, i) => !flat.some((u, j) => j !== i && subtype(t, u) && !(subtype(u, t) && j > i)));
  if (kept.length === 0) return Bottom;
  if (kept.length === 1) return kept[0]!;
  kept.sort(unionOrder);
  const key = kept.map(typeId).join(',');
  let u = unions.get(key);
  if (!u) unions.set(key, (u = new UnionType(kept)));
  return u;
}

/** Julia's order of union members: singleton types, then other isbits types, then the rest; by module, name, parameters. */
function unionOrder(a: JType, b: JType): number {
  const rank = (t: JType) => (isSingleton(t) ? 0 : isBits(t) ? 1 : 2);
  return rank(a) - rank(b) || nameOrder(a, b);
}

function nameOrder(a: JType, b: JType): number {
  const module = (t: DataType) => (t === AbstractRange || RANGE_TYPES.includes(t) ? 'Base' : BUILTIN_TYPES.includes(t) ? 'Core' : 'Main');
  const key = (t: JType): [string, string] => (t.kind === 'vector' ? ['Core', 'Array'] : [t.kind === 'data' ? module(t) : 'Main', String(t)]);
  const [ma, na] = key(a);
  const [mb, nb] = key(b);
  const byName = ma < mb ? -1 : ma > mb ? 1 : na < nb ? -1 : na > nb ? 1 : 0;
  if (byName || a.kind !== 'vector' || b.kind !== 'vector') return byName;
  const ea = a.element;
  const eb = b.element;
  return ea.kind !== 'union' && eb.kind !== 'union' ? nameOrder(ea, eb) : ea.kind === 'union' ? (eb.kind === 'union' ? 0 : 1) : -1;
}

/** A type with exactly one instance: `nothing`, or an immutable struct without fields. */
export function isSingleton(t: JType): boolean {
  return t.kind === 'data' && !t.abstract && !t.mutable && (t.primitive === 'Nothing' || (!t.primitive && !isTypeObjectType(t) && t.fields.length === 0));
}

/** Julia's isbits: a concrete immutable type whose values hold no references (numbers, structs of them). */
export function isBits(t: JType, seen: ReadonlySet<JType> = new Set()): boolean {
  if (t.kind !== 'data' || t.abstract || t.mutable || seen.has(t)) return false;
  if (t.primitive) return t.primitive !== 'String';
  if (isTypeObjectType(t)) return false;
  const inner = new Set(seen).add(t);
  return t.fields.every((f) => isBits(f.type, inner));
}

export function sameType(a: JType, b: JType): boolean {
  return a === b || (subtype(a, b) && subtype(b, a));
}

/** a <: b */
export function subtype(a: JType, b: JType): boolean {
  if (a === b) return true;
  if (a.kind === 'union') return a.members.every((m) => subtype(m, b));
  if (b.kind === 'union') return b.members.some((m) => subtype(a, m));
  if (b === Any) return true;
  if (a.kind === 'vector') return b === AbstractVector || (b.kind === 'vector' && sameType(a.element, b.element));
  if (b.kind === 'vector') return false;
  for (let t: DataType | undefined = a; t; t = t.supertype) if (t === b) return true;
  return false;
}

/**
 * Julia's typejoin: the least type above both (a common supertype; Any for vectors of different
 * element types, whose join, the UnionAll Vector, this lattice lacks).
 */
export function typejoin(a: JType, b: JType): JType {
  if (subtype(a, b)) return b;
  if (subtype(b, a)) return a;
  if (a.kind === 'union') return a.members.reduce(typejoin, b);
  if (b.kind === 'union') return b.members.reduce(typejoin, a);
  if (a.kind !== 'data' || b.kind !== 'data') return Any;
  for (let t: DataType | undefined = a; t; t = t.supertype) if (subtype(b, t)) return t;
  return Any;
}

/**
 * Julia's promote_type, the element type of a vector literal [a, b, ...] (folded over the
 * elements' types): Bool < Int64 < Float64 for numbers, UnitRange < StepRange < float ranges, T with Nothing gives Union{Nothing, T},
 * vectors by their element types when that is one of them, anything else their typejoin.
 */
export function promoteType(a: JType, b: JType): JType {
  if (a === b || b === Bottom) return a;
  if (a === Bottom) return b;
  const numbers: readonly JType[] = [Bool, Int64, Float64];
  if (numbers.includes(a) && numbers.includes(b)) return numbers[Math.max(numbers.indexOf(a), numbers.indexOf(b))]!;
  // Julia's promote_rule for ranges: a UnitRange with a StepRange is a StepRange, with a float range a float range.
  const ranges: readonly JType[] = RANGE_TYPES;
  if (ranges.includes(a) && ranges.includes(b)) return a === FloatRangeT || b === FloatRangeT ? FloatRangeT : StepRangeT;
  const withoutNothing = (t: JType) => (t.kind === 'union' && t.members.includes(Nothing) ? unionOf(t.members.filter((m) => m !== Nothing)) : undefined);
  if (a === Nothing || b === Nothing) return unionOf([a, b]);
  const ra = withoutNothing(a);
  if (ra) return unionOf([promoteType(ra, b), Nothing]);
  const rb = withoutNothing(b);
  if (rb) return unionOf([promoteType(a, rb), Nothing]);
  if (a.kind === 'vector' && b.kind === 'vector') {
    const e = promoteType(a.element, b.element);
    if (e === a.element) return a;
    if (e === b.element) return b;
  }
  return typejoin(a, b);
}

/** A type every value of which has one concrete type (so code can use its representation). */
export function isConcrete(t: JType): boolean {
  return t.kind === 'vector' || (t.kind === 'data' && !t.abstract);
}

/**
 * Deepest vector nesting a call binds statically. A method recursing on [x] makes a new type at
 * each level: binding each level's call statically would infer specialisations without end
 * (Julia's inference limits type complexity too); deeper calls dispatch at run time, on the
 * types the values have.
 */
const MAX_STATIC_DEPTH = 4;

function vectorDepth(t: JType): number {
  if (t.kind === 'vector') return 1 + vectorDepth(t.element);
  if (t.kind === 'union') return Math.max(0, ...t.members.map(vectorDepth));
  return 0;
}

/** Argument types a call is bound statically at: all concrete, none nested too deeply. */
export function staticallyBound(ts: readonly JType[]): boolean {
  return ts.every((t) => isConcrete(t) && vectorDepth(t) <= MAX_STATIC_DEPTH);
}

/** How a value of static type `t` is held: unboxed for concrete primitives, else a pointer. */
export function reprOf(t: JType): Repr {
  if (t.kind === 'data' && t.primitive) {
    if (t.primitive === 'Int64') return 'i64';
    if (t.primitive === 'Float64') return 'f64';
    if (t.primitive === 'Bool') return 'i32';
  }
  return 'ref';
}

/**
 * The number type Julia's convert(to, x) makes of a number x not of type `to`, where `to` is no
 * number type itself: a union with Nothing converts to the rest (convert(Union{Nothing,
 * Float64}, 1) is 1.0), AbstractFloat to Float64 and Integer to Int64 (as float(x), Integer(x)).
 * Undefined where Julia's convert has no such rule.
 */
export function numberTarget(to: JType): DataType | undefined {
  if (to === AbstractFloat) return Float64;
  if (to === Integer_) return Int64;
  if (to.kind === 'union' && to.members.includes(Nothing)) return numberTarget(unionOf(to.members.filter((m) => m !== Nothing)));
  return to === Int64 || to === Float64 || to === Bool ? to : undefined;
}

/** Tuple subtyping, argument by argument. */
export function tupleSubtype(a: readonly JType[], b: readonly JType[]): boolean {
  return a.length === b.length && a.every((t, i) => subtype(t, b[i]!));
}

export function typeName(t: JType): string {
  return String(t);
}

export function tupleName(ts: readonly JType[]): string {
  return `(${ts.map(String).join(', ')})`;
}
