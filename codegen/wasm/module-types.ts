// The shape of a parsed wasm module: the plain records decoder.ts reads sections into, and the
// decoded instruction, shared by the rewriter and the WAT printer.

import type { AnyValType, InstrInfo, RefType } from './instructions.js';

export interface FuncType { readonly params: readonly AnyValType[]; readonly results: readonly AnyValType[] }
export interface Limits { readonly min: number; readonly max: number | undefined; readonly shared: boolean }
export interface TableType { readonly elem: RefType; readonly limits: Limits }
export interface GlobalType { readonly type: AnyValType; readonly mutable: boolean }
export type ExternKind = 'func' | 'table' | 'memory' | 'global' | 'tag';
export const EXTERN_KINDS: readonly ExternKind[] = ['func', 'table', 'memory', 'global', 'tag'];

export type ImportDesc =
  | { readonly kind: 'func'; readonly type: number }
  | { readonly kind: 'table'; readonly table: TableType }
  | { readonly kind: 'memory'; readonly limits: Limits }
  | { readonly kind: 'global'; readonly global: GlobalType }
  | { readonly kind: 'tag'; readonly type: number };
export interface Import { readonly module: string; readonly name: string; readonly desc: ImportDesc }
export interface Export { readonly name: string; readonly kind: ExternKind; readonly index: number }

export type HeapType = 'func' | 'extern' | 'exn';
/** One instruction of a constant expression (initialisers and segment offsets). */
export type ConstOp =
  | { readonly op: 'i32.const'; readonly value: number }
  | { readonly op: 'i64.const'; readonly value: bigint }
  | { readonly op: 'f32.const'; readonly bits: number }
  | { readonly op: 'f64.const'; readonly bits: bigint }
  | { readonly op: 'global.get'; readonly global: number }
  | { readonly op: 'ref.null'; readonly heap: HeapType }
  | { readonly op: 'ref.func'; readonly func: number }
  | { readonly op: 'i32.add' | 'i32.sub' | 'i32.mul' | 'i64.add' | 'i64.sub' | 'i64.mul' };
export interface ConstExpr {
  readonly ops: readonly ConstOp[];
  /** Byte offset of the expression in the module. */
  readonly offset: number;
}

export interface Global {
  readonly type: GlobalType;
  readonly init: ConstExpr;
}
export interface ElemSegment {
  readonly mode: 'active' | 'passive' | 'declarative';
  /** Target table (active segments). */
  readonly table: number;
  readonly offset: ConstExpr | undefined;
  readonly type: RefType;
  /** Function indices (the `func` encodings, flags 0-3) ... */
  readonly funcs: readonly number[] | undefined;
  /** ... or one constant expression per element (flags 4-7). */
  readonly exprs: readonly ConstExpr[] | undefined;
}
export interface DataSegment {
  readonly mode: 'active' | 'passive';
  readonly memory: number;
  readonly offset: ConstExpr | undefined;
  readonly bytes: Uint8Array;
}
export interface LocalDecl { readonly count: number; readonly type: AnyValType }
export interface FuncBody {
  readonly locals: readonly LocalDecl[];
  /** Module byte offsets of the instructions: [start, end), the final `end` included. */
  readonly start: number;
  readonly end: number;
}
export interface CustomSection {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** Id of the last standard section before it (0 if none). */
  readonly after: number;
}
/** Debug names from the `name` section. */
export interface Names {
  module: string | undefined;
  readonly funcs: Map<number, string>;
  readonly locals: Map<number, Map<number, string>>;
  readonly types: Map<number, string>;
  readonly tables: Map<number, string>;
  readonly memories: Map<number, string>;
  readonly globals: Map<number, string>;
  readonly tags: Map<number, string>;
  readonly elems: Map<number, string>;
  readonly datas: Map<number, string>;
}

export interface ParsedModule {
  readonly bytes: Uint8Array;
  readonly types: FuncType[];
  readonly imports: Import[];
  /** Type index of each defined function. */
  readonly funcs: number[];
  readonly tables: TableType[];
  readonly memories: Limits[];
  /** Type index of each defined tag. */
  readonly tags: number[];
  readonly globals: Global[];
  readonly exports: Export[];
  start: number | undefined;
  readonly elems: ElemSegment[];
  dataCount: number | undefined;
  readonly codes: FuncBody[];
  readonly datas: DataSegment[];
  readonly customs: CustomSection[];
  readonly names: Names;
}

export type BlockType = 'empty' | AnyValType | number;
export interface TryTableCatch {
  /** 0 catch, 1 catch_ref, 2 catch_all, 3 catch_all_ref. */
  readonly kind: number;
  readonly tag: number | undefined;
  readonly depth: number;
}
/** Decoded immediates, discriminated by the instruction's `Imm` kind. */
export type Immediates =
  | { readonly kind: 'none' }
  | { readonly kind: 'blocktype'; readonly block: BlockType }
  | { readonly kind: 'label'; readonly depth: number }
  | { readonly kind: 'br_table'; readonly depths: readonly number[]; readonly fallback: number }
  | { readonly kind: 'func'; readonly func: number }
  | { readonly kind: 'call_indirect'; readonly type: number; readonly table: number }
  | { readonly kind: 'local'; readonly local: number }
  | { readonly kind: 'global'; readonly global: number }
  | { readonly kind: 'table'; readonly table: number }
  | { readonly kind: 'memarg'; readonly align: number; readonly offset: number; readonly memory: number }
  | { readonly kind: 'mem'; readonly memory: number }
  | { readonly kind: 'i32'; readonly value: number }
  | { readonly kind: 'i64'; readonly value: bigint }
  | { readonly kind: 'f32'; readonly bits: number }
  | { readonly kind: 'f64'; readonly bits: bigint }
  | { readonly kind: 'tag'; readonly tag: number }
  | { readonly kind: 'select_t'; readonly types: readonly AnyValType[] }
  | { readonly kind: 'heaptype'; readonly heap: HeapType }
  | { readonly kind: 'data_mem'; readonly data: number; readonly memory: number }
  | { readonly kind: 'data'; readonly data: number }
  | { readonly kind: 'mem_mem'; readonly dst: number; readonly src: number }
  | { readonly kind: 'elem_table'; readonly elem: number; readonly table: number }
  | { readonly kind: 'elem'; readonly elem: number }
  | { readonly kind: 'table_table'; readonly dst: number; readonly src: number }
  | { readonly kind: 'try_table'; readonly block: BlockType; readonly catches: readonly TryTableCatch[] };

export interface Instr {
  /** Module byte offset of the opcode, and of the byte after the instruction. */
  readonly offset: number;
  readonly end: number;
  readonly info: InstrInfo;
  readonly immediates: Immediates;
}
