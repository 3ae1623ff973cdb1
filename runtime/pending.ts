// A unit planned but not yet live, as one class: every unit has every field from the start, so the
// commit path's code reads them from one hidden class instead of telling several apart.

import type { ModuleImports } from '../codegen/lower/encode.js';
import type { BodyLayout } from '../codegen/lower/body-layout.js';
import type { FunctionSource } from './slots.js';
import type { Unit } from './core.js';
import type { Tier } from './options.js';
import type { SymbolRecord } from './symbols.js';

/**
 * A unit planned but not yet live. Its makers give the constructor's fields; the rest start
 * undefined. (Made by object literals of different shapes and given fields one by one as a commit
 * went, units reached the commit path in several hidden classes, each field read behind a check of
 * which: code that a cold commit fetches line by line.)
 */
export class PendingUnit {
  /** Where `funcs` are exported (see `Unit.exportAt`; default 0). */
  exportAt: readonly string[] | number | undefined = undefined;
  module: WebAssembly.Module | undefined = undefined;
  instance: WebAssembly.Instance | undefined = undefined;
  linkTable: WebAssembly.Table | undefined = undefined;
  /** The table the module hands its functions over in, instead of exporting each (exportTable). */
  funcTable: WebAssembly.Table | undefined = undefined;
  /** What slots deferred to `funcTable` point at (one per module: see installUnits). */
  funcSource: FunctionSource | undefined = undefined;
  /** Whether the module exports such a table (read from its exports only then: cheaper). */
  exportsTable: boolean | undefined = undefined;
  /** Per function, the slot the module wrote it into at instantiation (it is not exported). */
  installed: ReadonlyArray<number | undefined> | undefined = undefined;
  /** The records of `funcs`, when the planner has them at hand (spares a symbol lookup each). */
  records: readonly SymbolRecord[] | undefined = undefined;
  /** For a part of a module shared by several stages (compaction): the part that is realized. */
  primary: PendingUnit | undefined = undefined;
  /** Shared by all parts of one module: how many parts are live. */
  shared: { live: number } | undefined = undefined;
  /** Where the bodies lie in `bytes`, for a baseline module of one stage. */
  layout: BodyLayout | undefined = undefined;
  /** Slots the code takes as values (`b.slotOf`): pinned when the unit goes live. */
  escaped: readonly number[] | undefined = undefined;
  /** The unit as the stage record keeps it, once published (realize.ts, `goLive`). */
  live: Unit | undefined = undefined;

  constructor(
    public stage: string,
    public kind: Unit['kind'],
    public tier: Tier,
    public funcs: string[],
    public bytes: Uint8Array,
    public imports: ModuleImports | undefined,
    public host: Record<string, Function> | undefined,
    public slotRefs: number[],
    public cellRefs: number[],
    public deps: Set<string>,
    public directCalls: Set<string>,
  ) {}
}
