// The builder's per-type namespaces (`b.i32.add`, `b.f64.load`...): one callable object per value
// type, shared by every builder and pointed at the one that reads it.

import { INSTR, NUMERIC, type ValType } from '../wasm/instructions.js';
import type { FuncBuilder, Node, Operand } from './builder.js';
import { instrCode } from './packed.js';

/** `b.memory`: bulk memory operations on the shared memory. */
export interface MemoryNS {
  size(): Node;
  grow(pages: N): Node;
  copy(dst: N, src: N, n: N): Node;
  fill(dst: N, value: N, n: N): Node;
}

type N = Operand;
type Op1 = (a: N) => N;
type Op2 = (a: N, b: N) => N;
export interface LoadStore {
  load(ptr: N, offset?: number): Node;
  store(ptr: N, value: N, offset?: number): Node;
}
export interface IntNS<W> extends LoadStore {
  (value: W): N;
  eqz: Op1; clz: Op1; ctz: Op1; popcnt: Op1; extend8_s: Op1; extend16_s: Op1;
  eq: Op2; ne: Op2; lt_s: Op2; lt_u: Op2; gt_s: Op2; gt_u: Op2; le_s: Op2; le_u: Op2; ge_s: Op2; ge_u: Op2;
  add: Op2; sub: Op2; mul: Op2; div_s: Op2; div_u: Op2; rem_s: Op2; rem_u: Op2;
  and: Op2; or: Op2; xor: Op2; shl: Op2; shr_s: Op2; shr_u: Op2; rotl: Op2; rotr: Op2;
  trunc_f32_s: Op1; trunc_f32_u: Op1; trunc_f64_s: Op1; trunc_f64_u: Op1;
  trunc_sat_f32_s: Op1; trunc_sat_f32_u: Op1; trunc_sat_f64_s: Op1; trunc_sat_f64_u: Op1;
  load8_s(ptr: N, offset?: number): Node; load8_u(ptr: N, offset?: number): Node;
  load16_s(ptr: N, offset?: number): Node; load16_u(ptr: N, offset?: number): Node;
  store8(ptr: N, value: N, offset?: number): Node; store16(ptr: N, value: N, offset?: number): Node;
}
export interface I32NS extends IntNS<number> {
  wrap_i64: Op1; reinterpret_f32: Op1;
}
export interface I64NS extends IntNS<number | bigint> {
  extend32_s: Op1; extend_i32_s: Op1; extend_i32_u: Op1; reinterpret_f64: Op1;
  load32_s(ptr: N, offset?: number): Node; load32_u(ptr: N, offset?: number): Node;
  store32(ptr: N, value: N, offset?: number): Node;
}
export interface FloatNS extends LoadStore {
  (value: number): N;
  eq: Op2; ne: Op2; lt: Op2; gt: Op2; le: Op2; ge: Op2;
  abs: Op1; neg: Op1; ceil: Op1; floor: Op1; trunc: Op1; nearest: Op1; sqrt: Op1;
  add: Op2; sub: Op2; mul: Op2; div: Op2; min: Op2; max: Op2; copysign: Op2;
  convert_i32_s: Op1; convert_i32_u: Op1; convert_i64_s: Op1; convert_i64_u: Op1;
}
export interface F32NS extends FloatNS {
  demote_f64: Op1; reinterpret_i32: Op1;
}
export interface F64NS extends FloatNS {
  promote_f32: Op1; reinterpret_i64: Op1;
}

type NS = ((v: number | bigint) => Node) & { $b: FuncBuilder };
/** By type: an object of fixed keys, not a Map (reading `b.i32`, once per numeric node, looked its namespace up by hashing the key). */
const namespaces: Record<ValType, NS | undefined> = { i32: undefined, i64: undefined, f32: undefined, f64: undefined };
/** The same, as a list (closing a builder looks at each: no iterator per builder). */
const made: NS[] = [];

const memory = { $b: undefined as unknown as FuncBuilder } as MemoryNS & { $b: FuncBuilder };
memory.size = () => memory.$b.memoryOp('memory.size', 'i32', []);
memory.grow = (pages) => memory.$b.memoryOp('memory.grow', 'i32', [pages]);
memory.copy = (d, s, n) => memory.$b.memoryOp('memory.copy', 'none', [d, s, n]);
memory.fill = (d, v, n) => memory.$b.memoryOp('memory.fill', 'none', [d, v, n]);

/** `b.memory`, pointed at builder `b`. */
export function sharedMemory(b: FuncBuilder): MemoryNS {
  memory.$b = b;
  return memory;
}

/**
 * Point the namespaces that builder `from` holds at `to`: a body built while another's expression
 * was being made (its arguments evaluated) hands them back when it is done, so that the outer call
 * runs on its own builder.
 */
export function handBack(from: FuncBuilder, b: FuncBuilder): void {
  for (let i = 0; i < made.length; i++) if (made[i]!.$b === from) made[i]!.$b = b;
  if (memory.$b === from) memory.$b = b;
}


/** The namespace of `prefix`, pointed at builder `b`. */
export function sharedNamespace(prefix: ValType, b: FuncBuilder): NS {
  let ns = namespaces[prefix];
  if (!ns) {
    namespaces[prefix] = ns = makeNamespace(prefix);
    made.push(ns);
  }
  ns.$b = b;
  return ns;
}

/**
 * The operands a call was given, as a list, from its first two parameters and the rest: a missing
 * trailing one is not counted (so a wrong count is reported as one).
 */
export function givenOperands(a: Operand | undefined, b: Operand | undefined, more: readonly Operand[]): Operand[] {
  if (more.length > 0) return [a as Operand, b as Operand, ...more];
  if (b !== undefined) return [a as Operand, b];
  return a !== undefined ? [a] : [];
}

/** `b.i32`, `b.f64`...: callable for constants, with a method per instruction of the type. */
function makeNamespace(prefix: ValType): NS {
  const ns = function (v: number | bigint) {
    return ns.$b.constOf(prefix, v);
  } as NS;
  // The methods live on the namespace's prototype. Added to the callable itself, by computed
  // name, they turned it into a dictionary (V8 does so past a dozen such properties): every
  // `b.i32.add` read the method, and every method read `$b`, through a generic property lookup,
  // and `b.i32` wrote `$b` through one (~250 instructions per call-and-global reference). V8 gives
  // an object used as a prototype fast properties.
  const methods = Object.create(Function.prototype) as Record<string, unknown>;
  Object.setPrototypeOf(ns, methods);
  ns.$b = undefined as unknown as FuncBuilder;
  for (const [name, info] of NUMERIC) {
    if (!name.startsWith(prefix + '.')) continue;
    // One- and two-operand instructions (all but a few) take their operands as parameters: no list
    // is made unless the body still makes objects (tiny bodies) or something is wrong; the rest
    // parameter, only counted, is at most an empty array. (Reading `arguments` made V8 build an
    // arguments object per node when the method was not inlined: ~300 bytes per `b.i32.add`; a
    // rest list of the operands, 64.)
    const code = instrCode(name, info);
    const arity = info.params!.length;
    methods[name.slice(prefix.length + 1)] =
      arity === 2
        ? function (a: Operand, b: Operand, ...more: Operand[]) {
            const bl = ns.$b;
            if (more.length === 0 && b !== undefined) return bl.small > 0 ? bl.opWith(info, [a, b], code) : bl.opAB(info, a, b, code);
            return bl.opWith(info, givenOperands(a, b, more), code);
          }
        : arity === 1
          ? function (a: Operand, ...more: Operand[]) {
              const bl = ns.$b;
              if (more.length === 0 && a !== undefined) return bl.small > 0 ? bl.opWith(info, [a], code) : bl.opAB(info, a, undefined, code);
              return bl.opWith(info, more.length > 0 ? [a, ...more] : [], code);
            }
          : function (...args: Operand[]) {
              return ns.$b.opWith(info, args, code);
            };
  }
  for (const [name, info] of INSTR) {
    if (!name.startsWith(prefix + '.') || info.memType === undefined) continue;
    const short = name.slice(prefix.length + 1);
    methods[short] = short.startsWith('load')
      ? function (ptr: Operand, offset = 0) {
          return ns.$b.load(name, ptr, offset);
        }
      : function (ptr: Operand, value: Operand, offset = 0) {
          return ns.$b.store(name, ptr, value, offset);
        };
  }
  return ns;
}

