// What the baseline encoder is given (the stage's functions, how they link, what the runtime
// knows of their symbols) and what it gives back (bytes, imports, references, the body layout).

import type { FuncIR, Sig } from '../ir/nodes.js';
import type { References } from '../ir/analyze.js';
import type { SymbolInfo } from '../ir/symbols.js';
import type { MemoryShape } from '../wasm/sections.js';
import type { BodyLayout } from './body-layout.js';
import type { StreamBody } from './encode-stream.js';

/** How calls to functions of other stages are linked. */
export type CallLinking = 'shared-table' | 'link-table';

/** What the encoder asks of the runtime about the symbols a module uses. */
export interface LowerContext {
  /** A function defined outside this module: its slot in the shared table. */
  slotOf(name: string): number;
  globalAddress(name: string): number;
  constantValue(name: string): number | bigint;
  /** Address of the exception payload buffer. */
  readonly exnBuffer: number;
  readonly calls: CallLinking;
  readonly tailCalls: boolean;
  /** Which exception-handling encoding to emit: the legacy `try`/`catch` (default) or the final `try_table`. */
  readonly exceptions?: 'legacy' | 'final';
  readonly memory: MemoryShape;
  /**
   * Link-table linking: the link-table entry value (negative, unlike slots) of the dispatcher
   * through which dynamic calls of this signature reach the shared table (see encodeDispatcher).
   */
  dispatcher?(sig: Sig): number;
  /**
   * What a name means for the module being lowered (its own definitions first), where a call of
   * one of its functions may be bound to another record (see analyze.ts, `bindsOwn`).
   */
  symbol?(name: string): SymbolInfo | undefined;
}

export interface ModulePlan {
  /** Module name (the stage name), for the name section. */
  name: string;
  /** Functions defined by the module; function i is exported as `String(i)`. */
  funcs: readonly FuncIR[];
  ctx: LowerContext;
  /** `analyze(funcs)`, if the caller already has it. */
  refs?: References;
  /**
   * Record the body layout (spans and relocations) that compaction copies bodies by, unless the
   * module needs more than LAYOUT_MAX_RELOCS relocations: then recording stops (a bounded cost
   * per stage) and the module keeps no layout, which leaves it out of compaction.
   */
  layout?: boolean;
  /**
   * Per function, a slot of the shared table its module writes it into when instantiated (an
   * active element segment), instead of exporting it for the runtime to write. Only for slots no
   * live code can reach yet, since the write happens before the commit publishes.
   */
  install?: ReadonlyArray<number | undefined> | undefined;
  /**
   * Hand all functions over in one table of the module's own (an active element segment, the
   * table exported as FUNCS_EXPORT) instead of one export each: on V8 11 reading functions out of
   * a table costs less than exporting them from 10 functions on (docs/linking.md, "Installing a
   * stage's functions"). Not with `install`.
   */
  exportTable?: boolean;
  /**
   * Per function, its body packed (post-order) when that is exactly `funcs[i]`'s tree: the
   * encoder then reads the words front to back instead of walking the tree (encode-stream.ts).
   */
  packed?: ReadonlyArray<StreamBody | undefined>;
}

/** What a module imports from `accrete` and which slots its link table holds. */
export interface ModuleImports {
  memory: boolean;
  /** The shared table. */
  table: boolean;
  /**
   * What the link table holds, in link-table order (link-table linking only): slots, and
   * dispatchers as negative values (see LowerContext.dispatcher).
   */
  link: number[];
  exn: boolean;
  /** A relinked module's state, taken from the instance it replaces (link/rewrite.ts, STATE_MODULE). */
  state?: boolean;
}

export interface EncodedModule {
  bytes: Uint8Array;
  imports: ModuleImports;
  /** Slots the code names (calls through a slot, slotOf) and global cells it uses, each once. */
  slotRefs: number[];
  cellRefs: number[];
  /** Where each body lies in `bytes` and what in it depends on this module (see merge.ts), when asked for. */
  layout: BodyLayout | undefined;
}

