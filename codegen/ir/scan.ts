// Scans over a packed body's words that read heads without building nodes: how many words of
// immediates each head has, and where the nodes that wasm writes partly before their operands
// start (what an encoder reading the post-order stream front to back needs).

import { F1, F2, F4, K_BLOCK, K_BR, K_BR_TABLE, K_CALL, K_CALL_SLOT, K_CONST, K_GLOBAL_GET, K_GLOBAL_SET, K_IF, K_LOAD, K_LOCAL_GET, K_LOCAL_SET, K_LOOP, K_MEMORY, K_OP, K_SLOT_OF, K_STORE, K_SYMCONST, K_THROW, K_TRY, LEN_ESCAPE, LEN_SHIFT, type PackedFunc } from './packed.js';

/** Words of immediates after a node's head (and its length word, if any). */
export function immediates(h: number, words: Int32Array, at: number): number {
  const symbolWords = h & F1 ? 1 : h & F2 ? 2 : 1;
  switch (h & 31) {
    case K_CONST:
    case K_LOCAL_GET:
    case K_LOCAL_SET:
    case K_OP:
    case K_CALL_SLOT:
    case K_BR:
    case K_MEMORY:
      return 1;
    case K_LOAD:
    case K_STORE:
    case K_BR_TABLE:
      return 2;
    case K_GLOBAL_GET:
    case K_SYMCONST:
    case K_SLOT_OF:
      return symbolWords;
    case K_GLOBAL_SET:
      return symbolWords + 1;
    case K_CALL:
      return symbolWords + (h & F4 ? 0 : 1);
    case K_BLOCK:
    case K_LOOP:
      return (h & F1 ? 1 : 0) + 1;
    case K_IF:
      return h & F1 ? 4 : 2;
    case K_THROW:
      return 3;
    case K_TRY: {
      const clauses = words[at]!;
      return 1 + 5 * clauses + (h & F1 ? 1 : 0) + 1 + clauses + (h & F1 ? 1 : 0);
    }
    default:
      return 0;
  }
}

/** Whether a node of this kind is written, in wasm, partly before its operands (see prefixed). */
export function isPrefixed(kind: number): boolean {
  return kind === K_BLOCK || kind === K_LOOP || kind === K_IF || kind === K_TRY || kind === K_GLOBAL_SET;
}

/** Where a packed body's prefixed nodes start (regionStarts), and where its words end. */
export interface Regions {
  /** Region start → heads of the nodes starting there, innermost first. */
  readonly starts: Map<number, number[]>;
  readonly end: number;
}

const NO_STARTS: Map<number, number[]> = new Map();

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
    const h = ws[i++]!;
    if (h >>> LEN_SHIFT === LEN_ESCAPE) i++;
    const kind = h & 31;
    const imm = immediates(h, ws, i);
    if (isPrefixed(kind)) {
      // The first offset is the region's start: the list (or operand) written first.
      const first = kind === K_IF ? i + (h & F1 ? 1 : 0) : kind === K_TRY ? i + imm - 1 - ws[i]! - (h & F1 ? 1 : 0) : i + imm - 1;
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
