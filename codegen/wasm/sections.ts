// Pieces of a module's binary that every producer writes the same way (the baseline encoder, the
// link rewriter, thunks, the benchmarks' floor): header, sized sections, function types, and the
// imports a stage takes from the runtime.

import type { Sig } from '../ir/nodes.js';
import { VALTYPE_CODE, type AnyValType } from './instructions.js';
import type { ByteWriter } from './writer.js';

export const WASM_HEADER: readonly number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** A section whose size is patched in after `fill` writes it. */
export function section(w: ByteWriter, id: number, fill: (w: ByteWriter) => void): void {
  w.u8(id);
  const at = w.reserve();
  fill(w);
  w.patch(at);
}

/** A section made of `count` entries, left out when there are none. */
export function vecSection(w: ByteWriter, id: number, count: number, fill: (w: ByteWriter) => void): void {
  if (count === 0) return;
  section(w, id, (s) => {
    s.u32(count);
    fill(s);
  });
}

export function writeFuncType(w: ByteWriter, t: Sig | { params: readonly AnyValType[]; results: readonly AnyValType[] }): void {
  w.u8(0x60).u32(t.params.length);
  for (const p of t.params) w.u8(VALTYPE_CODE[p]);
  w.u32(t.results.length);
  for (const r of t.results) w.u8(VALTYPE_CODE[r]);
}

/** `(import "accrete" "table" (table 0 funcref))`: the shared table. */
export function writeTableImport(w: ByteWriter): void {
  w.name('accrete').name('table').u8(0x01).u8(0x70).u8(0x00).u32(0);
}

/**
 * The export name of a module's link table (link-table linking). The module defines the table
 * and the runtime fills it after instantiation: on V8 11 importing even an empty table costs more
 * than defining one (the link-mechanisms benchmark).
 */
export const LINK_EXPORT = 'accrete:link';
/** The export name of the table a module hands its functions over in (`exportTable`). */
export const FUNCS_EXPORT = 'accrete:funcs';
/**
 * The export name of a linked module's start function: the runtime calls it just before the link
 * publishes, once the link table is filled and the module's exported globals hold their initial
 * values; the engine would call it during instantiation, before either.
 */
export const START_EXPORT = 'accrete:start';
/** Export names the runtime gives its own tables and start functions; a linked module may not use them. */
export const RESERVED_EXPORT_PREFIX = 'accrete:';

/**
 * A linked module's state: its private mutable numeric globals, its own memories and tags, exported
 * under STATE_PREFIX and, when it is linked again, imported from STATE_MODULE, which the runtime
 * fills with the exports of the instance being replaced.
 */
export const STATE_PREFIX = `${RESERVED_EXPORT_PREFIX}state:`;
export const STATE_MODULE = 'accrete:state';

/** A table entry `(table min funcref)`, for a table section. */
export function writeFuncrefTable(w: ByteWriter, min: number): void {
  w.u8(0x70).u8(0x00).u32(min);
}

/** The export entry of a table. */
export function writeTableExport(w: ByteWriter, name: string, index: number): void {
  w.name(name).u8(0x01).u32(index);
}

/** An active element segment putting functions [from, to) into `table` from entry `at`. */
export function writeElementRun(w: ByteWriter, table: number, at: number, from: number, to: number): void {
  // Flags 2: active, explicit table index, then an element kind (funcref) and function indices.
  w.u8(0x02).u32(table).u8(0x41).s32(at).u8(0x0b).u8(0x00).u32(to - from);
  for (let f = from; f < to; f++) w.u32(f);
}

/**
 * The element section that writes function i into slot `install[i]` of `table` at instantiation
 * (undefined: not written), one segment per run where both go up by one.
 */
export function writeInstallSection(w: ByteWriter, table: number, install: ReadonlyArray<number | undefined>): void {
  const runStarts = (i: number) => install[i] !== undefined && (i === 0 || install[i - 1] === undefined || install[i - 1]! + 1 !== install[i]);
  let runs = 0;
  for (let i = 0; i < install.length; i++) if (runStarts(i)) runs++;
  vecSection(w, 9, runs, (s) => {
    for (let i = 0; i < install.length; i++) {
      if (!runStarts(i)) continue;
      let end = i + 1;
      while (end < install.length && !runStarts(end) && install[end] !== undefined) end++;
      writeElementRun(s, table, install[i]!, i, end);
    }
  });
}

/** `(import "accrete" "memory" ...)`: the runtime memory, shared (with its maximum) or not. */
/**
 * The shared memory as modules import it. `minimum` (pages, default 0) is at most the memory's
 * size when it was made, so any module may declare it: V8's baseline compiler then needs no bounds
 * check for a constant address below it (a global's cell), which makes lazily compiling a body
 * that reads 1,000 globals about 12% faster on V8 11.
 */
export interface MemoryShape {
  readonly shared: boolean;
  readonly maximum: number | undefined;
  readonly minimum?: number;
}

export function writeMemoryImport(w: ByteWriter, memory: MemoryShape): void {
  w.name('accrete').name('memory').u8(0x02);
  if (memory.shared) w.u8(0x03).u32(memory.minimum ?? 0).u32(memory.maximum ?? 65536);
  else w.u8(0x00).u32(memory.minimum ?? 0);
}

/** What a stage module imports from `accrete`, in index order: shared table, memory, tag. */
export interface StageImportSpec {
  readonly table: boolean;
  readonly memory: MemoryShape | undefined;
  /** Type index of the exception tag's signature, when the module throws or catches. */
  readonly exnType: number | undefined;
}

export function writeStageImports(w: ByteWriter, spec: StageImportSpec): void {
  const n = (spec.table ? 1 : 0) + (spec.memory ? 1 : 0) + (spec.exnType !== undefined ? 1 : 0);
  vecSection(w, 2, n, (s) => {
    if (spec.table) writeTableImport(s);
    if (spec.memory) writeMemoryImport(s, spec.memory);
    if (spec.exnType !== undefined) s.name('accrete').name('exn').u8(0x04).u8(0x00).u32(spec.exnType);
  });
}

/**
 * The name section: the module's name, its functions' names (by function index, the first being
 * `first`: imported functions come before), and the local names of functions that have some
 * (`undefined` entries are unnamed locals).
 */
export function writeNameSection(
  w: ByteWriter,
  module: string,
  funcs: ArrayLike<{ readonly name: string }>,
  locals: ReadonlyArray<readonly [index: number, names: ReadonlyArray<string | undefined>]> | undefined,
  first = 0,
): void {
  // Straight-line, no closure per subsection: every stage's module ends with this.
  w.u8(0);
  const at = w.reserve();
  w.name('name');
  w.u8(0);
  const mod = w.reserve();
  w.name(module);
  w.patch(mod);
  w.u8(1);
  const fns = w.reserve();
  w.u32(funcs.length);
  for (let i = 0; i < funcs.length; i++) w.u32(first + i).name(funcs[i]!.name);
  w.patch(fns);
  if (locals?.length) {
    w.u8(2);
    const loc = w.reserve();
    w.u32(locals.length);
    for (const [i, names] of locals) {
      let named = 0;
      for (const n of names) if (n !== undefined) named++;
      w.u32(i).u32(named);
      names.forEach((n, j) => n !== undefined && w.u32(j).name(n));
    }
    w.patch(loc);
  }
  w.patch(at);
}
