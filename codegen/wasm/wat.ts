// Prints a wasm binary as flat WAT text, for error messages, debugging and `runtime.dump()`.
// The text must parse back (binaryen and the reference parsers), so names are sanitised to plain
// ids and branches use depths rather than labels.

import type { AnyValType } from './instructions.js';
import {
  bodyInstructions,
  parseModule,
  type BlockType,
  type ConstExpr,
  type ConstOp,
  type FuncType,
  type Immediates,
  type Instr,
  type Limits,
  type ParsedModule,
  type TableType,
} from './decoder.js';

export interface DisassembleOptions {
  /**
   * Annotates constants: `'slot'` for an `i32.const` just before `call_indirect`, `'address'` for
   * one that is the address of a load or store. A returned string is printed as a `;;` comment.
   */
  comment?: (kind: 'slot' | 'address', value: number) => string | undefined;
}

/** WAT text of a wasm binary. */
export function disassemble(bytes: Uint8Array, opts: DisassembleOptions = {}): string {
  return disassembleModule(parseModule(bytes), opts);
}

/** WAT text of an already parsed module. */
export function disassembleModule(m: ParsedModule, opts: DisassembleOptions = {}): string {
  return new Printer(m, opts).print();
}

const ID_CHAR = /[0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]/;

/** A name reduced to WAT id characters, or undefined if nothing is left of it. */
export function sanitizeId(name: string): string | undefined {
  let out = '';
  for (const ch of name) out += ID_CHAR.test(ch) ? ch : '_';
  return out === '' ? undefined : out;
}

/** Ids of one index space: each name sanitised and made unique; unnamed entries print as indices. */
class Ids {
  private readonly ids = new Map<number, string>();

  constructor(names: ReadonlyMap<number, string> | undefined) {
    if (!names) return;
    const used = new Set<string>();
    for (const [i, n] of [...names].sort((a, b) => a[0] - b[0])) {
      const base = sanitizeId(n);
      if (base === undefined) continue;
      let id = base;
      for (let k = 1; used.has(id); k++) id = `${base}_${k}`;
      used.add(id);
      this.ids.set(i, '$' + id);
    }
  }

  /** A reference: the id, else the index. */
  ref(i: number): string {
    return this.ids.get(i) ?? String(i);
  }

  /** The id for a definition, with a leading space, or ''. */
  def(i: number): string {
    const id = this.ids.get(i);
    return id === undefined ? '' : ' ' + id;
  }
}

/** A byte string as a WAT string literal. */
export function watString(bytes: Uint8Array | string): string {
  const b = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  let s = '"';
  for (const c of b) s += c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c ? String.fromCharCode(c) : '\\' + c.toString(16).padStart(2, '0');
  return s + '"';
}

const u32 = new Uint32Array(1);
const f32v = new Float32Array(u32.buffer);
const u64 = new BigUint64Array(1);
const f64v = new Float64Array(u64.buffer);

function decimal(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** An f32 constant from its bits, exact (NaN payloads included). */
export function f32Text(bits: number): string {
  const sign = bits >>> 31 ? '-' : '';
  const exp = (bits >>> 23) & 0xff;
  const frac = bits & 0x7fffff;
  if (exp === 0xff) return sign + (frac === 0 ? 'inf' : frac === 0x400000 ? 'nan' : `nan:0x${frac.toString(16)}`);
  u32[0] = bits;
  return decimal(f32v[0]!);
}

export function f64Text(bits: bigint): string {
  const sign = bits >> 63n ? '-' : '';
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  if (exp === 0x7ff) return sign + (frac === 0n ? 'inf' : frac === 1n << 51n ? 'nan' : `nan:0x${frac.toString(16)}`);
  u64[0] = bits;
  return decimal(f64v[0]!);
}

function limitsText(l: Limits): string {
  return `${l.min}${l.max !== undefined ? ' ' + l.max : ''}${l.shared ? ' shared' : ''}`;
}

function tableText(t: TableType): string {
  return `${limitsText(t.limits)} ${t.elem}`;
}

const OPENERS = new Set(['block', 'loop', 'if', 'try', 'try_table']);
const MIDDLES = new Set(['else', 'catch', 'catch_all']);
const SIMPLE_VALUES = new Set(['i32.const', 'i64.const', 'f32.const', 'f64.const', 'local.get', 'global.get']);
const CATCH_KINDS = ['catch', 'catch_ref', 'catch_all', 'catch_all_ref'];

class Printer {
  private readonly out: string[] = [];
  private readonly funcs: Ids;
  private readonly types: Ids;
  private readonly tables: Ids;
  private readonly memories: Ids;
  private readonly globals: Ids;
  private readonly tags: Ids;
  private readonly elems: Ids;
  private readonly datas: Ids;
  private locals: Ids = new Ids(undefined);

  constructor(
    private readonly m: ParsedModule,
    private readonly opts: DisassembleOptions,
  ) {
    const n = m.names;
    this.funcs = new Ids(n.funcs);
    this.types = new Ids(n.types);
    this.tables = new Ids(n.tables);
    this.memories = new Ids(n.memories);
    this.globals = new Ids(n.globals);
    this.tags = new Ids(n.tags);
    this.elems = new Ids(n.elems);
    this.datas = new Ids(n.datas);
  }

  private line(depth: number, text: string): void {
    this.out.push('  '.repeat(depth) + text);
  }

  print(): string {
    const m = this.m;
    const modName = m.names.module !== undefined ? sanitizeId(m.names.module) : undefined;
    this.out.push(modName ? `(module $${modName}` : '(module');
    m.types.forEach((t, i) => this.line(1, `(type${this.types.def(i)} (;${i};) (func${this.sigText(t)}))`));
    const counters = { func: 0, table: 0, memory: 0, global: 0, tag: 0 };
    for (const imp of m.imports) {
      const d = imp.desc;
      const i = counters[d.kind]++;
      let desc: string;
      switch (d.kind) {
        case 'func':
          desc = `(func${this.funcs.def(i)} (;${i};)${this.typeUse(d.type)})`;
          break;
        case 'table':
          desc = `(table${this.tables.def(i)} ${tableText(d.table)})`;
          break;
        case 'memory':
          desc = `(memory${this.memories.def(i)} ${limitsText(d.limits)})`;
          break;
        case 'global':
          desc = `(global${this.globals.def(i)} ${this.globalType(d.global.type, d.global.mutable)})`;
          break;
        case 'tag':
          desc = `(tag${this.tags.def(i)}${this.typeUse(d.type)})`;
          break;
      }
      this.line(1, `(import ${watString(imp.module)} ${watString(imp.name)} ${desc})`);
    }
    const fBase = counters.func;
    m.funcs.forEach((t, i) => this.func(fBase + i, t, i));
    const tBase = counters.table;
    m.tables.forEach((t, i) => this.line(1, `(table${this.tables.def(tBase + i)} ${tableText(t)})`));
    const mBase = counters.memory;
    m.memories.forEach((l, i) => this.line(1, `(memory${this.memories.def(mBase + i)} ${limitsText(l)})`));
    const tgBase = counters.tag;
    m.tags.forEach((t, i) => this.line(1, `(tag${this.tags.def(tgBase + i)}${this.typeUse(t)})`));
    const gBase = counters.global;
    m.globals.forEach((g, i) => {
      this.line(1, `(global${this.globals.def(gBase + i)} ${this.globalType(g.type.type, g.type.mutable)} ${this.constExpr(g.init, false)})`);
    });
    for (const e of m.exports) {
      const space = { func: this.funcs, table: this.tables, memory: this.memories, global: this.globals, tag: this.tags }[e.kind];
      this.line(1, `(export ${watString(e.name)} (${e.kind} ${space.ref(e.index)}))`);
    }
    if (m.start !== undefined) this.line(1, `(start ${this.funcs.ref(m.start)})`);
    m.elems.forEach((s, i) => {
      const parts = ['elem' + this.elems.def(i)];
      if (s.mode === 'declarative') parts.push('declare');
      if (s.mode === 'active') parts.push(`(table ${this.tables.ref(s.table)})`, this.constExpr(s.offset!, true));
      if (s.funcs) parts.push('func', ...s.funcs.map((f) => this.funcs.ref(f)));
      else parts.push(s.type, ...s.exprs!.map((e) => `(item ${this.constOps(e.ops)})`));
      this.line(1, `(${parts.join(' ')})`);
    });
    m.datas.forEach((d, i) => {
      const where = d.mode === 'active' ? `${d.memory !== 0 ? ` (memory ${this.memories.ref(d.memory)})` : ''} ${this.constExpr(d.offset!, true)}` : '';
      this.line(1, `(data${this.datas.def(i)}${where} ${watString(d.bytes)})`);
    });
    for (const c of m.customs) if (c.name !== 'name') this.line(1, `;; custom section ${watString(c.name)}, ${c.bytes.length} bytes`);
    this.out.push(')');
    return this.out.join('\n') + '\n';
  }

  private sigText(t: FuncType, paramIds?: Ids): string {
    const ps = t.params.map((p, i) => (paramIds ? ` (param${paramIds.def(i)} ${p})` : ` (param ${p})`));
    const rs = t.results.length ? ` (result ${t.results.join(' ')})` : '';
    return (paramIds ? ps.join('') : t.params.length ? ` (param ${t.params.join(' ')})` : '') + rs;
  }

  private typeUse(type: number, paramIds?: Ids): string {
    const t = this.m.types[type];
    return ` (type ${this.types.ref(type)})${t ? this.sigText(t, paramIds) : ''}`;
  }

  private globalType(t: AnyValType, mutable: boolean): string {
    return mutable ? `(mut ${t})` : t;
  }

  /** An initialiser or offset: folded when it is one instruction, `(offset ...)` otherwise. */
  private constExpr(e: ConstExpr, isOffset: boolean): string {
    if (e.ops.length === 1) return `(${this.constOp(e.ops[0]!)})`;
    return isOffset ? `(offset ${this.constOps(e.ops)})` : this.constOps(e.ops);
  }

  private constOps(ops: readonly ConstOp[]): string {
    return ops.map((o) => this.constOp(o)).join(' ');
  }

  private constOp(o: ConstOp): string {
    switch (o.op) {
      case 'i32.const':
      case 'i64.const':
        return `${o.op} ${o.value}`;
      case 'f32.const':
        return `f32.const ${f32Text(o.bits)}`;
      case 'f64.const':
        return `f64.const ${f64Text(o.bits)}`;
      case 'global.get':
        return `global.get ${this.globals.ref(o.global)}`;
      case 'ref.null':
        return `ref.null ${o.heap}`;
      case 'ref.func':
        return `ref.func ${this.funcs.ref(o.func)}`;
      default:
        return o.op;
    }
  }

  private func(index: number, type: number, defined: number): void {
    const m = this.m;
    const body = m.codes[defined];
    this.locals = new Ids(m.names.locals.get(index));
    this.line(1, `(func${this.funcs.def(index)} (;${index};)${this.typeUse(type, this.locals)}`);
    if (!body) {
      this.line(1, ')');
      return;
    }
    let local = m.types[type]?.params.length ?? 0;
    let run: AnyValType[] = [];
    const flush = () => {
      if (run.length) this.line(2, `(local ${run.join(' ')})`);
      run = [];
    };
    for (const d of body.locals) {
      for (let k = 0; k < d.count; k++, local++) {
        const id = this.locals.def(local);
        if (id) {
          flush();
          this.line(2, `(local${id} ${d.type})`);
        } else run.push(d.type);
      }
    }
    flush();
    const list = [...bodyInstructions(m, body)];
    let depth = 2;
    list.forEach((ins, k) => {
      const name = ins.info.name;
      if (name === 'end' || name === 'delegate' || MIDDLES.has(name)) depth--;
      if (k === list.length - 1) return; // the body's own `end`
      let text = this.instrText(ins);
      const note = this.note(list, k);
      if (note !== undefined) text += ` ;; ${note.replace(/[\r\n]+/g, ' ')}`;
      this.line(depth, text);
      if (OPENERS.has(name) || MIDDLES.has(name)) depth++;
    });
    this.line(1, ')');
  }

  /** The comment hook's text for instruction k, if it is an annotated constant. */
  private note(list: readonly Instr[], k: number): string | undefined {
    const hook = this.opts.comment;
    const ins = list[k]!;
    if (!hook || ins.immediates.kind !== 'i32' || ins.info.name !== 'i32.const') return undefined;
    const value = ins.immediates.value;
    const next = list[k + 1]?.info;
    if (!next) return undefined;
    if (next.name === 'call_indirect' || next.name === 'return_call_indirect') return hook('slot', value);
    if (next.memType !== undefined && next.name.includes('.load')) return hook('address', value);
    // A store's address comes before its value: `i32.const addr; <one simple value>; T.store`.
    const after = list[k + 2]?.info;
    if (SIMPLE_VALUES.has(next.name) && after?.memType !== undefined && after.name.includes('.store')) return hook('address', value);
    return undefined;
  }

  private blockType(b: BlockType): string {
    if (b === 'empty') return '';
    if (typeof b === 'number') return this.typeUse(b);
    return ` (result ${b})`;
  }

  private memIdx(i: number): string {
    return i === 0 ? '' : ' ' + this.memories.ref(i);
  }

  private instrText(ins: Instr): string {
    const name = ins.info.name;
    const im: Immediates = ins.immediates;
    switch (im.kind) {
      case 'none':
        return name;
      case 'blocktype':
        return name + this.blockType(im.block);
      case 'label':
        return `${name} ${im.depth}`;
      case 'br_table':
        return `${name} ${[...im.depths, im.fallback].join(' ')}`;
      case 'func':
        return `${name} ${this.funcs.ref(im.func)}`;
      case 'call_indirect':
        return `${name} ${this.tables.ref(im.table)} (type ${this.types.ref(im.type)})`;
      case 'local':
        return `${name} ${this.locals.ref(im.local)}`;
      case 'global':
        return `${name} ${this.globals.ref(im.global)}`;
      case 'table':
        return `${name} ${this.tables.ref(im.table)}`;
      case 'memarg': {
        let s = name + this.memIdx(im.memory);
        if (im.offset !== 0) s += ` offset=${im.offset}`;
        if (im.align !== ins.info.align) s += ` align=${2 ** im.align}`;
        return s;
      }
      case 'mem':
        return name + this.memIdx(im.memory);
      case 'i32':
      case 'i64':
        return `${name} ${im.value}`;
      case 'f32':
        return `${name} ${f32Text(im.bits)}`;
      case 'f64':
        return `${name} ${f64Text(im.bits)}`;
      case 'tag':
        return `${name} ${this.tags.ref(im.tag)}`;
      case 'select_t':
        return `select (result ${im.types.join(' ')})`;
      case 'heaptype':
        return `${name} ${im.heap}`;
      case 'data_mem':
        return `${name}${this.memIdx(im.memory)} ${this.datas.ref(im.data)}`;
      case 'data':
        return `${name} ${this.datas.ref(im.data)}`;
      case 'mem_mem':
        return im.dst === 0 && im.src === 0 ? name : `${name} ${this.memories.ref(im.dst)} ${this.memories.ref(im.src)}`;
      case 'elem_table':
        return `${name} ${this.tables.ref(im.table)} ${this.elems.ref(im.elem)}`;
      case 'elem':
        return `${name} ${this.elems.ref(im.elem)}`;
      case 'table_table':
        return `${name} ${this.tables.ref(im.dst)} ${this.tables.ref(im.src)}`;
      case 'try_table': {
        const cs = im.catches.map((c) => `(${CATCH_KINDS[c.kind]}${c.tag !== undefined ? ' ' + this.tags.ref(c.tag) : ''} ${c.depth})`);
        return [name + this.blockType(im.block), ...cs].join(' ');
      }
    }
  }
}
