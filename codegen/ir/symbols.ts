// What code generation needs to know about the symbols a body refers to. The runtime answers
// these questions; codegen never sees the runtime's own records.

import type { Sig, ValType } from './nodes.js';

/** A field of an RTT's instances. `ref` fields hold i32 addresses of other objects. */
export interface FieldInfo {
  readonly name: string;
  readonly type: ValType | 'ref';
  readonly offset: number;
}

export type SymbolInfo =
  /** `slot`, when known, lets lowering skip asking the context. */
  | { readonly kind: 'func'; readonly name: string; readonly sig: Sig; readonly inline: boolean; readonly slot?: number }
  | { readonly kind: 'global'; readonly name: string; readonly type: ValType; readonly mutable: boolean; readonly address?: number }
  | { readonly kind: 'constant'; readonly name: string; readonly type: ValType; readonly value: number | bigint }
  | {
      readonly kind: 'rtt';
      readonly name: string;
      readonly id: number;
      readonly depth: number;
      readonly size: number;
      readonly fields: readonly FieldInfo[];
    }
  | { readonly kind: 'tag'; readonly name: string; readonly id: number; readonly params: readonly ValType[] };

export type SymbolKind = SymbolInfo['kind'];

/** Answers "what is this name?" for the builder. */
export interface Resolver {
  resolve(name: string): SymbolInfo | undefined;
}

/** Byte offsets inside an RTT descriptor (the descriptor's address is the RTT's id). */
export const RTT_DESC = {
  id: 0,
  depth: 4,
  size: 8,
  fieldCount: 12,
  fieldsPtr: 16,
  parent: 20,
  display: 24,
} as const;
/** Every object starts with its RTT id. */
export const OBJECT_HEADER_SIZE = 4;
