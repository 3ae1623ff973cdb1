// The function-body builder users write code with: `b.i32.add(b.param(0), b.i32(1))`.
// It type-checks every node as it is made, so an error points at the line that made it, and writes
// it at once into the body's packed stream (post-order, wasm's own order), returning a small handle:
// no tree is made. A tiny body's first nodes are made as objects instead (`small`). Nodes refer to
// other definitions by name, so the body can be lowered again.

import { fail, type AccreteError } from '../../runtime/errors.js';
import { INSTR, NUMERIC, type InstrInfo, type ValType } from '../wasm/instructions.js';
import { givenOperands, handBack, sharedMemory, sharedNamespace, type F32NS, type F64NS, type I32NS, type I64NS } from './namespaces.js';
import type { Expr, ExprType, FuncIR, Sig } from './nodes.js';
import { CallNode, ConstNode, FuncNode, NO_LOCALS, OpNode, SymbolNode, i32Const, localGet, namesOf, seqType, sigText } from './nodes.js';
import { F, K, KEEP_TREE_MAX, KINDS, instrCode, isTree, typeCode, unpackFunc, type KeptFunc } from './packed.js';
import { abandonStream, claim, finishStream, flagHead, head, keepFunc, owns, packNode, placeLists, placeNodes, pos, ref, scratchRefs, scratchWords, symbol, word, type StreamOwner } from './pack.js';
import { branchesTo } from './backrefs.js';
import { checkHandMade, checkLateLocals } from './verify.js';
import { MAX_ENGINE_LOCALS, isValType, literalValType, parseSig, publicSig, type SigLike } from './sig.js';
import { type Resolver, type SymbolInfo } from './symbols.js';
import { fieldIn, subtypeTest } from './objects.js';
import { addressWhat, callWhat, globalWhat, ifArms, localWhat, nameOf, selectArms, tryArms, valueWhat } from './messages.js';
export type { F32NS, F64NS, I32NS, I64NS, MemoryNS } from './namespaces.js';
import type { MemoryNS } from './namespaces.js';
import { I32S, NONE, Node, constValue, copyTree, discarded, fit2At, fitAt, fitsAt, isNodeObject, itemsOf, joinTypes, nextSerial, objectsFit, trusted, type Body, type CatchSpec, type Local, type Operand } from './operands.js';
export { Node, type Body, type CatchSpec, type Local, type Operand } from './operands.js';

/**
 * Locals (parameters included) a body may declare: the engines accept 50,000, and lowering adds a
 * few scratch locals of its own (exception payloads; more only for tries nested in catch bodies).
 */
export const MAX_LOCALS = MAX_ENGINE_LOCALS - 64;

/** The builder whose body is being built, if any (see `FuncBuilder.close`; the runtime closes every builder it makes). */
let building: FuncBuilder | undefined;
/** What the namespaces point at when no open builder holds them (see `close`). */
let closed: FuncBuilder | undefined;

/** A store's operand types: an address, then a value of each type. */
const ADDRESS_AND: Readonly<Record<ValType, readonly ValType[]>> = { i32: ['i32', 'i32'], i64: ['i32', 'i64'], f32: ['i32', 'f32'], f64: ['i32', 'f64'] };

export class FuncBuilder implements StreamOwner {
  // One namespace object per type for all builders (making a callable with a prototype per
  // builder cost more than the rest of a small body). Reading `b.i32` points it at this builder.
  get i32(): I32NS { return sharedNamespace('i32', this) as unknown as I32NS; }
  get i64(): I64NS { return sharedNamespace('i64', this) as unknown as I64NS; }
  get f32(): F32NS { return sharedNamespace('f32', this) as unknown as F32NS; }
  get f64(): F64NS { return sharedNamespace('f64', this) as unknown as F64NS; }
  /** Bulk memory operations (a namespace shared like the others). */
  get memory(): MemoryNS { return sharedMemory(this); }
  /** Branches made so far: label checks are needed only when there are some. */
  branches = 0;
  /** @internal This body's stream while another builder has the scratch (pack.ts). */
  saved: StreamOwner['saved'] = undefined;
  private done = false;
  /** @internal Leaves, operators and calls the body may still make as objects before its stream starts (design.md, "Tiny bodies"). */
  small = KEEP_TREE_MAX;
  /** The builder whose body was being built when this one began (see `close`). */
  private outer = building;
  /** Which builder this is: the nodes it makes as objects say so (`foreign`). */
  private readonly serial = nextSerial();
  /** Whether the body uses a node object made by hand or for another body: the commit checks it (verify.ts). */
  foreign = false;
  /** Locals that nodes made by hand read before the body declared them: checked when it is finished. */
  private late: Array<[number, ExprType]> | undefined;
  // Parameters' types and names until the first `local()` copies them: most bodies add none.
  private localTypes: readonly ValType[];
  private localNames: ReadonlyArray<string | undefined>;
  private ownLocals = false;

  constructor(
    private readonly resolver: Resolver,
    readonly name: string,
    private readonly fsig: Sig,
    paramNames: ReadonlyArray<string | undefined> = [],
  ) {
    this.localTypes = fsig.params;
    this.localNames = paramNames;
    building = this;
  }

  /** The function's signature (a frozen copy, made when asked: the builder's own is shared with the runtime). */
  get sig(): Sig {
    return publicSig(this.fsig);
  }

  /** A builder that makes nothing (`closed`), made without being the one `building`. */
  private static none(): FuncBuilder {
    const keep = building;
    const b = new FuncBuilder({ resolve: () => undefined }, '(none: the namespace was kept from a finished body)', { params: [], results: [] });
    b.done = true;
    b.small = 0;
    building = keep;
    return b;
  }

  /** Make nothing more, and hand the namespaces back to the builder this one began inside, if open. */
  private close(): void {
    if (this.done) return;
    this.done = true;
    this.small = 0;
    const outer = this.outer && !this.outer.done ? this.outer : undefined;
    if (building === this) building = outer;
    // With none to hand them to, a builder that makes nothing holds them (this one would keep its runtime alive).
    handBack(this, outer ?? (closed ??= FuncBuilder.none()));
    this.outer = undefined;
  }

  // ---- errors and checks ----

  private err(code: Parameters<typeof fail>[0], message: string): AccreteError {
    return fail(code, message, { definition: this.name });
  }

  /** Have the scratch stream hold this body's (builders may interleave: pack.ts, `claim`). */
  private mine(): void {
    if (owns(this)) return;
    if (this.done) throw this.err('InvalidBody', `the body of '${this.name}' is finished: its builder makes no more expressions`);
    this.small = 0;
    claim(this);
  }

  /** Whether the next node may be an object: one more of the budget, with operands `es` all objects of types `ts`. */
  private tree(es: readonly Operand[], ts: readonly ValType[]): boolean {
    if (this.small <= 0 || es.length !== ts.length) return false;
    let own = true;
    for (let i = 0; i < es.length; i++) {
      const e = es[i];
      if (!isNodeObject(e) || (e.type !== ts[i] && e.type !== 'unreachable')) return false;
      if (own) own = trusted(e, this.serial, this.localTypes);
    }
    // Objects made elsewhere are checked, and copied (their maker may change them).
    if (!own) for (let i = 0; i < es.length; i++) if (this.noteForeign(es[i] as Expr)) (es as Expr[])[i] = copyTree(es[i] as Expr);
    this.small--;
    return true;
  }

  /** Check an object operand the body did not make, as it is taken (see `foreign`): whether it was one. */
  private noteForeign(e: Expr): boolean {
    if (trusted(e, this.serial, this.localTypes)) return false;
    this.foreign = true;
    const late = (this.late ??= []);
    this.branches += checkHandMade(e, { definition: this.name, localTypes: this.localTypes, result: (this.fsig.results[0] ?? 'none') as ExprType, resolver: this.resolver, serial: this.serial, late });
    return true;
  }

  /** The node whose head was just written, its operands from `start`. */
  private made(start: number, type: ExprType, kind: K): Node {
    return new Node(this, start, pos(), type, kind);
  }

  /** An operand as a node of this body: one made by hand is packed onto the stream's end. */
  private node(e: Operand, what: string | (() => string), index?: number, of: 'element' | 'argument' = 'element'): Node {
    if (e instanceof Node) {
      if (e.builder === this) return e;
      throw this.err('InvalidBody', `${nameOf(what, index, of)}: the expression was made for the body of '${e.builder.name}' (an expression belongs to the body whose builder made it; make it again)`);
    }
    if (e === null || typeof e !== 'object' || typeof (e as { k?: unknown }).k !== 'string') {
      throw this.err('InvalidBody', `${nameOf(what, index, of)}: expected an expression, got ${String(e)}`);
    }
    // Packed from a copy: the words may refer to its lists and signatures, which stay the body's.
    const foreign = this.noteForeign(e);
    const s = pos();
    packNode(foreign ? copyTree(e) : e);
    return new Node(this, s, pos(), e.type, KINDS.indexOf(e.k as (typeof KINDS)[number]));
  }

  /** `what` names the operand in an error; a function makes the name only when one is thrown. */
  private expect(e: Operand, t: ValType, what: string | (() => string), argument?: number): Node {
    const x = this.node(e, what, argument, 'argument');
    if (x.type !== t && x.type !== 'unreachable') throw this.err('TypeMismatch', `${nameOf(what, argument, 'argument')}: expected ${t}, got ${x.type}`);
    return x;
  }

  private expectAll(es: readonly Operand[], ts: readonly ValType[], what: string | (() => string)): Node[] {
    if (es.length !== ts.length) throw this.err('TypeMismatch', `${nameOf(what)}: expected ${ts.length} argument(s), got ${es.length}`);
    const out = new Array<Node>(es.length);
    for (let i = 0; i < es.length; i++) out[i] = this.expect(es[i]!, ts[i]!, what, i);
    return out;
  }

  /** Check operands against types and have them end the stream, in order: where the first starts. */
  private placed(es: readonly Operand[], ts: readonly ValType[], what: string | (() => string)): number {
    return placeNodes(this.expectAll(es, ts, what));
  }

  private lookup<K extends SymbolInfo['kind']>(name: string, kind: K): Extract<SymbolInfo, { kind: K }> {
    if (typeof name !== 'string') throw this.err('UnknownSymbol', `expected a symbol name, got ${String(name)}`);
    const s = this.resolver.resolve(name);
    // Compared with undefined, not tested for truth: V8 13 tests a value of unknown type against
    // every falsy kind (~20 instructions a lookup, two lookups a call-and-global reference).
    if (s === undefined) throw this.err('UnknownSymbol', `'${name}' is not defined (wanted a ${kind})`);
    if (s.kind !== kind) throw this.err('WrongSymbolKind', `'${name}' is a ${s.kind}, not a ${kind}`);
    return s as Extract<SymbolInfo, { kind: K }>;
  }

  /** Turn a body into a list of this body's nodes whose non-final elements leave no value. */
  seqOf(body: Body, what = 'body'): Node[] {
    this.mine();
    const items = itemsOf(body);
    const list = new Array<Node>(items.length);
    for (let i = 0; i < items.length; i++) list[i] = this.node(items[i] as Operand, what, i);
    this.checkDrops(list, what);
    return list;
  }

  /** Refuse a list whose non-final elements leave a value. */
  private checkDrops(list: ReadonlyArray<{ readonly type: ExprType }>, what: string): void {
    const wrong = discarded(list, what);
    if (wrong !== undefined) throw this.err('InvalidBody', wrong);
  }

  // ---- locals and constants ----

  /** Read parameter `i`. */
  param(i: number): Operand {
    if (!Number.isInteger(i) || i < 0 || i >= this.fsig.params.length) {
      throw this.err('InvalidBody', `parameter ${i} does not exist (the function has ${this.fsig.params.length})`);
    }
    const t = this.fsig.params[i]!;
    return this.tree(NONE, NONE) ? localGet(t, i) : this.localGet(i, t);
  }

  private localGet(index: number, type: ValType): Node {
    this.mine();
    const s = pos();
    head(K.LOCAL_GET, type, 0);
    word(index);
    return this.made(s, type, K.LOCAL_GET);
  }

  /** Declare a new local. */
  local(given: ValType, name?: string): Local {
    const type = literalValType(given);
    if (type === undefined) throw this.err('BadSignature', `local type must be i32, i64, f32 or f64, got ${String(given)}`);
    if (this.localTypes.length >= MAX_LOCALS) throw this.err('ResourceExhausted', `a function may have at most ${MAX_LOCALS} locals, parameters included`);
    if (!this.ownLocals) {
      const n = this.fsig.params.length;
      this.localTypes = [...this.fsig.params];
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

  get(l: Local | number): Operand {
    const { index, type } = this.localOf(l);
    return this.tree(NONE, NONE) ? localGet(type, index) : this.localGet(index, type);
  }

  set(l: Local | number, value: Operand): Node {
    return this.localSet(l, value, false);
  }

  tee(l: Local | number, value: Operand): Node {
    return this.localSet(l, value, true);
  }

  private localSet(l: Local | number, value: Operand, tee: boolean): Node {
    const { index, type } = this.localOf(l);
    this.mine();
    let s = fitAt(this, pos(), value, type);
    if (s < 0) s = this.placed([value], [type], localWhat(tee, index));
    const t = tee ? type : 'none';
    head(K.LOCAL_SET, t, tee ? F.F1 : 0);
    word(index);
    return this.made(s, t, K.LOCAL_SET);
  }

  /** A constant of a value type: what `b.i32(5)` makes. */
  constOf(type: ValType, value: number | bigint): Operand {
    const v = constValue(type, value);
    if (typeof v === 'string') throw this.err('TypeMismatch', v);
    if (this.tree(NONE, NONE)) return type === 'i32' ? i32Const(v as number) : new ConstNode(type, v);
    this.mine();
    const s = pos();
    head(K.CONST, type, 0);
    if (type === 'i32') word(v as number);
    else ref(v);
    return this.made(s, type, K.CONST);
  }

  /** Any plain numeric instruction, by its wasm name. */
  op(name: string, ...args: Operand[]): Operand {
    const info = NUMERIC.get(name);
    if (!info) throw this.err('InvalidBody', `'${name}' is not a numeric instruction`);
    return this.opWith(info, args);
  }

  /** @internal `opWith` for one operand, or two (`b` given), from a namespace, once the stream has started: no operand list unless one is needed. */
  opAB(info: InstrInfo, a: Operand, b: Operand | undefined, code: number): Operand {
    const n = b === undefined ? 1 : 2;
    this.mine();
    let s = n === 1 ? fitAt(this, pos(), a, info.params![0]!) : fit2At(this, pos(), a, b!, info.params!);
    if (s < 0) s = this.placed(n === 1 ? [a] : [a, b!], info.params!, info.name);
    return this.opNode(s, info, n, code);
  }

  /** A numeric instruction whose table entry (and, from a namespace, packed code) the caller has. */
  opWith(info: InstrInfo, args: Operand[], code = instrCode(info.name, info)): Operand {
    if (this.tree(args, info.params!)) return new OpNode(info.result!, info.name, info, args as Expr[], this.serial);
    this.mine();
    let s = fitsAt(this, pos(), args, info.params!);
    if (s < 0) s = this.placed(args, info.params!, info.name);
    return this.opNode(s, info, args.length, code);
  }

  /** The instruction whose `n` operands start at `s`. */
  private opNode(s: number, info: InstrInfo, n: number, code: number): Node {
    head(K.OP, info.result!, 0, n);
    word(code);
    return this.made(s, info.result!, K.OP);
  }

  load(op: string, ptr: Operand, offset = 0): Node {
    const info = INSTR.get(op);
    if (!info || info.memType === undefined || !op.includes('.load')) throw this.err('InvalidBody', `'${op}' is not a load`);
    this.mine();
    let s = fitAt(this, pos(), ptr, 'i32');
    if (s < 0) s = this.placed([ptr], ['i32'], addressWhat(op));
    const off = this.offsetOf(offset, op);
    head(K.LOAD, info.memType, 0);
    word(instrCode(op, info));
    word(off);
    return this.made(s, info.memType, K.LOAD);
  }

  store(op: string, ptr: Operand, value: Operand, offset = 0): Node {
    const info = INSTR.get(op);
    if (!info || info.memType === undefined || !op.includes('.store')) throw this.err('InvalidBody', `'${op}' is not a store`);
    this.mine();
    let s = fit2At(this, pos(), ptr, value, ADDRESS_AND[info.memType]);
    if (s < 0) {
      const p = this.expect(ptr, 'i32', addressWhat(op));
      s = placeNodes([p, this.expect(value, info.memType, valueWhat(op))]);
    }
    const off = this.offsetOf(offset, op);
    head(K.STORE, 'none', 0);
    word(instrCode(op, info));
    word(off);
    return this.made(s, 'none', K.STORE);
  }

  private offsetOf(offset: number, op: string): number {
    if (!Number.isInteger(offset) || offset < 0 || offset > 0xffffffff) throw this.err('InvalidBody', `${op}: offset must be a u32, got ${offset}`);
    return offset;
  }

  /** @internal What `b.memory`'s methods make. */
  memoryOp(op: 'memory.size' | 'memory.grow' | 'memory.copy' | 'memory.fill', type: ExprType, args: Operand[]): Node {
    this.mine();
    const s = this.placed(args, I32S[args.length]!, op);
    head(K.MEMORY, type, 0, args.length);
    word(instrCode(op, undefined));
    return this.made(s, type, K.MEMORY);
  }

  // ---- symbols ----

  /** A node naming a symbol, with no operands. */
  private symbolNode(kind: K, type: ExprType, name: string, sym: SymbolInfo): Node {
    this.mine();
    const s = pos();
    head(kind, type, 0);
    flagHead(s, symbol(name, sym));
    return this.made(s, type, kind);
  }

  /** Read a runtime global. */
  global(name: string): Operand {
    const g = this.lookup(name, 'global');
    if (this.tree(NONE, NONE)) return new SymbolNode('global.get', g.type, name, g, this.serial) as Expr;
    return this.symbolNode(K.GLOBAL_GET, g.type, name, g);
  }

  /** Write a runtime global (it must be mutable). */
  setGlobal(name: string, value: Operand): Node {
    const g = this.lookup(name, 'global');
    if (!g.mutable) throw this.err('TypeMismatch', `global '${name}' is immutable`);
    this.mine();
    let s = fitAt(this, pos(), value, g.type);
    if (s < 0) s = this.placed([value], [g.type], globalWhat(name));
    // Its wasm form needs the cell's address before the value: an offset back to the value.
    const h = pos();
    head(K.GLOBAL_SET, 'none', 0);
    flagHead(h, symbol(name, g));
    word(h - s);
    return this.made(s, 'none', K.GLOBAL_SET);
  }

  /** A compile-time constant, as an immediate. */
  constant(name: string): Operand {
    const c = this.lookup(name, 'constant');
    if (this.tree(NONE, NONE)) return new SymbolNode('symconst', c.type, name, c, this.serial) as Expr;
    return this.symbolNode(K.SYMCONST, c.type, name, c);
  }

  /** Call a runtime function by name. */
  call(name: string, ...args: Operand[]): Operand;
  call(name: string, a?: Operand, b?: Operand): Operand {
    // A callee of up to two parameters given that many arguments (most calls) makes no list: not
    // even an empty rest array (V8 13 makes one per call), so more arguments are read as `arguments`.
    const f = this.lookup(name, 'func');
    const ts = f.sig.params;
    const more = arguments.length > 3;
    const n = more ? -1 : b !== undefined ? 2 : a !== undefined ? 1 : 0;
    if (n !== ts.length || this.small > 0) return this.makeCall(name, givenOperands(a, b, more ? (Array.prototype.slice.call(arguments, 3) as Operand[]) : NONE), false, f);
    this.mine();
    let s = n === 0 ? pos() : n === 1 ? fitAt(this, pos(), a!, ts[0]!) : fit2At(this, pos(), a!, b!, ts);
    if (s < 0) s = this.placed(n === 1 ? [a!] : [a!, b!], ts, callWhat(name, f.sig));
    return this.callNode(s, name, f, n, false);
  }

  /** Tail-call a runtime function (a plain call and return where the engine lacks tail calls). */
  returnCall(name: string, ...args: Operand[]): Operand {
    return this.makeCall(name, args, true);
  }

  private makeCall(name: string, args: Operand[], tail: boolean, found?: Extract<SymbolInfo, { kind: 'func' }>): Operand {
    const f = found ?? this.lookup(name, 'func');
    if (tail) this.checkTailResult(f.sig, name);
    if (this.tree(args, f.sig.params)) return new CallNode(tail ? 'unreachable' : (f.sig.results[0] ?? 'none'), name, f, args as Expr[], tail, this.serial);
    this.mine();
    let s = fitsAt(this, pos(), args, f.sig.params);
    if (s < 0) s = this.placed(args, f.sig.params, callWhat(name, f.sig));
    return this.callNode(s, name, f, args.length, tail);
  }

  /** The call whose `n` arguments start at `s`. */
  private callNode(s: number, name: string, f: Extract<SymbolInfo, { kind: 'func' }>, n: number, tail: boolean): Node {
    const type = tail ? 'unreachable' : (f.sig.results[0] ?? 'none');
    const h = pos();
    head(K.CALL, type, tail ? F.F3 : 0, n);
    // The call's signature is its function's: the head says so (F4) instead of naming it.
    flagHead(h, symbol(name, f) | F.F4);
    return this.made(s, type, K.CALL);
  }

  private checkTailResult(sig: Sig, what: string): void {
    if ((sig.results[0] ?? 'none') !== (this.fsig.results[0] ?? 'none')) {
      throw this.err('TypeMismatch', `tail call of ${what}: it returns ${sig.results[0] ?? 'nothing'} but this function returns ${this.fsig.results[0] ?? 'nothing'}`);
    }
  }

  /** Call through the shared table at a slot computed at run time (a signature string or object). */
  callSlot(sigLike: SigLike, slot: Operand, ...args: Operand[]): Node {
    return this.makeCallSlot(parseSig(sigLike, 'call through slot'), slot, args, false);
  }

  returnCallSlot(sigLike: SigLike, slot: Operand, ...args: Operand[]): Node {
    const sig = parseSig(sigLike, 'tail call through slot');
    this.checkTailResult(sig, 'slot');
    return this.makeCallSlot(sig, slot, args, true);
  }

  private makeCallSlot(sig: Sig, slot: Operand, args: Operand[], tail: boolean): Node {
    this.mine();
    const checked = this.expectAll(args, sig.params, () => `${tail ? 'tail ' : ''}call through slot ${sigText(sig)}`);
    // wasm takes the slot after the arguments.
    const s = placeNodes([...checked, this.expect(slot, 'i32', 'slot')]);
    const type = tail ? 'unreachable' : (sig.results[0] ?? 'none');
    head(K.CALL_SLOT, type, tail ? F.F1 : 0, args.length);
    ref(sig);
    return this.made(s, type, K.CALL_SLOT);
  }

  /** The slot of a function (its identity across redefinitions), as an i32. */
  slotOf(name: string): Node {
    const f = this.lookup(name, 'func');
    return this.symbolNode(K.SLOT_OF, 'i32', name, f);
  }

  // ---- control ----

  /** A sequence without a label. */
  seq(...body: Operand[]): Node {
    const list = this.seqOf(body);
    return this.blockOf(K.BLOCK, seqType(list), null, list);
  }

  block(body: Body, opts: { label?: string; type?: ValType | 'none' } = {}): Node {
    return this.makeBlock('block', body, opts);
  }

  loop(label: string, body: Body, type?: ValType | 'none'): Node {
    return this.makeBlock('loop', body, { label, ...(type !== undefined ? { type } : {}) });
  }

  private makeBlock(k: 'block' | 'loop', body: Body, opts: { label?: string; type?: ValType | 'none' }): Node {
    this.givenType(opts.type, k);
    const list = this.seqOf(body, k);
    const label = opts.label ?? null;
    let type: ExprType = opts.type ?? seqType(list);
    if (opts.type !== undefined) this.checkSeq(list, opts.type, `${k} ${label ?? ''}`.trim());
    const s = placeNodes(list);
    if (opts.type === undefined && k === 'block' && label !== null && (type === 'unreachable' || type === 'none') && this.branches > 0) {
      // The type branches to the block give it: found in the words of its body (each branch's head records its value's type).
      const found = branchesTo(scratchWords(), scratchRefs(), s, pos(), label);
      // Falling off the end gives no value, so branches may not carry one (wasm would refuse the block).
      if (type === 'none' && found.type !== undefined) throw this.err('TypeMismatch', `block '${label}': branches to it carry ${found.type}, but its body ends with no value`);
      type = found.type ?? (type === 'unreachable' && found.any ? 'none' : type);
    }
    return this.blockOf(k === 'block' ? K.BLOCK : K.LOOP, type, label, list, s);
  }

  /** Write a block's head after its list (placed at `s` unless given). */
  private blockOf(kind: K, type: ExprType, label: string | null, list: readonly Node[], s = placeNodes(list)): Node {
    const h = pos();
    head(kind, type, label !== null ? F.F1 : 0, list.length);
    if (label !== null) ref(label);
    word(h - s);
    return this.made(s, type, kind);
  }

  /** Refuse a type given to a construct that is not one (it would fail only when packed, far from here). */
  private givenType(t: unknown, what: string): void {
    if (t !== undefined && t !== 'none' && !isValType(t)) throw this.err('BadSignature', `${what}: a type must be i32, i64, f32, f64 or none, got ${typeof t === 'string' ? `'${t}'` : String(t)}`);
  }

  private checkSeq(list: readonly Node[], want: ExprType, what: string): void {
    const got = seqType(list);
    if (got !== want && got !== 'unreachable') throw this.err('TypeMismatch', `${what}: expected ${want}, the body gives ${got}`);
  }

  if(cond: Operand, then: Body, otherwise?: Body, type?: ValType | 'none'): Node {
    this.givenType(type, 'if');
    this.mine();
    const c = this.expect(cond, 'i32', 'if condition');
    const t = this.seqOf(then, 'then');
    const e = otherwise === undefined ? null : this.seqOf(otherwise, 'else');
    const rt = type ?? joinTypes(seqType(t), e ? seqType(e) : 'none', ifArms, this.name);
    if (e === null && rt !== 'none' && rt !== 'unreachable') throw this.err('TypeMismatch', `if without else cannot give a ${rt}`);
    if (type !== undefined) {
      this.checkSeq(t, type, 'then');
      if (e) this.checkSeq(e, type, 'else');
    }
    const starts = placeLists(e ? [[c], t, e] : [[c], t]);
    const final = e === null && rt === 'unreachable' ? 'none' : rt;
    const h = pos();
    head(K.IF, final, e ? F.F1 : 0, t.length);
    if (e) word(e.length);
    for (const x of starts) word(h - x);
    return this.made(starts[0]!, final, K.IF);
  }

  br(label: string, value?: Operand): Node {
    return this.branch(K.BR, 'unreachable', [this.labelOf(label)], value, null);
  }

  brIf(label: string, cond: Operand, value?: Operand): Node {
    const l = this.labelOf(label);
    this.mine();
    const c = this.expect(cond, 'i32', 'br_if condition');
    return this.branch(K.BR, 'none', [l], value, c);
  }

  brTable(labels: string[], fallback: string, index: Operand, value?: Operand): Node {
    const ls = labels.map((l) => this.labelOf(l));
    const f = this.labelOf(fallback);
    this.mine();
    return this.branch(K.BR_TABLE, 'unreachable', [ls, f], value, this.expect(index, 'i32', 'br_table index'));
  }

  /** `br`, `br_if` (with a condition) or `br_table` (with an index); its head records the value's type. */
  private branch(kind: K, type: ExprType, labels: unknown[], value: Operand | undefined, cond: Node | null): Node {
    this.mine();
    const v = value === undefined ? null : this.node(value, 'branch value');
    const s = placeNodes(v ? (cond ? [v, cond] : [v]) : cond ? [cond] : []);
    // br_if leaves its value (or nothing). One whose value never returns never runs either: wasm
    // types it by its label, not made yet, so it is 'unreachable' here and the encoders follow it
    // with an `unreachable`, which makes wasm's stack agree.
    const t = kind === K.BR && cond ? (v ? v.type : 'none') : type;
    head(kind, t, (v ? F.F1 : 0) | (kind === K.BR && cond ? F.F2 : 0), v ? typeCode(v.type, kind) + 1 : 0);
    for (const l of labels) ref(l);
    return this.made(s, t, kind);
  }

  private labelOf(label: string): string {
    this.branches++;
    if (typeof label !== 'string' || label === '') throw this.err('InvalidBody', `a branch label must be a non-empty string`);
    return label;
  }

  return(value?: Operand): Node {
    const want = this.fsig.results[0];
    if (want === undefined && value !== undefined) throw this.err('TypeMismatch', `return with a value from a function that returns nothing`);
    if (want !== undefined && value === undefined) throw this.err('TypeMismatch', `return without a value from a function that returns ${want}`);
    this.mine();
    const s = value === undefined ? pos() : this.placed([value], [want!], 'return value');
    head(K.RETURN, 'unreachable', value !== undefined ? F.F1 : 0);
    return this.made(s, 'unreachable', K.RETURN);
  }

  drop(value: Operand): Node {
    this.mine();
    const v = this.node(value, 'drop');
    if (v.type === 'none') throw this.err('InvalidBody', `drop of an expression that gives no value`);
    const s = placeNodes([v]);
    head(K.DROP, 'none', 0);
    return this.made(s, 'none', K.DROP);
  }

  select(cond: Operand, a: Operand, b: Operand): Node {
    this.mine();
    const c = this.expect(cond, 'i32', 'select condition');
    const x = this.node(a, 'select');
    const y = this.node(b, 'select');
    const t = joinTypes(x.type, y.type, selectArms, this.name);
    if (!isValType(t)) throw this.err('TypeMismatch', `select needs two values, got ${x.type} and ${y.type}`);
    // wasm takes the condition last.
    const s = placeNodes([x, y, c]);
    head(K.SELECT, t, 0);
    return this.made(s, t, K.SELECT);
  }

  unreachable(): Node {
    this.mine();
    const s = pos();
    head(K.UNREACHABLE, 'unreachable', 0);
    return this.made(s, 'unreachable', K.UNREACHABLE);
  }

  nop(): Node {
    this.mine();
    const s = pos();
    head(K.NOP, 'none', 0);
    return this.made(s, 'none', K.NOP);
  }

  // ---- runtime types ----

  /** The id of an RTT, as an i32 immediate. */
  rttId(name: string): Operand {
    return this.constOf('i32', this.lookup(name, 'rtt').id);
  }

  /** The RTT id stored in an object's header. */
  rttOf(obj: Operand): Node {
    this.mine();
    return this.load('i32.load', this.expect(obj, 'i32', 'object address'), 0);
  }

  /** 1 if the RTT with id `id` is `superName` or one of its subtypes: O(1), two loads. */
  isSubtype(id: Operand, superName: string): Operand {
    const sup = this.lookup(superName, 'rtt');
    this.mine();
    this.expect(id, 'i32', 'RTT id');
    return subtypeTest(this, id, sup, `$rtt${this.localTypes.length}`);
  }

  /** 1 if the object at `obj` is an instance of `rttName` or a subtype. */
  instanceOf(obj: Operand, rttName: string): Operand {
    return this.isSubtype(this.rttOf(obj), rttName);
  }

  private fieldOf(rttName: string, field: string) {
    const f = fieldIn(this.lookup(rttName, 'rtt'), field);
    if (typeof f === 'string') throw this.err('UnknownSymbol', f);
    return f;
  }

  /** Read a field of an object: a load with the field's offset as the immediate. */
  field(obj: Operand, rttName: string, field: string): Node {
    const f = this.fieldOf(rttName, field);
    return this.load(`${f.op}.load`, obj, f.offset);
  }

  setField(obj: Operand, rttName: string, field: string, value: Operand): Node {
    const f = this.fieldOf(rttName, field);
    return this.store(`${f.op}.store`, obj, value, f.offset);
  }

  /** Instance size in bytes of an RTT (header included). */
  sizeOf(rttName: string): Operand {
    return this.constOf('i32', this.lookup(rttName, 'rtt').size);
  }

  /** Store the RTT id into a fresh object's header. */
  initHeader(obj: Operand, rttName: string): Node {
    return this.store('i32.store', obj, this.rttId(rttName), 0);
  }

  // ---- tags and exceptions ----

  tagId(name: string): Operand {
    return this.constOf('i32', this.lookup(name, 'tag').id);
  }

  throw(tag: string, ...args: Operand[]): Node {
    const t = this.lookup(tag, 'tag');
    this.mine();
    const s = this.placed(args, t.params, `throw '${tag}'`);
    head(K.THROW, 'unreachable', 0, args.length);
    ref(tag);
    word(t.id);
    ref(t.params);
    return this.made(s, 'unreachable', K.THROW);
  }

  /** try/catch by runtime tag. `catchAll` also receives JS exceptions; without it they propagate. */
  try(body: Body, catches: readonly CatchSpec[], catchAll?: Body, type?: ValType | 'none'): Node {
    this.givenType(type, 'try');
    const b = this.seqOf(body, 'try');
    const clauses = catches.map((c) => {
      const t = this.lookup(c.tag, 'tag');
      const locals = t.params.map((p, i) => this.local(p, `$${c.tag}.${i}`).index);
      const payload = locals.map((index, i) => this.localGet(index, t.params[i]!));
      return { tag: c.tag, id: t.id, params: t.params, locals, body: this.seqOf(c.body(payload), `catch '${c.tag}'`) };
    });
    const all = catchAll === undefined ? null : this.seqOf(catchAll, 'catch_all');
    const arms = [b, ...clauses.map((c) => c.body), ...(all ? [all] : [])];
    let rt: ExprType = type ?? 'unreachable';
    if (type === undefined) for (const a of arms) rt = joinTypes(rt, seqType(a), tryArms, this.name);
    else for (const a of arms) this.checkSeq(a, type, 'try arm');
    this.mine();
    // The lists in the packed order (body, each clause's, catch-all): the payload reads and the
    // catch-all, made before the clauses' bodies, are copied after them.
    const starts = placeLists(arms);
    const h = pos();
    head(K.TRY, rt, all ? F.F1 : 0, b.length);
    word(clauses.length);
    for (const c of clauses) {
      ref(c.tag);
      word(c.id);
      ref(c.params);
      ref(c.locals);
      word(c.body.length);
    }
    if (all) word(all.length);
    for (const x of starts) word(h - x);
    return this.made(starts[0]!, rt, K.TRY);
  }

  // ---- result ----

  /** The finished function, as a tree (what the commit keeps is `finishKept`'s). */
  finish(body: Body): FuncIR {
    const kept = this.finishKept(body);
    return isTree(kept) ? kept : unpackFunc(kept);
  }

  /** The finished function as a stage keeps it: its words from its first root on, or a small body's tree (pack.ts, `finishStream`). */
  finishKept(body: Body): KeptFunc {
    // Made as objects only (`small`): kept as the tree, or packed if it is bigger than a kept tree
    // or holds objects made by hand (the caller's, who may change them). The list is the body's own.
    if (this.small > 0) {
      const items = (body === undefined ? [] : Array.isArray(body) ? body.slice() : [body]) as Expr[];
      if (objectsFit(items)) {
        for (let i = 0; i < items.length; i++) this.noteForeign(items[i]!);
        this.checkResult(items);
        this.close();
        const f = new FuncNode(this.name, this.fsig, this.ownLocalTypes(), this.ownLocalNames(), items);
        return keepFunc(this.foreign ? { ...f, body: items.map(copyTree) } : f);
      }
    }
    const list = this.seqOf(body, 'function body');
    this.checkResult(list);
    const s = placeNodes(list);
    this.close();
    return finishStream(this, s, list.length, { name: this.name, sig: this.fsig, locals: this.ownLocalTypes(), localNames: this.ownLocalNames() });
  }

  private checkResult(list: ReadonlyArray<{ readonly type: ExprType }>): void {
    this.checkDrops(list, 'function body');
    if (this.late) checkLateLocals(this.late, this.localTypes, this.name);
    const want = (this.fsig.results[0] ?? 'none') as ExprType;
    const got = seqType(list);
    if (got !== want && got !== 'unreachable') {
      throw this.err('TypeMismatch', `the function returns ${want === 'none' ? 'nothing' : want}, but its body gives ${got === 'none' ? 'nothing' : got}`);
    }
  }

  /** The locals the body declared, parameters excluded. */
  private ownLocalTypes(): readonly ValType[] {
    return this.localTypes.length > this.fsig.params.length ? this.localTypes.slice(this.fsig.params.length) : NO_LOCALS;
  }

  private ownLocalNames(): ReadonlyArray<string | undefined> {
    return this.localNames.length && this.localNames.some((n) => n !== undefined) ? namesOf(this.localNames, this.localTypes.length) : NO_LOCALS;
  }

  /** Give the body up: its stream is dropped, and the builder makes nothing more. */
  dispose(): void {
    this.close();
    abandonStream(this);
  }
}
