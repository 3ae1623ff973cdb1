// The runtime's records of its symbols (one index space of functions, globals, constants, RTTs
// and tags) and the read-only descriptions `rt.lookup` hands out.

import type { Sig, ValType } from '../codegen/ir/nodes.js';
import type { KeptFunc } from '../codegen/ir/packed.js';
import { sigText } from '../codegen/ir/nodes.js';
import { publicSig } from '../codegen/ir/sig.js';
import type { FieldInfo, SymbolInfo } from '../codegen/ir/symbols.js';

/** A stable handle per function name, so `rt.fn(name)` follows redefinition and retirement. */
export interface FnCell {
  current: Function | null;
  readonly name: string;
  /** The `rt.fn` handle for this name (made on first request) and the arity it was made for (-1: none yet). */
  callable: Function | undefined;
  arity: number;
}

export interface FuncRecord {
  readonly kind: 'func';
  readonly name: string;
  readonly sig: Sig;
  readonly slot: number;
  stage: string;
  readonly inline: boolean;
  /** A host (JS) function reached through a thunk. */
  readonly host: boolean;
  /**
   * Source IR (wasm functions of code stages), kept packed (`keptTree` gives the tree back); what
   * inlining copies and recompiling lowers. Set once, while planning.
   */
  ir: KeptFunc | undefined;
  /**
   * The name's `rt.fn` cell, once one was asked for: it moves to the record that redefines or
   * revives the name (publish), so installing a function finds it without a lookup by name. A
   * handle follows its name while the name stays a function's: a name that becomes a global's or
   * a constant's leaves its old handles retired.
   */
  cell: FnCell | undefined;
}
/**
 * A function's record, made once per definition. A class rather than an object literal: V8 tracks
 * an allocation site for each literal (a memento behind every object it makes there), which costs
 * a function record ~7% of planning per function on V8 11 (measured with `.scratch/prof/plan.mjs`).
 */
export function makeFuncRecord(name: string, sig: Sig, slot: number, stage: string, inline: boolean, host: boolean): FuncRecord {
  return new FuncRecordImpl(name, sig, slot, stage, inline, host);
}

class FuncRecordImpl implements FuncRecord {
  readonly kind = 'func' as const;
  ir: KeptFunc | undefined = undefined;
  cell: FnCell | undefined = undefined;
  constructor(
    readonly name: string,
    readonly sig: Sig,
    readonly slot: number,
    public stage: string,
    readonly inline: boolean,
    readonly host: boolean,
  ) {}
}

export interface GlobalRecord {
  readonly kind: 'global';
  readonly name: string;
  readonly type: ValType;
  readonly mutable: boolean;
  readonly address: number;
  stage: string;
}
export interface ConstantRecord {
  readonly kind: 'constant';
  readonly name: string;
  readonly type: ValType;
  readonly value: number | bigint;
  stage: string;
}
export interface RttRecord {
  readonly kind: 'rtt';
  readonly name: string;
  /** Also the address of its descriptor. */
  readonly id: number;
  readonly parent: string | undefined;
  readonly depth: number;
  readonly size: number;
  readonly fields: readonly FieldInfo[];
  /** Ids of the supertypes from the root down to this type. */
  readonly display: readonly number[];
  stage: string;
}
export interface TagRecord {
  readonly kind: 'tag';
  readonly name: string;
  readonly id: number;
  readonly params: readonly ValType[];
  stage: string;
}

export type SymbolRecord = FuncRecord | GlobalRecord | ConstantRecord | RttRecord | TagRecord;

/** What code generation may know of a record. */
export function infoOf(r: SymbolRecord): SymbolInfo {
  switch (r.kind) {
    case 'func':
      return { kind: 'func', name: r.name, sig: r.sig, inline: r.inline };
    case 'global':
      return { kind: 'global', name: r.name, type: r.type, mutable: r.mutable };
    case 'constant':
      return { kind: 'constant', name: r.name, type: r.type, value: r.value };
    case 'rtt':
      return { kind: 'rtt', name: r.name, id: r.id, depth: r.depth, size: r.size, fields: r.fields };
    case 'tag':
      return { kind: 'tag', name: r.name, id: r.id, params: r.params };
  }
}

/** A symbol as `rt.lookup` describes it. */
export type SymbolDescription =
  | { kind: 'func'; name: string; stage: string; slot: number; signature: string; sig: Sig; inline: boolean; host: boolean }
  | { kind: 'global'; name: string; stage: string; address: number; type: ValType; mutable: boolean }
  | { kind: 'constant'; name: string; stage: string; type: ValType; value: number | bigint }
  | { kind: 'rtt'; name: string; stage: string; id: number; parent: string | undefined; depth: number; size: number; fields: readonly FieldInfo[] }
  | { kind: 'tag'; name: string; stage: string; id: number; params: readonly ValType[] };

export function describe(r: SymbolRecord): SymbolDescription {
  switch (r.kind) {
    case 'func':
      return Object.freeze({ kind: 'func', name: r.name, stage: r.stage, slot: r.slot, signature: sigText(r.sig), sig: publicSig(r.sig), inline: r.inline, host: r.host });
    case 'global':
      return Object.freeze({ kind: 'global', name: r.name, stage: r.stage, address: r.address, type: r.type, mutable: r.mutable });
    case 'constant':
      return Object.freeze({ kind: 'constant', name: r.name, stage: r.stage, type: r.type, value: r.value });
    case 'rtt':
      return Object.freeze({ kind: 'rtt', name: r.name, stage: r.stage, id: r.id, parent: r.parent, depth: r.depth, size: r.size, fields: r.fields });
    case 'tag':
      return Object.freeze({ kind: 'tag', name: r.name, stage: r.stage, id: r.id, params: r.params });
  }
}
