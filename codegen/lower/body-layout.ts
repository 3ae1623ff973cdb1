// What compaction needs to copy a module's bodies into another without lowering them again: where
// each body lies and which of its immediates depend on the module (relocations). The encoder
// records it; merge.ts reads it.

import type { Sig } from '../ir/nodes.js';

/**
 * Relocation kinds: immediates of a body that are indices of its own module, and (for reference
 * counting) the slots and cells it names. Each relocation is three numbers: the immediate's
 * position from the start of the body's instructions (-1 for SLOT and CELL), the kind, the value.
 */
export const RELOC = { FUNC: 0, TYPE: 1, TABLE: 2, LINK: 3, SLOT: 4, CELL: 5 } as const;
/**
 * Most relocations a module's layout records. Compaction saves a module's ~15 KB of engine
 * overhead; a module with more references than this is big enough to keep its own, and
 * recording (and keeping) thousands of relocations would cost more than merging saves.
 */
export const LAYOUT_MAX_RELOCS = 512;
/** TABLE relocations say which table: the module's link table or the shared table. */
export const LINK_TABLE = 0;
export const SHARED_TABLE = 1;

/** What it takes to copy a module's bodies into another module (compaction) without lowering again. */
export interface BodyLayout {
  /** The module's function types, by type index. */
  readonly types: readonly Sig[];
  /**
   * Five numbers per function: its type index, where its body starts (after the size), where
   * its instructions start (after the locals), where it ends, and where its relocations end in
   * `relocs` (they start where the previous function's relocations end).
   */
  readonly spans: ArrayLike<number>;
  readonly relocs: ArrayLike<number>;
  /** Local names per function, when any function has some. */
  readonly localNames: ReadonlyArray<ReadonlyArray<string | undefined>> | undefined;
}
