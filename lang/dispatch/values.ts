// The object model in Accrete's shared memory: every type has an RTT (abstract ones too, so `isa`
// is a subtype test), objects start with their RTT id, primitives are boxed when they must be held
// as Any, and a bump allocator in wasm hands out the heap (no collector yet).

import type { FuncBuilder, Runtime } from '../../runtime/index.js';
import { JlError } from './errors.js';
import { AbstractVector, BUILTIN_TYPES, Bool, DataType, Float64, Int64, Nothing, String_, reprOf, typeObjectTypeOf, vectorOf, type JType, type Repr, type VectorType } from './types.js';

/** Field types as Accrete RTT fields hold them. */
const FIELD_OF: Record<Repr, 'i64' | 'f64' | 'i32' | 'ref'> = { i64: 'i64', f64: 'f64', i32: 'i32', ref: 'ref' };
/** Bytes an element of each representation takes in a vector's buffer. */
export const ELEM_SIZE: Record<Repr, number> = { i64: 8, f64: 8, i32: 4, ref: 4 };

/** Symbol names the object model defines in the Accrete runtime. */
export const SYM = {
  heapTop: 'jl:heapTop',
  alloc: 'jl:alloc',
  nothing: 'jl:nothing',
  true: 'jl:true',
  false: 'jl:false',
} as const;

/** One JS-side view of a boxed value. */
export type JsValue = number | bigint | boolean | string | null | { type: JType; ptr: number };

export class ObjectModel {
  private readonly rttOf = new Map<JType, string>();
  private readonly typeById = new Map<number, JType>();
  /** Strings live on the JS side; a String object holds an index into this table. */
  readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  private seq = 0;

  private constructor(readonly rt: Runtime) {}

  static create(rt: Runtime): ObjectModel {
    const m = new ObjectModel(rt);
    const s = rt.stage('jl:prelude');
    for (const t of BUILTIN_TYPES) m.defineRtt(s, t);
    s.global(SYM.heapTop, 'i32', rt.layout.heapBase);
    s.host('jl:out_of_memory', 'i64 -> ()', (n: bigint) => {
      throw outOfMemory(n);
    });
    s.func(SYM.alloc, 'i32 -> i32', (b) => m.allocBody(b), { params: ['size'] });
    s.commitSync();
    // Singletons, allocated once: `nothing`, `true`, `false`.
    const nothing = m.allocJs(Nothing);
    const yes = m.allocJs(Bool);
    const no = m.allocJs(Bool);
    m.view().setInt32(yes + m.fieldOffset(Bool, 'value'), 1, true);
    rt.stage('jl:singletons').constant(SYM.nothing, 'i32', nothing).constant(SYM.true, 'i32', yes).constant(SYM.false, 'i32', no).commitSync();
    return m;
  }

  /** The name of the Accrete RTT of a type (registering it first if needed). */
  rtt(t: JType): string {
    const name = this.rttOf.get(t);
    if (name !== undefined) return name;
    if (t.kind === 'vector') return this.defineVector(t);
    if (t.kind === 'union') throw new JlError('TypeError', `${t} has no instances of its own`);
    throw new JlError('UndefVarError', `type ${t.name} is not defined in this runtime`);
  }

  /** Register a user type (abstract or struct); its supertype must be registered already. */
  defineType(t: DataType): void {
    const s = this.rt.stage(`jl:type:${t.name}:${++this.seq}`);
    this.defineRtt(s, t);
    s.commitSync();
  }

  private defineRtt(s: ReturnType<Runtime['stage']>, t: DataType): void {
    const name = `T:${t.name}`;
    const fields =
      t.primitive === 'Int64' || t.primitive === 'Float64' || t.primitive === 'Bool'
        ? [{ name: 'value', type: FIELD_OF[reprOf(t)] }]
        : t.primitive === 'String'
          ? [{ name: 'handle', type: 'i32' as const }]
          : t.fields.map((f) => ({ name: f.name, type: FIELD_OF[reprOf(f.type)] }));
    s.rtt(name, { fields, ...(t.supertype ? { parent: this.rtt(t.supertype) } : {}) });
    this.rttOf.set(t, name);
  }

  private defineVector(t: VectorType): string {
    const name = `T:${t}#${++this.seq}`;
    this.rt.stage(`jl:type:${t}:${this.seq}`).rtt(name, { parent: this.rtt(AbstractVector), fields: { length: 'i32', capacity: 'i32', data: 'i32' } }).commitSync();
    this.rttOf.set(t, name);
    return name;
  }

  /** The type of the object at `ptr`, from its header. */
  typeAt(ptr: number): JType {
    const id = this.view().getUint32(ptr, true);
    if (this.typeById.size !== this.rttOf.size) {
      for (const [t, n] of this.rttOf) this.typeById.set((this.rt.lookup(n) as { id: number }).id, t);
    }
    const t = this.typeById.get(id);
    if (!t) throw new JlError('TypeError', `no type has RTT id ${id} (address ${ptr})`);
    return t;
  }

  fieldOffset(t: JType, field: string): number {
    const r = this.rt.lookup(this.rtt(t)) as { fields: ReadonlyArray<{ name: string; offset: number }> };
    const f = r.fields.find((x) => x.name === field);
    if (!f) throw new JlError('ErrorException', `type ${t} has no field ${field}`);
    return f.offset;
  }

  sizeOf(t: JType): number {
    return (this.rt.lookup(this.rtt(t)) as { size: number }).size;
  }

  view(): DataView {
    return new DataView(this.rt.memory.buffer);
  }

  /**
   * `jl:alloc`: bump the heap top by `size` (unsigned) rounded to 8, growing the memory when it
   * runs out. The sum is taken in i64: past 4 GiB, or when the engine will not grow the memory, it
   * is Julia's OutOfMemoryError with the heap top unchanged (a wrapped top handed out live memory).
   */
  private allocBody(b: FuncBuilder) {
    const p = b.local('i32', 'p');
    const top = b.local('i64', 'top');
    const oom = () => [b.call('jl:out_of_memory', b.i64.extend_i32_u(b.param(0))), b.unreachable()];
    const wanted = () => b.i32.wrap_i64(b.get(top));
    return [
      b.set(p, b.global(SYM.heapTop)),
      b.set(top, b.i64.and(b.i64.add(b.i64.add(b.i64.extend_i32_u(b.get(p)), b.i64.extend_i32_u(b.param(0))), b.i64(7)), b.i64(~7))),
      b.if(b.i64.gt_u(b.get(top), b.i64(0xffffffff)), oom()),
      b.if(
        b.i32.gt_u(wanted(), b.i32.shl(b.memory.size(), b.i32(16))),
        b.if(b.i32.eq(b.memory.grow(b.i32.add(b.i32.shr_u(b.i32.sub(wanted(), b.i32.shl(b.memory.size(), b.i32(16))), b.i32(16)), b.i32(1))), b.i32(-1)), oom()),
      ),
      b.setGlobal(SYM.heapTop, wanted()),
      b.get(p),
    ];
  }

  /** Allocate a zeroed object of type `t` from JS, header written. */
  allocJs(t: JType, extra = 0): number {
    const p = this.allocRaw((t.kind === 'data' || t.kind === 'vector' ? this.sizeOf(t) : 8) + extra);
    this.view().setUint32(p, (this.rt.lookup(this.rtt(t)) as { id: number }).id, true);
    return p;
  }

  /** Intern a string; its index is what a String object holds. */
  intern(s: string): number {
    let i = this.stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.push(s) - 1;
      this.stringIndex.set(s, i);
    }
    return i;
  }

  /** Box a JS value as a language value (a pointer to an object with a header). */
  box(x: JsValue): number {
    const v = () => this.view();
    if (x === null) return this.constant(SYM.nothing);
    if (typeof x === 'boolean') return this.constant(x ? SYM.true : SYM.false);
    if (typeof x === 'bigint') {
      const p = this.allocJs(Int64);
      v().setBigInt64(p + this.fieldOffset(Int64, 'value'), x, true);
      return p;
    }
    if (typeof x === 'number') {
      const p = this.allocJs(Float64);
      v().setFloat64(p + this.fieldOffset(Float64, 'value'), x, true);
      return p;
    }
    if (typeof x === 'string') {
      const p = this.allocJs(String_);
      v().setInt32(p + this.fieldOffset(String_, 'handle'), this.intern(x), true);
      return p;
    }
    return x.ptr;
  }

  /** Read a boxed value back: primitives as JS values, other objects as { type, ptr }. */
  unbox(ptr: number): JsValue {
    const t = this.typeAt(ptr);
    const v = this.view();
    if (t === Nothing) return null;
    if (t === Bool) return v.getInt32(ptr + this.fieldOffset(Bool, 'value'), true) !== 0;
    if (t === Int64) return v.getBigInt64(ptr + this.fieldOffset(Int64, 'value'), true);
    if (t === Float64) return v.getFloat64(ptr + this.fieldOffset(Float64, 'value'), true);
    if (t === String_) return this.strings[v.getInt32(ptr + this.fieldOffset(String_, 'handle'), true)]!;
    return { type: t, ptr };
  }

  constant(name: string): number {
    return Number((this.rt.lookup(name) as { value: number }).value);
  }

  private readonly typeObjects = new Map<JType, number>();
  private readonly typeTable: JType[] = [];

  /** The type object (a DataType instance) of a type, made once. */
  typeObject(t: JType): number {
    let p = this.typeObjects.get(t);
    if (p === undefined) {
      const of = typeObjectTypeOf(t);
      p = this.allocJs(of);
      this.view().setBigInt64(p + this.fieldOffset(of, 'index'), BigInt(this.typeTable.push(t) - 1), true);
      this.typeObjects.set(t, p);
    }
    return p;
  }

  /** The type a type object stands for. */
  typeObjectType(ptr: number): JType {
    return this.typeTable[Number(this.view().getBigInt64(ptr + this.fieldOffset(this.typeAt(ptr), 'index'), true))]!;
  }

  /** Raw bytes from the heap (zeroed), for runtime structures such as dispatch caches. */
  allocRaw(bytes: number): number {
    // The heap top is an i32 holding an address up to 4 GiB: read unsigned, summed as a number.
    const p = (this.rt.getGlobal(SYM.heapTop) as number) >>> 0;
    const top = Math.ceil((p + bytes) / 8) * 8;
    const mem = this.rt.memory;
    if (top > 2 ** 32) throw outOfMemory(bytes);
    if (top > mem.buffer.byteLength) {
      try {
        mem.grow(Math.ceil((top - mem.buffer.byteLength) / 65536));
      } catch {
        throw outOfMemory(bytes);
      }
    }
    this.rt.setGlobal(SYM.heapTop, top | 0);
    new Uint8Array(mem.buffer, p, top - p).fill(0);
    return p;
  }

  /** A vector type for an element type, registered on first use. */
  vectorType(element: JType): VectorType {
    const t = vectorOf(element);
    this.rtt(t);
    return t;
  }
}

/** Julia's OutOfMemoryError for a request of `n` bytes (the heap is a wasm32 memory). */
function outOfMemory(n: number | bigint): JlError {
  return new JlError('OutOfMemoryError', `cannot allocate ${n} bytes: the heap is limited to 4 GiB`);
}
