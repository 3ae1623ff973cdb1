// What builder methods take and give: a handle on a node of a body's stream (`Node`), or a node
// object (a tiny body's first nodes, or one made by hand), the checks that tell them apart, and
// whether operands already end the stream in order (the common case: nothing to copy).

import { fail } from '../../runtime/errors.js';
import type { ValType } from '../wasm/instructions.js';
import type { FuncBuilder } from './builder.js';
import type { Expr, ExprType } from './nodes.js';
import { CallNode, OpNode, SymbolNode, mapChildren } from './nodes.js';
import { KINDS } from './packed.js';

/**
 * An expression a builder made: where its subtree lies in the body's stream, and its type. It
 * belongs to that body; a node used twice is copied (and encoded twice, as wasm needs).
 */
export class Node {
  constructor(
    /** The builder whose stream holds it. */
    readonly builder: FuncBuilder,
    readonly start: number,
    readonly end: number,
    readonly type: ExprType,
    private readonly kind: number,
  ) {}

  /** Its kind, as a node object's `k` says it. */
  get k(): Expr['k'] {
    return KINDS[this.kind]!;
  }
}

/** An operand: a node a builder made, or a node object made by hand (nodes.ts), packed when met. */
export type Operand = Node | Expr;

/** Where operands `es` start if they are `owner`'s nodes of types `ts` ending at `end` (the stream's end) in order, the common case; else -1. */
export function fitsAt(owner: FuncBuilder, end: number, es: readonly Operand[], ts: readonly ValType[]): number {
  if (es.length !== ts.length) return -1;
  let at = end;
  for (let i = es.length - 1; i >= 0; i--) {
    const e = es[i] as Node | undefined;
    if (e?.builder !== owner || e.end !== at || (e.type !== ts[i] && e.type !== 'unreachable')) return -1;
    at = e.start;
  }
  return at;
}

/** `fitsAt` for one operand. */
export function fitAt(owner: FuncBuilder, end: number, e: Operand, t: ValType): number {
  const x = e as Node | undefined;
  return x?.builder === owner && x.end === end && (x.type === t || x.type === 'unreachable') ? x.start : -1;
}

/** `fitsAt` for two operands (no list made). */
export function fit2At(owner: FuncBuilder, end: number, a: Operand, b: Operand, ts: readonly ValType[]): number {
  const s = fitAt(owner, end, b, ts[1]!);
  return s < 0 ? -1 : fitAt(owner, s, a, ts[0]!);
}

/** A body: one expression, a list of them (the last one gives the value), or nothing. */
export type Body = Operand | readonly Operand[] | undefined | void;

/** A local variable (parameters are locals 0..n-1). */
export interface Local {
  readonly index: number;
  readonly type: ValType;
}

/** One catch clause of `b.try`: the payload arrives as local reads. */
export interface CatchSpec {
  tag: string;
  body: (payload: Node[]) => Body;
}

export const NONE: readonly never[] = [];

export function itemsOf(body: Body): readonly unknown[] {
  return body === undefined ? NONE : Array.isArray(body) ? body : [body];
}

/**
 * Whether `e` is a node object (not a handle: those belong to a stream), what a node made as an
 * object may hold. Anything else goes the stream's way, whose checks say what is wrong.
 */
export function isNodeObject(e: unknown): e is Expr {
  return e !== null && typeof e === 'object' && !(e instanceof Node) && typeof (e as { k?: unknown }).k === 'string';
}

/** Whether every element of `es` is a node object. */
export function objectsFit(es: readonly unknown[]): boolean {
  for (let i = 0; i < es.length; i++) if (!isNodeObject(es[i])) return false;
  return true;
}

/** What is wrong with a list whose non-final elements leave a value, if it is one. */
export function discarded(list: ReadonlyArray<{ readonly type: ExprType }>, what: string): string | undefined {
  for (let i = 0; i < list.length - 1; i++) {
    const t = list[i]!.type;
    if (t !== 'none' && t !== 'unreachable') return `${what}, element ${i}: a value of type ${t} would be discarded (wrap it in b.drop())`;
  }
  return undefined;
}

/** Operand types of memory.size, .grow, and .copy or .fill: all i32. */
export const I32S: ReadonlyArray<readonly ValType[]> = [[], ['i32'], ['i32', 'i32'], ['i32', 'i32', 'i32']];

export function joinTypes(a: ExprType, b: ExprType, say: (a: ExprType, b: ExprType) => string, definition: string): ExprType {
  if (a === 'unreachable') return b;
  if (b === 'unreachable') return a;
  // `say` captures nothing, so that the caller makes no closure (and no context) per node.
  if (a !== b) throw fail('TypeMismatch', say(a, b), { definition });
  return a;
}

/**
 * Whether node object `e` needs no check in the body of builder `serial`, whose locals are
 * `localTypes` (FuncBuilder.foreign). Operators, calls and symbol reads are told by who made them
 * (their operands and symbols were checked for that body, then); local reads and constants, shared
 * by all bodies, where they stand. Anything else is checked with its body (verify.ts).
 */
export function trusted(e: Expr, serial: number, localTypes: readonly ValType[]): boolean {
  if (e instanceof OpNode || e instanceof CallNode || e instanceof SymbolNode) return e.by === serial;
  if (e.k === 'local.get') return (e.index | 0) === e.index && localTypes[e.index] === e.type;
  if (e.k !== 'const') return false;
  const v = e.value;
  // An integer as the builder holds it (signed); one written unsigned is checked, and copied signed.
  if (e.type === 'i32') return typeof v === 'number' && (v | 0) === v;
  if (e.type === 'i64') return typeof v === 'bigint' && v >= I64_MIN && v <= I64_MAX;
  return constFits(e.type, v);
}

let serials = 0;
/** A number for each builder (`FuncBuilder.serial`, what `by` holds). */
export function nextSerial(): number {
  return (serials = (serials + 1) | 0);
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const U64_MAX = 2n ** 64n - 1n;

/**
 * Whether a constant node made by hand holds a value of its type: an i32 as a number of 32 bits, an
 * i64 as a bigint of 64, signed or unsigned, as `b.i32` and `b.i64` take them (a copy holds it
 * signed, as the builder does).
 */
export function constFits(type: unknown, v: unknown): boolean {
  switch (type) {
    case 'i32':
      return typeof v === 'number' && Number.isInteger(v) && v >= -0x80000000 && v <= 0xffffffff;
    case 'f32':
    case 'f64':
      return typeof v === 'number';
    case 'i64':
      return typeof v === 'bigint' && v >= I64_MIN && v <= U64_MAX;
    default:
      return false;
  }
}

/** The range of integers a constant of type `t` may be given, for messages. */
export function constRange(t: 'i32' | 'i64'): string {
  return t === 'i32' ? 'an integer from -2^31 to 2^32 - 1' : 'an integer from -2^63 to 2^64 - 1';
}

/**
 * The value `b.i32(v)`, `b.i64(v)`... make, as the builder holds it (an i32 as a signed number, an
 * i64 as a signed bigint, an f32 rounded), or what is wrong with it. An integer out of its type's
 * range is refused, as a global's initial value is, rather than wrapped.
 */
export function constValue(type: ValType, value: unknown): number | bigint | string {
  switch (type) {
    case 'i32':
      if (typeof value !== 'number') return `an i32 constant must be a number, got ${typeof value}`;
      if (!Number.isInteger(value)) return `an i32 constant must be an integer, got ${value}`;
      return constFits('i32', value) ? value | 0 : `an i32 constant of ${value}, out of its range (${constRange('i32')})`;
    case 'i64':
      if (typeof value === 'bigint') return constFits('i64', value) ? BigInt.asIntN(64, value) : `an i64 constant of ${value}, out of its range (${constRange('i64')})`;
      if (typeof value !== 'number') return `an i64 constant must be a bigint or a number, got ${typeof value}`;
      if (!Number.isInteger(value)) return `an i64 constant must be an integer, got ${value}`;
      // Past 2^53 a number may not be the integer written: a bigint says it exactly.
      return Number.isSafeInteger(value) ? BigInt(value) : `an i64 constant of ${value}, not a safe integer (give a bigint)`;
    default:
      if (typeof value !== 'number') return `an ${type} constant must be a number, got ${typeof value}`;
      return type === 'f32' ? Math.fround(value) : value;
  }
}

/**
 * A copy of a tree, its lists and signatures too: nodes made by hand stay their maker's, who may
 * change them after. An integer constant is held signed, as the builder and packing hold it.
 */
export function copyTree(e: Expr): Expr {
  const c = mapChildren(e, copyTree) as Expr & Record<string, unknown>;
  switch (e.k) {
    case 'const':
      if (e.type === 'i32') c.value = (e.value as number) | 0;
      else if (e.type === 'i64') c.value = BigInt.asIntN(64, e.value as bigint);
      break;
    case 'br_table':
      c.labels = [...e.labels];
      break;
    case 'throw':
      c.params = [...e.params];
      break;
    case 'try':
      c.catches = (c as Extract<Expr, { k: 'try' }>).catches.map((x) => ({ ...x, params: [...x.params], locals: [...x.locals] }));
      break;
    case 'call':
    case 'call.slot':
      c.sig = { params: [...e.sig.params], results: [...e.sig.results] };
      break;
  }
  return c as Expr;
}
