// Function bodies kept between commits (for recompiling, re-tiering and inlining) in a packed
// form: a stream of 32-bit words plus a list of the objects it refers to, instead of an object
// per node. A kept body costs ~3× less memory, and its tree dies young instead of being promoted.
// The stream is post-order, wasm's own order (operands, then the node), which a builder can write
// as it goes and an encoder can read front to back (docs/design.md, "Next: a flat IR").

import type { CatchClause, Expr, ExprType, FuncIR, Sig, ValType } from './nodes.js';
import { CallNode, ConstNode, FuncNode, OpNode, i32Const, localGet } from './nodes.js';
import type { InstrInfo } from '../wasm/instructions.js';
import type { SymbolInfo } from './symbols.js';
import { MAX_BODY_BYTES } from './sig.js';

/**
 * Most nodes a body may have, `nop`s aside: every other node is at least one byte of code. The limit also stops a
 * body that shares subtrees (a node used twice is packed, and encoded, twice) from growing
 * exponentially until the process dies.
 */
export const MAX_BODY_NODES = MAX_BODY_BYTES;

/** A function body in packed form (see `packFunc`); `unpackFunc` gives the tree back. */
export interface PackedFunc {
  readonly name: string;
  readonly sig: Sig;
  readonly locals: readonly ValType[];
  readonly localNames: ReadonlyArray<string | undefined>;
  /** Nodes of the body, counted as a tree (a node used twice counts twice): one head word each. */
  readonly size: number;
  /** Top-level expressions of the body. */
  readonly count: number;
  /** Its words from `start` on; bodies packed together (`packTogether`) share one array. */
  readonly words: Int32Array;
  readonly start: number;
  /** Names, symbols, signatures, labels and non-i32 constants, by index from `words`. */
  readonly refs: readonly unknown[];
}

export const KINDS = [
  'const', 'local.get', 'local.set', 'op', 'load', 'store', 'global.get', 'global.set', 'symconst', 'call',
  'call.slot', 'slot.of', 'block', 'loop', 'if', 'br', 'br_table', 'return', 'drop', 'select',
  'unreachable', 'nop', 'throw', 'try', 'memory',
] as const;
// A kind's number is its index in KINDS. A const enum, so that every module reading the words
// (scan.ts, the stream encoder) compiles its switches to numbers: imported constants are module
// bindings, loaded and checked at each case.
export const enum K {
  CONST = 0,
  LOCAL_GET = 1,
  LOCAL_SET = 2,
  OP = 3,
  LOAD = 4,
  STORE = 5,
  GLOBAL_GET = 6,
  GLOBAL_SET = 7,
  SYMCONST = 8,
  CALL = 9,
  CALL_SLOT = 10,
  SLOT_OF = 11,
  BLOCK = 12,
  LOOP = 13,
  IF = 14,
  BR = 15,
  BR_TABLE = 16,
  RETURN = 17,
  DROP = 18,
  SELECT = 19,
  UNREACHABLE = 20,
  NOP = 21,
  THROW = 22,
  TRY = 23,
  MEMORY = 24,
  /**
   * Not a node: in a builder's stream only, a back-reference to a subtree written earlier (its
   * start and end follow), standing where that subtree is wanted (backrefs.ts). A kept body has none.
   */
  REF = 25,
}
export const TYPES: readonly ExprType[] = ['i32', 'i64', 'f32', 'f64', 'none', 'unreachable'];

export function typeCode(t: ExprType, code: number): number {
  switch (t) {
    case 'i32':
      return 0;
    case 'i64':
      return 1;
    case 'f32':
      return 2;
    case 'f64':
      return 3;
    case 'none':
      return 4;
    case 'unreachable':
      return 5;
  }
  throw new Error(`packed IR: unknown type ${String(t)} of a ${KINDS[code]} node`);
}

// A node's first word: kind (5 bits), type (3), flags (4), list length (20; the escape value
// says the length follows in a word of its own).
export const enum F {
  F1 = 1 << 8,
  F2 = 1 << 9,
  F3 = 1 << 10,
  F4 = 1 << 11,
  LEN_SHIFT = 12,
  LEN_ESCAPE = 0xfffff,
}

/** Words a symbol reference takes: the symbol alone (F.F1), or a name and, with F.F2, the symbol. */
export function symbolWords(h: number): number {
  return h & F.F2 ? 2 : 1;
}

/** The name of the symbol reference at `at` in `words` (a node with head `h`). */
export function refName(h: number, words: Int32Array, refs: readonly unknown[], at: number): string {
  return h & F.F1 ? (refs[words[at]!] as SymbolInfo).name : (refs[words[at]!] as string);
}

/** The symbol of the symbol reference at `at`, if the node kept one. */
export function refSym(h: number, words: Int32Array, refs: readonly unknown[], at: number): SymbolInfo | undefined {
  return (h & F.F1 ? refs[words[at]!] : h & F.F2 ? refs[words[at + 1]!] : undefined) as SymbolInfo | undefined;
}

// Instructions (op name and table entry) by number, shared by every packed body: their number is
// bounded by the instruction table, so the interning never grows past it.
const instrs: Array<{ op: string; info: InstrInfo | undefined }> = [];
const instrCodes = new Map<unknown, number>();
export function instrCode(op: string, info: InstrInfo | undefined): number {
  const key = info ?? op;
  let c = instrCodes.get(key);
  if (c === undefined) {
    if (info !== undefined && info.name !== op) throw new Error(`packed IR: instruction entry ${info.name} given for ${op}`);
    instrCodes.set(key, (c = instrs.length));
    instrs.push({ op, info });
  }
  return c;
}

/** The instruction (name and table entry) a packed op, load, store or memory node names. */
export function instrAt(code: number): { readonly op: string; readonly info: InstrInfo | undefined } {
  return instrs[code]!;
}

// ---- unpacking (rare: a recompile, a re-tier, an inlined callee) ----

let w: Int32Array = new Int32Array(0);
let r: readonly unknown[] = [];
let at = 0;
// Nodes read and not yet taken as operands, up to `sp`: the stream is post-order, so reading is a
// stack machine (no recursion, however deep the tree). The array is not truncated as it empties:
// V8 may shrink a truncated array's store, and it would grow again with the next push.
let stack: Expr[] = [];
let sp = 0;
// What each symbol reference means now (a stored body lowered again), applied as it is read.
let rebinding: Rebind | undefined;

function push(e: Expr): void {
  if (sp === stack.length) stack.push(e);
  else stack[sp] = e;
  sp++;
}

function pop(): Expr {
  return stack[--sp]!;
}

/** The last `len` nodes read, in order. */
function popList(len: number): Expr[] {
  const from = (sp -= len);
  const out = new Array<Expr>(len);
  for (let i = 0; i < len; i++) out[i] = stack[from + i]!;
  return out;
}

function readSym(h: number): { name: string; sym: SymbolInfo | undefined } {
  const name = refName(h, w, r, at);
  const was = refSym(h, w, r, at);
  at += symbolWords(h);
  return { name, sym: rebinding ? rebinding(name, was) : was };
}

/** Read one node's head and immediates, taking its operands from the stack. */
function read(): Expr {
  const h = w[at++]!;
  const type = TYPES[(h >>> 5) & 7]!;
  let len = h >>> F.LEN_SHIFT;
  if (len === F.LEN_ESCAPE) len = w[at++]!;
  switch (h & 31) {
    case K.CONST:
      return type === 'i32' ? i32Const(w[at++]!) : new ConstNode(type as ValType, r[w[at++]!] as number | bigint);
    case K.LOCAL_GET:
      return localGet(type as ValType, w[at++]!);
    case K.LOCAL_SET:
      return { k: 'local.set', type, index: w[at++]!, value: pop(), tee: (h & F.F1) !== 0 };
    case K.OP: {
      const ins = instrs[w[at++]!]!;
      return ins.info ? new OpNode(type as ValType, ins.op, ins.info, popList(len)) : { k: 'op', type: type as ValType, op: ins.op, args: popList(len) };
    }
    case K.LOAD: {
      const ins = instrs[w[at++]!]!;
      const offset = w[at++]! >>> 0;
      return { k: 'load', type: type as ValType, op: ins.op, info: ins.info, ptr: pop(), offset };
    }
    case K.STORE: {
      const ins = instrs[w[at++]!]!;
      const offset = w[at++]! >>> 0;
      const value = pop();
      return { k: 'store', type: 'none', op: ins.op, info: ins.info, ptr: pop(), value, offset };
    }
    case K.GLOBAL_GET: {
      const { name, sym } = readSym(h);
      return { k: 'global.get', type: type as ValType, name, sym };
    }
    case K.SYMCONST: {
      const { name, sym } = readSym(h);
      return { k: 'symconst', type: type as ValType, name, sym };
    }
    case K.SLOT_OF: {
      const { name, sym } = readSym(h);
      return { k: 'slot.of', type: 'i32', name, sym };
    }
    case K.GLOBAL_SET: {
      const { name, sym } = readSym(h);
      at++; // the value's offset
      return { k: 'global.set', type: 'none', name, sym, value: pop() };
    }
    case K.CALL: {
      const was = h & F.F4 ? (refSym(h, w, r, at) as Extract<SymbolInfo, { kind: 'func' }>) : undefined;
      const { name, sym } = readSym(h);
      const tail = (h & F.F3) !== 0;
      // The call keeps the signature it was made with, whatever its name is bound to now.
      if (was) return sym === was ? new CallNode(type, name, was, popList(len), tail) : { k: 'call', type, name, sym, sig: was.sig, args: popList(len), tail };
      const sig = r[w[at++]!] as Sig;
      return { k: 'call', type, name, sym, sig, args: popList(len), tail };
    }
    case K.CALL_SLOT: {
      const sig = r[w[at++]!] as Sig;
      const slot = pop();
      return { k: 'call.slot', type, sig, slot, args: popList(len), tail: (h & F.F1) !== 0 };
    }
    case K.BLOCK:
    case K.LOOP: {
      const label = h & F.F1 ? (r[w[at++]!] as string) : null;
      at++; // the list's offset
      return { k: (h & 31) === K.LOOP ? 'loop' : 'block', type, label, body: popList(len) };
    }
    case K.IF: {
      const otherwise = h & F.F1 ? popList(w[at++]!) : null;
      at += h & F.F1 ? 3 : 2; // the lists' offsets
      const then = popList(len);
      return { k: 'if', type, cond: pop(), then, else: otherwise };
    }
    case K.BR: {
      const label = r[w[at++]!] as string;
      const cond = h & F.F2 ? pop() : null;
      return { k: 'br', type, label, value: h & F.F1 ? pop() : null, cond };
    }
    case K.BR_TABLE: {
      const labels = r[w[at++]!] as string[];
      const fallback = r[w[at++]!] as string;
      const index = pop();
      return { k: 'br_table', type: 'unreachable', labels, fallback, index, value: h & F.F1 ? pop() : null };
    }
    case K.RETURN:
      return { k: 'return', type: 'unreachable', value: h & F.F1 ? pop() : null };
    case K.DROP:
      return { k: 'drop', type: 'none', value: pop() };
    case K.SELECT: {
      const cond = pop();
      const b = pop();
      return { k: 'select', type: type as ValType, cond, a: pop(), b };
    }
    case K.UNREACHABLE:
      return { k: 'unreachable', type: 'unreachable' };
    case K.NOP:
      return { k: 'nop', type: 'none' };
    case K.THROW: {
      const tag = r[w[at++]!] as string;
      const id = w[at++]!;
      const params = r[w[at++]!] as readonly ValType[];
      return { k: 'throw', type: 'unreachable', tag, id, params, args: popList(len) };
    }
    case K.TRY: {
      // The lists were written body, then each clause's, then catch-all: taken back in reverse.
      const clauses = w[at++]!;
      const specs: Array<Omit<CatchClause, 'body'> & { len: number }> = new Array(clauses);
      for (let i = 0; i < clauses; i++) {
        const tag = r[w[at++]!] as string;
        const id = w[at++]!;
        const params = r[w[at++]!] as readonly ValType[];
        const locals = r[w[at++]!] as number[];
        specs[i] = { tag, id, params, locals, len: w[at++]! };
      }
      const catchAll = h & F.F1 ? popList(w[at++]!) : null;
      at += 1 + clauses + (h & F.F1 ? 1 : 0); // the lists' offsets
      const catches: CatchClause[] = new Array(clauses);
      for (let i = clauses - 1; i >= 0; i--) {
        const { len: n, ...c } = specs[i]!;
        catches[i] = { ...c, body: popList(n) };
      }
      return { k: 'try', type, body: popList(len), catches, catchAll };
    }
    case K.MEMORY:
      return { k: 'memory', type, op: instrs[w[at++]!]!.op as 'memory.size', args: popList(len) };
    default:
      throw new Error(`packed IR: bad node word ${h} at ${at - 1}`);
  }
}

/**
 * The tree of a packed body: equal, node for node, to the one packed (shared leaves aside). With
 * `end`, its words end there, and `size` may be any bound on its nodes.
 */
export function unpackFunc(p: PackedFunc, end = Infinity, rebind?: Rebind): FuncIR {
  // Re-entered only from a node's getter: the state is put back from locals.
  const w0 = w;
  const r0 = r;
  const at0 = at;
  const stack0 = stack;
  const sp0 = sp;
  const rebinding0 = rebinding;
  w = p.words;
  r = p.refs;
  at = p.start;
  stack = [];
  sp = 0;
  rebinding = rebind;
  try {
    // Every node has one head: reading `size` of them (or up to `end`) reads the body, whose roots are left.
    for (let i = 0; i < p.size && at < end; i++) push(read());
    if (sp !== p.count) throw new Error(`packed IR: ${sp} roots read, ${p.count} packed`);
    return new FuncNode(p.name, p.sig, p.locals, p.localNames, popList(sp));
  } finally {
    w = w0;
    r = r0;
    at = at0;
    stack = stack0;
    sp = sp0;
    rebinding = rebinding0;
  }
}

/**
 * How a record keeps its body: packed, or as the tree itself when it has at most this many nodes
 * (a packed body's fixed part, ~250 bytes, would outweigh the tree: a one-line function's stage
 * held ~80 bytes more packed). A body the builder wrote is kept as a tree when it has at most
 * KEEP_TREE_WORDS words, which it can tell without counting its nodes.
 */
export const KEEP_TREE_MAX = 8;
export const KEEP_TREE_WORDS = 2 * KEEP_TREE_MAX;

export type KeptFunc = FuncIR | PackedFunc;

/**
 * A packed body as a FuncIR whose tree is made when first read: what a stage's lowering is given
 * for a body built as a stream, read as a tree only by passes that need one (and the tree encoder).
 */
export class LazyFunc implements FuncIR {
  // Own fields, so that a pass's `{ ...f, body }` copies them (the body is a getter).
  readonly name: string;
  readonly sig: Sig;
  readonly locals: readonly ValType[];
  readonly localNames: ReadonlyArray<string | undefined>;
  private tree: FuncIR | undefined;
  /**
   * `rebind`: what each symbol reference of the words means now, given what it meant (a stored
   * body lowered again: the rebind pass). The stream encoder asks it as it reads each reference,
   * and so does unpacking, if a tree is read: no walk over a tree that may be too deep for one.
   */
  constructor(
    readonly packed: PackedFunc,
    readonly rebind?: Rebind,
  ) {
    this.name = packed.name;
    this.sig = packed.sig;
    this.locals = packed.locals;
    this.localNames = packed.localNames;
  }
  get body(): readonly Expr[] {
    if (this.tree === undefined) {
      this.tree = unpackFunc(this.packed, Infinity, this.rebind);
    }
    return this.tree.body;
  }
}

/** What a symbol reference that meant `was` means now (undefined: lowering resolves the name itself). */
export type Rebind = (name: string, was: SymbolInfo | undefined) => SymbolInfo | undefined;

/** Whether `f` reads the same packed words as `g` (the same body, its references maybe rebound). */
export function sameWords(f: FuncIR | undefined, g: FuncIR | undefined): boolean {
  return f === g || (f instanceof LazyFunc && g instanceof LazyFunc && f.packed === g.packed);
}

/** Whether a kept body is still the tree it was built as. */
export function isTree(k: KeptFunc): k is FuncIR {
  return !('words' in k);
}

/** The tree of a kept body (a fresh one for a packed body). */
export function keptTree(k: KeptFunc): FuncIR {
  return 'words' in k ? unpackFunc(k) : k;
}

