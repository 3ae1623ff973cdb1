// The function-body builder users write code with: `b.i32.add(b.param(0), b.i32(1))`.
// It type-checks every node as it is made, so an error points at the line that made it, and it
// refers to other definitions by name, so the tree can be lowered again when they change.

import { fail, type AccreteError } from '../../runtime/errors.js';
import { INSTR, NUMERIC, type InstrInfo, type ValType } from '../wasm/instructions.js';
import type { BlockExpr, CallExpr, CatchClause, ConstExpr, Expr, ExprType, FuncIR, OpExpr, Sig } from './nodes.js';
import { children, seqType, sigText } from './nodes.js';
import { isValType, parseSig, type SigLike } from './sig.js';
import { RTT_DESC, type Resolver, type SymbolInfo } from './symbols.js';

/** A body: one expression, a list of them (the last one gives the value), or nothing. */
export type Body = Expr | readonly Expr[] | undefined | void;

/** A local variable (parameters are locals 0..n-1). */
export interface Local {
  readonly index: number;
  readonly type: ValType;
}

type N = Expr;
type Op1 = (a: N) => N;
type Op2 = (a: N, b: N) => N;
interface LoadStore {
  load(ptr: N, offset?: number): N;
  store(ptr: N, value: N, offset?: number): N;
}
interface IntNS<W> extends LoadStore {
  (value: W): N;
  eqz: Op1; clz: Op1; ctz: Op1; popcnt: Op1; extend8_s: Op1; extend16_s: Op1;
  eq: Op2; ne: Op2; lt_s: Op2; lt_u: Op2; gt_s: Op2; gt_u: Op2; le_s: Op2; le_u: Op2; ge_s: Op2; ge_u: Op2;
  add: Op2; sub: Op2; mul: Op2; div_s: Op2; div_u: Op2; rem_s: Op2; rem_u: Op2;
  and: Op2; or: Op2; xor: Op2; shl: Op2; shr_s: Op2; shr_u: Op2; rotl: Op2; rotr: Op2;
  trunc_f32_s: Op1; trunc_f32_u: Op1; trunc_f64_s: Op1; trunc_f64_u: Op1;
  trunc_sat_f32_s: Op1; trunc_sat_f32_u: Op1; trunc_sat_f64_s: Op1; trunc_sat_f64_u: Op1;
  load8_s(ptr: N, offset?: number): N; load8_u(ptr: N, offset?: number): N;
  load16_s(ptr: N, offset?: number): N; load16_u(ptr: N, offset?: number): N;
  store8(ptr: N, value: N, offset?: number): N; store16(ptr: N, value: N, offset?: number): N;
}
export interface I32NS extends IntNS<number> {
  wrap_i64: Op1; reinterpret_f32: Op1;
}
export interface I64NS extends IntNS<number | bigint> {
  extend32_s: Op1; extend_i32_s: Op1; extend_i32_u: Op1; reinterpret_f64: Op1;
  load32_s(ptr: N, offset?: number): N; load32_u(ptr: N, offset?: number): N;
  store32(ptr: N, value: N, offset?: number): N;
}
interface FloatNS extends LoadStore {
  (value: number): N;
  eq: Op2; ne: Op2; lt: Op2; gt: Op2; le: Op2; ge: Op2;
  abs: Op1; neg: Op1; ceil: Op1; floor: Op1; trunc: Op1; nearest: Op1; sqrt: Op1;
  add: Op2; sub: Op2; mul: Op2; div: Op2; min: Op2; max: Op2; copysign: Op2;
  convert_i32_s: Op1; convert_i32_u: Op1; convert_i64_s: Op1; convert_i64_u: Op1;
}
export interface F32NS extends FloatNS {
  demote_f64: Op1; reinterpret_i32: Op1;
}
export interface F64NS extends FloatNS {
  promote_f32: Op1; reinterpret_i64: Op1;
}

/** One catch clause of `b.try`: the payload arrives as local reads. */
export interface CatchSpec {
  tag: string;
  body: (payload: Expr[]) => Body;
}

/** `b.memory`: bulk memory operations on the shared memory. */
export interface MemoryNS {
  size(): N;
  grow(pages: N): N;
  copy(dst: N, src: N, n: N): N;
  fill(dst: N, value: N, n: N): N;
}

/**
 * Locals (parameters included) a body may declare: the engines accept 50,000, and lowering adds a
 * few scratch locals of its own (exception payloads).
 */
export const MAX_LOCALS = 50_000 - 64;

export class FuncBuilder {
  // One namespace object per type for all builders (making a callable with a prototype per
  // builder cost more than the rest of a small body). Reading `b.i32` points it at this builder;
  // the builder only names the definition in errors, the nodes themselves do not depend on it.
  get i32(): I32NS {
    return sharedNamespace('i32', this) as unknown as I32NS;
  }
  get i64(): I64NS {
    return sharedNamespace('i64', this) as unknown as I64NS;
  }
  get f32(): F32NS {
    return sharedNamespace('f32', this) as unknown as F32NS;
  }
  get f64(): F64NS {
    return sharedNamespace('f64', this) as unknown as F64NS;
  }
  private memoryNS: MemoryNS | undefined;
  /** Bulk memory operations (made on first use, like the namespaces). */
  get memory(): MemoryNS {
    return (this.memoryNS ??= {
      size: () => ({ k: 'memory', type: 'i32', op: 'memory.size', args: [] }),
      grow: (pages) => ({ k: 'memory', type: 'i32', op: 'memory.grow', args: [this.expect(pages, 'i32', 'memory.grow')] }),
      copy: (d, s, n) => ({ k: 'memory', type: 'none', op: 'memory.copy', args: this.expectAll([d, s, n], ['i32', 'i32', 'i32'], 'memory.copy') }),
      fill: (d, v, n) => ({ k: 'memory', type: 'none', op: 'memory.fill', args: this.expectAll([d, v, n], ['i32', 'i32', 'i32'], 'memory.fill') }),
    });
  }
  /** Branches made so far: label checks are needed only when there are some. */
  branches = 0;
  // Parameters' types and names until the first `local()` copies them: most bodies add none.
  private localTypes: readonly ValType[];
  private localNames: ReadonlyArray<string | undefined>;
  private ownLocals = false;

  constructor(
    private readonly resolver: Resolver,
    readonly name: string,
    readonly sig: Sig,
    paramNames: ReadonlyArray<string | undefined> = [],
  ) {
    this.localTypes = sig.params;
    this.localNames = paramNames;
  }

  // ---- errors and checks ----

  private err(code: Parameters<typeof fail>[0], message: string): AccreteError {
    return fail(code, message, { definition: this.name });
  }

  /** `what` names the operand in an error; a function makes the name only when one is thrown. */
  private expect(e: Expr, t: ValType, what: string | (() => string)): Expr {
    if (e === null || typeof e !== 'object' || typeof (e as { k?: unknown }).k !== 'string') {
      throw this.err('InvalidBody', `${typeof what === 'string' ? what : what()}: expected an expression, got ${String(e)}`);
    }
    if (e.type !== t && e.type !== 'unreachable') throw this.err('TypeMismatch', `${typeof what === 'string' ? what : what()}: expected ${t}, got ${e.type}`);
    return e;
  }

  private expectAll(es: readonly Expr[], ts: readonly ValType[], what: string | (() => string)): Expr[] {
    // The common case checks without making a closure per argument; a failure says which.
    if (argsFit(es, ts)) return es as Expr[];
    const name = () => (typeof what === 'string' ? what : what());
    if (es.length !== ts.length) throw this.err('TypeMismatch', `${name()}: expected ${ts.length} argument(s), got ${es.length}`);
    for (let i = 0; i < es.length; i++) this.expect(es[i]!, ts[i]!, () => `${name()}, argument ${i}`);
    return es as Expr[];
  }

  private lookup<K extends SymbolInfo['kind']>(name: string, kind: K): Extract<SymbolInfo, { kind: K }> {
    if (typeof name !== 'string') throw this.err('UnknownSymbol', `expected a symbol name, got ${String(name)}`);
    const s = this.resolver.resolve(name);
    if (!s) throw this.err('UnknownSymbol', `'${name}' is not defined (wanted a ${kind})`);
    if (s.kind !== kind) throw this.err('WrongSymbolKind', `'${name}' is a ${s.kind}, not a ${kind}`);
    return s as Extract<SymbolInfo, { kind: K }>;
  }

  /** Turn a body into a list whose non-final elements leave no value. */
  seqOf(body: Body, what = 'body'): Expr[] {
    const list: Expr[] = body === undefined ? [] : Array.isArray(body) ? [...(body as Expr[])] : [body as Expr];
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (e === null || typeof e !== 'object' || typeof (e as { k?: unknown }).k !== 'string') {
        throw this.err('InvalidBody', `${what}, element ${i}: expected an expression, got ${String(e)}`);
      }
      if (i < list.length - 1 && e.type !== 'none' && e.type !== 'unreachable') {
        throw this.err('InvalidBody', `${what}, element ${i}: a value of type ${e.type} would be discarded (wrap it in b.drop())`);
      }
    }
    return list;
  }

  // ---- locals and constants ----

  /** Read parameter `i`. */
  param(i: number): Expr {
    if (!Number.isInteger(i) || i < 0 || i >= this.sig.params.length) {
      throw this.err('InvalidBody', `parameter ${i} does not exist (the function has ${this.sig.params.length})`);
    }
    return localGet(this.sig.params[i]!, i);
  }

  /** Declare a new local. */
  local(type: ValType, name?: string): Local {
    if (!isValType(type)) throw this.err('BadSignature', `local type must be i32, i64, f32 or f64, got ${String(type)}`);
    if (this.localTypes.length >= MAX_LOCALS) throw this.err('ResourceExhausted', `a function may have at most ${MAX_LOCALS} locals, parameters included`);
    if (!this.ownLocals) {
      const n = this.sig.params.length;
      this.localTypes = [...this.sig.params];
      this.localNames = Array.from({ length: n }, (_, i) => this.localNames[i]);
      this.ownLocals = true;
    }
    (this.localTypes as ValType[]).push(type);
    (this.localNames as Array<string | undefined>).push(name);
    return { index: this.localTypes.length - 1, type };
  }

  private localOf(l: Local | number): Local {
    const index = typeof l === 'number' ? l : l?.index;
    if (!Number.isInteger(index) || index < 0 || index >= this.localTypes.length) throw this.err('InvalidBody', `local ${String(index)} does not exist`);
    return { index, type: this.localTypes[index]! };
  }

  get(l: Local | number): Expr {
    const { index, type } = this.localOf(l);
    return localGet(type, index);
  }

  set(l: Local | number, value: Expr): Expr {
    const { index, type } = this.localOf(l);
    return { k: 'local.set', type: 'none', index, value: this.expect(value, type, `set of local ${index}`), tee: false };
  }

  tee(l: Local | number, value: Expr): Expr {
    const { index, type } = this.localOf(l);
    return { k: 'local.set', type, index, value: this.expect(value, type, `tee of local ${index}`), tee: true };
  }

  /** A constant of a value type: what `b.i32(5)` makes. */
  constOf(type: ValType, value: number | bigint): Expr {
    if (type === 'i64') {
      if (typeof value === 'number' && !Number.isInteger(value)) throw this.err('TypeMismatch', `i64 constant must be an integer, got ${value}`);
      if (typeof value !== 'bigint' && typeof value !== 'number') throw this.err('TypeMismatch', `i64 constant must be a bigint or number`);
      return new ConstNode(type, BigInt.asIntN(64, BigInt(value)));
    }
    if (typeof value !== 'number') throw this.err('TypeMismatch', `${type} constant must be a number, got ${typeof value}`);
    if (type === 'i32') {
      if (!Number.isInteger(value)) throw this.err('TypeMismatch', `i32 constant must be an integer, got ${value}`);
      return i32Const(value | 0);
    }
    return new ConstNode(type, type === 'f32' ? Math.fround(value) : value);
  }

  /** Any plain numeric instruction, by its wasm name. */
  op(name: string, ...args: Expr[]): Expr {
    const info = NUMERIC.get(name);
    if (!info) throw this.err('InvalidBody', `'${name}' is not a numeric instruction`);
    return this.opWith(info, args);
  }

  /** A numeric instruction whose table entry the caller already has. */
  opWith(info: InstrInfo, args: Expr[]): Expr {
    return new OpNode(info.result!, info.name, info, this.expectAll(args, info.params!, info.name));
  }

  load(op: string, ptr: Expr, offset = 0): Expr {
    const info = INSTR.get(op);
    if (!info || info.memType === undefined || !op.includes('.load')) throw this.err('InvalidBody', `'${op}' is not a load`);
    return { k: 'load', type: info.memType, op, info, ptr: this.expect(ptr, 'i32', () => `${op} address`), offset: this.offsetOf(offset, op) };
  }

  store(op: string, ptr: Expr, value: Expr, offset = 0): Expr {
    const info = INSTR.get(op);
    if (!info || info.memType === undefined || !op.includes('.store')) throw this.err('InvalidBody', `'${op}' is not a store`);
    return {
      k: 'store',
      type: 'none',
      op,
      info,
      ptr: this.expect(ptr, 'i32', () => `${op} address`),
      value: this.expect(value, info.memType, () => `${op} value`),
      offset: this.offsetOf(offset, op),
    };
  }

  private offsetOf(offset: number, op: string): number {
    if (!Number.isInteger(offset) || offset < 0 || offset > 0xffffffff) throw this.err('InvalidBody', `${op}: offset must be a u32, got ${offset}`);
    return offset;
  }

  // ---- symbols ----

  /** Read a runtime global. */
  global(name: string): Expr {
    const g = this.lookup(name, 'global');
    return { k: 'global.get', type: g.type, name, sym: g };
  }

  /** Write a runtime global (it must be mutable). */
  setGlobal(name: string, value: Expr): Expr {
    const g = this.lookup(name, 'global');
    if (!g.mutable) throw this.err('TypeMismatch', `global '${name}' is immutable`);
    return { k: 'global.set', type: 'none', name, sym: g, value: this.expect(value, g.type, () => `value of global '${name}'`) };
  }

  /** A compile-time constant, as an immediate. */
  constant(name: string): Expr {
    const c = this.lookup(name, 'constant');
    return { k: 'symconst', type: c.type, name, sym: c };
  }

  /** Call a runtime function by name. */
  call(name: string, ...args: Expr[]): Expr {
    return this.makeCall(name, args, false);
  }

  /** Tail-call a runtime function (a plain call and return where the engine lacks tail calls). */
  returnCall(name: string, ...args: Expr[]): Expr {
    return this.makeCall(name, args, true);
  }

  private makeCall(name: string, args: Expr[], tail: boolean): Expr {
    const f = this.lookup(name, 'func');
    if (tail) this.checkTailResult(f.sig, name);
    // The message closure is made only when the arguments are wrong: one per call cost ~80 bytes.
    if (!argsFit(args, f.sig.params)) this.expectAll(args, f.sig.params, () => `call of '${name}' ${sigText(f.sig)}`);
    return new CallNode(tail ? 'unreachable' : (f.sig.results[0] ?? 'none'), name, f, args, tail);
  }

  private checkTailResult(sig: Sig, what: string): void {
    if ((sig.results[0] ?? 'none') !== (this.sig.results[0] ?? 'none')) {
      throw this.err('TypeMismatch', `tail call of ${what}: it returns ${sig.results[0] ?? 'nothing'} but this function returns ${this.sig.results[0] ?? 'nothing'}`);
    }
  }

  /** Call through the shared table at a slot computed at run time (a signature string or object). */
  callSlot(sigLike: SigLike, slot: Expr, ...args: Expr[]): Expr {
    const sig = parseSig(sigLike, 'call through slot');
    const checked = this.expectAll(args, sig.params, () => `call through slot ${sigText(sig)}`);
    return { k: 'call.slot', type: sig.results[0] ?? 'none', sig, slot: this.expect(slot, 'i32', 'slot'), args: checked, tail: false };
  }

  returnCallSlot(sigLike: SigLike, slot: Expr, ...args: Expr[]): Expr {
    const sig = parseSig(sigLike, 'tail call through slot');
    this.checkTailResult(sig, 'slot');
    const checked = this.expectAll(args, sig.params, () => `tail call through slot ${sigText(sig)}`);
    return { k: 'call.slot', type: 'unreachable', sig, slot: this.expect(slot, 'i32', 'slot'), args: checked, tail: true };
  }

  /** The slot of a function (its identity across redefinitions), as an i32. */
  slotOf(name: string): Expr {
    const f = this.lookup(name, 'func');
    return { k: 'slot.of', type: 'i32', name, sym: f };
  }

  // ---- control ----

  /** A sequence without a label. */
  seq(...body: Expr[]): Expr {
    const list = this.seqOf(body);
    return { k: 'block', type: seqType(list), label: null, body: list };
  }

  block(body: Body, opts: { label?: string; type?: ValType | 'none' } = {}): Expr {
    return this.makeBlock('block', body, opts);
  }

  loop(label: string, body: Body, type?: ValType | 'none'): Expr {
    return this.makeBlock('loop', body, { label, ...(type !== undefined ? { type } : {}) });
  }

  private makeBlock(k: 'block' | 'loop', body: Body, opts: { label?: string; type?: ValType | 'none' }): Expr {
    const list = this.seqOf(body, k);
    const label = opts.label ?? null;
    let type: ExprType = opts.type ?? seqType(list);
    if (opts.type === undefined && k === 'block' && label !== null && (type === 'unreachable' || type === 'none')) {
      type = branchType(list, label) ?? (type === 'unreachable' && hasBranchTo(list, label) ? 'none' : type);
    }
    const node: BlockExpr = { k, type, label, body: list };
    if (opts.type !== undefined) this.checkSeq(list, opts.type, `${k} ${label ?? ''}`.trim());
    return node;
  }

  private checkSeq(list: readonly Expr[], want: ExprType, what: string): void {
    const got = seqType(list);
    if (got !== want && got !== 'unreachable') throw this.err('TypeMismatch', `${what}: expected ${want}, the body gives ${got}`);
  }

  if(cond: Expr, then: Body, otherwise?: Body, type?: ValType | 'none'): Expr {
    const c = this.expect(cond, 'i32', 'if condition');
    const t = this.seqOf(then, 'then');
    const e = otherwise === undefined ? null : this.seqOf(otherwise, 'else');
    const rt = type ?? joinTypes(seqType(t), e ? seqType(e) : 'none', (a, b) => this.err('TypeMismatch', `if: then gives ${a}, else gives ${b}`));
    if (e === null && rt !== 'none' && rt !== 'unreachable') throw this.err('TypeMismatch', `if without else cannot give a ${rt}`);
    if (type !== undefined) {
      this.checkSeq(t, type, 'then');
      if (e) this.checkSeq(e, type, 'else');
    }
    return { k: 'if', type: e === null && rt === 'unreachable' ? 'none' : rt, cond: c, then: t, else: e };
  }

  br(label: string, value?: Expr): Expr {
    return { k: 'br', type: 'unreachable', label: this.labelOf(label), value: value ?? null, cond: null };
  }

  brIf(label: string, cond: Expr, value?: Expr): Expr {
    return { k: 'br', type: value ? value.type : 'none', label: this.labelOf(label), value: value ?? null, cond: this.expect(cond, 'i32', 'br_if condition') };
  }

  brTable(labels: string[], fallback: string, index: Expr, value?: Expr): Expr {
    return { k: 'br_table', type: 'unreachable', labels: labels.map((l) => this.labelOf(l)), fallback: this.labelOf(fallback), index: this.expect(index, 'i32', 'br_table index'), value: value ?? null };
  }

  private labelOf(label: string): string {
    this.branches++;
    if (typeof label !== 'string' || label === '') throw this.err('InvalidBody', `a branch label must be a non-empty string`);
    return label;
  }

  return(value?: Expr): Expr {
    const want = this.sig.results[0];
    if (want === undefined && value !== undefined) throw this.err('TypeMismatch', `return with a value from a function that returns nothing`);
    if (want !== undefined) {
      if (value === undefined) throw this.err('TypeMismatch', `return without a value from a function that returns ${want}`);
      this.expect(value, want, 'return value');
    }
    return { k: 'return', type: 'unreachable', value: value ?? null };
  }

  drop(value: Expr): Expr {
    if (value.type === 'none') throw this.err('InvalidBody', `drop of an expression that gives no value`);
    return { k: 'drop', type: 'none', value };
  }

  select(cond: Expr, a: Expr, b: Expr): Expr {
    const t = joinTypes(a.type, b.type, (x, y) => this.err('TypeMismatch', `select: ${x} vs ${y}`));
    if (!isValType(t)) throw this.err('TypeMismatch', `select needs two values, got ${a.type} and ${b.type}`);
    return { k: 'select', type: t, cond: this.expect(cond, 'i32', 'select condition'), a, b };
  }

  unreachable(): Expr {
    return { k: 'unreachable', type: 'unreachable' };
  }

  nop(): Expr {
    return { k: 'nop', type: 'none' };
  }

  // ---- runtime types ----

  /** The id of an RTT, as an i32 immediate. */
  rttId(name: string): Expr {
    return this.constOf('i32', this.lookup(name, 'rtt').id);
  }

  /** The RTT id stored in an object's header. */
  rttOf(obj: Expr): Expr {
    return this.load('i32.load', this.expect(obj, 'i32', 'object address'), 0);
  }

  /** 1 if the RTT with id `id` is `superName` or one of its subtypes: O(1), two loads. */
  isSubtype(id: Expr, superName: string): Expr {
    const sup = this.lookup(superName, 'rtt');
    this.expect(id, 'i32', 'RTT id');
    const displayAt = RTT_DESC.display + 4 * sup.depth;
    if (sup.depth === 0) return this.op('i32.eq', this.load('i32.load', id, displayAt), this.constOf('i32', sup.id));
    const tmp = this.local('i32', `$rtt${this.localTypes.length}`);
    return this.if(
      this.op('i32.ge_u', this.load('i32.load', this.tee(tmp, id), RTT_DESC.depth), this.constOf('i32', sup.depth)),
      this.op('i32.eq', this.load('i32.load', this.get(tmp), displayAt), this.constOf('i32', sup.id)),
      this.constOf('i32', 0),
    );
  }

  /** 1 if the object at `obj` is an instance of `rttName` or a subtype. */
  instanceOf(obj: Expr, rttName: string): Expr {
    return this.isSubtype(this.rttOf(obj), rttName);
  }

  private fieldOf(rttName: string, field: string) {
    const r = this.lookup(rttName, 'rtt');
    const f = r.fields.find((x) => x.name === field);
    if (!f) throw this.err('UnknownSymbol', `type '${rttName}' has no field '${field}' (it has ${r.fields.map((x) => x.name).join(', ') || 'none'})`);
    return { op: f.type === 'ref' ? 'i32' : f.type, offset: f.offset };
  }

  /** Read a field of an object: a load with the field's offset as the immediate. */
  field(obj: Expr, rttName: string, field: string): Expr {
    const f = this.fieldOf(rttName, field);
    return this.load(`${f.op}.load`, obj, f.offset);
  }

  setField(obj: Expr, rttName: string, field: string, value: Expr): Expr {
    const f = this.fieldOf(rttName, field);
    return this.store(`${f.op}.store`, obj, value, f.offset);
  }

  /** Instance size in bytes of an RTT (header included). */
  sizeOf(rttName: string): Expr {
    return this.constOf('i32', this.lookup(rttName, 'rtt').size);
  }

  /** Store the RTT id into a fresh object's header. */
  initHeader(obj: Expr, rttName: string): Expr {
    return this.store('i32.store', obj, this.rttId(rttName), 0);
  }

  // ---- tags and exceptions ----

  tagId(name: string): Expr {
    return this.constOf('i32', this.lookup(name, 'tag').id);
  }

  throw(tag: string, ...args: Expr[]): Expr {
    const t = this.lookup(tag, 'tag');
    return { k: 'throw', type: 'unreachable', tag, id: t.id, params: t.params, args: this.expectAll(args, t.params, `throw '${tag}'`) };
  }

  /** try/catch by runtime tag. `catchAll` also receives JS exceptions; without it they propagate. */
  try(body: Body, catches: readonly CatchSpec[], catchAll?: Body, type?: ValType | 'none'): Expr {
    const b = this.seqOf(body, 'try');
    const clauses: CatchClause[] = catches.map((c) => {
      const t = this.lookup(c.tag, 'tag');
      const locals = t.params.map((p, i) => this.local(p, `$${c.tag}.${i}`).index);
      const payload = locals.map((index, i) => ({ k: 'local.get', type: t.params[i]!, index }) as Expr);
      return { tag: c.tag, id: t.id, params: t.params, locals, body: this.seqOf(c.body(payload), `catch '${c.tag}'`) };
    });
    const all = catchAll === undefined ? null : this.seqOf(catchAll, 'catch_all');
    const arms = [b, ...clauses.map((c) => c.body), ...(all ? [all] : [])];
    let rt: ExprType = type ?? 'unreachable';
    if (type === undefined) for (const a of arms) rt = joinTypes(rt, seqType(a), (x, y) => this.err('TypeMismatch', `try: arms give ${x} and ${y}`));
    else for (const a of arms) this.checkSeq(a, type, 'try arm');
    return { k: 'try', type: rt, body: b, catches: clauses, catchAll: all };
  }

  // ---- result ----

  /** The finished function. */
  finish(body: Body): FuncIR {
    const list = this.seqOf(body, 'function body');
    const want = (this.sig.results[0] ?? 'none') as ExprType;
    const got = seqType(list);
    if (got !== want && got !== 'unreachable') {
      throw this.err('TypeMismatch', `the function returns ${want === 'none' ? 'nothing' : want}, but its body gives ${got === 'none' ? 'nothing' : got}`);
    }
    return new FuncNode(
      this.name,
      this.sig,
      this.localTypes.length > this.sig.params.length ? this.localTypes.slice(this.sig.params.length) : NO_LOCALS,
      this.localNames.length && this.localNames.some((n) => n !== undefined) ? namesOf(this.localNames, this.localTypes.length) : NO_LOCALS,
      list,
    );
  }
}

// The commonest nodes, and the function itself, are made by classes rather than object literals:
// V8 keeps allocation-site bookkeeping for each literal that a constructor call does not pay,
// and these objects are made once per node of every body and mostly kept (measured with
// `.scratch/prof/plan.mjs`, 1,000 one-line functions a stage: planning 0.70 → 0.61 µs per
// function on V8 11). They are plain data all the same: passes copy them with spreads.
export class ConstNode implements ConstExpr {
  readonly k = 'const' as const;
  constructor(
    readonly type: ValType,
    readonly value: number | bigint,
  ) {}
}

export class OpNode implements OpExpr {
  readonly k = 'op' as const;
  constructor(
    readonly type: ValType,
    readonly op: string,
    readonly info: InstrInfo,
    readonly args: Expr[],
  ) {}
}

export class CallNode implements CallExpr {
  readonly k = 'call' as const;
  readonly sig: Sig;
  constructor(
    readonly type: ExprType,
    readonly name: string,
    readonly sym: Extract<SymbolInfo, { kind: 'func' }>,
    readonly args: Expr[],
    readonly tail: boolean,
  ) {
    this.sig = sym.sig;
  }
}

export class FuncNode implements FuncIR {
  constructor(
    readonly name: string,
    readonly sig: Sig,
    readonly locals: readonly ValType[],
    readonly localNames: ReadonlyArray<string | undefined>,
    readonly body: readonly Expr[],
  ) {}
}

// Leaves are values: nodes are never changed once made, so the commonest leaves are made once
// and shared by every tree (every body kept for recompilation holds fewer objects).
const SHARED_LOCALS = 16;
const localGets = new Map<ValType, Expr[]>();
export function localGet(type: ValType, index: number): Expr {
  if (index >= SHARED_LOCALS) return { k: 'local.get', type, index };
  let row = localGets.get(type);
  if (!row) localGets.set(type, (row = []));
  return (row[index] ??= { k: 'local.get', type, index });
}

const SMALL_MIN = -16;
const SMALL_MAX = 255;
const smallI32: Expr[] = [];
export function i32Const(value: number): Expr {
  if (value < SMALL_MIN || value > SMALL_MAX) return new ConstNode('i32', value);
  return (smallI32[value - SMALL_MIN] ??= new ConstNode('i32', value));
}

/** Names of `n` locals (parameters' names may have been given for fewer or more). */
function namesOf(names: ReadonlyArray<string | undefined>, n: number): Array<string | undefined> {
  return Array.from({ length: n }, (_, i) => names[i]);
}

/** Shared by bodies without locals or local names (most of them): memory per stage counts. */
const NO_LOCALS: readonly never[] = Object.freeze([]);

type NS = ((v: number | bigint) => Expr) & { $b: FuncBuilder };
const namespaces = new Map<ValType, NS>();

/** The namespace of `prefix`, pointed at builder `b`. */
function sharedNamespace(prefix: ValType, b: FuncBuilder): NS {
  let ns = namespaces.get(prefix);
  if (!ns) namespaces.set(prefix, (ns = makeNamespace(prefix)));
  ns.$b = b;
  return ns;
}

/** `b.i32`, `b.f64`...: callable for constants, with a method per instruction of the type. */
function makeNamespace(prefix: ValType): NS {
  const ns = function (v: number | bigint) {
    return ns.$b.constOf(prefix, v);
  } as NS;
  const methods = ns as unknown as Record<string, unknown>;
  for (const [name, info] of NUMERIC) {
    if (!name.startsWith(prefix + '.')) continue;
    // The rest array becomes the node's operand list; opWith checks its length. (Reading
    // `arguments` instead made V8 build an arguments object per node when the method was not
    // inlined: ~300 bytes per `b.i32.add`.)
    methods[name.slice(prefix.length + 1)] = function (...args: Expr[]) {
      return ns.$b.opWith(info, args);
    };
  }
  for (const [name, info] of INSTR) {
    if (!name.startsWith(prefix + '.') || info.memType === undefined) continue;
    const short = name.slice(prefix.length + 1);
    methods[short] = short.startsWith('load')
      ? function (ptr: Expr, offset = 0) {
          return ns.$b.load(name, ptr, offset);
        }
      : function (ptr: Expr, value: Expr, offset = 0) {
          return ns.$b.store(name, ptr, value, offset);
        };
  }
  return ns;
}

/** Whether `es` are expressions of types `ts` (what expectAll checks, without naming anything). */
function argsFit(es: readonly Expr[], ts: readonly ValType[]): boolean {
  if (es.length !== ts.length) return false;
  for (let i = 0; i < es.length; i++) {
    const e = es[i];
    if (e === null || typeof e !== 'object' || typeof (e as { k?: unknown }).k !== 'string' || (e.type !== ts[i] && e.type !== 'unreachable')) return false;
  }
  return true;
}

function joinTypes(a: ExprType, b: ExprType, mismatch: (a: ExprType, b: ExprType) => Error): ExprType {
  if (a === 'unreachable') return b;
  if (b === 'unreachable') return a;
  if (a !== b) throw mismatch(a, b);
  return a;
}

/** The value type carried by branches to `label` inside `body` (undefined if none carry one). */
function branchType(body: readonly Expr[], label: string): ValType | undefined {
  let found: ValType | undefined;
  scanBranches(body, label, (v) => {
    if (v && isValType(v.type)) found ??= v.type;
  });
  return found;
}

function hasBranchTo(body: readonly Expr[], label: string): boolean {
  let any = false;
  scanBranches(body, label, () => (any = true));
  return any;
}

function scanBranches(body: readonly Expr[], label: string, hit: (value: Expr | null) => void): void {
  const stack = [...body];
  // A node used twice is scanned once: what lies below it does not depend on the path to it
  // (shadowing blocks stop the scan above), and a body that reuses its nodes at every level
  // would otherwise take exponential time.
  const seen = new Set<Expr>();
  while (stack.length) {
    const e = stack.pop()!;
    if (seen.has(e)) continue;
    seen.add(e);
    if ((e.k === 'block' || e.k === 'loop') && e.label === label) continue; // shadowed
    if (e.k === 'br' && e.label === label) hit(e.value);
    if (e.k === 'br_table' && (e.labels.includes(label) || e.fallback === label)) hit(e.value);
    stack.push(...children(e));
  }
}
