// Scans over a packed body's words that read heads without building nodes: how many words of
// immediates each head has, what the body refers to (analysis), and where the nodes that wasm
// writes partly before their operands start (what an encoder reading the stream front to back needs).

import { F, K, refName, refSym, symbolWords, type PackedFunc } from './packed.js';
import type { SymbolInfo } from './symbols.js';

/** Words of immediates after a node's head (and its length word, if any). */
export function immediates(h: number, words: Int32Array, at: number): number {
  switch (h & 31) {
    case K.CONST:
    case K.LOCAL_GET:
    case K.LOCAL_SET:
    case K.OP:
    case K.CALL_SLOT:
    case K.BR:
    case K.MEMORY:
      return 1;
    case K.LOAD:
    case K.STORE:
    case K.BR_TABLE:
    case K.REF:
      return 2;
    case K.GLOBAL_GET:
    case K.SYMCONST:
    case K.SLOT_OF:
      return symbolWords(h);
    case K.GLOBAL_SET:
      return symbolWords(h) + 1;
    case K.CALL:
      return symbolWords(h) + (h & F.F4 ? 0 : 1);
    case K.BLOCK:
    case K.LOOP:
      return (h & F.F1 ? 1 : 0) + 1;
    case K.IF:
      return h & F.F1 ? 4 : 2;
    case K.THROW:
      return 3;
    case K.TRY: {
      const clauses = words[at]!;
      return 1 + 5 * clauses + (h & F.F1 ? 1 : 0) + 1 + clauses + (h & F.F1 ? 1 : 0);
    }
    default:
      return 0;
  }
}

/**
 * Whether the head `h` has one word of immediates and is among the commonest (an operator, a
 * constant, a local, a global read or a call by its symbol, the call's signature its function's):
 * what `immediates` says of them, for readers that skip its switch on their hot path.
 */
export function oneImmediate(h: number): boolean {
  switch (h & 31) {
    case K.OP:
    case K.CONST:
    case K.LOCAL_GET:
    case K.LOCAL_SET:
      return true;
    case K.GLOBAL_GET:
      return (h & F.F2) === 0;
    case K.CALL:
      return (h & (F.F2 | F.F4)) === F.F4;
    default:
      return false;
  }
}

/** Where the immediates of the head at `at` start (past its length word, if it has one). */
export function firstImmediate(words: Int32Array, at: number): number {
  return words[at]! >>> F.LEN_SHIFT === F.LEN_ESCAPE ? at + 2 : at + 1;
}

/** A head's list length (its length word's, if it has one). */
export function listLength(words: Int32Array, at: number): number {
  const len = words[at]! >>> F.LEN_SHIFT;
  return len === F.LEN_ESCAPE ? words[at + 1]! : len;
}

/**
 * How many nodes the node whose head is at `at` takes as operands or list elements, all lists
 * counted (the nodes just before it in a post-order stream); `i` is where its immediates start.
 */
export function operandCount(words: Int32Array, at: number, i: number): number {
  const h = words[at]!;
  switch (h & 31) {
    case K.LOCAL_SET:
    case K.LOAD:
    case K.GLOBAL_SET:
    case K.DROP:
      return 1;
    case K.STORE:
      return 2;
    case K.SELECT:
      return 3;
    case K.OP:
    case K.CALL:
    case K.THROW:
    case K.MEMORY:
    case K.BLOCK:
    case K.LOOP:
      return listLength(words, at);
    case K.CALL_SLOT:
      return listLength(words, at) + 1;
    case K.IF:
      return 1 + listLength(words, at) + (h & F.F1 ? words[i]! : 0);
    case K.BR:
      return (h & F.F1 ? 1 : 0) + (h & F.F2 ? 1 : 0);
    case K.BR_TABLE:
      return (h & F.F1 ? 1 : 0) + 1;
    case K.RETURN:
      return h & F.F1 ? 1 : 0;
    case K.TRY: {
      const clauses = words[i]!;
      let n = listLength(words, at);
      for (let c = 0; c < clauses; c++) n += words[i + 1 + 5 * c + 4]!;
      return n + (h & F.F1 ? words[i + 1 + 5 * clauses]! : 0);
    }
    default:
      return 0;
  }
}

/** Whether a node of this kind is written, in wasm, partly before its operands (see prefixed). */
export function isPrefixed(kind: number): boolean {
  return kind === K.BLOCK || kind === K.LOOP || kind === K.IF || kind === K.TRY || kind === K.GLOBAL_SET;
}

/** Where a packed body's prefixed nodes start (regionStarts), and where its words end. */
export interface Regions {
  /** Region start → heads of the nodes starting there, innermost first. */
  readonly starts: Map<number, number[]>;
  readonly end: number;
}

/** The shared empty map of a body without prefixed nodes. */
export const NO_STARTS: Map<number, number[]> = new Map();

/**
 * Where each node that wasm writes partly before its operands starts (`block`, `loop`, `if`, `try`:
 * their lists, and an `if`'s condition; `global.set`: its value), mapped to the positions of the
 * heads of the nodes starting there, innermost first: what an encoder that reads the stream front
 * to back needs. One scan over the heads; a body without such nodes shares one empty map.
 */
export function regionStarts(p: PackedFunc): Regions {
  let starts = NO_STARTS;
  const ws = p.words;
  let i = p.start;
  for (let k = 0; k < p.size; k++) {
    const at = i;
    const h = ws[at]!;
    i = firstImmediate(ws, at);
    const kind = h & 31;
    const imm = immediates(h, ws, i);
    if (isPrefixed(kind)) {
      // The first offset is the region's start: the list (or operand) written first.
      const first = kind === K.IF ? i + (h & F.F1 ? 1 : 0) : kind === K.TRY ? i + imm - 1 - ws[i]! - (h & F.F1 ? 1 : 0) : i + imm - 1;
      const start = at - ws[first]!;
      if (starts === NO_STARTS) starts = new Map();
      // Heads come in stream order: a region's enclosing ones are met after it.
      const list = starts.get(start);
      if (list) list.push(at);
      else starts.set(start, [at]);
    }
    i += imm;
  }
  return { starts, end: i };
}

/**
 * What a packed body refers to (analyze.ts turns it into References), so that its tree is not
 * walked to find out. Lists are in stream order (a call after its arguments), repeated as often as met.
 */
export interface BodyFacts {
  /** Names called directly or through their slot. */
  readonly calls: string[];
  /** Names whose slot is taken as a value, and constants folded. */
  readonly slotRefs: string[];
  readonly constants: string[];
  callsInline: boolean;
  memory: boolean;
  exceptions: boolean;
  dynamicCalls: boolean;
  /** Some node is one wasm writes partly before its operands (regionStarts finds where). */
  prefixed: boolean;
}

/**
 * The calls of the body being scanned, in one array for every scan (scans are never nested), copied
 * out at their exact length: a list grown per body was ~29 bytes of garbage per call in a big one.
 */
const scratchCalls: string[] = [];

/** Facts with nothing found yet (`noteHead` fills them in, `endFacts` completes them). */
export function newFacts(): Writable<BodyFacts> {
  nCalls = 0;
  return { calls: NO_CALLS, slotRefs: [], constants: [], callsInline: false, memory: false, exceptions: false, dynamicCalls: false, prefixed: false };
}

/** Calls noted in `scratchCalls` since `newFacts` (the scan filling them in is the only one running). */
let nCalls = 0;

/** What the head `h`, its immediates at `i`, adds to `f`. */
export function noteHead(f: Writable<BodyFacts>, h: number, ws: Int32Array, refs: readonly unknown[], i: number): void {
  switch (h & 31) {
    case K.CALL: {
      scratchCalls[nCalls++] = refName(h, ws, refs, i);
      const sym = refSym(h, ws, refs, i);
      if (sym?.kind === 'func' && sym.inline) f.callsInline = true;
      break;
    }
    case K.SLOT_OF:
      f.slotRefs.push(refName(h, ws, refs, i));
      break;
    case K.SYMCONST:
      f.constants.push(refName(h, ws, refs, i));
      break;
    case K.GLOBAL_GET:
    case K.LOAD:
    case K.STORE:
    case K.MEMORY:
      f.memory = true;
      break;
    case K.GLOBAL_SET:
      f.memory = f.prefixed = true;
      break;
    case K.CALL_SLOT:
      f.dynamicCalls = true;
      break;
    case K.THROW:
      f.exceptions = f.memory = true;
      break;
    case K.TRY: {
      f.exceptions = f.prefixed = true;
      // A clause whose tag has parameters reads them from the payload buffer in memory.
      for (let c = 0; c < ws[i]!; c++) if ((refs[ws[i + 1 + 5 * c + 2]!] as readonly unknown[]).length > 0) f.memory = true;
      break;
    }
    case K.BLOCK:
    case K.LOOP:
    case K.IF:
      f.prefixed = true;
      break;
  }
}

/** How many of the heads `noteHeads` counted last were `nop`s. */
export let nopsCounted = 0;

/**
 * The heads in `ws[start, end)`, counted, with what they refer to noted in `f` (`noteHead`'s
 * facts): the pass that keeps a body just built (pack.ts, `finishStream`), which reads every head.
 * The commonest heads (an operator, a constant, a local, a global read, a call by its symbol) are
 * taken in the loop, with no call of `noteHead` and `immediates` each (a K=1000 stage's commit:
 * 10% fewer instructions on V8 13, 2% on V8 11); `nopsCounted` says how many heads were `nop`s.
 */
export function noteHeads(f: Writable<BodyFacts>, ws: Int32Array, refs: readonly unknown[], start: number, end: number): number {
  let heads = 0;
  let nops = 0;
  for (let i = start; i < end; ) {
    const h = ws[i]!;
    heads++;
    i = firstImmediate(ws, i);
    switch (h & 31) {
      case K.OP:
      case K.CONST:
      case K.LOCAL_GET:
      case K.LOCAL_SET:
        i++;
        continue;
      case K.GLOBAL_GET:
        f.memory = true;
        i += symbolWords(h);
        continue;
      case K.CALL:
        // By its symbol alone, with its signature (F1, F4): the builder's call (builder.ts, callNode).
        if ((h & (F.F1 | F.F2 | F.F4)) === (F.F1 | F.F4)) {
          const sym = refs[ws[i]!] as SymbolInfo;
          scratchCalls[nCalls++] = sym.name;
          if (sym.kind === 'func' && sym.inline) f.callsInline = true;
          i++;
          continue;
        }
        break;
      case K.NOP:
        nops++;
        break;
    }
    noteHead(f, h, ws, refs, i);
    i += immediates(h, ws, i);
  }
  nopsCounted = nops;
  return heads;
}

/** The facts `noteHead` filled in, with the calls it noted copied out. */
export function endFacts(f: Writable<BodyFacts>): BodyFacts {
  if (nCalls) f.calls = scratchCalls.slice(0, nCalls);
  nCalls = 0;
  return f;
}

/** What `p` refers to: one scan over its heads. */
export function scanFacts(p: PackedFunc): BodyFacts {
  const f = newFacts();
  const ws = p.words;
  const refs = p.refs;
  let i = p.start;
  for (let k = 0; k < p.size; k++) {
    const h = ws[i]!;
    i = firstImmediate(ws, i);
    noteHead(f, h, ws, refs, i);
    i += immediates(h, ws, i);
  }
  return endFacts(f);
}

export type Writable<T> = { -readonly [K in keyof T]: T[K] };
/** Shared by bodies that call nothing (adding to it throws). */
const NO_CALLS: string[] = Object.freeze([]) as unknown as string[];
