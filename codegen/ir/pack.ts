// Writing packed bodies: the scratch stream every body is written into, by packing a tree
// (`packFunc`, `packTogether`) or by a builder writing its nodes as they are made (builder.ts),
// which claims the scratch while it builds. The format itself is packed.ts's.

import type { Expr, ExprType, FuncIR } from './nodes.js';
import { F, K, KEEP_TREE_MAX, KEEP_TREE_WORDS, MAX_BODY_NODES, instrCode, typeCode, unpackFunc, type KeptFunc, type PackedFunc } from './packed.js';
import { children } from './nodes.js';
import type { SymbolInfo } from './symbols.js';
import { endFacts, newFacts, nopsCounted, noteHeads, scanFacts, type BodyFacts } from './scan.js';
import { fail } from '../../runtime/errors.js';
import { Node } from './operands.js';
import { COPY_MAX_WORDS, REF_WORDS, flatten, tooManyNodes } from './backrefs.js';

/** Scratch space reused by every pack (the result is an exact-size copy). */
let words = new Int32Array(1024);
const SCRATCH_KEEP = 1 << 20;
let n = 0;
// `refs` is written up to `nrefs` and cleared by overwriting: truncating it would give V8 leave
// to drop its backing store, and a big body would grow a new one by doubling every time.
let refs: unknown[] = [];
let nrefs = 0;
let size = 0;
/** Nodes that encode to at least one byte (what MAX_BODY_NODES bounds). */
let coded = 0;
let packing = false;
/** Whether the stream holds a REF (backrefs.ts): a body kept from it is laid out anew. */
let moved = false;

/** A value-carrying branch records its value's type in its head's length field (one more than its code). */
function branchValue(value: Expr | null): number {
  return value === null ? 0 : typeCode(value.type, K.BR) + 1;
}

function grow(): void {
  const bigger = new Int32Array(words.length * 2);
  bigger.set(words);
  words = bigger;
}

export function word(w: number): void {
  if (n === words.length) grow();
  words[n++] = w;
}

export function ref(x: unknown): void {
  word(nrefs);
  if (nrefs === refs.length) refs.push(x);
  else refs[nrefs] = x;
  nrefs++;
}

export function head(code: number, type: ExprType, flags: number, len = 0): void {
  const first = code | (typeCode(type, code) << 5) | flags;
  if (len < F.LEN_ESCAPE) {
    if (n === words.length) grow();
    words[n++] = first | (len << F.LEN_SHIFT);
  } else {
    word(first | (F.LEN_ESCAPE << F.LEN_SHIFT));
    word(len);
  }
}

function list(es: readonly Expr[]): void {
  for (let i = 0; i < es.length; i++) node(es[i]!);
}

/** A symbol reference: the symbol alone when its name is the node's (the common case). */
export function symbol(name: string, sym: SymbolInfo | undefined): number {
  if (sym !== undefined && sym.name === name) {
    ref(sym);
    return F.F1;
  }
  ref(name);
  if (sym !== undefined) ref(sym);
  return sym !== undefined ? F.F2 : 0;
}

function node(e: Expr): void {
  // A handle is a place in its builder's stream, not a node object: one inside a node made by hand
  // would be packed as whatever its getters say.
  if (e instanceof Node) throw fail('InvalidBody', `a node made by hand holds an expression a builder made (a ${e.k}); give builder methods their own results, or make the whole subtree by hand`);
  size++;
  // `nop` is the one node that encodes to nothing.
  if (e.k !== 'nop' && ++coded > MAX_BODY_NODES) {
    throw tooManyNodes();
  }
  // Post-order, as wasm is: a node's operands, then its head and immediates.
  switch (e.k) {
    case 'const':
      if (e.type === 'i32') {
        // A word holds any number (made by hand, it might not be one: verify.ts names what is wrong).
        if (typeof e.value !== 'number') throw fail('TypeMismatch', `a node made by hand: a i32 constant holds a ${typeof e.value}`);
        head(K.CONST, 'i32', 0);
        word(e.value as number);
      } else {
        head(K.CONST, e.type, 0);
        ref(e.value);
      }
      return;
    case 'local.get':
      head(K.LOCAL_GET, e.type, 0);
      word(e.index);
      return;
    case 'local.set':
      node(e.value);
      head(K.LOCAL_SET, e.type, e.tee ? F.F1 : 0);
      word(e.index);
      return;
    case 'op': {
      // What the head needs is read before the operands are packed: a long chain of operands
      // would have pushed this node out of cache by then.
      const type = e.type;
      const args = e.args;
      const code = instrCode(e.op, e.info);
      list(args);
      head(K.OP, type, 0, args.length);
      word(code);
      return;
    }
    case 'load':
      node(e.ptr);
      head(K.LOAD, e.type, 0);
      word(instrCode(e.op, e.info));
      word(e.offset);
      return;
    case 'store':
      node(e.ptr);
      node(e.value);
      head(K.STORE, e.type, 0);
      word(instrCode(e.op, e.info));
      word(e.offset);
      return;
    case 'global.get':
    case 'symconst':
    case 'slot.of': {
      const at = n;
      head(e.k === 'global.get' ? K.GLOBAL_GET : e.k === 'symconst' ? K.SYMCONST : K.SLOT_OF, e.type, 0);
      // Separate statements: writing refs may replace `words`.
      const f = symbol(e.name, e.sym);
      words[at]! |= f;
      return;
    }
    case 'global.set': {
      // Its wasm form needs the cell's address before the value: an offset back to the value,
      // as structured nodes have.
      const s = n;
      node(e.value);
      const at = n;
      head(K.GLOBAL_SET, e.type, 0);
      const f = symbol(e.name, e.sym);
      words[at]! |= f;
      word(at - s);
      return;
    }
    case 'call': {
      const { type, tail, args, name, sym, sig } = e;
      list(args);
      const at = n;
      head(K.CALL, type, tail ? F.F3 : 0, args.length);
      let f = symbol(name, sym);
      if (sym?.kind === 'func' && sym.sig === sig) f |= F.F4;
      else ref(sig);
      words[at]! |= f;
      return;
    }
    case 'call.slot':
      list(e.args);
      node(e.slot);
      head(K.CALL_SLOT, e.type, e.tail ? F.F1 : 0, e.args.length);
      ref(e.sig);
      return;
    // Structured nodes come before their lists in wasm: their heads end with offsets back to where
    // each list starts (back from the head, so a copied subtree needs no fixing; regionStarts).
    case 'block':
    case 'loop': {
      const s = n;
      list(e.body);
      const h = n;
      head(e.k === 'block' ? K.BLOCK : K.LOOP, e.type, e.label !== null ? F.F1 : 0, e.body.length);
      if (e.label !== null) ref(e.label);
      word(h - s);
      return;
    }
    case 'if': {
      const s = n;
      node(e.cond);
      const t = n;
      list(e.then);
      const el = n;
      if (e.else) list(e.else);
      const h = n;
      head(K.IF, e.type, e.else ? F.F1 : 0, e.then.length);
      if (e.else) word(e.else.length);
      word(h - s);
      word(h - t);
      if (e.else) word(h - el);
      return;
    }
    case 'br':
      if (e.value) node(e.value);
      if (e.cond) node(e.cond);
      head(K.BR, e.type, (e.value ? F.F1 : 0) | (e.cond ? F.F2 : 0), branchValue(e.value));
      ref(e.label);
      return;
    case 'br_table':
      if (e.value) node(e.value);
      node(e.index);
      head(K.BR_TABLE, e.type, e.value ? F.F1 : 0, branchValue(e.value));
      ref(e.labels);
      ref(e.fallback);
      return;
    case 'return':
      if (e.value) node(e.value);
      head(K.RETURN, e.type, e.value ? F.F1 : 0);
      return;
    case 'drop':
      node(e.value);
      head(K.DROP, e.type, 0);
      return;
    case 'select':
      node(e.a);
      node(e.b);
      node(e.cond);
      head(K.SELECT, e.type, 0);
      return;
    case 'unreachable':
    case 'nop':
      head(e.k === 'nop' ? K.NOP : K.UNREACHABLE, e.type, 0);
      return;
    case 'throw':
      list(e.args);
      head(K.THROW, e.type, 0, e.args.length);
      ref(e.tag);
      word(e.id);
      ref(e.params);
      return;
    case 'try': {
      const starts = [n];
      list(e.body);
      for (const c of e.catches) {
        starts.push(n);
        list(c.body);
      }
      if (e.catchAll) {
        starts.push(n);
        list(e.catchAll);
      }
      const h = n;
      head(K.TRY, e.type, e.catchAll ? F.F1 : 0, e.body.length);
      word(e.catches.length);
      for (const c of e.catches) {
        ref(c.tag);
        word(c.id);
        ref(c.params);
        ref(c.locals);
        word(c.body.length);
      }
      if (e.catchAll) word(e.catchAll.length);
      for (const x of starts) word(h - x);
      return;
    }
    case 'memory':
      list(e.args);
      head(K.MEMORY, e.type, 0, e.args.length);
      word(instrCode(e.op, undefined));
      return;
    default:
      throw fail('InvalidBody', `a node of unknown kind '${String((e as { k?: unknown }).k)}'`);
  }
}

/**
 * Pack a function body (what it refers to is found by scanning the words: scan.ts, `scanFacts`).
 * Throws (an internal error) on a node kind it does not know.
 */
export function packFunc(f: FuncIR): PackedFunc {
  if (!packing) {
    evict();
    return packWith(f);
  }
  // Re-entered (a node made by hand, with a getter that packs another body): that body gets
  // scratch of its own, and this one's is put back.
  const saved = [words, n, refs, nrefs, size, coded, moved] as const;
  words = new Int32Array(1024);
  refs = [];
  nrefs = 0;
  try {
    return packWith(f);
  } finally {
    [words, n, refs, nrefs, size, coded, moved] = saved;
    packing = true;
  }
}

function packWith(f: FuncIR): PackedFunc {
  packing = true;
  n = 0;
  size = 0;
  coded = 0;
  nrefs = 0;
  try {
    list(f.body);
    return { name: f.name, sig: f.sig, locals: f.locals, localNames: f.localNames, size, count: f.body.length, words: words.slice(0, n), start: 0, refs: refs.slice(0, nrefs) };
  } finally {
    packDone();
  }
}

function packDone(): void {
  packing = false;
  n = 0;
  moved = false;
  // Nothing packed stays reachable from the scratch (a retired stage's symbols, say).
  if (refs.length > SCRATCH_KEEP >> 4) refs = [];
  else refs.fill(undefined, 0, nrefs);
  nrefs = 0;
  // A huge body's scratch is not kept for the next one.
  if (words.length > SCRATCH_KEEP) words = new Int32Array(1024);
}

/**
 * Pack many bodies into one array of words and one list of references, shared by the results. A
 * small body kept as a tree is seven objects or so (~300 bytes); packed alone it would be no
 * smaller (an array of words and a list of its own), but packed with a thousand others it is one
 * object of ~100 bytes and its share of two arrays. Compaction does this to the bodies of the
 * stages it merges, whose lifetimes it ties together already (their module is one). Undefined
 * when called from inside another pack.
 */
export function packTogether(fs: readonly FuncIR[]): PackedFunc[] | undefined {
  // Asked for while a body is being packed (a node's getter that compacts): not this time.
  if (packing) return undefined;
  evict();
  packing = true;
  n = 0;
  nrefs = 0;
  try {
    const starts = new Array<number>(fs.length);
    const sizes = new Array<number>(fs.length);
    for (let i = 0; i < fs.length; i++) {
      starts[i] = n;
      size = 0;
      coded = 0;
      list(fs[i]!.body);
      sizes[i] = size;
    }
    const shared = words.slice(0, n);
    const sharedRefs = refs.slice(0, nrefs);
    const out = new Array<PackedFunc>(fs.length);
    for (let i = 0; i < fs.length; i++) {
      const f = fs[i]!;
      out[i] = { name: f.name, sig: f.sig, locals: f.locals, localNames: f.localNames, size: sizes[i]!, count: f.body.length, words: shared, start: starts[i]!, refs: sharedRefs };
    }
    return out;
  } finally {
    packDone();
  }
}

// ---- the stream a builder writes (builder.ts) ----

/** What a builder that lost the scratch to another keeps of its stream until it writes again. */
interface Saved {
  readonly words: Int32Array;
  readonly refs: unknown[];
  readonly moved: boolean;
}

/** A builder writing into the scratch: `saved` holds its stream while another has the scratch. */
export interface StreamOwner {
  saved: Saved | undefined;
}

let owner: StreamOwner | null = null;

/** Whether the scratch holds `o`'s stream now (the check every builder method starts with). */
export function owns(o: StreamOwner): boolean {
  return owner === o;
}

/**
 * Give the scratch to `o`, with its stream as it left it. Builders may interleave (one per body,
 * bodies built side by side): the one that had the scratch keeps a copy of its stream.
 */
export function claim(o: StreamOwner): void {
  if (owner === o) return;
  if (packing) throw fail('InvalidBody', `a function body was built while another was being packed (by a getter of a node made by hand?)`);
  evict();
  owner = o;
  const s = o.saved;
  if (s === undefined) return;
  o.saved = undefined;
  while (words.length < s.words.length) grow();
  words.set(s.words);
  n = s.words.length;
  for (let i = 0; i < s.refs.length; i++) {
    if (i === refs.length) refs.push(s.refs[i]);
    else refs[i] = s.refs[i];
  }
  nrefs = s.refs.length;
  moved = s.moved;
}

/** Save the stream of whoever has the scratch, and free it. */
function evict(): void {
  if (owner === null) return;
  owner.saved = { words: words.slice(0, n), refs: refs.slice(0, nrefs), moved };
  owner = null;
  packDone();
}

/** Free the scratch if `o` has it, dropping its stream (a body given up on). */
export function abandonStream(o: StreamOwner): void {
  o.saved = undefined;
  if (owner === o) {
    owner = null;
    packDone();
  }
}

/** Where the next word goes: the end of the stream. */
export function pos(): number {
  return n;
}

/** The scratch's words and references (valid until the next write). */
export function scratchWords(): Int32Array {
  return words;
}
export function scratchRefs(): readonly unknown[] {
  return refs;
}

/** OR flags into the head at `at` (flags a symbol reference decides, known after the head is written). */
export function flagHead(at: number, flags: number): void {
  words[at]! |= flags;
}

/**
 * Have the subtree at `from`..`to` (a node used twice, or made out of order) stand at the end of
 * the stream: copied if small, else referred to (backrefs.ts), so that moving a big subtree costs
 * the same however big it is. Bounded, so that a body that keeps moving nodes is refused before it
 * fills the memory.
 */
function append(from: number, to: number): void {
  const len = to - from;
  const ref = len > COPY_MAX_WORDS;
  if (n + (ref ? REF_WORDS : len) > MAX_STREAM_WORDS) throw streamTooBig();
  if (ref) {
    moved = true;
    word(K.REF);
    word(from);
    word(to);
    return;
  }
  while (n + len > words.length) grow();
  words.copyWithin(n, from, to);
  n += len;
}

/**
 * How many of nodes `ns` (in order, all of one list or of consecutive ones) already stand in order
 * and end the stream: those stay where they are, and the rest are moved after them. An operand made
 * out of order (a `select`'s condition, made first) moves alone, not with those made after it.
 */
function inPlace(ns: readonly Node[]): number {
  for (let i = 0; i < ns.length; i++) {
    if (i > 0 && ns[i]!.start !== ns[i - 1]!.end) return 0;
    if (ns[i]!.end === n) return i + 1;
  }
  return 0;
}

/** Have nodes end the stream, in order, moving there those that do not already: where the first starts. */
export function placeNodes(ns: readonly Node[]): number {
  let at = n;
  for (let i = ns.length - 1; i >= 0; i--) {
    if (ns[i]!.end !== at) return moveNodes(ns);
    at = ns[i]!.start;
  }
  return at;
}

function moveNodes(ns: readonly Node[]): number {
  const k = inPlace(ns);
  const s = k > 0 ? ns[0]!.start : n;
  for (let i = k; i < ns.length; i++) append(ns[i]!.start, ns[i]!.end);
  return s;
}

/** `placeNodes` for consecutive lists (an `if`'s condition, then and else): where each starts. */
export function placeLists(lists: ReadonlyArray<readonly Node[]>): number[] {
  const starts = new Array<number>(lists.length);
  let at = n;
  let fits = true;
  for (let l = lists.length - 1; l >= 0 && fits; l--) {
    const ns = lists[l]!;
    for (let i = ns.length - 1; i >= 0 && fits; i--) {
      if (ns[i]!.end !== at) fits = false;
      at = ns[i]!.start;
    }
    starts[l] = at;
  }
  if (fits) return starts;
  const all = lists.flat();
  const k = inPlace(all);
  // Where the next node stands once placed: an empty list starts there.
  let next = k > 0 ? all[0]!.start : n;
  let e = 0;
  for (let l = 0; l < lists.length; l++) {
    const ns = lists[l]!;
    starts[l] = next;
    for (let i = 0; i < ns.length; i++, e++) {
      if (e < k) next = ns[i]!.end;
      else {
        if (i === 0) starts[l] = n;
        append(ns[i]!.start, ns[i]!.end);
        next = n;
      }
    }
  }
  return starts;
}

/** The most words a stream may grow to while being built (a node takes at least one). */
const MAX_STREAM_WORDS = 4 * MAX_BODY_NODES;

function streamTooBig(): Error {
  return fail('ResourceExhausted', `building the body wrote more than ${MAX_STREAM_WORDS.toLocaleString('en')} words (its nodes, and the operands it made out of wasm's order or used twice), more than an engine compiles in one function; split it`);
}

/** Pack a node made by hand onto the end of the stream. */
export function packNode(e: Expr): void {
  packing = true;
  coded = 0;
  try {
    node(e);
  } finally {
    packing = false;
  }
}

/**
 * The body `o` wrote: `count` roots at `start`..the end of its stream. Kept as a tree when it has
 * at most KEEP_TREE_WORDS words (see there), else as an exact-size copy of its words. Frees the scratch.
 */
export function finishStream(o: StreamOwner, start: number, count: number, f: Omit<PackedFunc, 'size' | 'count' | 'words' | 'start' | 'refs'>): KeptFunc {
  const end = n;
  lastKept = lastFacts = undefined;
  try {
    // Subtrees moved as references (backrefs.ts) are laid out in wasm's order, where they stand.
    if (moved) return keepFlat(flatten(words, start, end), count, f);
    // A small body's tree is read from the scratch, up to its end: no count of its nodes first.
    if (end - start <= KEEP_TREE_WORDS) return unpackFunc({ name: f.name, sig: f.sig, locals: f.locals, localNames: f.localNames, size: KEEP_TREE_WORDS, count, words, start, refs }, end);
    // Counting the nodes reads every head: what the body refers to is noted on the way (keptFacts).
    const facts = newFacts();
    const heads = noteHeads(facts, words, refs, start, end);
    if (heads - nopsCounted > MAX_BODY_NODES) throw tooManyNodes();
    const kept: PackedFunc = { name: f.name, sig: f.sig, locals: f.locals, localNames: f.localNames, size: heads, count, words: words.slice(start, end), start: 0, refs: refs.slice(0, nrefs) };
    lastFacts = endFacts(facts);
    lastKept = kept;
    return kept;
  } finally {
    abandonStream(o);
  }
}

/** The body `finishStream` kept last, when it kept its words, and what it refers to. */
let lastKept: PackedFunc | undefined;
let lastFacts: BodyFacts | undefined;

/**
 * What a packed body refers to (scan.ts, `scanFacts`): found while it was kept, for the body just
 * built (a pass over its words fewer), else by scanning it.
 */
export function keptFacts(p: PackedFunc): BodyFacts {
  if (p !== lastKept) return scanFacts(p);
  const f = lastFacts!;
  lastKept = lastFacts = undefined;
  return f;
}

/** `finishStream` for a body laid out by `flatten` (counted and bounded by it). */
function keepFlat(flat: { words: Int32Array; heads: number }, count: number, f: Omit<PackedFunc, 'size' | 'count' | 'words' | 'start' | 'refs'>): KeptFunc {
  const p: PackedFunc = { name: f.name, sig: f.sig, locals: f.locals, localNames: f.localNames, size: flat.heads, count, words: flat.words, start: 0, refs: refs.slice(0, nrefs) };
  return flat.words.length <= KEEP_TREE_WORDS ? unpackFunc(p) : p;
}

/** What a record keeps of a body made as a tree (see KEEP_TREE_MAX). */
export function keepFunc(f: FuncIR): KeptFunc {
  return treeSize(f.body, KEEP_TREE_MAX) <= KEEP_TREE_MAX ? f : packFunc(f);
}

/** Nodes of a kept body, as `PackedFunc.size` counts them. */
export function keptSize(k: KeptFunc): number {
  return 'words' in k ? k.size : treeSize(k.body, Infinity);
}

/**
 * Nodes in a tree, counted up to `limit` + 1. Runs once per function built, so the common nodes
 * are counted without `children`'s arrays (making them cost a 1,000-function stage ~5%).
 */
function treeSize(body: readonly Expr[], limit: number): number {
  let count = 0;
  for (let i = 0; i < body.length && count <= limit; i++) count += nodeSize(body[i]!, limit - count);
  return count;
}

function nodeSize(e: Expr, limit: number): number {
  switch (e.k) {
    case 'const':
    case 'local.get':
    case 'global.get':
    case 'symconst':
    case 'slot.of':
    case 'nop':
    case 'unreachable':
      return 1;
    case 'op':
    case 'call':
      return 1 + treeSize(e.args, limit - 1);
    case 'local.set':
    case 'drop':
      return 1 + nodeSize(e.value, limit - 1);
    case 'load':
      return 1 + nodeSize(e.ptr, limit - 1);
    default:
      return 1 + treeSize(children(e), limit - 1);
  }
}
