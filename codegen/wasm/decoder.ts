// Reads wasm binaries handed to `link` (and the ones Accrete makes, for the WAT printer): the
// sections into plain records, and function bodies as a stream of instructions from the one
// instruction table, so the rewriter can copy unchanged instructions byte for byte.

import { fail, type AccreteError } from '../../runtime/errors.js';
import { BY_CODE, BY_FC_CODE, VALTYPE_OF_CODE, type AnyValType, type InstrInfo, type RefType } from './instructions.js';
import { EXTERN_KINDS, type BlockType, type ConstExpr, type ConstOp, type Limits, type LocalDecl, type TryTableCatch, type ElemSegment, type ExternKind, type FuncBody, type GlobalType, type HeapType, type Immediates, type ImportDesc, type Instr, type Names, type ParsedModule } from './module-types.js';

export { EXTERN_KINDS } from './module-types.js';
export type { FuncType, Limits, TableType, GlobalType, ExternKind, ImportDesc, Import, Export, HeapType, ConstOp, ConstExpr, Global, ElemSegment, DataSegment, LocalDecl, FuncBody, CustomSection, Names, ParsedModule, BlockType, TryTableCatch, Immediates, Instr } from './module-types.js';

export function malformed(what: string, offset: number): AccreteError {
  return fail('LinkError', `malformed wasm: ${what} at byte offset ${offset}`);
}

function unsupported(what: string, offset: number): AccreteError {
  return fail('LinkError', `unsupported ${what} at byte offset ${offset}`);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const HEAP_OF_CODE: Record<number, HeapType> = { 0x70: 'func', 0x6f: 'extern', 0x69: 'exn' };
const PREFIX_NAMES: Record<number, string> = { 0xfb: 'GC', 0xfd: 'SIMD', 0xfe: 'threads/atomics' };
// Engines cap locals per function at 50000; the cap also keeps a hostile count from allocating.
const MAX_LOCALS = 50000;

/** A cursor over `b[pos, end)` whose errors carry module byte offsets. */
export class Reader {
  constructor(
    readonly b: Uint8Array,
    public pos: number,
    public end: number,
  ) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  u8(): number {
    if (this.pos >= this.end) throw malformed('unexpected end', this.pos);
    return this.b[this.pos++]!;
  }

  u32(): number {
    const at = this.pos;
    let result = 0;
    for (let i = 0; ; i++) {
      const byte = this.u8();
      if (i === 4) {
        if (byte & 0xf0) throw malformed('integer too large (LEB overflow)', at);
        return (result | (byte << 28)) >>> 0;
      }
      result |= (byte & 0x7f) << (7 * i);
      if (!(byte & 0x80)) return result >>> 0;
    }
  }

  s32(): number {
    const at = this.pos;
    let result = 0;
    for (let i = 0; ; i++) {
      const byte = this.u8();
      if (i === 4) {
        const hi = byte & 0xf8;
        if (hi !== 0 && hi !== 0x78) throw malformed('integer too large (LEB overflow)', at);
        return result | (byte << 28);
      }
      result |= (byte & 0x7f) << (7 * i);
      if (!(byte & 0x80)) return byte & 0x40 && i < 4 ? result | (-1 << (7 * i + 7)) : result;
    }
  }

  /** Signed LEB of `bits` bits as a bigint (s33 block types, s64 constants). */
  sleb(bits: number): bigint {
    const at = this.pos;
    const last = Math.ceil(bits / 7) - 1;
    let result = 0n;
    for (let i = 0; ; i++) {
      const byte = this.u8();
      if (i === last) {
        // The bits above the value's sign bit must repeat it.
        const mask = 0x7f & ~((1 << (bits - 7 * i - 1)) - 1);
        if (byte & 0x80 || ((byte & mask) !== 0 && (byte & mask) !== mask)) throw malformed('integer too large (LEB overflow)', at);
      }
      result |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if (!(byte & 0x80)) {
        const width = BigInt(7 * i + 7);
        if (byte & 0x40) result -= 1n << width;
        return BigInt.asIntN(bits, result);
      }
    }
  }

  u32le(): number {
    const v = this.u8() | (this.u8() << 8) | (this.u8() << 16) | (this.u8() << 24);
    return v >>> 0;
  }

  u64le(): bigint {
    const lo = this.u32le();
    return (BigInt(this.u32le()) << 32n) | BigInt(lo);
  }

  bytes(n: number): Uint8Array {
    if (n > this.end - this.pos) throw malformed(`length ${n} out of bounds`, this.pos);
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  name(): string {
    const at = this.pos;
    const raw = this.bytes(this.u32());
    try {
      return utf8.decode(raw);
    } catch {
      throw malformed('invalid UTF-8 in name', at);
    }
  }

  /** A vector length, checked against the bytes left so a bad count cannot allocate much. */
  count(minBytesEach = 1): number {
    const at = this.pos;
    const n = this.u32();
    if (n * minBytesEach > this.end - this.pos) throw malformed(`count ${n} exceeds the bytes left`, at);
    return n;
  }

  valType(): AnyValType {
    const at = this.pos;
    const c = this.u8();
    const t = VALTYPE_OF_CODE[c];
    if (t !== undefined) return t;
    if (c === 0x64 || c === 0x63) throw unsupported(`typed reference type 0x${hex(c)} (GC / function references)`, at);
    throw malformed(`invalid value type 0x${hex(c)}`, at);
  }

  refType(): RefType {
    const at = this.pos;
    const t = this.valType();
    if (t !== 'funcref' && t !== 'externref' && t !== 'exnref') throw malformed(`expected a reference type, got ${t}`, at);
    return t;
  }

  limits(allowShared: boolean): Limits {
    const at = this.pos;
    const flags = this.u8();
    if (flags & 0x04) throw unsupported('64-bit memory or table (memory64)', at);
    if (flags > 3 || (flags & 2 && !allowShared)) throw malformed(`invalid limits flags 0x${hex(flags)}`, at);
    const min = this.u32();
    const max = flags & 1 ? this.u32() : undefined;
    return { min, max, shared: (flags & 2) !== 0 };
  }

  blockType(): BlockType {
    const at = this.pos;
    const c = this.b[this.pos];
    if (c === 0x40) {
      this.pos++;
      return 'empty';
    }
    if (c !== undefined && VALTYPE_OF_CODE[c] !== undefined) return this.valType();
    if (c === 0x64 || c === 0x63) return this.valType(); // throws the unsupported error
    const idx = this.sleb(33);
    if (idx < 0n) throw malformed('invalid block type', at);
    return Number(idx);
  }
}

export function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** The instruction at `r.pos`, with its immediates. */
export function readInstr(r: Reader): Instr {
  const offset = r.pos;
  const op = r.u8();
  let info: InstrInfo | undefined;
  if (op === 0xfc) {
    const sub = r.u32();
    info = BY_FC_CODE.get(sub);
    if (!info) throw malformed(`unknown opcode 0xfc ${sub}`, offset);
  } else if (PREFIX_NAMES[op] !== undefined) {
    throw unsupported(`opcode 0x${hex(op)} (${PREFIX_NAMES[op]})`, offset);
  } else {
    info = BY_CODE[op];
    if (!info) throw malformed(`unknown opcode 0x${hex(op)}`, offset);
  }
  return { offset, info, immediates: readImmediates(r, info), end: r.pos };
}

// Object literal properties are evaluated in source order, so two-index immediates read in order.
function readImmediates(r: Reader, info: InstrInfo): Immediates {
  switch (info.imm) {
    case 'none':
      return NONE;
    case 'blocktype':
      return { kind: 'blocktype', block: r.blockType() };
    case 'label':
      return { kind: 'label', depth: r.u32() };
    case 'br_table': {
      const n = r.count();
      const depths: number[] = [];
      for (let i = 0; i < n; i++) depths.push(r.u32());
      return { kind: 'br_table', depths, fallback: r.u32() };
    }
    case 'func':
      return { kind: 'func', func: r.u32() };
    case 'call_indirect':
      return { kind: 'call_indirect', type: r.u32(), table: r.u32() };
    case 'local':
      return { kind: 'local', local: r.u32() };
    case 'global':
      return { kind: 'global', global: r.u32() };
    case 'table':
      return { kind: 'table', table: r.u32() };
    case 'memarg': {
      let align = r.u32();
      let memory = 0;
      // Bit 6 of the alignment field announces a memory index (multi-memory).
      if (align & 0x40) {
        align &= ~0x40;
        memory = r.u32();
      }
      return { kind: 'memarg', align, offset: r.u32(), memory };
    }
    case 'mem':
      return { kind: 'mem', memory: r.u32() };
    case 'i32':
      return { kind: 'i32', value: r.s32() };
    case 'i64':
      return { kind: 'i64', value: r.sleb(64) };
    case 'f32':
      return { kind: 'f32', bits: r.u32le() };
    case 'f64':
      return { kind: 'f64', bits: r.u64le() };
    case 'tag':
      return { kind: 'tag', tag: r.u32() };
    case 'select_t': {
      const n = r.count();
      const types: AnyValType[] = [];
      for (let i = 0; i < n; i++) types.push(r.valType());
      return { kind: 'select_t', types };
    }
    case 'heaptype': {
      const at = r.pos;
      const c = r.u8();
      const heap = HEAP_OF_CODE[c];
      if (!heap) throw unsupported(`heap type 0x${hex(c)} (GC / function references)`, at);
      return { kind: 'heaptype', heap };
    }
    case 'data_mem':
      return { kind: 'data_mem', data: r.u32(), memory: r.u32() };
    case 'data':
      return { kind: 'data', data: r.u32() };
    case 'mem_mem':
      return { kind: 'mem_mem', dst: r.u32(), src: r.u32() };
    case 'elem_table':
      return { kind: 'elem_table', elem: r.u32(), table: r.u32() };
    case 'elem':
      return { kind: 'elem', elem: r.u32() };
    case 'table_table':
      return { kind: 'table_table', dst: r.u32(), src: r.u32() };
    case 'try_table': {
      const block = r.blockType();
      const n = r.count(2);
      const catches: TryTableCatch[] = [];
      for (let i = 0; i < n; i++) {
        const at = r.pos;
        const kind = r.u8();
        if (kind > 3) throw malformed(`invalid catch kind ${kind}`, at);
        const tag = kind < 2 ? r.u32() : undefined;
        catches.push({ kind, tag, depth: r.u32() });
      }
      return { kind: 'try_table', block, catches };
    }
  }
}
const NONE: Immediates = { kind: 'none' };

/**
 * The instructions of a function body (or any expression) in `bytes[start, end)`, up to and
 * including the `end` that closes it; the closing `end` must be the last byte.
 */
export function* instructions(bytes: Uint8Array, start: number, end: number): Generator<Instr, void, undefined> {
  const r = new Reader(bytes, start, end);
  let depth = 0;
  while (!r.done) {
    const ins = readInstr(r);
    yield ins;
    switch (ins.info.name) {
      case 'block':
      case 'loop':
      case 'if':
      case 'try':
      case 'try_table':
        depth++;
        break;
      case 'end':
      case 'delegate':
        if (depth === 0) {
          if (ins.info.name === 'delegate') throw malformed('delegate outside a try', ins.offset);
          if (!r.done) throw malformed('bytes after the end of the body', r.pos);
          return;
        }
        depth--;
        break;
    }
  }
  throw malformed('body is not terminated by end', end);
}

/** The instructions of a defined function's body. */
export function bodyInstructions(m: ParsedModule, body: FuncBody): Generator<Instr, void, undefined> {
  return instructions(m.bytes, body.start, body.end);
}

const CONST_OPS = new Set(['i32.const', 'i64.const', 'f32.const', 'f64.const', 'global.get', 'ref.null', 'ref.func', 'i32.add', 'i32.sub', 'i32.mul', 'i64.add', 'i64.sub', 'i64.mul']);

/** A constant expression at `r.pos`, through its `end`. */
export function readConstExpr(r: Reader): ConstExpr {
  const offset = r.pos;
  const ops: ConstOp[] = [];
  for (;;) {
    const ins = readInstr(r);
    const name = ins.info.name;
    if (name === 'end') return { ops, offset };
    if (!CONST_OPS.has(name)) throw malformed(`instruction ${name} is not allowed in a constant expression`, ins.offset);
    const im = ins.immediates;
    switch (im.kind) {
      case 'i32':
        ops.push({ op: 'i32.const', value: im.value });
        break;
      case 'i64':
        ops.push({ op: 'i64.const', value: im.value });
        break;
      case 'f32':
        ops.push({ op: 'f32.const', bits: im.bits });
        break;
      case 'f64':
        ops.push({ op: 'f64.const', bits: im.bits });
        break;
      case 'global':
        ops.push({ op: 'global.get', global: im.global });
        break;
      case 'heaptype':
        ops.push({ op: 'ref.null', heap: im.heap });
        break;
      case 'func':
        ops.push({ op: 'ref.func', func: im.func });
        break;
      default:
        ops.push({ op: name as 'i32.add' });
    }
  }
}

// Standard sections must appear in this order, each at most once.
const SECTION_RANK: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 };

/** Parse a wasm binary. Throws a LinkError naming the byte offset of the first problem. */
export function parseModule(bytes: Uint8Array): ParsedModule {
  if (!(bytes instanceof Uint8Array)) throw fail('LinkError', 'malformed wasm: expected a Uint8Array');
  const m: ParsedModule = {
    bytes,
    types: [],
    imports: [],
    funcs: [],
    tables: [],
    memories: [],
    tags: [],
    globals: [],
    exports: [],
    start: undefined,
    elems: [],
    dataCount: undefined,
    codes: [],
    datas: [],
    customs: [],
    names: { module: undefined, funcs: new Map(), locals: new Map(), types: new Map(), tables: new Map(), memories: new Map(), globals: new Map(), tags: new Map(), elems: new Map(), datas: new Map() },
  };
  const magic = [0x00, 0x61, 0x73, 0x6d];
  if (bytes.length < 8) throw malformed('unexpected end in the header', bytes.length);
  if (magic.some((b, i) => bytes[i] !== b)) throw malformed('bad magic number (not a wasm module)', 0);
  const top = new Reader(bytes, 4, bytes.length);
  if (top.u32le() !== 1) throw malformed('unsupported version (expected 1)', 4);
  let rank = 0;
  let lastId = 0;
  while (!top.done) {
    const at = top.pos;
    const id = top.u8();
    const size = top.u32();
    if (size > top.end - top.pos) throw malformed(`section ${id} of ${size} bytes is truncated`, at);
    const r = new Reader(bytes, top.pos, top.pos + size);
    top.pos += size;
    if (id === 0) {
      const name = r.name();
      const data = bytes.subarray(r.pos, r.end);
      m.customs.push({ name, bytes: data, after: lastId });
      if (name === 'name') readNames(data, m.names);
      continue;
    }
    const rk = SECTION_RANK[id];
    if (rk === undefined) throw malformed(`unknown section id ${id}`, at);
    if (rk <= rank) throw malformed(`section ${id} is out of order or repeated`, at);
    rank = rk;
    lastId = id;
    readSection(id, r, m);
    if (!r.done) throw malformed(`section ${id} is longer than its contents`, r.pos);
  }
  if (m.funcs.length !== m.codes.length) {
    throw malformed(`${m.funcs.length} functions declared but ${m.codes.length} bodies given`, bytes.length);
  }
  if (m.dataCount !== undefined && m.dataCount !== m.datas.length) {
    throw malformed(`data count ${m.dataCount} does not match ${m.datas.length} data segments`, bytes.length);
  }
  return m;
}

function readSection(id: number, r: Reader, m: ParsedModule): void {
  const vec = (f: () => void) => {
    const n = r.count();
    for (let i = 0; i < n; i++) f();
  };
  switch (id) {
    case 1:
      return vec(() => {
        const at = r.pos;
        const form = r.u8();
        if (form !== 0x60) {
          if ([0x4e, 0x4f, 0x50, 0x5e, 0x5f].includes(form)) throw unsupported(`type form 0x${hex(form)} (GC)`, at);
          throw malformed(`invalid type form 0x${hex(form)}`, at);
        }
        const params = valTypes(r);
        m.types.push({ params, results: valTypes(r) });
      });
    case 2:
      return vec(() => {
        const module = r.name();
        const name = r.name();
        // Compact imports (binaryen emits them): an empty name then 0x7f (names with types) or
        // 0x7e (one type for many names) groups several imports of one module.
        const marker = r.b[r.pos];
        if (name === '' && r.pos < r.end && (marker === 0x7f || marker === 0x7e)) {
          r.pos++;
          const shared = marker === 0x7e ? externDesc(r) : undefined;
          const n = r.count();
          for (let i = 0; i < n; i++) {
            const field = r.name();
            m.imports.push({ module, name: field, desc: shared ?? externDesc(r) });
          }
        } else m.imports.push({ module, name, desc: externDesc(r) });
      });
    case 3:
      return vec(() => void m.funcs.push(r.u32()));
    case 4:
      return vec(() => {
        const elem = r.refType();
        m.tables.push({ elem, limits: r.limits(false) });
      });
    case 5:
      return vec(() => void m.memories.push(r.limits(true)));
    case 13:
      return vec(() => {
        const at = r.pos;
        if (r.u8() !== 0) throw malformed('invalid tag attribute', at);
        m.tags.push(r.u32());
      });
    case 6:
      return vec(() => {
        const type = globalType(r);
        m.globals.push({ type, init: readConstExpr(r) });
      });
    case 7: {
      const seen = new Set<string>();
      return vec(() => {
        const at = r.pos;
        const name = r.name();
        if (seen.has(name)) throw malformed(`duplicate export name ${JSON.stringify(name)}`, at);
        seen.add(name);
        const kind = externKind(r);
        m.exports.push({ name, kind, index: r.u32() });
      });
    }
    case 8:
      m.start = r.u32();
      return;
    case 9:
      return vec(() => m.elems.push(elemSegment(r)));
    case 12:
      m.dataCount = r.u32();
      return;
    case 10:
      return vec(() => {
        const at = r.pos;
        const size = r.u32();
        if (size > r.end - r.pos) throw malformed(`function body of ${size} bytes is truncated`, at);
        const fr = new Reader(r.b, r.pos, r.pos + size);
        r.pos += size;
        const locals: LocalDecl[] = [];
        let total = 0;
        const n = fr.count(2);
        for (let i = 0; i < n; i++) {
          const cat = fr.pos;
          const count = fr.u32();
          total += count;
          if (total > MAX_LOCALS) throw malformed(`more than ${MAX_LOCALS} locals`, cat);
          locals.push({ count, type: fr.valType() });
        }
        m.codes.push({ locals, start: fr.pos, end: fr.end });
      });
    case 11:
      return vec(() => {
        const at = r.pos;
        const flags = r.u32();
        if (flags > 2) throw malformed(`invalid data segment flags ${flags}`, at);
        const memory = flags === 2 ? r.u32() : 0;
        const offset = flags === 1 ? undefined : readConstExpr(r);
        m.datas.push({ mode: flags === 1 ? 'passive' : 'active', memory, offset, bytes: r.bytes(r.u32()) });
      });
  }
}

function valTypes(r: Reader): AnyValType[] {
  const n = r.count();
  const out: AnyValType[] = [];
  for (let i = 0; i < n; i++) out.push(r.valType());
  return out;
}

function globalType(r: Reader): GlobalType {
  const type = r.valType();
  const at = r.pos;
  const mut = r.u8();
  if (mut > 1) throw malformed(`invalid mutability ${mut}`, at);
  return { type, mutable: mut === 1 };
}

function externKind(r: Reader): ExternKind {
  const at = r.pos;
  const k = r.u8();
  const kind = EXTERN_KINDS[k];
  if (!kind) throw malformed(`invalid external kind ${k}`, at);
  return kind;
}

function externDesc(r: Reader): ImportDesc {
  const kind = externKind(r);
  switch (kind) {
    case 'func':
      return { kind, type: r.u32() };
    case 'table': {
      const elem = r.refType();
      return { kind, table: { elem, limits: r.limits(false) } };
    }
    case 'memory':
      return { kind, limits: r.limits(true) };
    case 'global':
      return { kind, global: globalType(r) };
    case 'tag': {
      const at = r.pos;
      if (r.u8() !== 0) throw malformed('invalid tag attribute', at);
      return { kind, type: r.u32() };
    }
  }
}

function elemSegment(r: Reader): ElemSegment {
  const at = r.pos;
  const flags = r.u32();
  if (flags > 7) throw malformed(`invalid element segment flags ${flags}`, at);
  // Bit 0: passive or declarative; bit 1: explicit table (active) or declarative; bit 2: expressions.
  const mode = flags & 1 ? (flags & 2 ? 'declarative' : 'passive') : 'active';
  const table = mode === 'active' && flags & 2 ? r.u32() : 0;
  const offset = mode === 'active' ? readConstExpr(r) : undefined;
  const usesExprs = (flags & 4) !== 0;
  let type: RefType = 'funcref';
  if (flags & 3) {
    if (usesExprs) type = r.refType();
    else {
      const kat = r.pos;
      if (r.u8() !== 0) throw malformed('invalid element kind', kat);
    }
  }
  const n = r.count();
  if (usesExprs) {
    const exprs: ConstExpr[] = [];
    for (let i = 0; i < n; i++) exprs.push(readConstExpr(r));
    return { mode, table, offset, type, funcs: undefined, exprs };
  }
  const funcs: number[] = [];
  for (let i = 0; i < n; i++) funcs.push(r.u32());
  return { mode, table, offset, type, funcs, exprs: undefined };
}

/** Decode the name section; a malformed one is ignored past the point it breaks, as engines do. */
function readNames(data: Uint8Array, names: Names): void {
  const r = new Reader(data, 0, data.length);
  const nameMap = (sr: Reader, into: Map<number, string>) => {
    const n = sr.count();
    for (let i = 0; i < n; i++) {
      const idx = sr.u32();
      into.set(idx, sr.name());
    }
  };
  const simple: Record<number, Map<number, string>> = {
    1: names.funcs,
    4: names.types,
    5: names.tables,
    6: names.memories,
    7: names.globals,
    8: names.elems,
    9: names.datas,
    11: names.tags,
  };
  try {
    while (!r.done) {
      const id = r.u8();
      const size = r.u32();
      const sr = new Reader(data, r.pos, r.pos + size);
      if (sr.end > data.length) return;
      r.pos += size;
      if (id === 0) names.module = sr.name();
      else if (id === 2) {
        const n = sr.count();
        for (let i = 0; i < n; i++) {
          const f = sr.u32();
          const map = new Map<number, string>();
          nameMap(sr, map);
          names.locals.set(f, map);
        }
      } else if (simple[id]) nameMap(sr, simple[id]!);
    }
  } catch {
    // Names are debug information: keep what was read.
  }
}

/** Number of imports of a kind (they come first in that kind's index space). */
export function importCount(m: ParsedModule, kind: ExternKind): number {
  let n = 0;
  for (const i of m.imports) if (i.desc.kind === kind) n++;
  return n;
}
