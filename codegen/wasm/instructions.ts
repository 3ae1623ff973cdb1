// The one table of WebAssembly instructions Accrete knows: opcode, immediate kind and, for plain
// numeric instructions, the operand types. The IR builder, the encoder, the decoder used by `link`
// and the WAT printer all read it, so an instruction is added in one place.

export type ValType = 'i32' | 'i64' | 'f32' | 'f64';
export type RefType = 'funcref' | 'externref' | 'exnref';
export type AnyValType = ValType | 'v128' | RefType;

/** Binary encodings of value types. */
export const VALTYPE_CODE: Record<AnyValType, number> = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  v128: 0x7b,
  funcref: 0x70,
  externref: 0x6f,
  exnref: 0x69,
};
export const VALTYPE_OF_CODE: Record<number, AnyValType> = Object.fromEntries(
  Object.entries(VALTYPE_CODE).map(([k, v]) => [v, k as AnyValType]),
);

/** Kinds of immediates that follow an opcode. */
export type Imm =
  | 'none'
  | 'blocktype'
  | 'label'
  | 'br_table'
  | 'func'
  | 'call_indirect'
  | 'local'
  | 'global'
  | 'table'
  | 'memarg'
  | 'mem'
  | 'i32'
  | 'i64'
  | 'f32'
  | 'f64'
  | 'tag'
  | 'select_t'
  | 'heaptype'
  | 'data_mem'
  | 'data'
  | 'mem_mem'
  | 'elem_table'
  | 'elem'
  | 'table_table'
  | 'try_table';

export interface InstrInfo {
  name: string;
  /** 0 for one-byte opcodes, else the prefix byte (0xfc). */
  prefix: number;
  code: number;
  imm: Imm;
  /** For plain numeric instructions: operand types and result type. */
  params?: readonly ValType[];
  result?: ValType;
  /** For loads and stores: natural alignment (log2 bytes) and the value type moved. */
  align?: number;
  memType?: ValType;
}

const table: InstrInfo[] = [];
function add(name: string, code: number, imm: Imm, prefix = 0, extra: Partial<InstrInfo> = {}): void {
  table.push({ name, prefix, code, imm, ...extra });
}

// Control and parametric.
add('unreachable', 0x00, 'none');
add('nop', 0x01, 'none');
add('block', 0x02, 'blocktype');
add('loop', 0x03, 'blocktype');
add('if', 0x04, 'blocktype');
add('else', 0x05, 'none');
add('try', 0x06, 'blocktype');
add('catch', 0x07, 'tag');
add('throw', 0x08, 'tag');
add('rethrow', 0x09, 'label');
add('throw_ref', 0x0a, 'none');
add('end', 0x0b, 'none');
add('br', 0x0c, 'label');
add('br_if', 0x0d, 'label');
add('br_table', 0x0e, 'br_table');
add('return', 0x0f, 'none');
add('call', 0x10, 'func');
add('call_indirect', 0x11, 'call_indirect');
add('return_call', 0x12, 'func');
add('return_call_indirect', 0x13, 'call_indirect');
add('delegate', 0x18, 'label');
add('catch_all', 0x19, 'none');
add('drop', 0x1a, 'none');
add('select', 0x1b, 'none');
add('select_t', 0x1c, 'select_t');
add('try_table', 0x1f, 'try_table');
add('local.get', 0x20, 'local');
add('local.set', 0x21, 'local');
add('local.tee', 0x22, 'local');
add('global.get', 0x23, 'global');
add('global.set', 0x24, 'global');
add('table.get', 0x25, 'table');
add('table.set', 0x26, 'table');

// Memory.
const mem: Array<[string, ValType, number]> = [
  ['i32.load', 'i32', 2],
  ['i64.load', 'i64', 3],
  ['f32.load', 'f32', 2],
  ['f64.load', 'f64', 3],
  ['i32.load8_s', 'i32', 0],
  ['i32.load8_u', 'i32', 0],
  ['i32.load16_s', 'i32', 1],
  ['i32.load16_u', 'i32', 1],
  ['i64.load8_s', 'i64', 0],
  ['i64.load8_u', 'i64', 0],
  ['i64.load16_s', 'i64', 1],
  ['i64.load16_u', 'i64', 1],
  ['i64.load32_s', 'i64', 2],
  ['i64.load32_u', 'i64', 2],
  ['i32.store', 'i32', 2],
  ['i64.store', 'i64', 3],
  ['f32.store', 'f32', 2],
  ['f64.store', 'f64', 3],
  ['i32.store8', 'i32', 0],
  ['i32.store16', 'i32', 1],
  ['i64.store8', 'i64', 0],
  ['i64.store16', 'i64', 1],
  ['i64.store32', 'i64', 2],
];
mem.forEach(([name, t, align], i) => add(name, 0x28 + i, 'memarg', 0, { align, memType: t }));
add('memory.size', 0x3f, 'mem');
add('memory.grow', 0x40, 'mem');
add('i32.const', 0x41, 'i32');
add('i64.const', 0x42, 'i64');
add('f32.const', 0x43, 'f32');
add('f64.const', 0x44, 'f64');

// Numeric instructions, in opcode order from 0x45. Each entry: name, operand letters, result letter.
const T: Record<string, ValType> = { i: 'i32', I: 'i64', f: 'f32', F: 'f64' };
function numeric(start: number, prefix: number, entries: string[]): void {
  entries.forEach((e, i) => {
    const [name, sig] = e.split(' ') as [string, string];
    const [ps, r] = sig.split(':') as [string, string];
    add(name, start + i, 'none', prefix, { params: [...ps].map((c) => T[c]!), result: T[r]! });
  });
}
const cmpI = (p: string, l: string) =>
  ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'].map((o) => `${p}.${o} ${l}${l}:i`);
const cmpF = (p: string, l: string) => ['eq', 'ne', 'lt', 'gt', 'le', 'ge'].map((o) => `${p}.${o} ${l}${l}:i`);
const unI = (p: string, l: string) => ['clz', 'ctz', 'popcnt'].map((o) => `${p}.${o} ${l}:${l}`);
const binI = (p: string, l: string) =>
  ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'].map(
    (o) => `${p}.${o} ${l}${l}:${l}`,
  );
const unF = (p: string, l: string) => ['abs', 'neg', 'ceil', 'floor', 'trunc', 'nearest', 'sqrt'].map((o) => `${p}.${o} ${l}:${l}`);
const binF = (p: string, l: string) => ['add', 'sub', 'mul', 'div', 'min', 'max', 'copysign'].map((o) => `${p}.${o} ${l}${l}:${l}`);
numeric(0x45, 0, [
  'i32.eqz i:i',
  ...cmpI('i32', 'i'),
  'i64.eqz I:i',
  ...cmpI('i64', 'I'),
  ...cmpF('f32', 'f'),
  ...cmpF('f64', 'F'),
  ...unI('i32', 'i'),
  ...binI('i32', 'i'),
  ...unI('i64', 'I'),
  ...binI('i64', 'I'),
  ...unF('f32', 'f'),
  ...binF('f32', 'f'),
  ...unF('f64', 'F'),
  ...binF('f64', 'F'),
  'i32.wrap_i64 I:i',
  'i32.trunc_f32_s f:i',
  'i32.trunc_f32_u f:i',
  'i32.trunc_f64_s F:i',
  'i32.trunc_f64_u F:i',
  'i64.extend_i32_s i:I',
  'i64.extend_i32_u i:I',
  'i64.trunc_f32_s f:I',
  'i64.trunc_f32_u f:I',
  'i64.trunc_f64_s F:I',
  'i64.trunc_f64_u F:I',
  'f32.convert_i32_s i:f',
  'f32.convert_i32_u i:f',
  'f32.convert_i64_s I:f',
  'f32.convert_i64_u I:f',
  'f32.demote_f64 F:f',
  'f64.convert_i32_s i:F',
  'f64.convert_i32_u i:F',
  'f64.convert_i64_s I:F',
  'f64.convert_i64_u I:F',
  'f64.promote_f32 f:F',
  'i32.reinterpret_f32 f:i',
  'i64.reinterpret_f64 F:I',
  'f32.reinterpret_i32 i:f',
  'f64.reinterpret_i64 I:F',
  'i32.extend8_s i:i',
  'i32.extend16_s i:i',
  'i64.extend8_s I:I',
  'i64.extend16_s I:I',
  'i64.extend32_s I:I',
]);
numeric(0x00, 0xfc, [
  'i32.trunc_sat_f32_s f:i',
  'i32.trunc_sat_f32_u f:i',
  'i32.trunc_sat_f64_s F:i',
  'i32.trunc_sat_f64_u F:i',
  'i64.trunc_sat_f32_s f:I',
  'i64.trunc_sat_f32_u f:I',
  'i64.trunc_sat_f64_s F:I',
  'i64.trunc_sat_f64_u F:I',
]);

// Reference types.
add('ref.null', 0xd0, 'heaptype');
add('ref.is_null', 0xd1, 'none');
add('ref.func', 0xd2, 'func');

// Bulk memory and table instructions (0xfc prefix).
add('memory.init', 8, 'data_mem', 0xfc);
add('data.drop', 9, 'data', 0xfc);
add('memory.copy', 10, 'mem_mem', 0xfc);
add('memory.fill', 11, 'mem', 0xfc);
add('table.init', 12, 'elem_table', 0xfc);
add('elem.drop', 13, 'elem', 0xfc);
add('table.copy', 14, 'table_table', 0xfc);
add('table.grow', 15, 'table', 0xfc);
add('table.size', 16, 'table', 0xfc);
add('table.fill', 17, 'table', 0xfc);

/** All instructions by name. */
export const INSTR: ReadonlyMap<string, InstrInfo> = new Map(table.map((i) => [i.name, i]));
/** One-byte opcodes to instructions. */
export const BY_CODE: ReadonlyArray<InstrInfo | undefined> = (() => {
  const a: Array<InstrInfo | undefined> = new Array(256);
  for (const i of table) if (i.prefix === 0) a[i.code] = i;
  return a;
})();
/** 0xfc-prefixed opcodes to instructions. */
export const BY_FC_CODE: ReadonlyMap<number, InstrInfo> = new Map(table.filter((i) => i.prefix === 0xfc).map((i) => [i.code, i]));

/** Get an instruction that must exist. */
export function instr(name: string): InstrInfo {
  const i = INSTR.get(name);
  if (!i) throw new Error(`unknown instruction ${name}`);
  return i;
}

/** The plain numeric instructions (operands and result fully typed), by name. */
export const NUMERIC: ReadonlyMap<string, InstrInfo> = new Map(table.filter((i) => i.params !== undefined).map((i) => [i.name, i]));
