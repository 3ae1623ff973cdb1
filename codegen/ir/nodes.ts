// The function-body IR both tiers accept: a typed expression tree whose references to other
// definitions are by symbol name, so the same tree can be lowered again when those definitions move.

import type { InstrInfo, ValType } from '../wasm/instructions.js';
import type { SymbolInfo } from './symbols.js';
export type { ValType } from '../wasm/instructions.js';

/** The type an expression leaves: a value, nothing, or never returns normally. */
export type ExprType = ValType | 'none' | 'unreachable';

/** A function signature (at most one result). */
export interface Sig {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

export type Expr =
  | ConstExpr
  | LocalGetExpr
  | LocalSetExpr
  | OpExpr
  | LoadExpr
  | StoreExpr
  | GlobalGetExpr
  | GlobalSetExpr
  | SymConstExpr
  | CallExpr
  | CallSlotExpr
  | SlotOfExpr
  | BlockExpr
  | IfExpr
  | BrExpr
  | BrTableExpr
  | ReturnExpr
  | DropExpr
  | SelectExpr
  | TrapExpr
  | NopExpr
  | ThrowExpr
  | TryExpr
  | MemoryExpr;

export interface ConstExpr {
  k: 'const';
  type: ValType;
  value: number | bigint;
}
export interface LocalGetExpr {
  k: 'local.get';
  type: ValType;
  index: number;
}
/** `local.set` (type 'none') or, with `tee`, `local.tee` (the value's type). */
export interface LocalSetExpr {
  k: 'local.set';
  type: ExprType;
  index: number;
  value: Expr;
  tee: boolean;
}
/** A plain numeric instruction from the instruction table. */
export interface OpExpr {
  k: 'op';
  type: ValType;
  op: string;
  /** The instruction table's entry for `op`, when the builder made the node. */
  info?: InstrInfo;
  args: Expr[];
}
export interface LoadExpr {
  k: 'load';
  type: ValType;
  op: string;
  info?: InstrInfo;
  ptr: Expr;
  offset: number;
}
export interface StoreExpr {
  k: 'store';
  type: 'none';
  op: string;
  info?: InstrInfo;
  ptr: Expr;
  value: Expr;
  offset: number;
}
/** Read a runtime global: lowered to a load from its cell. */
export interface GlobalGetExpr {
  k: 'global.get';
  type: ValType;
  name: string;
  /** What `name` resolved to when the node was made or last rebound (see passes/rebind.ts). */
  sym?: SymbolInfo;
}
export interface GlobalSetExpr {
  k: 'global.set';
  type: 'none';
  name: string;
  sym?: SymbolInfo;
  value: Expr;
}
/** A compile-time constant, by name: lowered to an immediate. */
export interface SymConstExpr {
  k: 'symconst';
  type: ValType;
  name: string;
  sym?: SymbolInfo;
}
/** A call of a runtime function by name; `tail` makes it a tail call. */
export interface CallExpr {
  k: 'call';
  type: ExprType;
  name: string;
  sym?: SymbolInfo;
  sig: Sig;
  args: Expr[];
  tail: boolean;
}
/** A call through the shared table with a slot computed at run time. */
export interface CallSlotExpr {
  k: 'call.slot';
  type: ExprType;
  sig: Sig;
  slot: Expr;
  args: Expr[];
  tail: boolean;
}
/** The slot (table index) of a function, as an i32 immediate. */
export interface SlotOfExpr {
  k: 'slot.of';
  type: 'i32';
  name: string;
  sym?: SymbolInfo;
}
/** `block` or `loop`; a label names it for branches. */
export interface BlockExpr {
  k: 'block' | 'loop';
  type: ExprType;
  label: string | null;
  body: Expr[];
}
export interface IfExpr {
  k: 'if';
  type: ExprType;
  cond: Expr;
  then: Expr[];
  else: Expr[] | null;
}
/** `br`, or `br_if` when `cond` is set. */
export interface BrExpr {
  k: 'br';
  type: ExprType;
  label: string;
  value: Expr | null;
  cond: Expr | null;
}
export interface BrTableExpr {
  k: 'br_table';
  type: 'unreachable';
  labels: string[];
  fallback: string;
  index: Expr;
  value: Expr | null;
}
export interface ReturnExpr {
  k: 'return';
  type: 'unreachable';
  value: Expr | null;
}
export interface DropExpr {
  k: 'drop';
  type: 'none';
  value: Expr;
}
export interface SelectExpr {
  k: 'select';
  type: ValType;
  cond: Expr;
  a: Expr;
  b: Expr;
}
export interface TrapExpr {
  k: 'unreachable';
  type: 'unreachable';
}
export interface NopExpr {
  k: 'nop';
  type: 'none';
}
/** Throw with a runtime tag; the payload travels through the exception buffer. */
export interface ThrowExpr {
  k: 'throw';
  type: 'unreachable';
  tag: string;
  id: number;
  params: readonly ValType[];
  args: Expr[];
}
export interface CatchClause {
  tag: string;
  id: number;
  params: readonly ValType[];
  /** Locals that receive the payload, one per tag parameter. */
  locals: number[];
  body: Expr[];
}
export interface TryExpr {
  k: 'try';
  type: ExprType;
  body: Expr[];
  catches: CatchClause[];
  /** Runs for any other exception, including JS ones; null rethrows them. */
  catchAll: Expr[] | null;
}
/** memory.size / memory.grow / memory.copy / memory.fill on the shared memory. */
export interface MemoryExpr {
  k: 'memory';
  type: ExprType;
  op: 'memory.size' | 'memory.grow' | 'memory.copy' | 'memory.fill';
  args: Expr[];
}

/** A function definition in IR form. Locals after the parameters are listed in `locals`. */
export interface FuncIR {
  readonly name: string;
  readonly sig: Sig;
  readonly locals: readonly ValType[];
  /** Debug names of parameters and locals (by local index), where given. */
  readonly localNames: ReadonlyArray<string | undefined>;
  readonly body: readonly Expr[];
}

/**
 * The type of a sequence: its last expression's. wasm's stack is polymorphic after code that never
 * returns, but a value made after it is still on top of the stack, and must be the construct's:
 * `[unreachable, i32.const 1]` gives an i32, nothing else. Only a sequence that ends with no value
 * after an element that never returns fits any type ('unreachable').
 */
export function seqType(body: ReadonlyArray<{ readonly type: ExprType }>): ExprType {
  if (body.length === 0) return 'none';
  const last = body[body.length - 1]!.type;
  if (last !== 'none') return last;
  for (let i = 0; i < body.length - 1; i++) if (body[i]!.type === 'unreachable') return 'unreachable';
  return 'none';
}

const sigKeys = new WeakMap<Sig, string>();

/** A string naming a signature's type; memoised per signature object. */
export function sigKey(sig: Sig): string {
  let k = sigKeys.get(sig);
  if (k === undefined) {
    k = `${sig.params.join(',')}->${sig.results.join(',')}`;
    sigKeys.set(sig, k);
  }
  return k;
}

export function sigText(sig: Sig): string {
  return `(${sig.params.join(', ')}) -> ${sig.results.length === 0 ? '()' : sig.results.join(', ')}`;
}

export function sameSig(a: Sig, b: Sig): boolean {
  return sigKey(a) === sigKey(b);
}

/** Visit every node of a tree, parents before children. */
export function walk(body: readonly Expr[], visit: (e: Expr) => void): void {
  for (const e of body) walkOne(e, visit);
}

function walkOne(e: Expr, visit: (e: Expr) => void): void {
  visit(e);
  for (const c of children(e)) walkOne(c, visit);
}

/** The direct children of a node, in evaluation order. */
export function children(e: Expr): Expr[] {
  switch (e.k) {
    case 'local.set':
    case 'global.set':
    case 'drop':
      return [e.value];
    case 'op':
    case 'memory':
      return e.args;
    case 'load':
      return [e.ptr];
    case 'store':
      return [e.ptr, e.value];
    case 'call':
    case 'throw':
      return e.args;
    case 'call.slot':
      return [...e.args, e.slot];
    case 'block':
    case 'loop':
      return e.body;
    case 'if':
      return [e.cond, ...e.then, ...(e.else ?? [])];
    case 'br':
      return [...(e.value ? [e.value] : []), ...(e.cond ? [e.cond] : [])];
    case 'br_table':
      return [...(e.value ? [e.value] : []), e.index];
    case 'return':
      return e.value ? [e.value] : [];
    case 'select':
      return [e.a, e.b, e.cond];
    case 'try':
      return [...e.body, ...e.catches.flatMap((c) => c.body), ...(e.catchAll ?? [])];
    default:
      return [];
  }
}

/** A shallow copy of a node with every child replaced by `f(child)`. */
export function mapChildren(e: Expr, f: (c: Expr) => Expr): Expr {
  const list = (l: readonly Expr[]) => l.map(f);
  switch (e.k) {
    case 'local.set':
    case 'global.set':
    case 'drop':
      return { ...e, value: f(e.value) } as Expr;
    case 'op':
    case 'memory':
    case 'call':
    case 'throw':
      return { ...e, args: list(e.args) } as Expr;
    case 'load':
      return { ...e, ptr: f(e.ptr) };
    case 'store':
      return { ...e, ptr: f(e.ptr), value: f(e.value) };
    case 'call.slot':
      return { ...e, args: list(e.args), slot: f(e.slot) };
    case 'block':
    case 'loop':
      return { ...e, body: list(e.body) };
    case 'if':
      return { ...e, cond: f(e.cond), then: list(e.then), else: e.else ? list(e.else) : null };
    case 'br':
      return { ...e, value: e.value ? f(e.value) : null, cond: e.cond ? f(e.cond) : null };
    case 'br_table':
      return { ...e, value: e.value ? f(e.value) : null, index: f(e.index) };
    case 'return':
      return { ...e, value: e.value ? f(e.value) : null };
    case 'select':
      return { ...e, a: f(e.a), b: f(e.b), cond: f(e.cond) };
    case 'try':
      return {
        ...e,
        body: list(e.body),
        catches: e.catches.map((c) => ({ ...c, body: list(c.body) })),
        catchAll: e.catchAll ? list(e.catchAll) : null,
      };
    default:
      return { ...e };
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
    /** The builder that made it and checked its operands, for that builder's body (builder.ts, `foreign`). */
    readonly by: number | undefined = undefined,
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
    /** As OpNode's. */
    readonly by: number | undefined = undefined,
  ) {
    this.sig = sym.sig;
  }
}

/** A global read or a compile-time constant, by name, as a builder makes it (with `by`, as OpNode's). */
export class SymbolNode {
  constructor(
    readonly k: 'global.get' | 'symconst',
    readonly type: ValType,
    readonly name: string,
    readonly sym: SymbolInfo,
    readonly by: number,
  ) {}
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
export function namesOf(names: ReadonlyArray<string | undefined>, n: number): Array<string | undefined> {
  return Array.from({ length: n }, (_, i) => names[i]);
}

/** Shared by bodies without locals or local names (most of them): memory per stage counts. */
export const NO_LOCALS: readonly never[] = Object.freeze([]);
