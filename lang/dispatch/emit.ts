// Code generation for one specialisation: the typed AST becomes Accrete IR. Concretely typed
// values stay unboxed (i64, f64, i32), everything else is a pointer to an object with an RTT
// header; conversions box, unbox (with a type check) or convert at the boundaries.

import type { Expr as IR, FuncBuilder, Local } from '../../runtime/index.js';
import type * as A from './syntax/ast.js';
import type { Env } from './env.js';
import type { SplitTarget } from './julia.js';
import { JlError } from './errors.js';
import { INTRINSICS } from './prelude.js';
import { BUILTINS, assignedValue, type Typing } from './typing.js';
import { Any, Bool, Bottom, Float64, FloatRangeT, Int64, Nothing, UnitRangeT, String_, isConcrete, reprOf, staticallyBound, subtype, vectorOf, type JType, type Repr, type VectorType } from './types.js';
import { ELEM_SIZE, SYM, type ObjectModel } from './values.js';
import { sourceName } from './scope.js';
import { RAISE_KIND, VT } from './values-code.js';
import { RangeCode, isRangeType, lastReached, loopRangeType, rangeType } from './range-code.js';

/** What code generation asks of the engine. */
export interface EmitHost {
  readonly env: Env;
  readonly om: ObjectModel;
  /** The specialisation a static call binds to: its Accrete function and return type (undefined: the call raises). */
  specTarget(fn: string, args: readonly JType[]): SplitTarget | undefined;
  /**
   * The Accrete function dispatching `fn` with `arity` boxed arguments at run time, returning a
   * boxed value; undefined when there is none (too many arguments, or no method of that arity),
   * and the call goes through `jl:dyncall`.
   */
  dispatcher(fn: string, arity: number): string | undefined;
  /**
   * The dispatcher returning `ret`'s repr unboxed, if typing made it (it must exist before a body
   * calling it is built: making one commits a stage).
   */
  unboxedDispatcher(fn: string, arity: number, ret: Repr): string | undefined;
  /** The specialisations a dynamic call of `fn` is split into (tested in line), or undefined to dispatch it. */
  splitTargets(fn: string, args: readonly JType[]): readonly SplitTarget[] | undefined;
  /** The message a call raises when no method (or no single most specific one) fits. */
  callError(fn: string, args: readonly JType[]): JlError;
  /** The Accrete global holding a global binding's boxed value (made on first use). */
  globalCell(name: string): string;
  /** The boxed type object of a type. */
  typeObject(t: JType): number;
}

export { RAISE_KIND, VT } from './values-code.js';

/** Operations of a chain (see Emitter.chain) computed before the value so far is held in a local. */
const SPILL_EVERY = 64;

export class Emitter extends RangeCode {
  private readonly locals = new Map<string, Local>();
  /**
   * Locals some read of which may come before an assignment: a pointer holds 0 until assigned,
   * an unboxed value has an i32 flag (the local here) set by each assignment.
   */
  private readonly guarded = new Map<string, Local | undefined>();
  private readonly loops: Array<{ brk: string; cont: string }> = [];
  /** Code the body starts with (parameters copied into the locals of their variables). */
  private readonly entry: IR[] = [];
  private labels = 0;

  constructor(
    host: EmitHost,
    b: FuncBuilder,
    private readonly typing: Typing,
    private readonly ret: JType,
  ) {
    super(host, b);
    for (const [name, t] of typing.vars) if (!this.localOf(name)) this.locals.set(name, b.local(VT[reprOf(t)], name));
    for (const id of typing.scoped.unassigned) {
      const t = typing.vars.get(id.name);
      if (t && !this.guarded.has(id.name)) this.guarded.set(id.name, reprOf(t) === 'ref' ? undefined : b.local('i32', `${id.name}!assigned`));
    }
  }

  /** A local's value where it may be unassigned: UndefVarError if it is. */
  private checkedLocal(l: Local, name: string, at: A.Loc): IR {
    const b = this.b;
    const flag = this.guarded.get(name);
    const missing = flag ? b.i32.eqz(b.get(flag)) : b.i32.eqz(b.get(l));
    return b.seq(b.if(missing, this.raise('UndefVarError', `${sourceName(name)} not defined`, at, 'none')), b.get(l));
  }

  /** Each iteration binds the loop's own locals afresh: those some read checks are unassigned again at its start. */
  private loopResets(loop: A.While | A.For): IR[] {
    const b = this.b;
    return (this.typing.scoped.loopLocals.get(loop) ?? []).flatMap((name) => {
      if (!this.guarded.has(name)) return [];
      const flag = this.guarded.get(name);
      const l = this.localOf(name)!;
      return [flag ? b.set(flag, b.i32(0)) : b.set(l, b.i32(0))];
    });
  }

  /**
   * Parameters are locals 0..n-1: bind their names. A parameter the body assigns a value of
   * another type is a variable of the join of its types, held in another repr than the argument
   * (boxed where the argument is not): it lives in its own local, set from the argument on entry.
   */
  bindParams(names: readonly string[], argTypes: readonly JType[]): void {
    names.forEach((n, i) => {
      const at = argTypes[i]!;
      const vt = this.typing.vars.get(n)!;
      if (reprOf(at) === reprOf(vt)) this.locals.set(n, { index: i, type: VT[reprOf(at)] });
      else this.entry.push(this.b.set(this.localOf(n)!, this.convert(this.b.param(i), at, vt, { line: 0, col: 0 })));
    });
  }

  private localOf(name: string): Local | undefined {
    return this.locals.get(name);
  }

  /** The whole function body: its statements, the value of the last one as the result. */
  functionBody(body: readonly A.Stmt[]): IR[] {
    // A declared result type converts what the body gives (`return` converts in place).
    const natural = this.typing.natural;
    if (this.typing.declaredReturn && natural !== this.ret) return [...this.entry, this.storeConvert(this.blockValue(body, natural), natural, this.ret, this.typing.scoped.body[0]?.loc ?? { line: 0, col: 0 })];
    return [...this.entry, this.blockValue(body, this.ret)];
  }

  private fresh(prefix: string): string {
    return `${prefix}${this.labels++}`;
  }

  /** An expression's value stored in a place of type `to`: see storeConvert. */
  private stored(e: A.Expr, to: JType): IR {
    return this.storeConvert(this.expr(e), this.typing.typeOf(e), to, e.loc);
  }

  // ---- statements ----

  /** A block's value, converted to `want` (Nothing when the block ends in a statement without value). */
  blockValue(stmts: readonly A.Stmt[], want: JType): IR {
    const b = this.b;
    if (!stmts.length) return this.convert(b.constant(SYM.nothing), Nothing, want, { line: 0, col: 0 });
    const init = stmts.slice(0, -1).map((s) => this.stmt(s));
    const last = stmts[stmts.length - 1]!;
    const value = this.stmtValue(last, want);
    return b.block([...init, value], want === Bottom ? {} : { type: VT[reprOf(want)] });
  }

  /** The last statement of a block, as a value of type `want`. */
  private stmtValue(s: A.Stmt, want: JType): IR {
    const b = this.b;
    switch (s.kind) {
      case 'expr':
        return this.expr(s.expr, want);
      case 'if':
        return this.ifStmt(s, want);
      case 'assign':
      case 'var-decl': {
        if (s.kind === 'assign' && s.target.kind !== 'ident') return this.assignPlace(s, s.target, want);
        if (s.kind === 'var-decl' && !s.value) return this.convert(b.constant(SYM.nothing), Nothing, want, s.loc);
        // The value of an assignment is the assigned value: assign, then read it back.
        const stmt = this.stmt(s);
        const name = s.kind === 'assign' ? (s.target.kind === 'ident' ? s.target.name : undefined) : s.name;
        if (name !== undefined) return b.seq(stmt, this.expr({ kind: 'ident', name, loc: s.loc }, want));
        return b.seq(stmt, this.convert(b.constant(SYM.nothing), Nothing, want, s.loc));
      }
      case 'return':
      case 'break':
      case 'continue':
        return this.stmt(s);
      default:
        return b.seq(this.stmt(s), this.convert(b.constant(SYM.nothing), Nothing, want, s.loc));
    }
  }

  private stmt(s: A.Stmt): IR {
    const b = this.b;
    switch (s.kind) {
      case 'expr':
        return this.discard(this.expr(s.expr));
      case 'assign':
        return this.assign(s);
      case 'var-decl': {
        if (!s.value) return b.nop();
        return this.store(s.name, s.value, s.loc);
      }
      case 'return':
        // Returning a value that is never made returns nothing: the function may give no result at all.
        if (s.value && this.typing.typeOf(s.value) === Bottom) return this.expr(s.value, Bottom);
        return b.return(s.value ? this.stored(s.value, this.ret) : this.storeConvert(b.constant(SYM.nothing), Nothing, this.ret, s.loc));
      case 'if':
        return this.ifStmt(s, Nothing, true);
      case 'while':
        return this.loopWith(this.cond(s.cond), [], this.loopResets(s), s.body, []);
      case 'for':
        return this.forStmt(s);
      case 'break':
      case 'continue': {
        const l = this.loops[this.loops.length - 1];
        if (!l) throw new JlError('ErrorException', `${s.kind} outside a loop`, s.loc);
        return b.br(s.kind === 'break' ? l.brk : l.cont);
      }
    }
  }

  private ifStmt(s: A.If, want: JType, discard = false): IR {
    const b = this.b;
    const arm = (body: readonly A.Stmt[]) => (discard ? b.seq(...body.map((x) => this.stmt(x))) : this.blockValue(body, want));
    let out: IR = s.elseBody ? arm(s.elseBody) : discard ? b.nop() : this.convert(b.constant(SYM.nothing), Nothing, want, s.loc);
    for (let i = s.branches.length - 1; i >= 0; i--) {
      const br = s.branches[i]!;
      out = b.if(this.cond(br.cond), arm(br.body), out, discard ? 'none' : want === Bottom ? undefined : VT[reprOf(want)]);
    }
    return out;
  }

  /** A condition: a Bool as i32 (Julia does not convert other values). */
  private cond(e: A.Expr): IR {
    return this.expr(e, Bool);
  }

  private forStmt(s: A.For): IR {
    const b = this.b;
    const v = this.localOf(s.variable)!;
    const vt = this.typing.vars.get(s.variable)!;
    const literal = this.typing.literalRange(s.iter);
    const it = literal ? undefined : this.typing.typeOf(s.iter);
    if (literal && s.iter.kind === 'range') {
      // Parts no range is made of (1:"a"): Julia's MethodError for `:`, as outside a loop.
      const ts = this.typing.rangeParts(s.iter).map((p) => this.typing.typeOf(p));
      if (!ts.includes(Bottom) && rangeType(ts, s.iter.step !== null) === Bottom) return this.rangeValue(s.iter, Bottom, ts);
    }
    if ((literal && this.typing.elementType(s.iter) === Float64) || it === FloatRangeT) {
      // A float range (Julia's StepRangeLen): its length, then element k of it, from the JS side
      // (ranges.ts), which computes them as Julia does.
      const [start, step, stop, n, k] = [b.local('f64'), b.local('f64'), b.local('f64'), b.local('i64'), b.local('i64')];
      const ends = [b.get(start), b.get(step), b.get(stop)];
      const init: IR[] = [];
      if (s.iter.kind === 'range' && literal) {
        const r = s.iter;
        init.push(b.set(start, this.expr(r.start, Float64)), b.set(step, r.step ? this.expr(r.step, Float64) : b.f64(1)), b.set(stop, this.expr(r.stop, Float64)));
        init.push(b.set(n, b.call('jl:frange_len', ...ends)));
      } else {
        // A range object: its fields.
        const p = b.local('i32');
        const rtt = this.host.om.rtt(FloatRangeT);
        init.push(b.set(p, this.expr(s.iter, FloatRangeT)), ...(['start', 'step', 'stop', 'len'] as const).map((f, i) => b.set([start, step, stop, n][i]!, b.field(b.get(p), rtt, f))));
      }
      init.push(b.set(k, b.i64(0)));
      const bind = b.set(v, this.convert(b.call('jl:frange_at', b.get(start), b.get(step), b.get(stop), b.get(k)), Float64, vt, s.loc));
      return this.loopWith(b.i64.lt_s(b.get(k), b.get(n)), init, [bind, ...this.loopResets(s)], s.body, [b.set(k, b.i64.add(b.get(k), b.i64(1)))]);
    }
    const ranged = it && loopRangeType(it);
    if (literal || ranged) {
      // Julia's range: from start to the last value it reaches (no overflow past typemax), stepping
      // by `step`; the loop ends after the last value instead of testing the one after it.
      const i = b.local('i64');
      const last = b.local('i64');
      const step = b.local('i64');
      const go = b.local('i32');
      const init: IR[] = [];
      if (it && ranged) {
        // A range object: its fields hold the last element already (or start ∓ 1 when empty).
        const p = b.local('i32');
        const rtt = this.host.om.rtt(ranged);
        const field = (f: string) => b.field(b.get(p), rtt, f);
        const value = ranged === it ? this.expr(s.iter, it) : this.storeConvert(this.expr(s.iter, it), it, ranged, s.loc);
        init.push(b.set(p, value), b.set(i, field('start')), b.set(last, field('stop')));
        if (ranged === UnitRangeT) init.push(b.set(step, b.i64(1)), b.set(go, b.i64.le_s(b.get(i), b.get(last))));
        else init.push(b.set(step, field('step')), b.set(go, b.i32.or(b.i64.eq(b.get(i), b.get(last)), b.i32.eq(b.i64.gt_s(b.get(step), b.i64(0)), b.i64.gt_s(b.get(last), b.get(i))))));
      } else {
        const r = s.iter as A.Range;
        // start, step, stop: evaluated in the order they are written.
        init.push(b.set(i, this.expr(r.start, Int64)), b.set(step, r.step ? this.expr(r.step, Int64) : b.i64(1)), b.set(last, this.expr(r.stop, Int64)));
        if (!r.step) init.push(b.set(go, b.i64.le_s(b.get(i), b.get(last))));
        else {
          const up = () => b.i64.gt_s(b.get(step), b.i64(0));
          init.push(
            b.if(b.i64.eqz(b.get(step)), this.raise('ArgumentError', 'step cannot be zero', r.step.loc, 'none')),
            b.set(go, b.if(up(), b.i64.le_s(b.get(i), b.get(last)), b.i64.ge_s(b.get(i), b.get(last)), 'i32')),
            b.if(b.get(go), b.set(last, lastReached(b, () => b.get(i), () => b.get(step), () => b.get(last), up()))),
          );
        }
      }
      const bind = b.set(v, this.convert(b.get(i), Int64, vt, s.loc));
      const next = b.if(b.i64.eq(b.get(i), b.get(last)), b.set(go, b.i32(0)), b.set(i, b.i64.add(b.get(i), b.get(step))));
      return this.loopWith(b.get(go), init, [bind, ...this.loopResets(s)], s.body, [next]);
    }
    // Not a range the branches above took: a value of the iterator's type.
    const iter = it!;
    const p = b.local('i32');
    if (iter.kind !== 'vector') {
      // Iterating a value of unknown type: the JS side checks it is a vector or a range and boxes
      // elements (counted in i64: a range may have more elements than i32 counts).
      const n = b.local('i64');
      const more = b.i64.lt_u(b.get(n), b.call('jl:dyn_count', b.get(p)));
      const bind = b.set(v, this.convert(b.call('jl:dyn_element', b.get(p), b.get(n)), Any, vt, s.loc));
      return this.loopWith(more, [b.set(p, this.expr(s.iter, iter)), b.set(n, b.i64(0))], [bind, ...this.loopResets(s)], s.body, [b.set(n, b.i64.add(b.get(n), b.i64(1)))]);
    }
    const k = b.local('i32');
    // k starts at 0 on every entry: a loop nested in another runs again.
    const init = [b.set(p, this.expr(s.iter, iter)), b.set(k, b.i32(0))];
    const step = [b.set(k, b.i32.add(b.get(k), b.i32(1)))];
    const more = b.i32.lt_u(b.get(k), b.field(b.get(p), this.host.om.rtt(iter), 'length'));
    const bind = b.set(v, this.convert(this.element(b.get(p), iter, b.get(k)), iter.element, vt, s.loc));
    return this.loopWith(more, init, [bind, ...this.loopResets(s)], s.body, step);
  }

  /** `init; loop { if !cond break; bind; body (continue lands here); step }`. */
  private loopWith(cond: IR, init: IR[], bind: IR[], body: readonly A.Stmt[], step: IR[]): IR {
    const b = this.b;
    const brk = this.fresh('brk');
    const cont = this.fresh('cont');
    const top = this.fresh('top');
    this.loops.push({ brk, cont });
    const inner = body.map((s) => this.stmt(s));
    this.loops.pop();
    return b.block([...init, b.loop(top, [b.brIf(brk, b.i32.eqz(cond)), ...bind, b.block(inner, { label: cont, type: 'none' }), ...step, b.br(top)])], { label: brk, type: 'none' });
  }

  private assign(s: A.Assign): IR {
    const t = s.target;
    if (t.kind === 'ident') return this.store(t.name, assignedValue(s), s.loc);
    return this.assignPlace(s, t);
  }

  /**
   * `a.f = v`, `v[i] = x` and their compound forms: the object and the index are evaluated once
   * (`v[k()] += 1` calls k once), then the value (for `op=`, the current value op the right
   * side), which is stored; with `want`, the value is also the result, as in Julia.
   */
  private assignPlace(s: A.Assign, t: A.FieldAccess | A.Index, want?: JType): IR {
    const b = this.b;
    const om = this.host.om;
    const ot = this.typing.typeOf(t.object);
    const operands = t.kind === 'index' ? [t.object, ...t.indices] : [t.object];
    const result = (stores: IR[]) => (want === undefined ? b.seq(...stores) : b.seq(...stores, this.convert(b.get(val), vt, want, s.loc)));
    if (t.kind === 'index' && (t.indices.length !== 1 || (isConcrete(ot) && ot.kind !== 'vector'))) {
      const what = t.indices.length !== 1 ? 'only vectors can be indexed, with one index' : `no method matching setindex!(${ot}, ...)`;
      return this.raise(t.indices.length !== 1 ? 'TypeError' : 'MethodError', what, s.loc, want === undefined || want === Bottom ? 'none' : VT[reprOf(want)], b.seq(...[...operands, s.value].map((x) => this.discard(this.expr(x)))));
    }
    const temps = operands.map((x) => {
      const type = this.typing.typeOf(x);
      return { type, local: b.local(VT[reprOf(type)]), init: this.expr(x) };
    });
    const obj = () => b.get(temps[0]!.local);
    const boxed = (k: number) => this.box(b.get(temps[k]!.local), temps[k]!.type);
    const field = t.kind === 'field' && ot.kind === 'data' && !ot.abstract && !ot.primitive ? ot.fields.find((f) => f.name === t.name) : undefined;
    if (t.kind === 'field' && ot.kind === 'data' && !ot.abstract && !ot.primitive && !field) throw new JlError('ErrorException', `type ${ot} has no field ${t.name}`, s.loc);
    const index = () => this.convert(b.get(temps[1]!.local), temps[1]!.type, Int64, s.loc);
    // The current value, for op=.
    const current = (): IR => {
      if (t.kind === 'field') return field ? b.field(obj(), om.rtt(ot), t.name) : b.call('jl:getfield', boxed(0), b.i32(om.intern(t.name)));
      return ot.kind === 'vector' ? b.call(`jl:vec_get_${reprOf(ot.element)}`, obj(), index()) : b.call('jl:dyn_getindex', boxed(0), boxed(1));
    };
    const vt = this.typing.typeOf(assignedValue(s));
    const rt = this.typing.typeOf(s.value);
    const value = s.op === '=' ? this.expr(s.value) : this.callWithValues(s.op.slice(0, -1), [current(), this.expr(s.value)], [this.typing.typeOf(t), rt], s.loc, vt);
    const val = b.local(VT[reprOf(vt)]);
    const inits = [...temps.map((x) => b.set(x.local, x.init)), b.set(val, value)];
    if (field && ot.kind === 'data' && t.kind === 'field') {
      if (!ot.mutable) return b.seq(...inits, this.raise('ErrorException', `setfield!: immutable struct of type ${ot} cannot be changed`, s.loc, 'none'));
      return result([...inits, b.setField(obj(), om.rtt(ot), t.name, this.storeConvert(b.get(val), vt, field.type, s.loc))]);
    }
    if (t.kind === 'field') return result([...inits, b.call('jl:setfield', boxed(0), b.i32(om.intern(t.name)), this.box(b.get(val), vt))]);
    if (ot.kind === 'vector') return result([...inits, b.call(`jl:vec_set_${reprOf(ot.element)}`, obj(), index(), this.storeConvert(b.get(val), vt, ot.element, s.loc))]);
    return result([...inits, b.call('jl:dyn_setindex', boxed(0), boxed(1), this.box(b.get(val), vt))]);
  }

  /** Assign a variable: a local in its repr, or (top level) a global cell holding a boxed value. */
  private store(name: string, value: A.Expr, at: A.Loc): IR {
    const b = this.b;
    const l = this.localOf(name);
    if (l) {
      const flag = this.guarded.get(name);
      const set = b.set(l, this.stored(value, this.typing.vars.get(name)!));
      return flag ? b.seq(set, b.set(flag, b.i32(1))) : set;
    }
    const g = this.host.env.globals.get(name);
    if (g?.constant || this.host.env.isProgramConstant(name)) throw new JlError('ErrorException', `invalid redefinition of constant ${name}`, at);
    return b.setGlobal(this.host.globalCell(name), this.expr(value, Any));
  }

  /** A global variable's boxed value; 0 while it is undefined (assigned by no statement that completed). */
  private globalValue(name: string, at: A.Loc): IR {
    const b = this.b;
    const v = b.local('i32');
    return b.block([b.set(v, b.global(this.host.globalCell(name))), b.if(b.i32.eqz(b.get(v)), this.raise('UndefVarError', `${name} not defined`, at, 'none')), b.get(v)], { type: 'i32' });
  }

  // ---- expressions ----

  /** An expression's value, converted to `want` when given (else in its own type's repr). */
  expr(e: A.Expr, want?: JType): IR {
    const t = this.typing.typeOf(e);
    const ir = this.value(e, t);
    return want === undefined ? ir : this.convert(ir, t, want, e.loc);
  }

  private value(e: A.Expr, t: JType): IR {
    const b = this.b;
    const om = this.host.om;
    switch (e.kind) {
      case 'int':
        return b.i64(e.value);
      case 'float':
        return b.f64(e.value);
      case 'bool':
        return b.i32(e.value ? 1 : 0);
      case 'nothing':
        return b.constant(SYM.nothing);
      case 'string':
        return b.i32(om.box(e.value));
      case 'interp':
        return this.stringOf(e.parts);
      case 'ident': {
        const l = this.localOf(e.name);
        if (l) return this.typing.scoped.unassigned.has(e) ? this.checkedLocal(l, e.name, e.loc) : b.get(l);
        // A local nothing assigns.
        if (this.typing.scoped.locals.has(e.name)) return this.raise('UndefVarError', `${sourceName(e.name)} not defined`, e.loc, t === Bottom ? 'none' : VT[reprOf(t)]);
        if (this.typing.topLevel || this.host.env.globals.has(e.name)) {
          const g = this.host.env.globals.get(e.name);
          if (g?.constant) return this.convert(b.global(g.cell), Any, t, e.loc);
          if (g || this.typing.assignedGlobals.has(e.name)) return this.convert(this.globalValue(e.name, e.loc), Any, t, e.loc);
        }
        const ty = this.host.env.types.get(e.name);
        if (ty) return b.i32(this.host.typeObject(ty));
        throw new JlError('UndefVarError', `${e.name} not defined`, e.loc);
      }
      case 'type-value':
        return b.i32(this.host.typeObject(this.host.env.resolveType(e.type)));
      case 'field': {
        const ot = this.typing.typeOf(e.object);
        if (ot.kind === 'data' && !ot.abstract && !ot.primitive) return b.field(this.expr(e.object, ot), om.rtt(ot), e.name);
        return b.call('jl:getfield', this.expr(e.object, Any), b.i32(om.intern(e.name)));
      }
      case 'index': {
        const lit = this.typing.typedVectorLiteral(e);
        if (lit) return this.vectorLit(e.indices, lit as VectorType);
        const ot = this.typing.typeOf(e.object);
        const operands = () => b.seq(...[e.object, ...e.indices].map((x) => this.discard(this.expr(x))));
        if (e.indices.length !== 1) return this.raise('TypeError', 'only vectors can be indexed, with one index', e.loc, VT[reprOf(t)], operands());
        if (ot.kind === 'vector') return b.call(`jl:vec_get_${reprOf(ot.element)}`, this.expr(e.object, ot), this.expr(e.indices[0]!, Int64));
        if (isRangeType(ot)) return this.callGeneric('getindex', [e.object, e.indices[0]!], t, e.loc);
        if (isConcrete(ot)) return this.raise('MethodError', `no method matching getindex(${ot}, ...)`, e.loc, VT[reprOf(t)], operands());
        return b.call('jl:dyn_getindex', this.expr(e.object, Any), this.expr(e.indices[0]!, Any));
      }
      case 'vector':
        if (t === Bottom) return b.seq(...e.elements.map((x) => this.discard(this.expr(x))), b.unreachable());
        if (t.kind === 'vector') return this.vectorLit(e.elements, t);
        // The elements' types are known only at run time: promote them there, on their values.
        return b.call('jl:vect', this.vectorLit(e.elements, vectorOf(Any)));
      case 'unary':
        return this.callGeneric(e.op, [e.operand], t, e.loc);
      case 'binary':
        if (e.left.kind === 'binary') return this.chain(e, t);
        return this.callGeneric(e.op, [e.left, e.right], t, e.loc);
      case 'comparison': {
        // Each operand once: keep them in locals, then && the pairwise comparisons.
        const ts = e.operands.map((o) => this.typing.typeOf(o));
        const tmps = ts.map((x) => b.local(VT[reprOf(x)]));
        const sets = e.operands.map((o, i) => b.set(tmps[i]!, this.expr(o)));
        let acc: IR | undefined;
        for (let i = e.ops.length - 1; i >= 0; i--) {
          const cmp = this.callWithValues(e.ops[i]!, [b.get(tmps[i]!), b.get(tmps[i + 1]!)], [ts[i]!, ts[i + 1]!], e.loc, Bool);
          acc = acc ? b.if(cmp, acc, b.i32(0), 'i32') : cmp;
        }
        return b.seq(...sets, acc!);
      }
      case 'isa': {
        const vt = this.typing.typeOf(e.value);
        const target = this.host.env.resolveType(e.type);
        if (subtype(vt, target)) return b.seq(this.discard(this.expr(e.value)), b.i32(1));
        if (isConcrete(vt)) return b.seq(this.discard(this.expr(e.value)), b.i32(0));
        return this.isaTest(this.expr(e.value, Any), target);
      }
      case 'and':
        return b.if(this.cond(e.left), this.expr(e.right, t), this.convert(b.i32(0), Bool, t, e.loc), VT[reprOf(t)]);
      case 'or':
        return b.if(this.cond(e.left), this.convert(b.i32(1), Bool, t, e.loc), this.expr(e.right, t), VT[reprOf(t)]);
      case 'jump':
        return this.stmt(e.stmt);
      case 'ternary':
        return b.if(this.cond(e.cond), this.expr(e.whenTrue, t), this.expr(e.whenFalse, t), t === Bottom ? undefined : VT[reprOf(t)]);
      case 'range':
        return this.rangeValue(e, t, this.typing.rangeParts(e).map((p) => this.typing.typeOf(p)));
      case 'call':
        return this.call(e, t);
    }
  }

  /**
   * A left-deep chain of operators (a long sum), from the innermost operation out in a loop:
   * recursing down the chain would run out of stack. Every SPILL_EVERY operations the value so
   * far is held in a local, so the code's nesting stays bounded too.
   */
  private chain(e: A.Binary, t: JType): IR {
    const b = this.b;
    const spine: A.Binary[] = [];
    let x: A.Expr = e;
    for (; x.kind === 'binary'; x = x.left) spine.push(x);
    const held: IR[] = [];
    let acc = this.expr(x);
    for (let i = spine.length - 1; i >= 0; i--) {
      const n = spine[i]!;
      const nt = i === 0 ? t : this.typing.typeOf(n);
      acc = this.callWithValues(n.op, [acc, this.expr(n.right)], [this.typing.typeOf(n.left), this.typing.typeOf(n.right)], n.loc, nt);
      if (i > 0 && i % SPILL_EVERY === 0 && nt !== Bottom) {
        const l = b.local(VT[reprOf(nt)]);
        held.push(b.set(l, acc));
        acc = b.get(l);
      }
    }
    return held.length ? b.seq(...held, acc) : acc;
  }

  private call(e: A.Call, t: JType): IR {
    const b = this.b;
    const c = e.callee;
    if (c.kind === 'type-value') return b.call('jl:vec_new', b.rttId(this.host.om.rtt(t)), b.i32(0), b.i32(ELEM_SIZE[reprOf((t as VectorType).element)]));
    if (c.kind !== 'ident') throw new JlError('TypeError', 'only named functions can be called', e.loc);
    if (this.typing.callsValue(c.name)) {
      // The value, then the arguments, are evaluated before the call fails.
      const f = b.local('i32');
      const args = e.args.map((a) => this.discard(this.expr(a)));
      return b.seq(b.set(f, this.expr(c, Any)), ...args, b.call('jl:not_callable', b.get(f)), b.unreachable());
    }
    const intrinsic = INTRINSICS.get(c.name);
    if (intrinsic) return intrinsic.emit(b, e.args.map((a, i) => this.expr(a, intrinsic.params[i]!)));
    if (BUILTINS.has(c.name)) {
      const done = this.builtin(c.name, e);
      if (done) return done;
    }
    return this.callGeneric(c.name, e.args, t, e.loc);
  }

  /** A call of a generic function: static when the argument types are concrete, else dispatched. */
  private callGeneric(name: string, args: readonly A.Expr[], t: JType, at: A.Loc): IR {
    const ts = args.map((a) => this.typing.typeOf(a));
    return this.callWithValues(name, args.map((a) => this.expr(a)), ts, at, t);
  }

  private callWithValues(name: string, values: IR[], ts: readonly JType[], at: A.Loc, t: JType): IR {
    const b = this.b;
    if (ts.some((x) => x === Bottom)) return b.seq(...values.map((v) => this.discard(v)), b.unreachable());
    if (staticallyBound(ts)) {
      const spec = this.host.specTarget(name, ts);
      if (!spec) {
        const err = this.host.callError(name, ts);
        return b.seq(...values.map((v) => this.discard(v)), this.raise(err.kind as (typeof RAISE_KIND)[number], err.bare, at, 'none'), b.unreachable());
      }
      return this.callSpec(spec, values, at, t);
    }
    const split = this.host.splitTargets(name, ts);
    if (split) return this.splitCall(name, split, values, ts, at, t);
    return this.dispatch(name, values.map((v, i) => this.box(v, ts[i]!)), at, t);
  }

  /** A static call of a specialisation, as a value of type `t`. */
  private callSpec(spec: SplitTarget, args: IR[], at: A.Loc, t: JType): IR {
    const b = this.b;
    const call = b.call(spec.name, ...args);
    // `t` is the call's type except where the caller wants another (a comparison chain's Bool).
    // A callee that never returns gives no value: the unreachable types the call for any context.
    if (spec.ret === Bottom) return b.seq(call, b.unreachable());
    return this.convert(call, spec.ret, t, at);
  }

  /** A call dispatched at run time on its boxed arguments, as a value of type `t`. */
  private dispatch(name: string, boxed: IR[], at: A.Loc, t: JType): IR {
    const b = this.b;
    // When every method the call can reach returns the same primitive type, the dispatcher
    // returns it unboxed: no allocation, and the caller keeps computing statically.
    const r = reprOf(t);
    const unboxed = r !== 'ref' && isConcrete(t) ? this.host.unboxedDispatcher(name, boxed.length, r) : undefined;
    if (unboxed) return b.call(unboxed, ...boxed);
    const d = this.host.dispatcher(name, boxed.length);
    const call = d ? b.call(d, ...boxed) : this.dynCall(name, boxed);
    if (t === Bottom) return b.seq(b.drop(call), b.unreachable());
    return this.convert(call, Any, t, at);
  }

  /** A call with no dispatcher: the boxed arguments in a Vector{Any}, the method picked on the JS side. */
  private dynCall(name: string, boxed: IR[]): IR {
    const b = this.b;
    const v = b.local('i32');
    return b.block(
      [
        b.set(v, b.call('jl:vec_new', b.rttId(this.host.om.rtt(vectorOf(Any))), b.i32(boxed.length), b.i32(ELEM_SIZE.ref))),
        ...boxed.map((x) => b.drop(b.call('jl:vec_push_ref', b.get(v), x))),
        b.call('jl:dyncall', b.i32(this.host.om.intern(name)), b.get(v)),
      ],
      { type: 'i32' },
    );
  }

  /**
   * A dynamic call split into its few possible methods: each argument's concrete type is read
   * once and compared with each method's (concrete types have no subtypes, so equality is the
   * test), and the matching specialisation is called statically with its arguments unboxed.
   * Arguments no method fits raise the MethodError: no method can fit them while this code runs
   * (a method added since invalidated it; code already running keeps the methods it was compiled
   * with). That path is a host call that does not return, so the engine keeps nothing live across
   * it: with a call that returns there, V8 spills a loop's values around it on every iteration.
   */
  private splitCall(name: string, targets: readonly SplitTarget[], values: IR[], ts: readonly JType[], at: A.Loc, t: JType): IR {
    const b = this.b;
    const om = this.host.om;
    const vals = values.map((v, i) => ({ local: b.local(VT[reprOf(ts[i]!)]), init: v }));
    // Only arguments whose static type is not concrete need a test (a concrete one fits every target).
    const dyn = ts.map((x) => !isConcrete(x));
    const rtts = ts.map((_, i) => (dyn[i] ? b.local('i32') : undefined));
    const ty = t === Bottom ? undefined : VT[reprOf(t)];
    const boxed = vals.map((v, i) => this.box(b.get(v.local), ts[i]!));
    let tail = b.seq(b.call(`jl:nomethod${boxed.length}`, b.i32(om.intern(name)), ...boxed), b.unreachable());
    for (let k = targets.length - 1; k >= 0; k--) {
      const tg = targets[k]!;
      const tests = tg.types.flatMap((p, i) => (rtts[i] ? [b.i32.eq(b.get(rtts[i]!), b.rttId(om.rtt(p)))] : []));
      const cond = tests.slice(1).reduce((acc, x) => b.i32.and(acc, x), tests[0]!);
      // Known to be of its parameter's type: unbox without the check convert() would make.
      const args = tg.types.map((p, i) => (dyn[i] ? this.unbox(b.get(vals[i]!.local), p) : b.get(vals[i]!.local)));
      tail = b.if(cond, this.callSpec(tg, args, at, t), tail, ty);
    }
    const init = vals.map((v) => b.set(v.local, v.init));
    const reads = rtts.flatMap((r, i) => (r ? [b.set(r, b.rttOf(b.get(vals[i]!.local)))] : []));
    return b.block([...init, ...reads, tail], ty ? { type: ty } : {});
  }

  /** A new struct: each argument converted to its field's type (the default constructors' body). */
  private construct(ty: JType, args: readonly A.Expr[], at: A.Loc): IR {
    const b = this.b;
    if (ty.kind !== 'data' || ty.abstract || ty.primitive || args.length !== ty.fields.length) throw new JlError('MethodError', `no constructor for ${ty} with ${args.length} field(s)`, at);
    const r = this.host.om.rtt(ty);
    const p = b.local('i32');
    return b.block(
      [
        b.set(p, b.call(SYM.alloc, b.sizeOf(r))),
        b.initHeader(b.get(p), r),
        ...ty.fields.map((f, i) => b.setField(b.get(p), r, f.name, this.stored(args[i]!, f.type))),
        b.get(p),
      ],
      { type: 'i32' },
    );
  }

  private vectorLit(elements: readonly A.Expr[], t: VectorType): IR {
    const b = this.b;
    const repr = reprOf(t.element);
    const v = b.local('i32');
    return b.block(
      [
        b.set(v, b.call('jl:vec_new', b.rttId(this.host.om.rtt(t)), b.i32(elements.length), b.i32(ELEM_SIZE[repr]))),
        ...elements.map((x) => b.drop(b.call(`jl:vec_push_${repr}`, b.get(v), this.stored(x, t.element)))),
        b.get(v),
      ],
      { type: 'i32' },
    );
  }

  private element(vec: IR, t: VectorType, k0: IR): IR {
    // k0 is 0-based and in range (loops): read it straight from the buffer.
    const b = this.b;
    const r = reprOf(t.element);
    const addr = b.i32.add(b.field(vec, this.host.om.rtt(t), 'data'), b.i32.mul(k0, b.i32(ELEM_SIZE[r])));
    return r === 'i64' ? b.i64.load(addr) : r === 'f64' ? b.f64.load(addr) : b.i32.load(addr);
  }

  /** Builtins the compiler implements; undefined means "dispatch to a user method instead". */
  private builtin(name: string, e: A.Call): IR | undefined {
    const b = this.b;
    const ts = e.args.map((a) => this.typing.typeOf(a));
    switch (name) {
      case 'println':
      case 'print': {
        // Every argument is evaluated before anything is printed (one may raise).
        const tmps = e.args.map(() => b.local('i32'));
        const sets = e.args.map((a, i) => b.set(tmps[i]!, this.expr(a, Any)));
        return b.seq(...sets, ...tmps.map((l) => b.call('jl:print', b.get(l))), ...(name === 'println' ? [b.call('jl:newline')] : []), b.constant(SYM.nothing));
      }
      case 'string':
        return this.stringOf(e.args);
      case 'length':
        if (ts[0]?.kind === 'vector') return b.i64.extend_i32_u(b.field(this.expr(e.args[0]!, ts[0]), this.host.om.rtt(ts[0]), 'length'));
        if (ts[0] === String_) return b.call('jl:strlen', this.expr(e.args[0]!, String_));
        if (e.args.length === 1 && !isConcrete(ts[0]!)) return b.call('jl:dyn_length', this.expr(e.args[0]!, Any));
        return undefined;
      case 'push!':
        if (ts[0]?.kind === 'vector' && e.args.length === 2) {
          return b.call(`jl:vec_push_${reprOf(ts[0].element)}`, this.expr(e.args[0]!, ts[0]), this.stored(e.args[1]!, ts[0].element));
        }
        if (e.args.length === 2 && !isConcrete(ts[0]!)) return b.call('jl:dyn_push', this.expr(e.args[0]!, Any), this.expr(e.args[1]!, Any));
        return undefined;
      case 'typeof': {
        const x = ts[0]!;
        if (isConcrete(x)) return b.seq(this.discard(this.expr(e.args[0]!)), b.i32(this.host.typeObject(x)));
        return b.call('jl:typeof', this.expr(e.args[0]!, Any));
      }
      case 'isa': {
        const target = e.args[1];
        return this.value({ kind: 'isa', value: e.args[0]!, type: target!.kind === 'ident' ? { kind: 'type-name', name: target.name, loc: target.loc } : (target as A.TypeValue).type, loc: e.loc }, Bool);
      }
      case 'error':
        return b.seq(b.call('jl:error', this.stringOf(e.args)), b.unreachable());
      case '__domain_error':
        // __domain_error(x, message): Julia's DomainError with x.
        return b.seq(b.call('jl:domain_error', this.expr(e.args[0]!, Any), this.expr(e.args[1]!, Any)), b.unreachable());
      case '__bounds_error':
        return b.seq(b.call('jl:bounds_error', this.expr(e.args[0]!, Any), this.expr(e.args[1]!, Int64)), b.unreachable());
      case '__out_of_memory':
        // __out_of_memory(bytes): Julia's OutOfMemoryError (values.ts).
        return b.seq(b.call('jl:out_of_memory', this.expr(e.args[0]!, Int64)), b.unreachable());
      case '__egal':
        return b.call('jl:egal', this.expr(e.args[0]!, Any), this.expr(e.args[1]!, Any));
      case '__equal':
        return b.call('jl:equal', this.expr(e.args[0]!, Any), this.expr(e.args[1]!, Any));
      case '__sum_empty': {
        // sum of an empty vector: Julia's zero(T), which has no method for other element types.
        const v = this.discard(this.expr(e.args[0]!));
        const el = ts[0]?.kind === 'vector' ? ts[0].element : undefined;
        if (el === Int64) return b.seq(v, b.i64(0));
        if (el === Float64) return b.seq(v, b.f64(0));
        return b.seq(v, this.raise('MethodError', `no method matching zero(Type{${el ?? ts[0]}})`, e.loc, 'none'), b.unreachable());
      }
      case '__copy_vector':
        return this.copyVector(e.args[0]!, ts[0]!, e.loc);
      case '__new':
        return this.construct(this.typing.namedType(e.args[0]!), e.args.slice(1), e.loc);
      case '__convert':
        return this.stored(e.args[0]!, this.typing.namedType(e.args[1]!));
    }
    return undefined;
  }

  /** A new vector of the same type and elements (collect): its buffer copied. */
  private copyVector(arg: A.Expr, t: JType, at: A.Loc): IR {
    const b = this.b;
    if (t.kind !== 'vector') return b.seq(this.discard(this.expr(arg)), this.raise('MethodError', `no method matching collect(${t})`, at, 'none'), b.unreachable());
    const rtt = this.host.om.rtt(t);
    const size = ELEM_SIZE[reprOf(t.element)];
    const [v, n, c] = [b.local('i32'), b.local('i32'), b.local('i32')];
    return b.block(
      [
        b.set(v, this.expr(arg, t)),
        b.set(n, b.field(b.get(v), rtt, 'length')),
        b.set(c, b.call('jl:vec_new', b.rttId(rtt), b.get(n), b.i32(size))),
        b.memory.copy(b.field(b.get(c), rtt, 'data'), b.field(b.get(v), rtt, 'data'), b.i32.mul(b.get(n), b.i32(size))),
        b.setField(b.get(c), rtt, 'length', b.get(n)),
        b.get(c),
      ],
      { type: 'i32' },
    );
  }

  /** string(parts...): each part printed into a buffer on the JS side. */
  private stringOf(parts: readonly A.Expr[]): IR {
    const b = this.b;
    return b.seq(b.call('jl:str_begin'), ...parts.map((p) => b.call('jl:str_part', this.expr(p, Any))), b.call('jl:str_end'));
  }
}
