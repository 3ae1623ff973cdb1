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

/** Union{A, B, ...}: flattened, without duplicates, never of one member (that is the member). */
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
/** The bottom type: the type of an expression that never returns (Union{}). */
export const Bottom = new UnionType([]);

export const BUILTIN_TYPES: readonly DataType[] = [Any, Number_, Real, Integer_, AbstractFloat, AbstractString, Int64, Float64, Bool, Nothing, String_, DataTypeT];

/** Canonical Vector{T} objects, so that identity means equality. */
const vectors = new Map<JType, VectorType>();
export function vectorOf(t: JType): VectorType {
  let v = vectors.get(t);
  if (!v) vectors.set(t, (v = new VectorType(t)));
  return v;
}

/** Union of types, simplified: nested unions flattened, members absorbed by a supertype member. */
export function unionOf(types: readonly JType[]): JType {
  const flat: JType[] = [];
  for (const t of types) for (const m of t.kind === 'union' ? t.members : [t]) if (!flat.some((x) => sameType(x, m))) flat.push(m);
  const kept = flat.filter((t, i) => !flat.some((u, j) => j !== i && subtype(t, u) && !(subtype(u, t) && j > i)));
  if (kept.length === 1) return kept[0]!;
  return new UnionType(kept);
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
  if (a.kind === 'vector') return b.kind === 'vector' && sameType(a.element, b.element);
  if (b.kind === 'vector') return false;
  for (let t: DataType | undefined = a; t; t = t.supertype) if (t === b) return true;
  return false;
}

/** A type every value of which has one concrete type (so code can use its representation). */
export function isConcrete(t: JType): boolean {
  return t.kind === 'vector' || (t.kind === 'data' && !t.abstract);
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
