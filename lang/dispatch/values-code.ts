// Values between their representations in generated code: boxing, unboxing with a type check,
// Julia's convert for typed places, run-time isa tests and raising a language error (the part of
// code generation every construct uses; emit.ts builds on it).

import type { Expr as IR, FuncBuilder, ValType } from '../../runtime/index.js';
import type * as A from './syntax/ast.js';
import type { EmitHost } from './emit.js';
import { Any, Bool, Bottom, Float64, Int64, Nothing, isConcrete, numberTarget, reprOf, subtype, type JType, type Repr } from './types.js';
import { SYM } from './values.js';

export const VT: Record<Repr, ValType> = { i64: 'i64', f64: 'f64', i32: 'i32', ref: 'i32' };
/** Codes `jl:raise` understands. */
export const RAISE_KIND = ['ErrorException', 'TypeError', 'MethodError', 'AmbiguityError', 'UndefVarError', 'BoundsError', 'DivideError', 'DomainError', 'InexactError', 'ArgumentError'] as const;

export class ValueCode {
  /**
   * Code of a prelude method (Base's, in Julia): its errors carry no place of their own, so they
   * are placed at the program's statement that ran it, not at a line of the prelude.
   */
  inBase = false;

  constructor(
    protected readonly host: EmitHost,
    protected readonly b: FuncBuilder,
  ) {}

  /** Convert a value of static type `from` (held in its repr) to a value of type `to`. */
  convert(ir: IR, from: JType, to: JType, at: A.Loc): IR {
    const b = this.b;
    // A value of type Union{} never exists, whatever the place wants: what computes it (a local
    // read after an assignment that raised, say) is held in some repr, so end it unreachable.
    if (from === Bottom) return ir.type === 'unreachable' ? ir : b.seq(this.discard(ir), b.unreachable());
    if (ir.type === 'unreachable') return ir;
    const rf = reprOf(from);
    const rt = reprOf(to);
    if (to === Nothing && from === Nothing) return rf === rt ? ir : b.seq(b.drop(ir), b.constant(SYM.nothing));
    if (rf === rt) {
      if (subtype(from, to) || rf !== 'ref') return ir;
      return this.checked(ir, to, at);
    }
    if (rt === 'ref') {
      if (!subtype(from, to)) return this.raise('TypeError', `expected ${to}, got a value of type ${from}`, at, 'i32', ir);
      return this.box(ir, from);
    }
    if (rf === 'ref') return this.unbox(this.checked(ir, to, at), to);
    if (from === Int64 && to === Float64) return b.f64.convert_i64_s(ir);
    return this.raise('TypeError', `expected ${to}, got a value of type ${from}`, at, VT[rt], ir);
  }

  /**
   * Julia's `convert(to, x)` for a value stored in a typed place (a field, an element, a declared
   * variable or result): numbers convert (exactly, or InexactError), vectors to a copy with their
   * elements converted, anything else must already be of type `to` (TypeError).
   */
  storeConvert(ir: IR, from: JType, to: JType, at: A.Loc): IR {
    const b = this.b;
    const numeric = (t: JType) => t === Int64 || t === Float64 || t === Bool;
    if (from === Bottom || ir.type === 'unreachable' || subtype(from, to)) return this.convert(ir, from, to, at);
    const n = numeric(to) ? undefined : numberTarget(to);
    if (n && isConcrete(from)) return numeric(from) ? this.convert(this.storeConvert(ir, from, n, at), n, to, at) : this.convert(ir, from, to, at);
    if (!(n || numeric(to) || to.kind === 'vector')) return this.convert(ir, from, to, at);
    if (from === Int64 && to === Float64) return b.f64.convert_i64_s(ir);
    if (from === Bool && to === Int64) return b.i64.extend_i32_u(ir);
    if (from === Bool && to === Float64) return b.f64.convert_i32_u(ir);
    if (isConcrete(from) && !(numeric(from) && numeric(to)) && !(from.kind === 'vector' && to.kind === 'vector')) return this.convert(ir, from, to, at);
    // The rest may fail (2.5 to Int64) or depends on the value's type: the JS side converts it.
    return this.unbox(b.call('jl:convert', this.box(ir, from), b.i32(this.host.typeObject(to))), to);
  }

  /** Box an unboxed primitive (objects are already pointers). */
  box(ir: IR, t: JType): IR {
    const b = this.b;
    switch (reprOf(t)) {
      case 'i64':
        return b.call('jl:box_i64', ir);
      case 'f64':
        return b.call('jl:box_f64', ir);
      case 'i32':
        return b.select(ir, b.constant(SYM.true), b.constant(SYM.false));
      default:
        return ir;
    }
  }

  protected unbox(ptr: IR, t: JType): IR {
    const b = this.b;
    const r = this.host.om.rtt(t);
    switch (reprOf(t)) {
      case 'i64':
        return b.field(ptr, r, 'value');
      case 'f64':
        return b.field(ptr, r, 'value');
      case 'i32':
        return b.field(ptr, r, 'value');
      default:
        return ptr;
    }
  }

  /** A boxed value, checked at run time to be of type `t`. */
  protected checked(ptr: IR, t: JType, at: A.Loc): IR {
    const b = this.b;
    const tmp = b.local('i32');
    return b.block([b.set(tmp, ptr), b.if(this.isaTest(b.get(tmp), t), b.nop(), this.raise('TypeError', `expected ${t}`, at, 'none', undefined, b.get(tmp))), b.get(tmp)], { type: 'i32' });
  }

  /** Run-time test that the object at `ptr` is of type `t`. */
  isaTest(ptr: IR, t: JType): IR {
    const b = this.b;
    if (t === Any) return b.seq(b.drop(ptr), b.i32(1));
    if (t.kind === 'union') {
      if (!t.members.length) return b.seq(b.drop(ptr), b.i32(0));
      const tmp = b.local('i32');
      return t.members.slice(1).reduce((acc, m) => b.i32.or(acc, this.isaTest(b.get(tmp), m)), this.isaTest(b.tee(tmp, ptr), t.members[0]!));
    }
    if (t.kind === 'vector') return b.i32.eq(b.rttOf(ptr), b.rttId(this.host.om.rtt(t)));
    return b.instanceOf(ptr, this.host.om.rtt(t));
  }

  /** Raise a language error at run time; `value` (evaluated first) and `culprit` are reported. */
  protected raise(kind: (typeof RAISE_KIND)[number], message: string, at: A.Loc, type: ValType | 'none', value?: IR, culprit?: IR): IR {
    const b = this.b;
    const where = this.inBase ? '0:0' : `${at.line}:${at.col}`;
    const call = b.call('jl:raise', b.i32(RAISE_KIND.indexOf(kind)), b.i32(this.host.om.intern(`${where}: ${message}`)), culprit ?? b.i32(0));
    const body = [...(value ? [this.discard(value)] : []), call, b.unreachable()];
    return b.block(body, type === 'none' ? {} : { type });
  }

  protected discard(ir: IR): IR {
    return ir.type === 'none' || ir.type === 'unreachable' ? ir : this.b.drop(ir);
  }
}
