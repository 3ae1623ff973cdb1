// The language's global environment: named types, generic functions with their methods, and
// global bindings (constants and variables, each in an Accrete global cell holding a boxed value).

import type * as A from './syntax/ast.js';
import { JlError } from './errors.js';
import type { Scoped } from './scope.js';
import { GenericFunction, type Method } from './methods.js';
import { Any, BUILTIN_TYPES, DataType, Float64, FloatRangeT, Int64, StepRangeT, UnitRangeT, unionOf, vectorOf, type JType } from './types.js';

/** Range types by the name a program writes, with the parameters each must have (the only ones it has here). */
const RANGE_NAMES: ReadonlyMap<string, { type: DataType; params: readonly JType[] }> = new Map([
  ['UnitRange', { type: UnitRangeT, params: [Int64] }],
  ['StepRange', { type: StepRangeT, params: [Int64, Int64] }],
  ['StepRangeLen', { type: FloatRangeT, params: [Float64] }],
]);
export { DataTypeT } from './types.js';

/** A method as the compiler sees it: the definition, and the primitive it stands for, if any. */
export interface MethodDef {
  readonly def: A.FunctionDef;
  readonly params: readonly string[];
  /** The body with its scopes resolved (what inference and code generation read). */
  readonly scoped: Scoped;
  /** Set for the prelude's primitive methods (`+(a::Int64, b::Int64) = __add_int(a, b)`). */
  readonly intrinsic: boolean;
}

export type JlMethod = Method<MethodDef>;

/** A global: a constant (its type is what its value is) or a variable (Any). */
export interface Binding {
  readonly name: string;
  readonly type: JType;
  /** The Accrete global holding the boxed value. */
  readonly cell: string;
  readonly constant: boolean;
}


export class Env {
  readonly types = new Map<string, JType>();
  readonly functions = new Map<string, GenericFunction<MethodDef>>();
  readonly globals = new Map<string, Binding>();

  constructor() {
    for (const t of BUILTIN_TYPES) this.types.set(t.name, t);
    // A bare range name stands for its one instance here (in Julia it is a UnionAll over them).
    for (const [name, r] of RANGE_NAMES) this.types.set(name, r.type);
  }

  /** Functions the prelude defines (Base's, in Julia): a program's own are the others. */
  readonly baseFunctions = new Set<string>();

  /**
   * A name the program bound to a function or a type: a constant binding, which assigning
   * refuses (functions, types and variables share one namespace in Julia).
   */
  isProgramConstant(name: string): boolean {
    const t = this.types.get(name);
    return (this.functions.has(name) && !this.baseFunctions.has(name)) || (t !== undefined && !(BUILTIN_TYPES as readonly JType[]).includes(t));
  }

  fn(name: string): GenericFunction<MethodDef> {
    let f = this.functions.get(name);
    if (!f) this.functions.set(name, (f = new GenericFunction<MethodDef>(name)));
    return f;
  }

  /** The type a type expression names; `self`, a struct being defined, may name itself in its fields. */
  resolveType(t: A.TypeExpr, self?: DataType): JType {
    switch (t.kind) {
      case 'type-name': {
        if (self && t.name === self.name) return self;
        const r = this.types.get(t.name);
        if (!r) throw new JlError('UndefVarError', `type ${t.name} not defined`, t.loc);
        return r;
      }
      case 'type-union':
        return unionOf(t.members.map((m) => this.resolveType(m, self)));
      case 'type-apply':
        if (t.name === 'Vector' && t.args.length === 1) return vectorOf(this.resolveType(t.args[0]!, self));
        {
          const r = RANGE_NAMES.get(t.name);
          const args = t.args.map((a) => this.resolveType(a, self));
          if (r && args.length <= r.params.length && args.every((a, i) => a === r.params[i])) return r.type;
        }
        throw new JlError('TypeError', `unsupported parametric type ${t.name}{...} (only Vector{T}, UnitRange{Int64}, StepRange{Int64, Int64} and StepRangeLen{Float64} are supported)`, t.loc);
    }
  }

  /** A parameter or field type: none written means Any. */
  typeOrAny(t: A.TypeExpr | null): JType {
    return t ? this.resolveType(t) : Any;
  }
}
