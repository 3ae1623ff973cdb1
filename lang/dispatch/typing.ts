// Type inference for one specialisation: the type of every variable (the join of everything
// assigned to it, found by iterating to a fixpoint) and of every expression, given concrete
// argument types. A call whose argument types are all concrete is bound statically, so its type
// is the callee specialisation's inferred return type (recursion converges from Bottom).

import type * as A from './syntax/ast.js';
import { DataTypeT, type Env } from './env.js';
import { JlError } from './errors.js';
import type { Scoped } from './scope.js';
import { INTRINSICS } from './prelude.js';
import { isRangeType, literalRange, loopRangeType, rangeType } from './range-code.js';
import { Any, Bool, Bottom, Float64, FloatRangeT, Int64, Nothing, String_, isConcrete, promoteType, staticallyBound, typeObjectTypeOf, unionOf, vectorOf, type JType } from './types.js';

/** What typing asks of the engine. */
export interface TypingHost {
  readonly env: Env;
  /** Return type of the specialisation of `fn` at these concrete argument types (undefined: the call raises). */
  returnType(fn: string, args: readonly JType[]): JType | undefined;
  /** Top-level code: the type of the current value of a global it reads but never assigns. */
  globalValueType?(name: string): JType | undefined;
  /**
   * The type a dynamically dispatched call returns: the join of what every method it may reach
   * returns, when each of them has concrete parameter types (else Any). The caller depends on the
   * method table of `fn` from then on.
   */
  dynamicReturnType(fn: string, args: readonly JType[]): JType;
}

/** Functions the compiler implements itself (for the types it knows), before generic dispatch. */
export const BUILTINS = new Set(['println', 'print', 'string', 'length', 'push!', 'typeof', 'isa', 'error', '__egal', '__equal', '__new', '__convert', '__domain_error', '__bounds_error', '__out_of_memory', '__sum_empty', '__copy_vector']);

const compounds = new WeakMap<A.Assign, A.Expr>();

/** The value an assignment stores: for `x op= e`, the expression `x op e` (one node, shared by typing and emission). */
export function assignedValue(s: A.Assign): A.Expr {
  if (s.op === '=') return s.value;
  let e = compounds.get(s);
  if (!e) compounds.set(s, (e = { kind: 'binary', op: s.op.slice(0, -1) as A.ArithOp, left: s.target, right: s.value, loc: s.loc }));
  return e;
}

/** Unions wider than this become Any: inference must terminate and code must stay small. */
const MAX_UNION = 4;

export function widen(t: JType): JType {
  return t.kind === 'union' && t.members.length > MAX_UNION ? Any : t;
}

export class Typing {
  /** Local variables (parameters included) and their types. */
  readonly vars = new Map<string, JType>();
  /** Globals assigned by top-level code (they are variables of type Any). */
  readonly assignedGlobals = new Set<string>();
  private readonly types = new Map<A.Expr, JType>();
  /** Types the code names (`isa` targets, typed literals, declarations): their RTTs are made before code generation. */
  private readonly named = new Set<JType>();
  private returns: JType = Bottom;

  private readonly body: readonly A.Stmt[];
  /** The type the body gives, before a declared result type converts it (after `run`). */
  natural: JType = Bottom;
  readonly declaredReturn: JType | undefined;
  /** Declared types of locals, which every assignment converts to. */
  private readonly declared = new Map<string, JType>();

  constructor(
    private readonly host: TypingHost,
    params: readonly string[],
    argTypes: readonly JType[],
    /** The body, its scopes resolved. */
    readonly scoped: Scoped,
    /** Top-level code: assigned names are globals, except the locals of loops. */
    readonly topLevel = false,
    /** The method's declared result type (`f(x)::T = ...`). */
    returnType: A.TypeExpr | null = null,
  ) {
    this.body = scoped.body;
    this.declaredReturn = returnType ? this.resolve(returnType) : undefined;
    params.forEach((p, i) => this.vars.set(p, argTypes[i]!));
    for (const [name, t] of scoped.declared) {
      const d = this.resolve(t);
      this.declared.set(name, d);
      this.vars.set(name, d);
    }
  }

  /**
   * Infer to a fixpoint; returns the function's return type. Each round that is not the last
   * widens some variable's type or the result, and a type widens at most MAX_UNION + 2 times
   * (from nothing to a type, to a union of each size, to Any), so a chain of n variables
   * assigned from one another needs about n rounds: the bound grows with the variables.
   */
  run(): JType {
    for (let round = 0; round <= (MAX_UNION + 3) * (this.vars.size + 2); round++) {
      const before = this.signature();
      this.types.clear();
      this.returns = Bottom;
      const last = this.blockType(this.body);
      this.returns = unionOf([this.returns, last]);
      if (this.signature() === before) {
        this.natural = widen(this.returns);
        return this.declaredReturn ?? this.natural;
      }
    }
    throw new JlError('TypeError', 'type inference did not converge');
  }

  private signature(): string {
    return [...this.vars].map(([k, v]) => `${k}:${v}`).join(';') + '|' + String(this.returns);
  }

  /** The type of an expression (after `run`). */
  typeOf(e: A.Expr): JType {
    let t = this.types.get(e);
    if (t === undefined) {
      if (e.kind === 'binary' && e.left.kind === 'binary') this.typeSpine(e);
      t = widen(this.infer(e));
      this.types.set(e, t);
    }
    return t;
  }

  /**
   * Type the left operands of a left-deep chain of operators (a long sum) from the innermost out,
   * so that typing each node finds its left operand typed: recursing down the chain would run out
   * of stack.
   */
  private typeSpine(e: A.Binary): void {
    const spine: A.Binary[] = [];
    for (let x = e.left; x.kind === 'binary' && !this.types.has(x); x = x.left) spine.push(x);
    for (let i = spine.length - 1; i >= 0; i--) this.typeOf(spine[i]!);
  }

  /** Every type this code computes with (variables and expressions), after `run`. */
  seenTypes(): JType[] {
    return [...this.vars.values(), ...this.types.values(), ...this.named];
  }

  /** The type a type expression names (recorded: see `named`). */
  resolve(t: A.TypeExpr): JType {
    const r = this.host.env.resolveType(t);
    this.named.add(r);
    return r;
  }

  isLocal(name: string): boolean {
    return this.vars.has(name);
  }

  private assign(name: string, t: JType): void {
    if (!this.scoped.locals.has(name)) {
      this.assignedGlobals.add(name);
      return;
    }
    if (this.declared.has(name)) return;
    const old = this.vars.get(name);
    this.vars.set(name, widen(old ? unionOf([old, t]) : t));
  }

  /** The value a block gives: its last statement's (Nothing for loops and empty blocks). */
  blockType(stmts: readonly A.Stmt[]): JType {
    let t: JType = Nothing;
    for (const s of stmts) t = this.stmt(s);
    return t;
  }

  private stmt(s: A.Stmt): JType {
    switch (s.kind) {
      case 'expr':
        return this.typeOf(s.expr);
      case 'assign': {
        const t = this.typeOf(assignedValue(s));
        if (s.target.kind === 'ident') this.assign(s.target.name, t);
        else this.typeOf(s.target);
        return t;
      }
      case 'var-decl': {
        // `local x` declares; x stays unassigned.
        if (!s.value) return Nothing;
        const v = this.typeOf(s.value);
        this.assign(s.name, v);
        return this.vars.get(s.name) ?? v;
      }
      case 'return':
        this.returns = unionOf([this.returns, s.value ? this.typeOf(s.value) : Nothing]);
        return Bottom;
      case 'if': {
        const arms = s.branches.map((br) => {
          this.typeOf(br.cond);
          return this.blockType(br.body);
        });
        arms.push(s.elseBody ? this.blockType(s.elseBody) : Nothing);
        return unionOf(arms);
      }
      case 'while':
        this.typeOf(s.cond);
        this.blockType(s.body);
        return Nothing;
      case 'for': {
        // A loop variable is local to its loop, at the top level too.
        const el = this.elementType(s.iter);
        const old = this.vars.get(s.variable);
        this.vars.set(s.variable, widen(old ? unionOf([old, el]) : el));
        this.blockType(s.body);
        return Nothing;
      }
      case 'break':
      case 'continue':
        return Bottom;
    }
  }

  /** `T[]` or `T[a, b]` (a type name indexed): a Vector{T} literal. */
  typedVectorLiteral(e: A.Index): JType | undefined {
    const o = e.object;
    if (o.kind === 'ident' && !this.vars.has(o.name) && this.host.env.types.has(o.name)) return vectorOf(this.host.env.types.get(o.name)!);
    if (o.kind === 'type-value') return vectorOf(this.resolve(o.type));
    return undefined;
  }

  /** What `for x in iter` binds x to. */
  elementType(iter: A.Expr): JType {
    if (this.literalRange(iter)) {
      // Julia promotes the endpoints and step: a Float64 among Int64s makes a float range.
      const ts = this.rangeParts(iter).map((p) => this.typeOf(p));
      // (A part that never returns leaves the loop unrun, whatever the others are.)
      return ts.includes(Float64) && ts.every((t) => t === Float64 || t === Int64 || t === Bottom) ? Float64 : Int64;
    }
    const t = this.typeOf(iter);
    if (t.kind === 'vector') return t.element;
    if (isRangeType(t)) return t === FloatRangeT ? Float64 : Int64;
    if (loopRangeType(t)) return Int64;
    if (!isConcrete(t)) return Any;
    throw new JlError('TypeError', `cannot iterate over a value of type ${t} (ranges and vectors can be)`, iter.loc);
  }

  /** The parts of `a:b` or `a:s:b`, in the order they are evaluated. */
  rangeParts(r: A.Range): A.Expr[] {
    return [r.start, ...(r.step ? [r.step] : []), r.stop];
  }

  /** `for x in a:b` whose parts' types are known: a counting loop, no range made (see range-code.ts). */
  literalRange(iter: A.Expr): iter is A.Range {
    return iter.kind === 'range' && literalRange(this.rangeParts(iter).map((p) => this.typeOf(p)));
  }

  private infer(e: A.Expr): JType {
    const env = this.host.env;
    switch (e.kind) {
      case 'int':
        return Int64;
      case 'float':
        return Float64;
      case 'bool':
        return Bool;
      case 'nothing':
        return Nothing;
      case 'string':
        return String_;
      case 'interp':
        e.parts.forEach((p) => this.typeOf(p));
        return String_;
      case 'ident': {
        const v = this.vars.get(e.name);
        if (v) return v;
        // A local nothing has assigned (yet, in this round): reading it raises UndefVarError.
        if (this.scoped.locals.has(e.name)) return Bottom;
        const g = env.globals.get(e.name);
        if (this.topLevel && this.assignedGlobals.has(e.name)) return Any;
        // Top-level code runs right after it is compiled and functions cannot assign globals,
        // so a global this code only reads keeps the type of its current value throughout.
        if (g && this.topLevel && !g.constant) return this.host.globalValueType?.(e.name) ?? g.type;
        if (g) return g.type;
        if (env.types.has(e.name)) return DataTypeT;
        if (env.functions.has(e.name)) throw new JlError('TypeError', `functions are not values here: call ${e.name}(...)`, e.loc);
        throw new JlError('UndefVarError', `${e.name} not defined`, e.loc);
      }
      case 'type-value':
        return typeObjectTypeOf(this.resolve(e.type));
      case 'field': {
        const o = this.typeOf(e.object);
        if (o.kind === 'data' && !o.abstract && !o.primitive) {
          const f = o.fields.find((x) => x.name === e.name);
          if (!f) throw new JlError('ErrorException', `type ${o} has no field ${e.name}`, e.loc);
          return f.type;
        }
        return Any;
      }
      case 'index': {
        const typed = this.typedVectorLiteral(e);
        if (typed) {
          e.indices.forEach((i) => this.typeOf(i));
          return typed;
        }
        const o = this.typeOf(e.object);
        e.indices.forEach((i) => this.typeOf(i));
        // A range's elements are computed by its getindex methods (range-code.ts).
        if (isRangeType(o) && e.indices.length === 1) return this.callType('getindex', [e.object, e.indices[0]!], e);
        return o.kind === 'vector' ? o.element : Any;
      }
      case 'vector': {
        // Julia promotes the elements' types (their values' types: known here when concrete).
        const ts = e.elements.map((x) => this.typeOf(x));
        if (ts.includes(Bottom)) return Bottom;
        if (!ts.length) return vectorOf(Any);
        return ts.every(isConcrete) ? vectorOf(ts.reduce(promoteType)) : Any;
      }
      case 'unary':
        return this.callType(e.op, [e.operand], e);
      case 'binary':
        return this.callType(e.op, [e.left, e.right], e);
      case 'comparison':
        e.operands.forEach((o) => this.typeOf(o));
        e.ops.forEach((op, i) => this.callType(op, [e.operands[i]!, e.operands[i + 1]!], e));
        return Bool;
      case 'isa':
        this.typeOf(e.value);
        this.resolve(e.type);
        return Bool;
      case 'and':
      case 'or':
        this.typeOf(e.left);
        return unionOf([Bool, this.typeOf(e.right)]);
      case 'jump':
        return this.stmt(e.stmt);
      case 'ternary':
        this.typeOf(e.cond);
        return unionOf([this.typeOf(e.whenTrue), this.typeOf(e.whenFalse)]);
      case 'range':
        return rangeType(this.rangeParts(e).map((p) => this.typeOf(p)), e.step !== null);
      case 'call':
        return this.call(e);
    }
  }

  private call(e: A.Call): JType {
    const env = this.host.env;
    const c = e.callee;
    if (c.kind === 'type-value') {
      e.args.forEach((a) => this.typeOf(a));
      const t = this.resolve(c.type);
      if (t.kind !== 'vector' || e.args.length) throw new JlError('TypeError', `only Vector{T}() can be constructed from a parametric type`, e.loc);
      return t;
    }
    if (c.kind !== 'ident') throw new JlError('TypeError', 'only named functions can be called', e.loc);
    if (this.callsValue(c.name)) {
      this.typeOf(c);
      e.args.forEach((a) => this.typeOf(a));
      return Bottom;
    }
    const intrinsic = INTRINSICS.get(c.name);
    if (intrinsic) {
      e.args.forEach((a) => this.typeOf(a));
      return intrinsic.result;
    }
    // A type called is its constructors: the generic function of its name.
    const t = env.types.get(c.name);
    if (t && !this.vars.has(c.name) && !env.functions.has(c.name)) {
      e.args.forEach((a) => this.typeOf(a));
      throw new JlError('MethodError', `no constructor for ${t}`, e.loc);
    }
    if (BUILTINS.has(c.name)) {
      const args = e.args.map((a) => this.typeOf(a));
      switch (c.name) {
        case 'println':
        case 'print':
          return Nothing;
        case 'string':
          return String_;
        case 'length':
          if (args[0]?.kind === 'vector' || args[0] === String_) return Int64;
          if (args[0] && !isConcrete(args[0])) return Any;
          break;
        case 'push!':
          if (args[0]?.kind === 'vector') return args[0];
          if (args[0] && !isConcrete(args[0])) return Any;
          break;
        case 'typeof':
          return DataTypeT;
        case 'isa': {
          const target = e.args[1];
          const named = target?.kind === 'ident' && !this.vars.has(target.name) && env.types.has(target.name);
          if (e.args.length !== 2 || !(named || target?.kind === 'type-value')) throw new JlError('TypeError', 'isa(x, T) needs a type name as T', e.loc);
          return Bool;
        }
        case 'error':
        case '__domain_error':
        case '__bounds_error':
        case '__out_of_memory':
          return Bottom;
        case '__egal':
        case '__equal':
          return Bool;
        case '__sum_empty':
          // Julia's zero of the element type (an error for other element types: emit.ts).
          return args[0]?.kind === 'vector' && (args[0].element === Int64 || args[0].element === Float64) ? args[0].element : Bottom;
        case '__copy_vector':
          return args[0]?.kind === 'vector' ? args[0] : Bottom;
        case '__new':
        case '__convert':
          // __new(T, fields...), the default constructors' body; __convert(x, T), Julia's convert.
          return this.namedType(e.args[c.name === '__new' ? 0 : 1]!);
      }
    }
    return this.callType(c.name, e.args, e);
  }

  /**
   * `name(...)` calls a variable's value (a local shadows a function of that name, as in Julia),
   * which no value of this subset can be: Julia's MethodError, not callable.
   */
  callsValue(name: string): boolean {
    if (BUILTINS.has(name) || INTRINSICS.has(name)) return false;
    const env = this.host.env;
    return this.vars.has(name) || (!env.functions.has(name) && (env.globals.has(name) || (this.topLevel && this.assignedGlobals.has(name))));
  }

  /** The type an argument of a builtin names (`T` in `__convert(x, T)`). */
  namedType(e: A.Expr): JType {
    const t = e.kind === 'ident' ? this.host.env.types.get(e.name) : e.kind === 'type-value' ? this.resolve(e.type) : undefined;
    if (!t) throw new JlError('TypeError', 'expected a type name', e.loc);
    return t;
  }

  /** A call of a generic function: statically typed when every argument type is concrete. */
  private callType(name: string, args: readonly A.Expr[], at: A.Expr): JType {
    const ts = args.map((a) => this.typeOf(a));
    if (!this.host.env.functions.has(name) && !BUILTINS.has(name)) throw new JlError('UndefVarError', `${name} not defined`, at.loc);
    if (ts.some((t) => t === Bottom)) return Bottom;
    if (staticallyBound(ts)) return this.host.returnType(name, ts) ?? Bottom;
    return this.host.env.functions.has(name) ? this.host.dynamicReturnType(name, ts) : Any;
  }
}
