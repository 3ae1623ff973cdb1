// The JS side's hands on language values: fields, vector elements and identity for the host
// functions that meet values of unknown type, and the wasm helpers (boxing, vectors) that
// generated code calls.

import type { Expr as IR, FuncBuilder, Runtime } from '../../runtime/index.js';
import { VT } from './emit.js';
import { JlError } from './errors.js';
import { printed } from './show.js';
import { RANGE_FN } from './range-code.js';
import { Any, Bool, Float64, FloatRangeT, Int64, StepRangeT, UnitRangeT, isTypeObjectType, numberTarget, reprOf, subtype, type JType } from './types.js';
import { ELEM_SIZE, SYM, type ObjectModel } from './values.js';

export class Objects {
  constructor(
    private readonly rt: Runtime,
    private readonly om: ObjectModel,
  ) {}

  /**
   * Julia's `===`: identity for mutable objects, equal contents for immutable ones, however deep
   * (a chain of immutable structs cannot close a cycle: it passes through a mutable object,
   * compared by identity). The pairs still to compare are a worklist, not the JS stack.
   */
  egal(a: number, b: number): boolean {
    const pending = [a, b];
    while (pending.length) {
      const y = pending.pop()!;
      const x = pending.pop()!;
      if (x === y) continue;
      const t = this.om.typeAt(x);
      if (t !== this.om.typeAt(y) || t.kind !== 'data' || t.mutable) return false;
      if (t === Float64) {
        // Floats by their bits, as Julia: 0.0 !== -0.0, and a NaN is itself.
        const at = this.om.fieldOffset(Float64, 'value');
        if (this.om.view().getBigInt64(x + at, true) !== this.om.view().getBigInt64(y + at, true)) return false;
      } else if (t.primitive !== undefined || isTypeObjectType(t)) {
        if (this.om.unbox(x) !== this.om.unbox(y)) return false;
      } else for (const f of t.fields) pending.push(this.getfield(x, f.name), this.getfield(y, f.name));
    }
    return true;
  }

  /** Julia's `convert(to, x)` for a value stored in a typed place (see Emitter.storeConvert). */
  convert(p: number, to: JType, where = ''): number {
    const t = this.om.typeAt(p);
    if (subtype(t, to)) return p;
    const n = numberTarget(to);
    if (n && n !== to && (t === Int64 || t === Float64 || t === Bool)) return this.convert(p, n, where);
    const x = this.om.unbox(p);
    const inexact = () => new JlError('InexactError', `${to}(${printed(this.om, p)})`);
    if ((t === Int64 || t === Bool) && to === Float64) return this.om.box(Number(x));
    if (t === Bool && to === Int64) return this.om.box(x ? 1n : 0n);
    if (t === Float64 && to === Int64) {
      const f = x as number;
      if (!Number.isInteger(f) || f < -(2 ** 63) || f >= 2 ** 63) throw inexact();
      return this.om.box(BigInt(f));
    }
    if ((t === Int64 || t === Float64) && to === Bool) {
      if (x !== 0n && x !== 1n && x !== 0 && x !== 1) throw inexact();
      return this.om.box(x === 1n || x === 1);
    }
    if ((t === UnitRangeT && to === StepRangeT) || ((t === UnitRangeT || t === StepRangeT) && to === FloatRangeT)) {
      // Julia's convert between range types, as promotion asks for (see RangeCode.storeConvert).
      const field = (f: string) => this.om.view().getBigInt64(p + this.om.fieldOffset(t, f), true);
      const [start, step, stop] = [field('start'), t === UnitRangeT ? 1n : field('step'), field('stop')];
      if (to === StepRangeT) return this.rt.fn<(a: bigint, s: bigint, b: bigint) => number>(RANGE_FN.step)(start, step, stop);
      return this.rt.fn<(a: number, s: number, b: number) => number>(RANGE_FN.float)(Number(start), Number(step), Number(stop));
    }
    if (t.kind === 'vector' && to.kind === 'vector') {
      // A copy, each element converted.
      const from = this.vec(p);
      const id = (this.rt.lookup(this.om.rtt(to)) as { id: number }).id;
      const copy = this.rt.fn<(rtt: number, cap: number, size: number) => number>('jl:vec_new')(id, from.length, ELEM_SIZE[reprOf(to.element)]);
      const into = this.vec(copy);
      for (let k = 0; k < from.length; k++) into.push(from.get(k));
      return copy;
    }
    throw new JlError('TypeError', `${where}expected ${to}, got a value of type ${t}`);
  }

  getfield(p: number, name: string): number {
    const t = this.om.typeAt(p);
    if (t.kind !== 'data' || t.abstract || t.primitive) throw new JlError('ErrorException', `type ${t} has no field ${name}`);
    const f = t.fields.find((x) => x.name === name);
    if (!f) throw new JlError('ErrorException', `type ${t} has no field ${name}`);
    const at = p + this.om.fieldOffset(t, name);
    const v = this.om.view();
    switch (reprOf(f.type)) {
      case 'i64':
        return this.om.box(v.getBigInt64(at, true));
      case 'f64':
        return this.om.box(v.getFloat64(at, true));
      case 'i32':
        return this.om.box(v.getInt32(at, true) !== 0);
      default:
        return v.getInt32(at, true);
    }
  }

  setfield(p: number, name: string, value: number): void {
    const t = this.om.typeAt(p);
    if (t.kind !== 'data' || t.abstract || t.primitive) throw new JlError('ErrorException', `type ${t} has no field ${name}`);
    if (!t.mutable) throw new JlError('ErrorException', `setfield!: immutable struct of type ${t} cannot be changed`);
    const f = t.fields.find((x) => x.name === name);
    if (!f) throw new JlError('ErrorException', `type ${t} has no field ${name}`);
    value = this.convert(value, f.type, 'in setfield!, ');
    const at = p + this.om.fieldOffset(t, name);
    const v = this.om.view();
    const x = this.om.unbox(value);
    switch (reprOf(f.type)) {
      case 'i64':
        return v.setBigInt64(at, x as bigint, true);
      case 'f64':
        return v.setFloat64(at, x as number, true);
      case 'i32':
        return v.setInt32(at, x ? 1 : 0, true);
      default:
        return v.setInt32(at, value, true);
    }
  }

  /** A vector seen from JS (for code that handles it without knowing its type). */
  vec(p: number): { length: number; get(k: number): number; set(k: number, x: number): void; push(x: number): number } {
    const t = this.om.typeAt(p);
    if (t.kind !== 'vector') throw new JlError('MethodError', `no method matching iterate/getindex/push! for a value of type ${t}`);
    const om = this.om;
    const r = reprOf(t.element);
    const es = ELEM_SIZE[r];
    const v = () => om.view();
    const length = v().getInt32(p + om.fieldOffset(t, 'length'), true);
    const at = (k: number) => v().getInt32(p + om.fieldOffset(t, 'data'), true) + k * es;
    const raw = (x: number) => {
      const c = this.convert(x, t.element, `storing in a ${t}: `);
      const u = om.unbox(c);
      return r === 'i64' ? (u as bigint) : r === 'f64' ? (u as number) : r === 'i32' ? (u ? 1 : 0) : c;
    };
    return {
      length,
      get: (k) => (r === 'i64' ? om.box(v().getBigInt64(at(k), true)) : r === 'f64' ? om.box(v().getFloat64(at(k), true)) : r === 'i32' ? om.box(v().getInt32(at(k), true) !== 0) : v().getInt32(at(k), true)),
      set: (k, x) => {
        const u = raw(x);
        if (r === 'i64') v().setBigInt64(at(k), u as bigint, true);
        else if (r === 'f64') v().setFloat64(at(k), u as number, true);
        else v().setInt32(at(k), u as number, true);
      },
      push: (x) => this.rt.fn<(v: number, x: number | bigint) => number>(`jl:vec_push_${r}`)(p, raw(x)),
    };
  }

  /** Julia's BoundsError for index `i` of the vector at `v`. */
  boundsError(v: number, i: bigint): never {
    throw new JlError('BoundsError', `attempt to access ${this.vec(v).length}-element ${this.om.typeAt(v)} at index [${i}]`);
  }

  /** A 1-based boxed Int64 index into the vector at `v`, as a 0-based offset (bounds checked). */
  index(v: number, i: number): number {
    const x = this.om.unbox(i);
    if (typeof x !== 'bigint') throw new JlError('TypeError', `index must be an Int64, got a value of type ${this.om.typeAt(i)}`);
    const len = this.vec(v).length;
    if (x < 1n || x > BigInt(len)) this.boundsError(v, x);
    return Number(x) - 1;
  }

  definePrimitives(): void {
    const om = this.om;
    const s = this.rt.stage('jl:primitives');
    for (const [name, t, vt] of [['jl:box_i64', Int64, 'i64'], ['jl:box_f64', Float64, 'f64']] as const) {
      s.func(name, `${vt} -> i32`, (b) => {
        const p = b.local('i32');
        return [b.set(p, b.call(SYM.alloc, b.sizeOf(om.rtt(t)))), b.initHeader(b.get(p), om.rtt(t)), b.setField(b.get(p), om.rtt(t), 'value', b.param(0)), b.get(p)];
      });
    }
    const any = om.vectorType(Any);
    const LEN = om.fieldOffset(any, 'length');
    const CAP = om.fieldOffset(any, 'capacity');
    const DATA = om.fieldOffset(any, 'data');
    const size = om.sizeOf(any);
    s.func('jl:vec_new', 'i32 i32 i32 -> i32', (b) => {
      const p = b.local('i32');
      return [
        b.set(p, b.call(SYM.alloc, b.i32(size))),
        b.i32.store(b.get(p), b.param(0)),
        b.i32.store(b.get(p), b.param(1), CAP),
        b.i32.store(b.get(p), b.if(b.param(1), b.call(SYM.alloc, b.i32.mul(b.param(1), b.param(2))), b.i32(0)), DATA),
        b.get(p),
      ];
    });
    for (const r of ['i64', 'f64', 'i32', 'ref'] as const) {
      const es = ELEM_SIZE[r];
      const vt = VT[r];
      const load = (b: FuncBuilder, addr: IR) => (vt === 'i64' ? b.i64.load(addr) : vt === 'f64' ? b.f64.load(addr) : b.i32.load(addr));
      const store = (b: FuncBuilder, addr: IR, x: IR) => (vt === 'i64' ? b.i64.store(addr, x) : vt === 'f64' ? b.f64.store(addr, x) : b.i32.store(addr, x));
      s.func(`jl:vec_push_${r}`, `i32 ${vt} -> i32`, (b) => {
        const v = b.param(0);
        const len = b.local('i32');
        const cap = b.local('i32');
        const nd = b.local('i32');
        // The new capacity's bytes in i64: in i32 they wrapped past 4 GiB, and a buffer too small
        // was handed out (jl:alloc refuses what is past 4 GiB with an OutOfMemoryError).
        const bytes = b.local('i64');
        return [
          b.set(len, b.i32.load(v, LEN)),
          b.set(cap, b.i32.load(b.param(0), CAP)),
          b.if(b.i32.eq(b.get(len), b.get(cap)), [
            b.set(bytes, b.i64.mul(b.if(b.get(cap), b.i64.shl(b.i64.extend_i32_u(b.get(cap)), b.i64(1)), b.i64(4)), b.i64(es))),
            b.if(b.i64.gt_u(b.get(bytes), b.i64(0xffffffff)), [b.call('jl:out_of_memory', b.get(bytes)), b.unreachable()]),
            b.set(cap, b.i32.wrap_i64(b.i64.div_u(b.get(bytes), b.i64(es)))),
            b.set(nd, b.call(SYM.alloc, b.i32.wrap_i64(b.get(bytes)))),
            b.memory.copy(b.get(nd), b.i32.load(b.param(0), DATA), b.i32.mul(b.get(len), b.i32(es))),
            b.i32.store(b.param(0), b.get(nd), DATA),
            b.i32.store(b.param(0), b.get(cap), CAP),
          ]),
          store(b, b.i32.add(b.i32.load(b.param(0), DATA), b.i32.mul(b.get(len), b.i32(es))), b.param(1)),
          b.i32.store(b.param(0), b.i32.add(b.get(len), b.i32(1)), LEN),
          b.param(0),
        ];
      });
      const checked = (b: FuncBuilder) => {
        const len = b.i64.extend_i32_u(b.i32.load(b.param(0), LEN));
        return b.if(b.i32.or(b.i64.lt_s(b.param(1), b.i64(1)), b.i64.gt_s(b.param(1), len)), [b.call('jl:bounds_error', b.param(0), b.param(1)), b.unreachable()]);
      };
      const addr = (b: FuncBuilder) => b.i32.add(b.i32.load(b.param(0), DATA), b.i32.mul(b.i32.wrap_i64(b.i64.sub(b.param(1), b.i64(1))), b.i32(es)));
      s.func(`jl:vec_get_${r}`, `i32 i64 -> ${vt}`, (b) => [checked(b), load(b, addr(b))], { inline: true });
      s.func(`jl:vec_set_${r}`, `i32 i64 ${vt} ->`, (b) => [checked(b), store(b, addr(b), b.param(2))], { inline: true });
    }
    s.commitSync();
  }
}
