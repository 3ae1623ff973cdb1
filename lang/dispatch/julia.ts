// JuliaLike: a Julia subset on Accrete. Top-level statements run in order; every method
// definition updates a generic function; the first call at a new tuple of concrete argument types
// compiles a specialisation as a post-stage; calls with concrete arguments are bound statically,
// others go through a per-function dispatch cache keyed by RTT ids; adding a method invalidates
// exactly the specialisations whose static bindings it changes (and their static callers).

import { ResourceError, Runtime, type Expr as IR, type FuncBuilder, type RuntimeOptions } from '../../runtime/index.js';
import type * as A from './syntax/ast.js';
import { parseProgram } from './syntax/parser.js';
import { Env, type JlMethod, type MethodDef } from './env.js';
import { Emitter, RAISE_KIND, VT, type EmitHost } from './emit.js';
import { JlError } from './errors.js';
import { JlSyntaxError } from './syntax/errors.js';
import { INTRINSICS, PRELUDE } from './prelude.js';
import { Objects } from './objects.js';
import { floatPower } from './power.js';
import { FloatRanges } from './ranges.js';
import { RANGE_PRELUDE, defineRangeFunctions } from './range-code.js';
import { VECTOR_PRELUDE } from './vector-prelude.js';
import { RangeValues } from './range-values.js';
import { resolveScopes } from './scope.js';
import { SpecTable, inlineWorthy, specKey, type Spec } from './specs.js';
export type { Spec } from './specs.js';
import { printed } from './show.js';
import { BUILTINS, Typing, type TypingHost } from './typing.js';
import { Any, Bool, Bottom, DataType, DataTypeT, Float64, Int64, Nothing, String_, isConcrete, promoteType, reprOf, subtype, tupleName, unionOf, type JType, type Repr } from './types.js';
import { ELEM_SIZE, ObjectModel, SYM, type JsValue } from './values.js';

export interface JuliaOptions {
  /** Where println and print write. Default: process.stdout. */
  output?: (text: string) => void;
  /** Options of the Accrete runtime underneath. */
  runtime?: RuntimeOptions;
  /**
   * Most methods a dynamically dispatched call is split into: when every method the call may
   * reach has concrete parameter types and there are at most this many, the call tests the
   * arguments' types in line and calls each method's specialisation statically (Julia's union
   * splitting, applied to the method table; adding a method of the function invalidates the
   * caller). Arguments no method fits raise the MethodError; code already running does not see
   * methods defined since it was compiled (Julia's world age), where a dispatched call would.
   * 0 turns it off: every such call goes through the dispatch cache. Default 4. An integer 0–16.
   */
  maxSplit?: number;
}

/** A specialisation a call binds to statically: a static call's, or one of a split call's (see JuliaOptions.maxSplit). */
export interface SplitTarget {
  /** Its (concrete) argument types: for a split call, the arguments' types that select it. */
  readonly types: readonly JType[];
  /** The specialisation's Accrete function. */
  readonly name: string;
  readonly ret: JType;
}

/** The type an unboxed dispatcher's result stands for, by repr. */
const REPR_TYPE: Record<Exclude<Repr, 'ref'>, JType> = { i64: Int64, f64: Float64, i32: Bool };

/** Result representations a dispatcher may return; a miss handler's code says which (low 2 bits). */
const REPRS: readonly Repr[] = ['ref', 'i64', 'f64', 'i32'];

/** Whether some value could have both types (for a tree of abstract types: one is under the other). */
function mayIntersect(a: JType, b: JType): boolean {
  if (a.kind === 'union') return a.members.some((m) => mayIntersect(m, b));
  if (b.kind === 'union') return b.members.some((m) => mayIntersect(a, m));
  return subtype(a, b) || subtype(b, a);
}

/** Most arguments a dynamically dispatched call may have. */
const MAX_DYN_ARITY = 8;
/** Entries in each dispatch cache: 2^CACHE_BITS. */
const CACHE_BITS = 6;
const CACHE_ENTRIES = 1 << CACHE_BITS;

export class JuliaLike implements TypingHost, EmitHost {
  readonly env = new Env();
  readonly specs = new SpecTable((fn: string) => this.clearCaches(fn));
  /** The prelude's method definitions (see ValueCode.inBase). */
  private readonly baseDefs = new WeakSet<A.FunctionDef>();

  /** Specialisations invalidated so far (for introspection and tests). */
  get invalidated(): readonly Spec[] {
    return this.specs.invalidated;
  }
  private readonly fnIds = new Map<string, number>();
  private readonly fnNames: string[] = [];
  private readonly dispatchers = new Map<string, { name: string; cache: number; arity: number }>();
  private readonly inferring: Spec[] = [];
  private seq = 0;
  private stringBuffer: string[] = [];
  private readonly floatRanges = new FloatRanges();
  readonly objects: Objects;
  private readonly ranges: RangeValues;

  private constructor(
    readonly rt: Runtime,
    readonly om: ObjectModel,
    private readonly out: (text: string) => void,
    private readonly maxSplit: number,
  ) {
    this.objects = new Objects(rt, om);
    this.ranges = new RangeValues(rt, om, this.objects, this.floatRanges);
  }

  static async create(opts: JuliaOptions = {}): Promise<JuliaLike> {
    const maxSplit = opts.maxSplit ?? 4;
    if (!Number.isInteger(maxSplit) || maxSplit < 0 || maxSplit > 16) throw new TypeError(`maxSplit must be an integer from 0 to 16, got ${String(opts.maxSplit)}`);
    let self: JuliaLike | undefined;
    const me = () => self!;
    const host: NonNullable<RuntimeOptions['host']> = {
      'jl:print': { sig: 'i32 ->', fn: (p: number) => me().out(me().show(p)) },
      'jl:newline': { sig: '->', fn: () => me().out('\n') },
      'jl:str_begin': { sig: '->', fn: () => void me().stringBuffer.push('') },
      'jl:str_part': { sig: 'i32 ->', fn: (p: number) => void me().appendString(p) },
      'jl:str_end': { sig: '-> i32', fn: () => me().om.box(me().stringBuffer.pop() ?? '') },
      'jl:raise': { sig: 'i32 i32 i32 ->', fn: (k: number, msg: number, culprit: number) => me().raise(k, msg, culprit) },
      'jl:domain_error': { sig: 'i32 i32 ->', fn: (x: number, m: number) => { throw new JlError('DomainError', `with ${me().show(x)}: ${me().show(m)}`); } },
      'jl:not_callable': { sig: 'i32 ->', fn: (p: number) => { throw new JlError('MethodError', `objects of type ${me().om.typeAt(p)} are not callable`); } },
      'jl:pow': { sig: 'f64 f64 -> f64', fn: (x: number, y: number) => floatPower(x, y) },
      'jl:frange_len': { sig: 'f64 f64 f64 -> i64', fn: (a: number, s: number, b: number) => me().floatRanges.length(a, s, b) },
      'jl:frange_at': { sig: 'f64 f64 f64 i64 -> f64', fn: (a: number, s: number, b: number, k: bigint) => me().floatRanges.at(a, s, b, k) },
      'jl:frange_sum': { sig: 'f64 f64 f64 -> f64', fn: (a: number, s: number, b: number) => me().floatRanges.sum(a, s, b) },
      'jl:range': { sig: 'i32 i32 i32 -> i32', fn: (a: number, s: number, b: number) => me().ranges.make(a, s, b) },
      'jl:divide_error': { sig: '->', fn: () => { throw new JlError('DivideError', 'integer division error'); } },
      'jl:error': { sig: 'i32 ->', fn: (p: number) => { throw new JlError('ErrorException', me().om.unbox(p) as string); } },
      'jl:bounds_error': { sig: 'i32 i64 ->', fn: (v: number, i: bigint) => me().ranges.boundsError(v, i) },
      'jl:convert': { sig: 'i32 i32 -> i32', fn: (p: number, t: number) => me().objects.convert(p, me().om.typeObjectType(t)) },
      'jl:egal': { sig: 'i32 i32 -> i32', fn: (a: number, b: number) => (me().objects.egal(a, b) ? 1 : 0) },
      'jl:equal': { sig: 'i32 i32 -> i32', fn: (a: number, b: number) => (me().equal(a, b) ? 1 : 0) },
      'jl:typeof': { sig: 'i32 -> i32', fn: (p: number) => me().om.typeObject(me().om.typeAt(p)) },
      'jl:getfield': { sig: 'i32 i32 -> i32', fn: (p: number, n: number) => me().objects.getfield(p, me().om.strings[n]!) },
      'jl:setfield': { sig: 'i32 i32 i32 ->', fn: (p: number, n: number, v: number) => me().objects.setfield(p, me().om.strings[n]!, v) },
      'jl:dyn_count': { sig: 'i32 -> i64', fn: (v: number) => me().ranges.sequence(v).length },
      'jl:dyn_element': { sig: 'i32 i64 -> i32', fn: (v: number, k: bigint) => me().ranges.sequence(v).get(k) },
      'jl:dyn_length': { sig: 'i32 -> i32', fn: (v: number) => me().dynLength(v) },
      'jl:strcmp': { sig: 'i32 i32 -> i32', fn: (a: number, b: number) => compareCodePoints(me().om.unbox(a) as string, me().om.unbox(b) as string) },
      'jl:strlen': { sig: 'i32 -> i64', fn: (s: number) => BigInt([...(me().om.unbox(s) as string)].length) },
      'jl:dyn_getindex': { sig: 'i32 i32 -> i32', fn: (v: number, i: number) => (me().ranges.isRange(v) ? me().callBoxed('getindex', [v, i]) : me().objects.vec(v).get(me().objects.index(v, i))) },
      'jl:dyn_setindex': { sig: 'i32 i32 i32 ->', fn: (v: number, i: number, x: number) => me().objects.vec(v).set(me().objects.index(v, i), x) },
      'jl:dyn_push': { sig: 'i32 i32 -> i32', fn: (v: number, x: number) => (me().om.typeAt(v).kind === 'vector' ? me().objects.vec(v).push(x) : me().callBoxed('push!', [v, x])) },
      'jl:vect': { sig: 'i32 -> i32', fn: (v: number) => me().promotedVector(v) },
      'jl:dyncall': { sig: 'i32 i32 -> i32', fn: (name: number, v: number) => me().dynCall(me().om.strings[name]!, Array.from({ length: me().objects.vec(v).length }, (_, k) => me().objects.vec(v).get(k))) },
    };
    for (let n = 0; n <= MAX_DYN_ARITY; n++) {
      host[`jl:miss${n}`] = { sig: `i32 ${'i32 '.repeat(n)}-> i32`, fn: (fid: number, ...args: number[]) => me().miss(fid, args) };
      host[`jl:nomethod${n}`] = { sig: `i32 ${'i32 '.repeat(n)}->`, fn: (name: number, ...args: number[]) => me().noMethod(name, args) };
    }
    const rt = await Runtime.create({ ...opts.runtime, host: { ...(opts.runtime?.host ?? {}), ...host } });
    const om = ObjectModel.create(rt);
    self = new JuliaLike(rt, om, opts.output ?? ((s) => void process.stdout.write(s)), maxSplit);
    self.objects.definePrimitives();
    defineRangeFunctions(rt, om);
    self.eval(PRELUDE + RANGE_PRELUDE + VECTOR_PRELUDE, 'prelude');
    for (const [name, f] of self.env.functions) {
      self.env.baseFunctions.add(name);
      for (const m of f.methods) self.baseDefs.add(m.body.def);
    }
    return self;
  }

  // ---- top level ----

  /** Run a program (or REPL input); returns the value of the last top-level expression. */
  eval(source: string, file?: string): JsValue {
    let program: A.Program;
    try {
      program = parseProgram(source, file);
    } catch (e) {
      throw languageError(e);
    }
    let last: JsValue = null;
    for (const s of program.body) last = this.topLevel(s, file);
    return last;
  }

  private topLevel(s: A.TopLevel, file?: string): JsValue {
    try {
      switch (s.kind) {
        case 'abstract-type':
          this.claimTypeName(s.name, s.loc);
          this.defineType(new DataType(s.name, true, this.supertypeOf(s.supertype, s.loc)), s.loc);
          return null;
        case 'struct': {
          this.claimTypeName(s.name, s.loc);
          // A field's type may name the struct itself: resolve it as the type being defined (or
          // the one already defined under that name, which an identical definition leaves alone).
          const fields: Array<{ name: string; type: JType }> = [];
          const t = new DataType(s.name, false, this.supertypeOf(s.supertype, s.loc), fields, s.mutable);
          const old = this.env.types.get(s.name);
          const self = old?.kind === 'data' ? old : t;
          for (const f of s.fields) fields.push({ name: f.name, type: f.type ? this.env.resolveType(f.type, self) : Any });
          if (this.defineType(t, s.loc)) this.defineConstructors(t, s.loc);
          return null;
        }
        case 'function':
          this.defineMethod(s);
          return null;
        case 'const': {
          const old = this.env.globals.get(s.name);
          if (old && !old.constant) throw new JlError('ErrorException', `cannot declare ${s.name} constant; it already has a value`, s.loc);
          const p = this.runThunk([{ kind: 'expr', expr: s.value, loc: s.loc }]);
          // Julia accepts defining a constant again with the same value.
          if (old) {
            if (this.objects.egal(this.rt.getGlobal(old.cell) as number, p)) return null;
            throw new JlError('ErrorException', `invalid redefinition of constant ${s.name}`, s.loc);
          }
          const cell = this.globalCell(s.name, p);
          this.env.globals.set(s.name, { name: s.name, type: this.om.typeAt(p), cell, constant: true });
          return null;
        }
        default:
          return this.om.unbox(this.runThunk([s]));
      }
    } catch (caught) {
      // A failed statement leaves no trace: what it inferred but did not compile is dropped.
      this.rollback();
      const e = languageError(caught);
      // Place the error: in the statement that raised it, and in the file.
      if (e instanceof JlError && (!e.where || (file && !e.where.file))) {
        const at = e.where ?? s.loc;
        throw new JlError(e.kind, e.bare, { ...(file ? { file } : {}), line: at.line, col: at.col });
      }
      throw e;
    }
  }

  private supertypeOf(t: A.TypeExpr | null, loc: A.Loc): DataType {
    const st = this.env.typeOrAny(t);
    if (st.kind !== 'data' || !st.abstract) throw new JlError('TypeError', `invalid subtyping: ${st} is not an abstract type`, loc);
    return st;
  }

  /** Define a type; false if an identical one exists (Julia accepts that redefinition and keeps the type). */
  private defineType(t: DataType, loc: A.Loc): boolean {
    const old = this.env.types.get(t.name);
    if (old) {
      const same =
        old.kind === 'data' &&
        old.abstract === t.abstract &&
        old.supertype === t.supertype &&
        old.mutable === t.mutable &&
        old.fields.length === t.fields.length &&
        old.fields.every((f, i) => f.name === t.fields[i]!.name && f.type === t.fields[i]!.type);
      if (same && !old.primitive && old !== DataTypeT) return false;
      throw new JlError('ErrorException', `invalid redefinition of type ${t.name}`, loc);
    }
    this.om.defineType(t);
    this.env.types.set(t.name, t);
    return true;
  }

  /**
   * A struct's default constructors, methods of the generic function named after it (so outer
   * constructors are more methods of it): one taking the field types, and where some field is
   * typed, one taking anything and converting it, as Julia defines them.
   */
  private defineConstructors(t: DataType, loc: A.Loc): void {
    const params = t.fields.map((f) => f.name);
    const ident = (name: string): A.Ident => ({ kind: 'ident', name, loc });
    const body: A.Stmt[] = [{ kind: 'expr', expr: { kind: 'call', callee: ident('__new'), args: [ident(t.name), ...params.map(ident)], loc }, loc }];
    const def: A.FunctionDef = { kind: 'function', name: t.name, params: params.map((name) => ({ kind: 'param', name, type: null, loc })), returnType: null, body, short: true, loc };
    this.addMethod(def, t.fields.map((f) => f.type));
    if (t.fields.some((f) => f.type !== Any)) this.addMethod(def, t.fields.map(() => Any));
  }

  /** Add (or replace) a method, then invalidate what it changes. */
  /** A type's name must not be a function's or a variable's already (one namespace, as in Julia). */
  private claimTypeName(name: string, loc: A.Loc): void {
    if (this.env.types.has(name)) return;
    if (this.env.globals.has(name) || (this.env.functions.has(name) && !this.env.baseFunctions.has(name))) throw new JlError('ErrorException', `invalid redefinition of constant ${name}`, loc);
  }

  private defineMethod(d: A.FunctionDef): void {
    if (this.env.globals.has(d.name)) throw new JlError('ErrorException', `cannot define function ${d.name}; it already has a value`, d.loc);
    this.addMethod(d, d.params.map((p) => this.env.typeOrAny(p.type)));
  }

  private addMethod(d: A.FunctionDef, sig: readonly JType[]): void {
    const body = d.body;
    const intrinsic = body.length === 1 && body[0]!.kind === 'expr' && body[0]!.expr.kind === 'call' && body[0]!.expr.callee.kind === 'ident' && INTRINSICS.has(body[0]!.expr.callee.name);
    const fn = this.env.fn(d.name);
    const params = d.params.map((p) => p.name);
    const def: MethodDef = { def: d, params, scoped: resolveScopes(params, d.body, false), intrinsic };
    const { method, replaced } = fn.add(sig, def);
    this.ensureDispatcher(d.name, sig.length, 'ref');
    this.specs.methodAdded(method, replaced);
  }

  /** Dispatch caches may point at an invalidated specialisation's adapter: forget all of them for its function. */
  private clearCaches(fn: string): void {
    for (const [k, d] of this.dispatchers) if (k.startsWith(`${fn}/`)) new Uint8Array(this.rt.memory.buffer, d.cache, CACHE_ENTRIES * 4 * (d.arity + 1)).fill(0);
  }

  // ---- specialisations ----

  /** TypingHost: the return type of a static call (and the record that the caller depends on it). */
  returnType(fn: string, args: readonly JType[]): JType | undefined {
    const s = this.specFor(fn, args);
    const reader = this.inferring[this.inferring.length - 1];
    if (!s) {
      // The call raises (no method, or an ambiguity) until a method of `fn` changes that.
      reader?.dynamicDeps.add(fn);
      return undefined;
    }
    if (reader) {
      s.readers.add(reader);
      s.callers.add(reader);
      reader.callees.add(s);
    }
    return s.ret;
  }

  /** The specialisation of `fn` for these concrete argument types (inferring it if new); undefined if the call raises. */
  specFor(fn: string, args: readonly JType[]): Spec | undefined {
    const key = specKey(fn, args);
    const have = this.specs.get(key);
    if (have) return have;
    const f = this.env.functions.get(fn);
    if (!f) return undefined;
    let method: JlMethod;
    try {
      method = f.select(args);
    } catch (e) {
      if (e instanceof JlError) return undefined;
      throw e;
    }
    const s: Spec = {
      id: ++this.seq,
      fn,
      argTypes: args,
      method,
      name: `${fn}${tupleName(args)}#${this.seq}`,
      ret: Bottom,
      state: 'inferring',
      typing: undefined as unknown as Typing,
      callees: new Set(),
      callers: new Set(),
      readers: new Set(),
      stage: undefined,
      adapters: new Map(),
      wantAdapters: new Set(),
      dynamicDeps: new Set(),
    };
    this.specs.set(key, s);
    this.infer(s);
    return s;
  }

  private infer(s: Spec): void {
    const before = s.ret;
    this.inferring.push(s);
    try {
      // A recursive method's result is a fixpoint too: it only widens, a bounded number of times.
      for (let round = 0; ; round++) {
        s.typing = new Typing(this, s.method.body.params, s.argTypes, s.method.body.scoped, false, s.method.body.def.returnType);
        const ret = s.typing.run();
        if (ret === s.ret) break;
        if (round === 20) {
          // Not settled yet: Any is always sound (the body boxes what it returns, and its
          // recursive calls are typed from Any).
          s.ret = Any;
          s.typing = new Typing(this, s.method.body.params, s.argTypes, s.method.body.scoped, false, s.method.body.def.returnType);
          s.typing.run();
          break;
        }
        s.ret = ret;
      }
    } catch (e) {
      // An error found in a prelude method is the program's: placed at the statement that reached
      // it (the prelude's own lines mean nothing there), as `raise` does at run time (inBase).
      if (e instanceof JlError && e.where && this.baseDefs.has(s.method.body.def)) throw new JlError(e.kind, e.bare);
      throw e;
    } finally {
      this.inferring.pop();
    }
    s.state = 'ready';
    // Readers that finished with an older return type infer again (return types only grow, so
    // this ends).
    if (String(s.ret) !== String(before)) for (const r of s.readers) if (r !== s && r.state === 'ready') this.infer(r);
  }

  /** EmitHost: the specialisation a static call binds to. */
  specTarget(fn: string, args: readonly JType[]): SplitTarget | undefined {
    const s = this.specs.get(specKey(fn, args));
    return s && { types: args, name: s.name, ret: s.ret };
  }

  callError(fn: string, args: readonly JType[]): JlError {
    const f = this.env.functions.get(fn);
    try {
      // A builtin (length, push!) the compiler handles for other types: no method for these.
      if (!f) return BUILTINS.has(fn) ? new JlError('MethodError', `no method matching ${fn}${tupleName(args)}`) : new JlError('UndefVarError', `${fn} not defined`);
      f.select(args);
      return new JlError('ErrorException', `internal: no specialisation of ${fn}${tupleName(args)}`);
    } catch (e) {
      return e as JlError;
    }
  }

  /** Compile every ready specialisation (and wanted adapters) as one post-stage. */
  private flush(extra?: (stage: ReturnType<Runtime['stage']>) => void): void {
    const ready = [...this.specs.values()].filter((s) => s.state === 'ready');
    const adapters = [...this.specs.values()].flatMap((s) => [...s.wantAdapters].filter((r) => !s.adapters.has(r)).map((r) => [s, r] as const));
    if (!ready.length && !adapters.length && !extra) return;
    // Vector types get their RTTs (a commit) on first use: do it now, not while bodies are built.
    for (const s of ready) for (const t of [...s.argTypes, s.ret, ...s.typing.seenTypes()]) this.registerVectors(t);
    const stage = this.rt.stage(`jl:specs:${++this.seq}`);
    for (const s of ready) {
      const sig = { params: s.argTypes.map((t) => VT[reprOf(t)]), results: s.ret === Bottom ? [] : [VT[reprOf(s.ret)]] };
      stage.func(s.name, sig, (b) => this.body(b, s), { inline: inlineWorthy(s), params: s.method.body.params });
    }
    for (const [s, r] of adapters) stage.func(`${s.name}$${r}`, { params: s.argTypes.map(() => 'i32'), results: [VT[r]] }, (b) => this.adapterBody(b, s, r));
    extra?.(stage);
    stage.commitSync();
    for (const [s, r] of adapters) s.adapters.set(r, `${s.name}$${r}`);
    for (const s of ready) {
      s.state = 'compiled';
      s.stage = stage.name;
    }
  }

  private registerVectors(t: JType): void {
    if (t.kind === 'vector') {
      this.registerVectors(t.element);
      this.om.rtt(t);
    } else if (t.kind === 'union') t.members.forEach((m) => this.registerVectors(m));
  }

  private body(b: FuncBuilder, s: Spec): IR[] {
    const em = new Emitter(this, b, s.typing, s.ret === Bottom ? Nothing : s.ret);
    em.inBase = this.baseDefs.has(s.method.body.def);
    em.bindParams(s.method.body.params, s.argTypes);
    const body = em.functionBody(s.method.body.scoped.body);
    return s.ret === Bottom ? [...body.slice(0, -1), b.drop(body[body.length - 1]!), b.unreachable()] : body;
  }

  /** A dispatcher's calling convention: unbox the arguments, call, box the result (for 'ref'). */
  private adapterBody(b: FuncBuilder, s: Spec, ret: Repr): IR {
    const args = s.argTypes.map((t, i) => (reprOf(t) === 'ref' ? b.param(i) : b.field(b.param(i), this.om.rtt(t), 'value')));
    const call = b.call(s.name, ...args);
    if (s.ret === Bottom) return b.seq(call, b.unreachable());
    const em = new Emitter(this, b, s.typing, s.ret);
    if (ret === 'ref') return em.box(call, s.ret);
    // An unboxed dispatcher reaches a method returning another type only from a comparison chain,
    // which wants a Bool whatever the comparison returns: converted, or the TypeError Julia raises.
    return em.convert(call, s.ret, REPR_TYPE[ret], s.method.body.def.loc);
  }

  // ---- dynamic dispatch ----

  /**
   * A dispatcher for `fn` with `arity` boxed arguments, returning `ret` (a boxed value for 'ref',
   * else that primitive unboxed): a cache of RTT-id tuples to the slot of a function with exactly
   * that signature (the specialisation itself when it fits, else an adapter).
   */
  private ensureDispatcher(fn: string, arity: number, ret: Repr = 'ref'): void {
    const key = `${fn}/${arity}:${ret}`;
    if (this.dispatchers.has(key) || arity > MAX_DYN_ARITY) return;
    if (!this.fnIds.has(fn)) this.fnIds.set(fn, this.fnNames.push(fn) - 1);
    const code = this.fnIds.get(fn)! * 4 + REPRS.indexOf(ret);
    const esize = 4 * (arity + 1);
    const cache = this.om.allocRaw(CACHE_ENTRIES * esize);
    const name = ret === 'ref' ? `jl:dyn:${fn}/${arity}` : `jl:dyn:${fn}/${arity}:${ret}`;
    const sig = { params: new Array(arity).fill('i32'), results: [VT[ret]] };
    this.rt
      .stage(`jl:dispatch:${key}:${++this.seq}`)
      .func(name, sig, (b) => {
        const e = b.local('i32', 'entry');
        const h = b.local('i32', 'hash');
        const rtts = Array.from({ length: arity }, (_, i) => b.rttOf(b.param(i)));
        // Fibonacci hashing: RTT ids are nearby addresses, so mix, multiply, and keep the top bits.
        const mix = rtts.reduce((acc: IR, r) => b.i32.mul(b.i32.xor(acc, r), b.i32(0x9e3779b1 | 0)), b.i32(code));
        // An empty entry holds RTT id 0, which no object has: no separate "filled" test needed.
        const hit = rtts.slice(1).reduce((acc: IR, r, i) => b.i32.and(acc, b.i32.eq(b.i32.load(b.get(e), 4 * (i + 1)), r)), arity ? b.i32.eq(b.i32.load(b.get(e), 0), rtts[0]!) : b.i32.ne(b.i32.load(b.get(e), 0), b.i32(0)));
        const args = Array.from({ length: arity }, (_, i) => b.param(i));
        return [
          b.set(h, b.i32.shr_u(mix, b.i32(32 - CACHE_BITS))),
          b.set(e, b.i32.add(b.i32(cache), b.i32.mul(b.get(h), b.i32(esize)))),
          b.if(hit, b.nop(), b.i32.store(b.get(e), b.call(`jl:miss${arity}`, b.i32(code), ...args), 4 * arity)),
          b.returnCallSlot(sig, b.i32.load(b.get(e), 4 * arity), ...args),
        ];
      }, { inline: true })
      .commitSync();
    this.dispatchers.set(key, { name, cache, arity });
  }

  dispatcher(fn: string, arity: number): string | undefined {
    return this.dispatchers.get(`${fn}/${arity}:ref`)?.name;
  }

  /**
   * A dynamic call without a dispatcher (more than MAX_DYN_ARITY arguments, or no method of that
   * arity yet): pick the method on the JS side and call its boxed adapter.
   */
  private dynCall(fn: string, args: number[]): number {
    const f = this.env.functions.get(fn);
    const types = args.map((p) => this.om.typeAt(p));
    if (!f) throw BUILTINS.has(fn) ? new JlError('MethodError', `no method matching ${fn}${tupleName(types)}`) : new JlError('UndefVarError', `${fn} not defined`);
    f.select(types);
    const s = this.specFor(fn, types)!;
    s.wantAdapters.add('ref');
    this.flush();
    return this.rt.fn<(...a: number[]) => number>(s.adapters.get('ref')!)(...args);
  }

  unboxedDispatcher(fn: string, arity: number, ret: Repr): string | undefined {
    return this.dispatchers.get(`${fn}/${arity}:${ret}`)?.name;
  }

  /** The methods of `fn` a call with these argument types may reach (undefined: no such function). */
  private candidates(fn: string, args: readonly JType[]): JlMethod[] | undefined {
    return this.env.functions.get(fn)?.methods.filter((m) => m.sig.length === args.length && m.sig.every((p, i) => mayIntersect(p, args[i]!)));
  }

  /** TypingHost: what a dynamic call returns (see there); the caller now depends on `fn`'s methods. */
  dynamicReturnType(fn: string, args: readonly JType[]): JType {
    const reader = this.inferring[this.inferring.length - 1];
    if (reader) reader.dynamicDeps.add(fn);
    const cands = this.candidates(fn, args);
    if (!cands || cands.some((m) => !m.sig.every(isConcrete))) return Any;
    const t = unionOf(cands.map((m) => this.returnType(fn, m.sig) ?? Bottom));
    // The dispatcher for an unboxed result must exist before code calling it is committed.
    if (isConcrete(t) && reprOf(t) !== 'ref') this.ensureDispatcher(fn, args.length, reprOf(t));
    return t;
  }

  /**
   * EmitHost: the specialisations a dynamic call splits into, or undefined to dispatch it. Typing
   * the call (dynamicReturnType) inferred each of them and made the caller depend on `fn`'s
   * method table and on each specialisation, so a new or replaced method invalidates the caller.
   */
  splitTargets(fn: string, args: readonly JType[]): SplitTarget[] | undefined {
    const cands = this.candidates(fn, args);
    if (!cands?.length || cands.length > this.maxSplit || args.length > MAX_DYN_ARITY) return undefined;
    const out: SplitTarget[] = [];
    for (const m of cands) {
      // A concrete type is one object (unions and vectors are canonical), with one RTT to compare.
      if (!m.sig.every(isConcrete)) return undefined;
      const s = this.specs.get(specKey(fn, m.sig));
      // A method that always raises keeps its call in the dispatcher (rare; it reports the error).
      if (!s || s.method !== m || s.state === 'dead' || s.ret === Bottom) return undefined;
      out.push({ types: m.sig, name: s.name, ret: s.ret });
    }
    return out;
  }

  /** A dispatch cache missed: find the method, compile what it needs, fill the entry, give the adapter's slot. */
  private miss(code: number, args: number[]): number {
    const fn = this.fnNames[code >> 2]!;
    const ret = REPRS[code & 3]!;
    const types = args.map((p) => this.om.typeAt(p));
    const f = this.env.functions.get(fn)!;
    f.select(types);
    const s = this.specFor(fn, types)!;
    // A specialisation taking only pointers and returning the wanted repr is its own adapter.
    const direct = ret !== 'ref' && s.argTypes.every((t) => reprOf(t) === 'ref') && s.ret !== Bottom && reprOf(s.ret) === ret;
    if (!direct) s.wantAdapters.add(ret);
    this.flush();
    const d = this.dispatchers.get(`${fn}/${args.length}:${ret}`)!;
    const slot = (this.rt.lookup(direct ? s.name : s.adapters.get(ret)!) as { slot: number }).slot;
    // Write the RTT ids of this tuple into the entry the dispatcher computed (it stores the slot).
    const v = this.om.view();
    const ids = args.map((p) => v.getUint32(p, true));
    let h = code;
    for (const id of ids) h = Math.imul(h ^ id, 0x9e3779b1 | 0);
    const e = d.cache + (h >>> (32 - CACHE_BITS)) * 4 * (args.length + 1);
    ids.forEach((id, i) => v.setUint32(e + 4 * i, id, true));
    return slot;
  }

  /**
   * A split call's arguments fit none of its methods: the MethodError (or AmbiguityError) a
   * dispatch would raise. The caller was compiled against the method table it ran with, and a
   * method added since is not seen by code already running (Julia's world age).
   */
  private noMethod(name: number, args: number[]): never {
    const fn = this.om.strings[name]!;
    const types = args.map((p) => this.om.typeAt(p));
    this.env.functions.get(fn)?.select(types);
    throw new JlError('MethodError', `no method matching ${fn}${tupleName(types)}: the method that fits was defined while the calling code ran, which sees the methods it was compiled with`);
  }

  /** Forget what a failed evaluation inferred but did not compile (nothing compiled calls it). */
  private rollback(): void {
    this.specs.discardUncompiled();
    this.inferring.length = 0;
    this.stringBuffer = [];
  }

  // ---- thunks and globals ----

  /** Compile top-level statements as a function of no arguments, run it, return the boxed value. */
  private runThunk(body: A.Stmt[]): number {
    const scoped = resolveScopes([], body, true, (g) => this.env.globals.has(g));
    const typing = new Typing(this, [], [], scoped, true);
    typing.run();
    for (const t of typing.seenTypes()) this.registerVectors(t);
    // A new global starts undefined (0): reading it raises UndefVarError until code assigns it, and
    // one that is still undefined when the statement ends (it failed, or skipped the assignment)
    // is no binding at all.
    const fresh = [...typing.assignedGlobals].filter((g) => !this.env.globals.has(g));
    for (const g of fresh) this.env.globals.set(g, { name: g, type: Any, cell: this.globalCell(g, 0), constant: false });
    try {
      const name = `jl:toplevel#${++this.seq}`;
      this.flush((stage) =>
        stage.func(name, '-> i32', (b) => {
          const em = new Emitter(this, b, typing, Any);
          return em.functionBody(scoped.body);
        }),
      );
      return this.rt.fn<() => number>(name)();
    } finally {
      for (const g of fresh) if (this.rt.getGlobal(`jl:g:${g}`) === 0) this.env.globals.delete(g);
    }
  }

  /** The Accrete global holding a global's boxed value (0 while undefined), made on first use. */
  globalCell(name: string, init?: number): string {
    const cell = `jl:g:${name}`;
    if (!this.rt.lookup(cell)) this.rt.stage(`jl:global:${name}:${++this.seq}`).global(cell, 'i32', init ?? this.om.constant(SYM.nothing)).commitSync();
    else if (init !== undefined) this.rt.setGlobal(cell, init);
    return cell;
  }

  typeObject(t: JType): number {
    return this.om.typeObject(t);
  }

  // ---- host functions ----

  /** What `print` writes for a value (a string without quotes). */
  show(p: number): string {
    return printed(this.om, p);
  }

  private appendString(p: number): void {
    const buf = this.stringBuffer;
    buf[buf.length - 1] += this.show(p);
  }

  private raise(kind: number, msg: number, culprit: number): never {
    const text = this.om.strings[msg]!;
    const [where, ...rest] = text.split(': ');
    const [line, col] = where!.split(':').map(Number) as [number, number];
    const got = culprit ? `; got a value of type ${this.om.typeAt(culprit)}` : '';
    throw new JlError(RAISE_KIND[kind] ?? 'ErrorException', rest.join(': ') + got, line ? { line, col } : undefined);
  }

  /**
   * `==` where no method of the program's applies: vectors are equal when their elements are
   * (by `==`, dispatched), anything else when it is `===`.
   */
  private equal(a: number, b: number): boolean {
    const elementsEqual = (x: number, y: number) => {
      const r = this.callBoxed('==', [x, y]);
      const t = this.om.typeAt(r);
      if (t !== Bool) throw new JlError('TypeError', `non-boolean (${t}) used in boolean context`);
      return this.om.unbox(r) === true;
    };
    const ranges = this.ranges.equal(a, b, elementsEqual);
    if (ranges !== undefined) return ranges;
    if (this.om.typeAt(a).kind !== 'vector' || this.om.typeAt(b).kind !== 'vector') return this.objects.egal(a, b);
    const va = this.objects.vec(a);
    const vb = this.objects.vec(b);
    if (va.length !== vb.length) return false;
    for (let k = 0; k < va.length; k++) if (!elementsEqual(va.get(k), vb.get(k))) return false;
    return true;
  }

  /** A vector literal whose elements' types were not known when compiling: [a, b, ...] with Julia's promotion on their values. */
  private promotedVector(p: number): number {
    const items = this.objects.vec(p);
    const values = Array.from({ length: items.length }, (_, k) => items.get(k));
    const t = this.om.vectorType(values.map((x) => this.om.typeAt(x)).reduce(promoteType));
    const id = (this.rt.lookup(this.om.rtt(t)) as { id: number }).id;
    const out = this.rt.fn<(rtt: number, cap: number, size: number) => number>('jl:vec_new')(id, values.length, ELEM_SIZE[reprOf(t.element)]);
    const v = this.objects.vec(out);
    for (const x of values) v.push(x);
    return out;
  }

  /** Call a generic function on boxed arguments from a host function: its result, boxed. */
  private callBoxed(fn: string, args: number[]): number {
    const d = this.dispatcher(fn, args.length);
    return d ? this.rt.fn<(...a: number[]) => number>(d)(...args) : this.dynCall(fn, args);
  }

  /** length(x) for x of a type known only at run time: vectors and strings here, other types by the program's methods. */
  private dynLength(p: number): number {
    const t = this.om.typeAt(p);
    if (t.kind === 'vector') return this.om.box(BigInt(this.objects.vec(p).length));
    if (t === String_) return this.om.box(BigInt([...(this.om.unbox(p) as string)].length));
    return this.callBoxed('length', [p]);
  }

  /** TypingHost: the type of a global's current value. */
  globalValueType(name: string): JType | undefined {
    const g = this.env.globals.get(name);
    return g ? this.om.typeAt(this.rt.getGlobal(g.cell) as number) : undefined;
  }

  // ---- JS API and introspection ----

  /** Call a generic function from JS (BigInt for Int64, number for Float64, ...). */
  call(fn: string, ...args: JsValue[]): JsValue {
    args.forEach(checkArgument);
    const ptrs = args.map((a) => this.om.box(a));
    try {
      const d = this.dispatcher(fn, args.length);
      return this.om.unbox(d ? this.rt.fn<(...a: number[]) => number>(d)(...ptrs) : this.dynCall(fn, ptrs));
    } catch (e) {
      this.rollback();
      throw languageError(e);
    }
  }

  /** The methods of a generic function, as signatures. */
  methods(fn: string): string[] {
    return (this.env.functions.get(fn)?.methods ?? []).map((m) => `${fn}${tupleName(m.sig)}`);
  }

  /** The method a call with these argument types would run. */
  which(fn: string, types: readonly string[]): string {
    const f = this.env.functions.get(fn);
    if (!f) throw new JlError('UndefVarError', `${fn} not defined`);
    const m = f.select(types.map((t) => this.env.resolveType(parseTypeName(t))));
    return `${fn}${tupleName(m.sig)}`;
  }

  /** Live specialisations: function, argument types, return type, stage. */
  specializations(): Array<{ fn: string; args: string; ret: string; stage: string | undefined }> {
    return [...this.specs.values()].filter((s) => s.state === 'compiled').map((s) => ({ fn: s.fn, args: tupleName(s.argTypes), ret: String(s.ret), stage: s.stage }));
  }

  /** WAT of the stage holding a specialisation. */
  specializationText(fn: string, types: readonly string[]): string {
    const s = this.specs.get(specKey(fn, types.map((t) => this.env.resolveType(parseTypeName(t)))));
    if (!s?.stage) throw new JlError('ErrorException', `no compiled specialisation of ${fn}(${types.join(', ')})`);
    return this.rt.toText(s.stage);
  }
}

/**
 * The language error an evaluation failed with: a JlError raised while generating code arrives
 * wrapped in Accrete's (as its cause), and the engine's stack overflow is Julia's
 * StackOverflowError. Anything else is a bug and stays what it is.
 */
function languageError(e: unknown): unknown {
  for (let c: unknown = e; c instanceof Error; c = c.cause) {
    if (c instanceof JlError || c instanceof JlSyntaxError) return c;
    // Accrete wraps the overflow of its own tree walkers: code nested deeper than it compiles.
    if (c instanceof RangeError && /call stack/i.test(c.message)) return new JlError('StackOverflowError', c === e ? 'stack overflow' : 'stack overflow: code nested too deeply to compile');
    // A body past the engine's locals (a function with 50,000 variables): a limit of this
    // implementation, which Julia has no exception for.
    if (c instanceof ResourceError && / locals/.test(c.message)) return new JlError('ErrorException', 'code too large to compile: a function would need more locals than the engine allows; split it');
  }
  return e;
}

/** A JS value jl.call can pass: TypeError or RangeError (the caller's mistake) for anything else. */
function checkArgument(a: unknown, i: number): void {
  if (a === null || typeof a === 'boolean' || typeof a === 'number' || typeof a === 'string') return;
  if (typeof a === 'bigint') {
    if (a < -(1n << 63n) || a >= 1n << 63n) throw new RangeError(`argument ${i + 1}: ${a} is outside Int64`);
    return;
  }
  if (typeof a === 'object' && Number.isInteger((a as { ptr?: unknown }).ptr)) return;
  throw new TypeError(`argument ${i + 1}: ${typeof a === 'object' ? 'this object' : String(a)} is no language value (pass null, a boolean, a bigint for Int64, a number for Float64, a string, or a value eval or call returned)`);
}

function parseTypeName(t: string): A.TypeExpr {
  const m = /^(\w+)\{(.*)\}$/.exec(t);
  if (m) {
    const args = m[2]!.split(',').map((x) => parseTypeName(x.trim()));
    return m[1] === 'Union' ? { kind: 'type-union', members: args, loc: { line: 0, col: 0 } } : { kind: 'type-apply', name: m[1]!, args, loc: { line: 0, col: 0 } };
  }
  return { kind: 'type-name', name: t, loc: { line: 0, col: 0 } };
}

/** Julia's order of strings: by code points (JavaScript's `<` compares UTF-16 code units). */
function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}
