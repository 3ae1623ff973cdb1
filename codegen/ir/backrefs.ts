// Back-references in a builder's stream. A node's operands must end the stream, in order, when
// the node is made; one that does not (made out of wasm's order, or used twice) was copied there,
// so a body that wraps its growing expression in a fresh node at every step (`acc = f(x, acc)`)
// copied all of it at every step: quadratic. An operand of more than a few words now costs a
// `REF` of three words (K.REF: the subtree's start and end) where it is wanted, and the words are
// laid out once, in wasm's order, when the body is kept (`flatten`). Readers of a builder's
// stream before then follow them (`branchesTo`); kept bodies, and all that reads them, have none.

import { fail } from '../../runtime/errors.js';
import type { ValType } from './nodes.js';
import { F, K, MAX_BODY_NODES, TYPES } from './packed.js';
import { firstImmediate, immediates, listLength, operandCount } from './scan.js';

/** Words a REF takes: its head, the subtree's start and its end. */
export const REF_WORDS = 3;

/** Subtrees of at most this many words are copied rather than referenced: a copy is as cheap, and leaves nothing to lay out. */
export const COPY_MAX_WORDS = 16;

/** A body whose tree has more nodes than an engine compiles in one function. */
export function tooManyNodes(): Error {
  return fail('ResourceExhausted', `the body has more than ${MAX_BODY_NODES.toLocaleString('en')} nodes (counting a node used twice as two), more than an engine compiles in one function; split it, or bind shared values to locals`);
}

// The walks' stacks, grown as needed and reused (walks are never nested).
let starts: Int32Array = new Int32Array(256);
let frames: Int32Array = new Int32Array(64);

function grown(a: Int32Array, need: number): Int32Array {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/**
 * A walk over the nodes at `from`..`to` of a builder's stream, REFs followed where they stand (one
 * at a time: walks are never nested). `nextNode` gives where the next node starts, or -1 at the
 * end; the caller then sets `walk.i` past it.
 */
const walk: { w: Int32Array; i: number; end: number; fp: number } = { w: new Int32Array(0), i: 0, end: 0, fp: 0 };

function walkFrom(w: Int32Array, from: number, to: number): void {
  walk.w = w;
  walk.i = from;
  walk.end = to;
  walk.fp = 0;
}

function nextNode(): number {
  const w = walk.w;
  for (;;) {
    const i = walk.i;
    if (i >= walk.end) {
      if (walk.fp === 0) return -1;
      walk.end = frames[--walk.fp]!;
      walk.i = frames[--walk.fp]!;
      continue;
    }
    if ((w[i]! & 31) !== K.REF) return i;
    frames = grown(frames, walk.fp + 2);
    frames[walk.fp++] = i + REF_WORDS;
    frames[walk.fp++] = walk.end;
    walk.end = w[i + 2]!;
    walk.i = w[i + 1]!;
  }
}

/**
 * The nodes at `from`..`to` of a builder's stream (`w`), their REFs replaced by what they refer to:
 * plain post-order words, as a kept body holds them, with the offsets structured nodes keep back to
 * their lists measured anew. Linear in the words written; refuses a tree past MAX_BODY_NODES (a
 * node referred to twice is laid out twice) before writing more.
 */
export function flatten(w: Int32Array, from: number, to: number): { words: Int32Array; heads: number } {
  let out: Int32Array = new Int32Array(Math.max(256, 2 * (to - from)));
  let o = 0;
  // `starts`: where each node laid out and not yet taken as an operand starts in `out` (the stream
  // is post-order: a stack machine). `frames`: the REFs being followed, where to go on after each.
  let sp = 0;
  let heads = 0;
  let coded = 0;
  walkFrom(w, from, to);
  for (let i = nextNode(); i >= 0; i = nextNode()) {
    const h = w[i]!;
    const kind = h & 31;
    const imm = firstImmediate(w, i);
    const next = imm + immediates(h, w, imm);
    const c = operandCount(w, i, imm);
    const len = next - i;
    if (o + len > out.length) out = grown(out, o + len);
    for (let k = 0; k < len; k++) out[o + k] = w[i + k]!;
    if (kind === K.BLOCK || kind === K.LOOP || kind === K.IF || kind === K.TRY || kind === K.GLOBAL_SET) remeasure(w, i, imm, next, out, o, sp, c);
    const at = c > 0 ? starts[sp - c]! : o;
    sp -= c;
    starts = grown(starts, sp + 1);
    starts[sp++] = at;
    o += len;
    heads++;
    if (kind !== K.NOP && ++coded > MAX_BODY_NODES) throw tooManyNodes();
    walk.i = next;
  }
  return { words: out.slice(0, o), heads };
}

/**
 * Write the offsets back to its lists of the structured node whose head (at `i`, immediates from
 * `imm` to `next` in `w`) is laid out at `o`, its `c` list elements' starts ending `starts` at `sp`.
 */
function remeasure(w: Int32Array, i: number, imm: number, next: number, out: Int32Array, o: number, sp: number, c: number): void {
  const h = w[i]!;
  const kind = h & 31;
  const first = sp - c;
  // The start of the list whose first element is `e`-th of the `c`, `n` long: an empty list starts where what follows does.
  const startOf = (e: number, n: number, after: number) => (n > 0 ? starts[first + e]! : after);
  const at = (k: number) => o + (k - i);
  switch (kind) {
    case K.BLOCK:
    case K.LOOP:
    case K.GLOBAL_SET:
      out[at(next - 1)] = o - startOf(0, c, o);
      return;
    case K.IF: {
      const thenLen = listLength(w, i);
      const elseLen = h & F.F1 ? w[imm]! : 0;
      const offs = h & F.F1 ? imm + 1 : imm;
      const elseAt = startOf(1 + thenLen, elseLen, o);
      const thenAt = startOf(1, thenLen, elseAt);
      out[at(offs)] = o - startOf(0, 1, thenAt);
      out[at(offs + 1)] = o - thenAt;
      if (h & F.F1) out[at(offs + 2)] = o - elseAt;
      return;
    }
    case K.TRY: {
      // The lists: body, each clause's, catch-all; their offsets are the head's last words, in that order.
      const clauses = w[imm]!;
      const lens = [listLength(w, i)];
      for (let k = 0; k < clauses; k++) lens.push(w[imm + 1 + 5 * k + 4]!);
      if (h & F.F1) lens.push(w[imm + 1 + 5 * clauses]!);
      let e = c;
      let after = o;
      for (let l = lens.length - 1; l >= 0; l--) {
        e -= lens[l]!;
        after = startOf(e, lens[l]!, after);
        out[at(next - lens.length + l)] = o - after;
      }
      return;
    }
  }
}

/**
 * Branches to `label` among the nodes at `from`..`to` of a builder's stream (a block's body, being
 * built), REFs followed: whether there are any, and the value type the first one carrying a value
 * carries (its head records it). A block or loop inside with the same label shadows it: the
 * branches inside it are not counted.
 */
export function branchesTo(words: Int32Array, refs: readonly unknown[], from: number, to: number, label: string): { any: boolean; type: ValType | undefined } {
  // The value type codes of the branches found (-1: none), in stream order; `starts` holds how many
  // had been found when each node read, and not yet taken as an operand, began.
  const hits: number[] = [];
  let sp = 0;
  let read = 0;
  walkFrom(words, from, to);
  for (let i = nextNode(); i >= 0; i = nextNode()) {
    const h = words[i]!;
    const kind = h & 31;
    const imm = firstImmediate(words, i);
    const c = operandCount(words, i, imm);
    const began = c > 0 ? starts[sp - c]! : hits.length;
    if (kind === K.BR || kind === K.BR_TABLE) {
      const hit = kind === K.BR ? refs[words[imm]!] === label : (refs[words[imm]!] as string[]).includes(label) || refs[words[imm + 1]!] === label;
      if (hit) hits.push((h >>> F.LEN_SHIFT) - 1);
    } else if ((kind === K.BLOCK || kind === K.LOOP) && h & F.F1 && refs[words[imm]!] === label) {
      hits.length = began;
    }
    sp -= c;
    starts = grown(starts, sp + 1);
    starts[sp++] = began;
    // REFs followed twice read their words twice: a body that shares subtrees at every level would be read exponentially often.
    if (++read > MAX_BODY_NODES) throw tooManyNodes();
    walk.i = imm + immediates(h, words, imm);
  }
  let type: ValType | undefined;
  for (let k = 0; k < hits.length && type === undefined; k++) {
    const t = hits[k]! >= 0 ? TYPES[hits[k]!]! : undefined;
    if (t !== undefined && t !== 'none' && t !== 'unreachable') type = t;
  }
  return { any: hits.length > 0, type };
}
