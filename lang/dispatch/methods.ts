// Generic functions and their method tables, with Julia's dispatch rule: among the methods whose
// signature the argument types fit, the most specific one wins; none is a MethodError, two or more
// equally specific ones an ambiguity.

import { JlError } from './errors.js';
import { Any, subtype, tupleName, tupleSubtype, type JType } from './types.js';

export interface Method<B> {
  readonly fn: GenericFunction<B>;
  readonly sig: readonly JType[];
  readonly body: B;
  /** Unique per method definition: a replacement gets a new id. */
  readonly id: number;
}

let nextMethodId = 1;

/** A call with argument types `a` fits signature `b`. */
export const tupleSubtypeOf = tupleSubtype;

/**
 * Signature `a` is more specific than `b`, by Julia's rule (jl_type_morespecific): a strict
 * sub-tuple is; otherwise argument by argument, each of a's more specific than or a subtype of
 * b's, none of b's more specific than a's, and one of a's more specific. A union is more specific
 * than a type when one of its members is (JuliaLang/julia#16489): Union{Int64, Nothing} beats
 * Integer for an Int64, though neither is a subtype of the other.
 */
export function moreSpecific(a: readonly JType[], b: readonly JType[]): boolean {
  if (a.length !== b.length || tupleSubtype(b, a)) return false;
  if (tupleSubtype(a, b)) return true;
  let some = false;
  for (let i = 0; i < a.length; i++) {
    const more = typeMoreSpecific(a[i]!, b[i]!);
    if (!more && (!subtype(a[i]!, b[i]!) || typeMoreSpecific(b[i]!, a[i]!))) return false;
    some ||= more;
  }
  return some;
}

/** One argument type more specific than another (Julia's type_morespecific_, for this lattice). */
function typeMoreSpecific(a: JType, b: JType): boolean {
  if (a === b || a === Any) return false;
  if (b === Any) return true;
  if (a.kind === 'union') {
    if (subtype(b, a) || !a.members.some((m) => typeMoreSpecific(m, b))) return false;
    return !(b.kind === 'union' && b.members.some((m) => typeMoreSpecific(m, a)));
  }
  if (b.kind === 'union') return b.members.some((m) => typeMoreSpecific(a, m)) && !typeMoreSpecific(b, a);
  return subtype(a, b) && !subtype(b, a);
}

export class GenericFunction<B> {
  private readonly table: Method<B>[] = [];

  constructor(readonly name: string) {}

  get methods(): ReadonlyArray<Method<B>> {
    return this.table;
  }

  /** Add a method, or replace the one with an equal signature. */
  add(sig: readonly JType[], body: B): { method: Method<B>; replaced: Method<B> | undefined } {
    const method: Method<B> = { fn: this, sig: [...sig], body, id: nextMethodId++ };
    const i = this.table.findIndex((m) => tupleSubtype(m.sig, sig) && tupleSubtype(sig, m.sig));
    const replaced = i >= 0 ? this.table[i] : undefined;
    if (i >= 0) this.table[i] = method;
    else this.table.push(method);
    return { method, replaced };
  }

  /** Methods a call with these argument types could run. */
  applicable(args: readonly JType[]): Array<Method<B>> {
    return this.table.filter((m) => tupleSubtype(args, m.sig));
  }

  /** The most specific applicable methods (one, unless the call is ambiguous or has none). */
  candidates(args: readonly JType[]): Array<Method<B>> {
    const app = this.applicable(args);
    return app.filter((m) => !app.some((o) => o !== m && moreSpecific(o.sig, m.sig)));
  }

  /** The method a call with these argument types runs (Julia's rule), or the error it raises. */
  select(args: readonly JType[]): Method<B> {
    const best = this.candidates(args);
    if (best.length === 1) return best[0]!;
    if (best.length === 0) {
      throw new JlError('MethodError', `no method matching ${this.name}${tupleName(args)}${this.table.length ? `; candidates: ${this.table.map((m) => this.name + tupleName(m.sig)).join(', ')}` : ''}`);
    }
    throw new JlError('AmbiguityError', `${this.name}${tupleName(args)} is ambiguous; candidates: ${best.map((m) => this.name + tupleName(m.sig)).join(', ')}`);
  }
}
