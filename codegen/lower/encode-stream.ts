// The baseline encoder's reading of a packed body: the words are post-order, wasm's own order, so
// most nodes are written as their heads are met, front to back, without a tree; the few that wasm
// writes partly before their operands (block, loop, if, global.set) are found by regionStarts.
// It must write exactly the bytes the tree encoder writes (the test suite checks every body).

import type { ExprType, Sig, ValType } from '../ir/nodes.js';
import type { SymbolInfo } from '../ir/symbols.js';
import { F, K, TYPES, instrAt, refName, refSym, symbolWords, type PackedFunc, type Rebind } from '../ir/packed.js';
import { NO_STARTS, firstImmediate, immediates, oneImmediate, regionStarts } from '../ir/scan.js';
import { instr, type InstrInfo } from '../wasm/instructions.js';
import type { ByteWriter } from '../wasm/writer.js';
import { fail } from '../../runtime/errors.js';

/** What of the module encoder the stream reader writes with (encode.ts). */
export interface StreamTarget {
  readonly body: ByteWriter;
  readonly labels: Array<string | null>;
  bt(t: ExprType): void;
  depth(label: string): number;
  opInfo(i: InstrInfo): void;
  memInfo(i: InstrInfo, offset: number): void;
  constant(t: ValType, v: number | bigint): void;
  i32(v: number): void;
  afterConstruct(t: ExprType): void;
  cell(e: { name: string; sym?: SymbolInfo }): number;
  slot(e: { name: string; sym?: SymbolInfo }): number;
  loadCell(e: { name: string; sym?: SymbolInfo }, type: ValType): void;
  /** `callHead` and `loadCell` for their commonest case, in one step each: false (nothing written) where those must write it. */
  slotCall(sym: SymbolInfo): boolean;
  cellLoad(sym: SymbolInfo, type: ValType): boolean;
  storeCell(e: { sym?: SymbolInfo }, valueType: ExprType): void;
  callHead(e: { name: string; sym?: SymbolInfo; sig: Sig; tail: boolean }): void;
  callSlotHead(sig: Sig, tail: boolean): void;
  constantOf(e: { name: string; sym?: SymbolInfo }): number | bigint;
  brTable(labels: readonly string[], fallback: string): void;
  memoryOp(op: string): void;
}

/** A packed body for the encoder, and whether it has nodes wasm writes before their operands. */
export interface StreamBody {
  readonly body: PackedFunc;
  readonly prefixed: boolean;
  /** It throws or catches: the tree encoder writes it (exception lowering needs scratch locals). */
  readonly exceptions: boolean;
  /** A stored body lowered again: what each symbol reference means now (the rebind pass). */
  readonly rebind?: Rebind | undefined;
}

/** Write a packed body's instructions (its locals are the caller's). */
export function encodeStream(t: StreamTarget, b: StreamBody): void {
  const p = b.body;
  // A body packed alone ends where its words do; the scan is needed only for what it finds.
  if (!b.prefixed && p.start === 0) return void new StreamReader(t, p, NO_STARTS, b.rebind).range(0, p.words.length);
  const regions = regionStarts(p);
  new StreamReader(t, p, regions.starts, b.rebind).range(p.start, regions.end);
}

class StreamReader {
  private readonly w: Int32Array;
  private readonly refs: readonly unknown[];
  private readonly starts: Map<number, number[]>;
  private readonly prefixes: boolean;
  /** Where the node just written ends (its head and immediates). */
  private next = 0;
  /**
   * The symbol reference being written, reused: the encoder's helpers take a `{ name, sym }` like
   * the tree's nodes, and an object per reference cost more than the walk it saves.
   */
  private readonly ref: { name: string; sym: SymbolInfo | undefined; sig: Sig; tail: boolean } = { name: '', sym: undefined, sig: { params: [], results: [] }, tail: false };

  constructor(
    private readonly t: StreamTarget,
    p: PackedFunc,
    starts: Map<number, number[]>,
    private readonly rebind: Rebind | undefined,
  ) {
    this.w = p.words;
    this.refs = p.refs;
    this.starts = starts;
    // Most bodies have no node wasm writes before its operands: no lookup per node for them.
    this.prefixes = starts.size > 0;
  }

  /**
   * Write the nodes whose heads lie in [from, to), a list; returns the last one's type (undefined
   * for an empty list), which a `global.set`'s store needs.
   */
  range(from: number, to: number): ExprType | undefined {
    let at = from;
    let last: ExprType | undefined;
    while (at < to) {
      // A node wasm writes before its operands starts here: the outermost one inside this range
      // (enclosing ones have their heads at or past `to`).
      const heads = this.prefixes ? this.starts.get(at) : undefined;
      let h = -1;
      if (heads !== undefined) for (let i = heads.length - 1; i >= 0 && h < 0; i--) if (heads[i]! < to) h = heads[i]!;
      last = h >= 0 ? this.prefixed(h) : this.plain(at);
      at = this.next;
    }
    return last;
  }

  /** Read the symbol reference at `at` into `ref`. */
  private symbol(h: number, at: number): typeof this.ref {
    const r = this.ref;
    r.name = refName(h, this.w, this.refs, at);
    const sym = refSym(h, this.w, this.refs, at);
    r.sym = this.rebind ? this.rebind(r.name, sym) : sym;
    return r;
  }

  /** Where the immediates of the head at `at` start; `next` is set past them. */
  private open(at: number): number {
    const i = firstImmediate(this.w, at);
    this.next = i + immediates(this.w[at]!, this.w, i);
    return i;
  }

  /** The node whose head is at `h`, written partly before its operands. */
  private prefixed(h: number): ExprType {
    const { w, t } = this;
    const head = w[h]!;
    const type = TYPES[(head >>> 5) & 7]!;
    const i = this.open(h);
    const end = this.next;
    const b = t.body;
    switch (head & 31) {
      case K.BLOCK:
      case K.LOOP: {
        b.u8((head & 31) === K.BLOCK ? 0x02 : 0x03);
        t.bt(type);
        t.labels.push(head & F.F1 ? (this.refs[w[i]!] as string) : null);
        this.range(h - w[end - 1]!, h);
        t.labels.pop();
        b.u8(0x0b);
        t.afterConstruct(type);
        break;
      }
      case K.IF: {
        const o = head & F.F1 ? i + 1 : i;
        const thenAt = h - w[o + 1]!;
        const elseAt = head & F.F1 ? h - w[o + 2]! : h;
        this.range(h - w[o]!, thenAt);
        b.u8(0x04);
        t.bt(type);
        t.labels.push(null);
        this.range(thenAt, elseAt);
        if (head & F.F1) {
          b.u8(0x05);
          this.range(elseAt, h);
        }
        t.labels.pop();
        b.u8(0x0b);
        t.afterConstruct(type);
        break;
      }
      case K.GLOBAL_SET: {
        // The value's nodes reuse `ref`: the symbol is kept apart for the store.
        const sym = this.symbol(head, i).sym;
        t.i32(t.cell(this.ref));
        const valueType = this.range(h - w[end - 1]!, h);
        t.storeCell({ sym }, valueType ?? 'none');
        break;
      }
      default:
        throw unwritten(head);
    }
    this.next = end;
    return type;
  }

  /** The node whose head is at `at`, its operands already written. */
  private plain(at: number): ExprType {
    const { w, t } = this;
    const head = w[at]!;
    const type = TYPES[(head >>> 5) & 7]!;
    const i = firstImmediate(w, at);
    this.next = i + (oneImmediate(head) ? 1 : immediates(head, w, i));
    const b = t.body;
    switch (head & 31) {
      case K.OP: {
        const ins = instrAt(w[i]!);
        t.opInfo(ins.info ?? instr(ins.op));
        break;
      }
      case K.CALL: {
        // By the symbol's own name, with its signature, not a tail call, not rebound: the target
        // may write it in one step.
        if ((head & (F.F1 | F.F3 | F.F4)) === (F.F1 | F.F4) && this.rebind === undefined && t.slotCall(this.refs[w[i]!] as SymbolInfo)) break;
        const r = this.symbol(head, i);
        r.sig = head & F.F4 ? (r.sym as Extract<SymbolInfo, { kind: 'func' }>).sig : (this.refs[w[i + symbolWords(head)]!] as Sig);
        r.tail = (head & F.F3) !== 0;
        t.callHead(r);
        break;
      }
      case K.GLOBAL_GET:
        if (head & F.F1 && this.rebind === undefined && t.cellLoad(this.refs[w[i]!] as SymbolInfo, type as ValType)) break;
        t.loadCell(this.symbol(head, i), type as ValType);
        break;
      case K.CONST:
        t.constant(type as ValType, type === 'i32' ? w[i]! : (this.refs[w[i]!] as number | bigint));
        break;
      case K.LOCAL_GET:
        b.u8(0x20).u32(w[i]!);
        break;
      case K.LOCAL_SET:
        b.u8(head & F.F1 ? 0x22 : 0x21).u32(w[i]!);
        break;
      case K.LOAD:
      case K.STORE: {
        const ins = instrAt(w[i]!);
        t.memInfo(ins.info ?? instr(ins.op), w[i + 1]! >>> 0);
        break;
      }
      case K.SYMCONST:
        t.constant(type as ValType, t.constantOf(this.symbol(head, i)));
        break;
      case K.SLOT_OF:
        t.i32(t.slot(this.symbol(head, i)));
        break;
      case K.CALL_SLOT:
        t.callSlotHead(this.refs[w[i]!] as Sig, (head & F.F1) !== 0);
        break;
      case K.BR:
        b.u8(head & F.F2 ? 0x0d : 0x0c).u32(t.depth(this.refs[w[i]!] as string));
        if (head & F.F2) t.afterConstruct(type);
        break;
      case K.BR_TABLE:
        t.brTable(this.refs[w[i]!] as string[], this.refs[w[i + 1]!] as string);
        break;
      case K.RETURN:
        b.u8(0x0f);
        break;
      case K.DROP:
        b.u8(0x1a);
        break;
      case K.SELECT:
        b.u8(0x1b);
        break;
      case K.UNREACHABLE:
        b.u8(0x00);
        break;
      case K.NOP:
        break;
      case K.MEMORY:
        t.memoryOp(instrAt(w[i]!).op);
        break;
      default:
        throw unwritten(head);
    }
    return type;
  }
}

/** A node kind the stream encoder is never given (exceptions keep the tree encoder): a bug. */
function unwritten(head: number): Error {
  return fail('Internal', `packed IR: node kind ${head & 31} reached the stream encoder, which does not write it`);
}
