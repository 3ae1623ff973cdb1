// The baseline tier: lowers a stage's IR straight to wasm bytes with a streaming encoder (no
// binaryen), applying the lowering of DESIGN.md: direct calls inside the module, calls through a
// slot for other stages, globals as memory cells, constants and ids as immediates.

import { fail } from '../../runtime/errors.js';
import type { Expr, ExprType, FuncIR, Sig, ValType } from '../ir/nodes.js';
import type { SymbolInfo } from '../ir/symbols.js';
import { sigKey } from '../ir/nodes.js';
import { MAX_BODY_BYTES, MAX_ENGINE_LOCALS } from '../ir/sig.js';
import { analyze, bindsOwn } from '../ir/analyze.js';
import { VALTYPE_CODE, instr, type InstrInfo } from '../wasm/instructions.js';
import { ByteWriter, putS32, putU32, writeConst } from '../wasm/writer.js';
import { IntIndex } from './int-index.js';
import { HANDOVER, keepPrefix, prefixOf } from './prefixes.js';
import { dispatcherSig } from './thunks.js';
import { encodeStream, type StreamBody, type StreamTarget } from './encode-stream.js';
import { writeThrow, writeTry, type ExnTarget } from './exceptions.js';
import { LAYOUT_MAX_RELOCS, LINK_TABLE, RELOC, SHARED_TABLE, type BodyLayout } from './body-layout.js';
import type { EncodedModule, ModuleImports, ModulePlan } from './module-plan.js';
import { FUNCS_EXPORT, LINK_EXPORT, WASM_HEADER, section, vecSection, writeElementRun, writeFuncType, writeFuncrefTable, writeInstallSection, writeNameSection, writeStageImports, writeTableExport } from '../wasm/sections.js';

export type { CallLinking, EncodedModule, LowerContext, ModuleImports, ModulePlan } from './module-plan.js';

/**
 * Checks the test suite turns on: `stream` encodes every packed body both ways and throws if the
 * bytes differ (the stream reader must write what the tree encoder writes).
 */
export const encoderChecks = { stream: false };

const NONE_BT = 0x40;
/** The types of an encoder that has interned none yet, and the spans of one that records no layout. */
const NO_TYPES_YET = Object.freeze([]) as unknown as Sig[];
const NO_SPANS = Object.freeze([]) as unknown as number[];
/** Shared by every module that imports nothing (many do): memory per stage counts. */
const NO_RELOCS: readonly number[] = Object.freeze([]);

/**
 * A list of numbers grown in one array shared by every module (encoding is never re-entered) and
 * copied out at its exact length: one grown per module was garbage twice its size, and the copy
 * kept (slots, cells and link-table entries live as long as the stage) carried its slack.
 */
class ScratchList {
  private readonly xs: number[] = [];
  n = 0;
  reset(): this {
    this.n = 0;
    return this;
  }
  push(x: number): void {
    this.xs[this.n++] = x;
  }
  out(): number[] {
    // A small module's lists are empty or short: no builtin call (on V8 13 the commit path runs in
    // the mid tier for its first ~10,000 commits, where a builtin is a call into cold code).
    return this.n > 16 ? this.xs.slice(0, this.n) : firstOf(this.xs, this.n);
  }
}
const scratchSlots = new ScratchList();
const scratchCells = new ScratchList();
const scratchLinks = new ScratchList();

/** The first `n` numbers of `xs` as an array of their own, copied without a builtin call. */
function firstOf(xs: ArrayLike<number>, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(xs[i]!);
  return out;
}

/**
 * Small lists stay arrays (a typed array costs more to make than a one-function stage's layout);
 * long ones move off the JavaScript heap, out of the garbage collector's way, in an Int32Array.
 */
function packed(xs: number[]): ArrayLike<number> {
  return xs.length > 64 ? Int32Array.from(xs) : xs;
}
export const NO_IMPORTS: ModuleImports = Object.freeze({ memory: false, table: false, link: Object.freeze([]) as unknown as number[], exn: false });
const LOAD: Record<ValType, InstrInfo> = { i32: instr('i32.load'), i64: instr('i64.load'), f32: instr('f32.load'), f64: instr('f64.load') };
const STORE: Record<ValType, InstrInfo> = { i32: instr('i32.store'), i64: instr('i64.store'), f32: instr('f32.store'), f64: instr('f64.store') };
/** The module's relocations, 3 words each, in one array for all (a list grown for a big body's, dropped past LAYOUT_MAX_RELOCS, was ~30 B of garbage per reference). */
const scratchRelocs = new Int32Array(3 * LAYOUT_MAX_RELOCS);
const scratchCode = new ByteWriter(4096);
const scratchBody = new ByteWriter(1024);
const scratchModule = new ByteWriter(4096);

/** Encode a stage module. The functions must have passed `verifyFunc`. */
export function encodeModule(plan: ModulePlan): EncodedModule {
  return new ModuleEncoder(plan).encode();
}

// Which slots, cells (by address / 8) and link-table slots the module being encoded has met, and
// at what index: shared by all encoders, like the scratch writers.
const slotsSeen = new IntIndex();
const cellsSeen = new IntIndex();
const linksSeen = new IntIndex();

class ModuleEncoder implements StreamTarget, ExnTarget {
  // Maps and sets are made when first needed: a small stage needs none, and making them cost
  // more than encoding its one function.
  /** Made by the first type, as a list of it: an empty array pushed into gets room for 17 from V8, and the layout keeps this one. */
  private types: Sig[] = NO_TYPES_YET;
  private typeIndex: Map<string, number> | undefined;
  private local: Map<string, number> | undefined;
  /** Link-table index of each dispatcher (negative link values) met; slots are in `linksSeen`. */
  private dispatcherLinks: Map<number, number> | undefined;
  private readonly imports: ModuleImports = { memory: false, table: false, link: [], exn: false };
  private linkTableIdx = -1;
  private sharedTableIdx = -1;
  private funcTableIdx = -1;
  private exnTypeIdx = -1;
  // Scratch writers shared by all encoders: encoding is synchronous and never re-entered.
  private readonly code = scratchCode.reset();
  /** Where instructions go: the code section itself, or a scratch buffer when locals may still be added. */
  body: ByteWriter = scratchBody.reset();
  private exceptions = false;
  // Per-function state.
  readonly labels: Array<string | null> = [];
  private extraLocals: ValType[] = [];
  /** Scratch locals free for reuse, by type: one is taken for as long as the value it holds is needed. */
  private freeLocals: Record<ValType, number[]> = { i32: [], i64: [], f32: [], f64: [] };
  private nLocals = 0;
  private funcName = '';
  private readonly slotRefs = scratchSlots.reset();
  private readonly cellRefs = scratchCells.reset();
  /** What the link table holds (ModuleImports.link), copied out when the module is done. */
  private readonly links = scratchLinks.reset();
  // The body layout: spans per function (five numbers each, sized up front: the layout keeps them),
  // relocations, and where the current body's instructions begin.
  private readonly spans: number[];
  /** Words of `scratchRelocs` in use. */
  private nRelocs = 0;
  private instrBase = 0;
  private recording: boolean;

  private reloc(kind: number, value: number, at = true): void {
    if (!this.recording) return;
    const n = this.nRelocs;
    if (n >= 3 * LAYOUT_MAX_RELOCS) return void (this.recording = false);
    scratchRelocs[n] = at ? this.body.len - this.instrBase : -1;
    scratchRelocs[n + 1] = kind;
    scratchRelocs[n + 2] = value;
    this.nRelocs = n + 3;
  }

  cell(e: { name: string; sym?: SymbolInfo }): number {
    const a = (e.sym?.kind === 'global' ? e.sym.address : undefined) ?? this.plan.ctx.globalAddress(e.name);
    if ((a & 7) !== 0 || a < 0) throw fail('Internal', `global '${e.name}' has cell address ${a}, not a multiple of 8`);
    this.noteCell(a);
    this.reloc(RELOC.CELL, a, false);
    return a;
  }

  /** The module refers to the cell at `a` (listed once in its cellRefs). */
  private noteCell(a: number): void {
    if (cellsSeen.get(a >>> 3) < 0) {
      cellsSeen.set(a >>> 3, 0);
      this.cellRefs.push(a);
    }
  }

  /** The module refers to slot `s` (listed once in its slotRefs). */
  private noteSlot(s: number): void {
    if (slotsSeen.get(s) < 0) {
      slotsSeen.set(s, 0);
      this.slotRefs.push(s);
    }
  }

  /** The link-table entry that holds slot `s`, the first reference making it. */
  private linkOf(s: number): number {
    let li = linksSeen.get(s);
    if (li < 0) {
      li = this.links.n;
      this.links.push(s);
      linksSeen.set(s, li);
    }
    return li;
  }

  slot(e: { name: string; sym?: SymbolInfo }): number {
    const s = (e.sym?.kind === 'func' ? e.sym.slot : undefined) ?? this.plan.ctx.slotOf(e.name);
    this.noteSlot(s);
    this.reloc(RELOC.SLOT, s, false);
    return s;
  }

  get exnBuffer(): number {
    return this.plan.ctx.exnBuffer;
  }

  get finalTry(): boolean {
    return this.plan.ctx.exceptions === 'final';
  }

  constructor(private readonly plan: ModulePlan) {
    this.recording = plan.layout === true;
    this.spans = this.recording ? new Array<number>(5 * plan.funcs.length) : NO_SPANS;
    slotsSeen.begin();
    cellsSeen.begin();
    linksSeen.begin();
    // Only functions some function of the module calls directly need an index by name.
    const direct = plan.refs?.directCalls;
    if (direct && direct.size === 0) return;
    const local = (this.local = new Map());
    plan.funcs.forEach((f, i) => {
      if (!direct || direct.has(f.name)) local.set(f.name, i);
    });
  }

  private lastSig: Sig | undefined;
  private lastType = 0;

  private typeOf(sig: Sig): number {
    // Functions of a stage mostly share one signature object (parsed signatures are cached).
    if (sig === this.lastSig) return this.lastType;
    this.lastSig = sig;
    return (this.lastType = this.internType(sig));
  }

  private internType(sig: Sig): number {
    const types = this.types;
    if (types === NO_TYPES_YET) {
      this.types = [sig];
      return 0;
    }
    const key = sigKey(sig);
    if (!this.typeIndex) {
      // Few types so far: compare their keys, and index them only when there are more.
      for (let i = 0; i < types.length; i++) if (types[i] === sig || sigKey(types[i]!) === key) return i;
      if (types.length < 8) return types.push(sig) - 1;
      this.typeIndex = new Map(types.map((t, i) => [sigKey(t), i]));
    }
    let i = this.typeIndex.get(key);
    if (i === undefined) {
      i = types.push(sig) - 1;
      this.typeIndex.set(key, i);
    }
    return i;
  }

  /** Decide imports and table indices before code is written (the immediates depend on them). */
  private scan(): void {
    const refs = this.plan.refs ?? analyze(this.plan.funcs, undefined, this.plan.ctx);
    const slotCalls = refs.slotCalls.length > 0;
    const dynamic = refs.dynamicCalls;
    const ctx = this.plan.ctx;
    let tables = 0;
    if (ctx.calls === 'link-table') {
      // The link table is the module's own; dynamic calls go through dispatchers it holds.
      if (slotCalls || dynamic) this.linkTableIdx = tables++;
    } else if (slotCalls || dynamic || this.plan.install) {
      this.sharedTableIdx = tables++;
      this.linkTableIdx = this.sharedTableIdx;
    }
    if (this.plan.install && ctx.calls !== 'shared-table') throw fail('Internal', 'installing by element segment needs shared-table linking');
    if (this.plan.exportTable) {
      if (this.plan.install) throw fail('Internal', 'a module either installs its functions or exports them in a table');
      this.funcTableIdx = tables++;
    }
    this.imports.memory = refs.memory;
    this.imports.table = this.sharedTableIdx >= 0;
    this.imports.exn = refs.exceptions;
    this.exceptions = refs.exceptions;
    if (refs.exceptions) this.exnTypeIdx = this.typeOf({ params: ['i32'], results: [] });
  }

  encode(): EncodedModule {
    const { funcs, ctx } = this.plan;
    this.scan();
    const funcTypes = new Array<number>(funcs.length);
    for (let i = 0; i < funcs.length; i++) funcTypes[i] = this.typeOf(funcs[i]!.sig);
    this.code.u8(10);
    const codeSize = this.code.reserve();
    this.code.u32(funcs.length);
    for (let i = 0; i < funcs.length; i++) this.encodeFunc(funcs[i]!, i);
    this.code.patch(codeSize);

    const link = ctx.calls === 'link-table' && this.linkTableIdx >= 0;
    const table = this.funcTableIdx >= 0;
    const install = this.plan.install;
    // Stages of functions of one signature write the same sections before their code for a given
    // number of functions, way of handing them over, imports (memory, shared table; no tag, whose
    // type could be theirs), other signature their calls use (at most one) and link-table size:
    // they are written once and copied (a stage calling others' functions wrote its sections
    // itself: ~11% of planning a small body, warm, and more of the code path run per commit). A
    // module that installs its functions writes its element segment (the slots differ) after it.
    const handover = table ? HANDOVER.TABLE : install ? HANDOVER.INSTALL : HANDOVER.EXPORTS;
    let reusable = this.types.length <= 2 && !this.imports.exn && (!install || install.every((x) => x !== undefined));
    for (let i = 0; i < funcTypes.length && reusable; i++) reusable = funcTypes[i] === 0;
    const shape = reusable ? { second: this.types[1], links: link ? this.links.n : 0, count: funcs.length, handover, table: this.imports.table, memory: this.imports.memory ? ctx.memory : undefined } : undefined;
    const made = shape ? prefixOf(this.types[0]!, shape) : undefined;
    const w = scratchModule.reset();
    if (made) w.range(made.bytes, 0, made.bytes.length);
    else {
      this.writeHead(w, funcTypes, link, table);
      if (table) vecSection(w, 9, 1, (s) => writeElementRun(s, this.funcTableIdx, 0, 0, funcs.length));
      if (shape) keepPrefix(this.types[0]!, shape, w.buf.slice(0, w.len));
    }
    if (install) writeInstallSection(w, this.sharedTableIdx, install);
    const codeAt = w.len;
    w.range(this.code.buf, 0, this.code.len);
    this.names(w);
    const i = this.imports;
    if (this.links.n) i.link = this.links.out();
    return {
      bytes: w.finish(),
      imports: i.memory || i.table || i.exn || i.link.length ? i : NO_IMPORTS,
      slotRefs: this.slotRefs.out(),
      cellRefs: this.cellRefs.out(),
      layout: this.recording ? this.layout(funcTypes, codeAt) : undefined,
    };
  }

  /** The sections before the elements: types, imports, functions, own tables, exports. */
  private writeHead(w: ByteWriter, funcTypes: readonly number[], link: boolean, table: boolean): void {
    const { funcs, ctx, install } = this.plan;
    w.bytes(WASM_HEADER);
    vecSection(w, 1, this.types.length, (s) => this.types.forEach((t) => writeFuncType(s, t)));
    // Imports, in the order their indices were assigned: shared table, memory, tag.
    writeStageImports(w, {
      table: this.sharedTableIdx >= 0,
      memory: this.imports.memory ? ctx.memory : undefined,
      exnType: this.imports.exn ? this.exnTypeIdx : undefined,
    });
    // Functions.
    section(w, 3, (s) => {
      s.u32(funcTypes.length);
      for (const t of funcTypes) s.u32(t);
    });
    // Own tables, in index order: the link table, the table of exported functions.
    vecSection(w, 4, (link ? 1 : 0) + (table ? 1 : 0), (s) => {
      if (link) writeFuncrefTable(s, this.links.n);
      if (table) writeFuncrefTable(s, funcs.length);
    });
    // Exports: function i as "i", except those the module installs itself or puts in its table.
    const exported = table ? 0 : install ? funcs.length - install.filter((x) => x !== undefined).length : funcs.length;
    section(w, 7, (s) => {
      s.u32(exported + (link ? 1 : 0) + (table ? 1 : 0));
      if (exported) funcs.forEach((_, i) => install?.[i] === undefined && s.name(String(i)).u8(0x00).u32(i));
      if (link) writeTableExport(s, LINK_EXPORT, this.linkTableIdx);
      if (table) writeTableExport(s, FUNCS_EXPORT, this.funcTableIdx);
    });
  }

  private layout(funcTypes: readonly number[], codeAt: number): BodyLayout {
    // The encoder's own spans become the layout (an encoder encodes one module); the relocations
    // are copied out of the shared scratch array.
    const spans = this.spans;
    for (let f = 0; f < funcTypes.length; f++) {
      spans[5 * f] = funcTypes[f]!;
      for (let k = 1; k <= 3; k++) spans[5 * f + k]! += codeAt;
    }
    const funcs = this.plan.funcs;
    let named = false;
    for (let i = 0; i < funcs.length && !named; i++) named = funcs[i]!.localNames.length > 0;
    return {
      types: this.types,
      spans: packed(spans),
      relocs: this.nRelocs === 0 ? NO_RELOCS : this.nRelocs > 64 ? scratchRelocs.slice(0, this.nRelocs) : firstOf(scratchRelocs, this.nRelocs),
      localNames: named ? funcs.map((f) => f.localNames) : undefined,
    };
  }

  /** The name section: the module's and its functions' names, and the locals' names where given. */
  private names(w: ByteWriter): void {
    const { funcs, name } = this.plan;
    let locals: Array<readonly [number, ReadonlyArray<string | undefined>]> | undefined;
    for (let i = 0; i < funcs.length; i++) if (funcs[i]!.localNames.length) (locals ??= []).push([i, funcs[i]!.localNames]);
    writeNameSection(w, name, funcs, locals);
  }

  /** Function `index`'s span: its type (set by `layout`), where its body, its instructions and its end are, and its relocations' end. */
  private span(index: number, body: number, instrs: number, end: number): void {
    const at = 5 * index;
    const spans = this.spans;
    spans[at] = 0;
    spans[at + 1] = body;
    spans[at + 2] = instrs;
    spans[at + 3] = end;
    spans[at + 4] = this.nRelocs;
  }

  private encodeFunc(f: FuncIR, index: number): void {
    this.funcName = f.name;
    // Blocks push and pop their labels in step, so the stack is empty between bodies; resetting it
    // anyway would store an array's length, which V8 does in C++ (~380 instructions, cold).
    if (this.labels.length !== 0) this.labels.length = 0;
    this.nLocals = f.sig.params.length + f.locals.length;
    // The builder bounds a body's own locals; inlined bodies bring theirs.
    this.checkLocals(0);
    const c = this.code;
    const size = c.reserve();
    if (!this.exceptions) {
      // Only exception lowering adds scratch locals, so without it the locals are known up
      // front and the body goes straight into the code section.
      writeLocals(c, f.locals, NO_TYPES);
      this.body = c;
      this.instrBase = c.len;
      const p = this.plan.packed?.[index];
      if (p !== undefined) this.fromStream(f, p);
      else for (const e of f.body) this.expr(e);
      c.u8(0x0b);
      this.endBody(size);
      if (this.recording) this.span(index, size + 5, this.instrBase, c.len);
      return;
    }
    this.extraLocals = [];
    this.freeLocals = { i32: [], i64: [], f32: [], f64: [] };
    const b = (this.body = scratchBody.reset());
    this.instrBase = 0;
    // A packed body with no try or throw of its own is written from its words here too: it may be
    // nested too deep for the tree encoder's recursion.
    const p = this.plan.packed?.[index];
    if (p !== undefined && !p.exceptions) this.fromStream(f, p);
    else for (const e of f.body) this.expr(e);
    this.checkLocals(this.extraLocals.length);
    b.u8(0x0b);
    writeLocals(c, f.locals, this.extraLocals);
    const instrAt = c.len;
    c.range(b.buf, 0, b.len);
    this.endBody(size);
    if (this.recording) this.span(index, size + 5, instrAt, c.len);
  }

  /** A body's instructions from its packed words; with `encoderChecks.stream`, checked against the tree's. */
  private fromStream(f: FuncIR, p: StreamBody): void {
    const c = this.body;
    const at = c.len;
    const relocs = this.nRelocs;
    encodeStream(this, p);
    if (!encoderChecks.stream) return;
    const got = c.buf.slice(at, c.len);
    c.len = at;
    this.nRelocs = relocs;
    for (const e of f.body) this.expr(e);
    const want = c.buf.subarray(at, c.len);
    if (got.length !== want.length || got.some((x, i) => x !== want[i])) {
      throw fail('Internal', `the stream encoder wrote ${got.length} bytes where the tree encoder wrote ${want.length}, or other bytes`, { definition: f.name });
    }
  }

  /** Patch a body's size, which the engines bound (V8: 7,654,321 bytes). */
  private endBody(size: number): void {
    const n = this.code.len - size - 5;
    if (n > MAX_BODY_BYTES) throw fail('ResourceExhausted', `the function's code is ${n.toLocaleString('en')} bytes, more than an engine compiles in one function (${MAX_BODY_BYTES.toLocaleString('en')}); split it`, { definition: this.funcName });
    this.code.patch(size);
  }

  /** Refuse a function with more locals than an engine compiles (`extra` of them exception lowering's). */
  private checkLocals(extra: number): void {
    if (this.nLocals <= MAX_ENGINE_LOCALS) return;
    const scratch = extra ? `, ${extra.toLocaleString('en')} of them holding exception payloads and caught tags` : '';
    throw fail('ResourceExhausted', `the function needs ${this.nLocals.toLocaleString('en')} locals (its own, with the parameters and those of the functions inlined into it${scratch}), more than an engine compiles (${MAX_ENGINE_LOCALS.toLocaleString('en')}); split it`, { definition: this.funcName });
  }

  /** A scratch local of type `t`, free for reuse once `release`d. */
  scratch(t: ValType): number {
    const free = this.freeLocals[t].pop();
    if (free !== undefined) return free;
    this.extraLocals.push(t);
    return this.nLocals++;
  }

  release(t: ValType, local: number): void {
    this.freeLocals[t].push(local);
  }

  bt(t: ExprType): void {
    this.body.u8(t === 'none' || t === 'unreachable' ? NONE_BT : VALTYPE_CODE[t]);
  }

  depth(label: string): number {
    for (let i = this.labels.length - 1; i >= 0; i--) if (this.labels[i] === label) return this.labels.length - 1 - i;
    throw fail('Internal', `unbound label '${label}' reached the encoder`, { definition: this.funcName });
  }

  op(name: string): void {
    this.opInfo(instr(name));
  }

  opInfo(i: InstrInfo): void {
    if (i.prefix) this.body.u8(i.prefix).u32(i.code);
    else this.body.u8(i.code);
  }

  memarg(op: string, offset: number): void {
    this.memInfo(instr(op), offset);
  }

  memInfo(i: InstrInfo, offset: number): void {
    this.opInfo(i);
    this.body.u32(i.align!).u32(offset);
  }

  constant(t: ValType, v: number | bigint): void {
    writeConst(this.body, t, v);
  }

  /** `i32.const v`: the immediate most references lower to (an address, a slot, an id). */
  i32(v: number): void {
    this.body.u8(0x41).s32(v);
  }

  exprs(list: readonly Expr[]): void {
    for (let i = 0; i < list.length; i++) this.expr(list[i]!);
  }

  // One call per node (trees can be a chain of thousands of operations).
  expr(e: Expr): void {
    const b = this.body;
    switch (e.k) {
      // The kinds most bodies are made of first: a switch on strings tests its cases in order.
      case 'op':
        this.exprs(e.args);
        return this.opInfo(e.info ?? instr(e.op));
      case 'call':
        this.exprs(e.args);
        return this.callHead(e);
      case 'global.get':
        return this.loadCell(e, e.type);
      case 'const':
        return this.constant(e.type, e.value);
      case 'local.get':
        b.u8(0x20).u32(e.index);
        return;
      case 'local.set':
        this.expr(e.value);
        b.u8(e.tee ? 0x22 : 0x21).u32(e.index);
        return;
      case 'load':
        this.expr(e.ptr);
        return this.memInfo(e.info ?? instr(e.op), e.offset);
      case 'store':
        this.expr(e.ptr);
        this.expr(e.value);
        return this.memInfo(e.info ?? instr(e.op), e.offset);
      case 'global.set':
        this.i32(this.cell(e));
        this.expr(e.value);
        return this.storeCell(e, e.value.type);
      case 'symconst':
        return this.constant(e.type, this.constantOf(e));
      case 'slot.of':
        return this.i32(this.slot(e));
      case 'call.slot':
        this.exprs(e.args);
        this.expr(e.slot);
        return this.callSlotHead(e.sig, e.tail);
      case 'block':
      case 'loop':
        b.u8(e.k === 'block' ? 0x02 : 0x03);
        this.bt(e.type);
        this.labels.push(e.label);
        this.exprs(e.body);
        this.labels.pop();
        b.u8(0x0b);
        return this.afterConstruct(e.type);
      case 'if':
        this.expr(e.cond);
        b.u8(0x04);
        this.bt(e.type);
        this.labels.push(null);
        this.exprs(e.then);
        if (e.else) {
          b.u8(0x05);
          this.exprs(e.else);
        }
        this.labels.pop();
        b.u8(0x0b);
        return this.afterConstruct(e.type);
      case 'br':
        if (e.value) this.expr(e.value);
        if (e.cond) this.expr(e.cond);
        b.u8(e.cond ? 0x0d : 0x0c).u32(this.depth(e.label));
        if (e.cond) this.afterConstruct(e.type);
        return;
      case 'br_table':
        if (e.value) this.expr(e.value);
        this.expr(e.index);
        return this.brTable(e.labels, e.fallback);
      case 'return':
        if (e.value) this.expr(e.value);
        b.u8(0x0f);
        return;
      case 'drop':
        this.expr(e.value);
        b.u8(0x1a);
        return;
      case 'select':
        this.expr(e.a);
        this.expr(e.b);
        this.expr(e.cond);
        b.u8(0x1b);
        return;
      case 'unreachable':
        b.u8(0x00);
        return;
      case 'nop':
        return;
      case 'memory':
        this.exprs(e.args);
        return this.memoryOp(e.op);
      case 'throw':
        return writeThrow(this, e.id, e.params, e.args);
      case 'try':
        writeTry(this, e);
        return this.afterConstruct(e.type);
    }
  }

  /** `global.get`: the load of a cell. */
  loadCell(e: { name: string; sym?: SymbolInfo }, type: ValType): void {
    this.i32(this.cell(e));
    this.memInfo(LOAD[type], 0);
  }

  /** The store of `global.set` into its cell, whose address and value are written. */
  storeCell(e: { sym?: SymbolInfo }, valueType: ExprType): void {
    this.memInfo(STORE[e.sym?.kind === 'global' ? e.sym.type : valueType === 'unreachable' || valueType === 'none' ? 'i32' : valueType], 0);
  }

  /**
   * A block, loop, if or try that never completes has the empty block type in wasm, so what
   * follows would see an empty stack; an `unreachable` after it (never executed) makes the stack
   * polymorphic again, as the IR's type says. So for a `br_if` whose value never returns, which
   * wasm types by its label.
   */
  afterConstruct(type: ExprType): void {
    if (type === 'unreachable') this.body.u8(0x00);
  }

  /**
   * A call of a function another stage defines (what `callHead` writes for it), in one step with
   * one room check: the stream reader's commonest node beside `cellLoad`. Through the link table,
   * the entry that holds the function's slot; through the shared table, the slot itself. Through the
   * general path (a reference object per node, five steps, a capacity check per byte) a call and a
   * global's read cost ~1,350 instructions between them, written here ~600 (callgrind, a body of
   * 1,000 of each). False, having written nothing, where the general path must write it: a function
   * of the module's own name (maybe a direct call), relocations being recorded, or a symbol that says
   * no slot.
   */
  slotCall(sym: SymbolInfo): boolean {
    if (this.recording || sym.kind !== 'func' || sym.slot === undefined || this.local?.has(sym.name)) return false;
    const s = sym.slot;
    this.noteSlot(s);
    const link = this.plan.ctx.calls === 'link-table';
    const index = link ? this.linkOf(s) : s;
    const t = this.typeOf(sym.sig);
    // i32.const index; call_indirect t table: 1 + 5 + 1 + 5 + 5 bytes at most.
    const b = this.body;
    b.room(17);
    const buf = b.buf;
    let at = b.len;
    buf[at++] = 0x41;
    at = putS32(buf, at, index);
    buf[at++] = 0x11;
    at = putU32(buf, at, t);
    b.len = putU32(buf, at, link ? this.linkTableIdx : this.sharedTableIdx);
    return true;
  }

  /** `global.get` of a global whose record holds its cell (what `loadCell` writes), in one step; false where `loadCell` must write it. */
  cellLoad(sym: SymbolInfo, type: ValType): boolean {
    if (this.recording || sym.kind !== 'global' || sym.address === undefined) return false;
    const a = sym.address;
    if ((a & 7) !== 0 || a < 0) return false;
    this.noteCell(a);
    // i32.const a; T.load align 0: 1 + 5 + 1 + 5 + 1 bytes at most (loads have no prefix byte).
    const info = LOAD[type];
    const b = this.body;
    b.room(13);
    const buf = b.buf;
    let at = b.len;
    buf[at++] = 0x41;
    at = putS32(buf, at, a);
    buf[at++] = info.code;
    at = putU32(buf, at, info.align!);
    buf[at++] = 0;
    b.len = at;
    return true;
  }

  /** A call by name, its arguments already written. */
  callHead(e: { name: string; sym?: SymbolInfo; sig: Sig; tail: boolean }): void {
    const idx = this.local?.get(e.name);
    if (idx !== undefined && bindsOwn(e.name, e.sym, this.plan.ctx)) {
      this.body.u8(e.tail && this.plan.ctx.tailCalls ? 0x12 : 0x10);
      this.reloc(RELOC.FUNC, idx);
      this.body.u32(idx);
      if (e.tail && !this.plan.ctx.tailCalls) this.body.u8(0x0f);
      return;
    }
    const slot = this.slot(e);
    if (this.plan.ctx.calls === 'link-table') this.linkEntry(slot);
    else this.i32(slot);
    this.indirect(e.sig, this.linkTableIdx, e.tail);
  }

  /** A call through a computed slot, its arguments and slot already written. */
  callSlotHead(sig: Sig, tail: boolean): void {
    const ctx = this.plan.ctx;
    if (ctx.calls !== 'link-table') return this.indirect(sig, this.sharedTableIdx, tail);
    if (!ctx.dispatcher) throw fail('Internal', 'link-table lowering of a dynamic call needs LowerContext.dispatcher');
    this.linkEntry(ctx.dispatcher(sig));
    this.indirect(dispatcherSig(sig), this.linkTableIdx, tail);
  }

  /** The value a compile-time constant folds to. */
  constantOf(e: { name: string; sym?: SymbolInfo }): number | bigint {
    return e.sym?.kind === 'constant' ? e.sym.value : this.plan.ctx.constantValue(e.name);
  }

  /** `br_table` with its operands already written. */
  brTable(labels: readonly string[], fallback: string): void {
    const b = this.body;
    b.u8(0x0e).u32(labels.length);
    for (const l of labels) b.u32(this.depth(l));
    b.u32(this.depth(fallback));
  }

  /** A bulk memory instruction with its operands already written. */
  memoryOp(op: string): void {
    this.op(op);
    this.body.u8(0x00);
    if (op === 'memory.copy') this.body.u8(0x00);
  }

  /** `i32.const` of the link-table index holding `value` (a slot or a dispatcher), one entry per value. */
  private linkEntry(value: number): void {
    let li = value >= 0 ? this.linkOf(value) : this.dispatcherLinks?.get(value);
    if (li === undefined) {
      li = this.links.n;
      this.links.push(value);
      (this.dispatcherLinks ??= new Map()).set(value, li);
    }
    this.body.u8(0x41);
    this.reloc(RELOC.LINK, value);
    this.body.s32(li);
  }

  private indirect(sig: Sig, table: number, tail: boolean): void {
    const t = this.typeOf(sig);
    const b = this.body;
    b.u8(tail && this.plan.ctx.tailCalls ? 0x13 : 0x11);
    this.reloc(RELOC.TYPE, t);
    b.u32(t);
    this.reloc(RELOC.TABLE, this.plan.ctx.calls === 'link-table' && table === this.linkTableIdx ? LINK_TABLE : SHARED_TABLE);
    b.u32(table);
    if (tail && !this.plan.ctx.tailCalls) b.u8(0x0f);
  }
}

const NO_TYPES: readonly ValType[] = [];

/** The locals declaration: declared locals then scratch ones, run-length encoded. */
function writeLocals(w: ByteWriter, a: readonly ValType[], b: readonly ValType[]): void {
  const n = a.length + b.length;
  const at = (i: number) => (i < a.length ? a[i]! : b[i - a.length]!);
  let runs = 0;
  for (let i = 0; i < n; i++) if (i === 0 || at(i) !== at(i - 1)) runs++;
  w.u32(runs);
  for (let i = 0; i < n; ) {
    const t = at(i);
    let j = i + 1;
    while (j < n && at(j) === t) j++;
    w.u32(j - i).u8(VALTYPE_CODE[t]);
    i = j;
  }
}
