// Merging baseline modules into one by copying their function bodies, as a linker does: each
// body's module-specific immediates (direct-call targets, type and table indices, link-table
// entries) are rewritten from its relocations; nothing is lowered again. Compaction uses it.

import { fail } from '../../runtime/errors.js';
import type { Sig } from '../ir/nodes.js';
import { sigKey } from '../ir/nodes.js';
import { type MemoryShape, FUNCS_EXPORT, LINK_EXPORT, WASM_HEADER, section, vecSection, writeElementRun, writeFuncType, writeFuncrefTable, writeInstallSection, writeNameSection, writeStageImports, writeTableExport } from '../wasm/sections.js';
import { ByteWriter } from '../wasm/writer.js';
import type { CallLinking, ModuleImports } from './encode.js';
import { LINK_TABLE, RELOC, type BodyLayout } from './body-layout.js';

/** One module's part in a merge. */
export interface MergePart {
  readonly bytes: Uint8Array;
  readonly layout: BodyLayout;
  readonly imports: ModuleImports;
  /** Names of the module's functions, by index. */
  readonly names: readonly string[];
  /** Which functions to keep (those still owned); a kept body's direct callees are kept too. */
  readonly keep: readonly boolean[];
  /**
   * The slot of the shared table each function is written into at instantiation (undefined: not
   * written; see MergeContext.install).
   */
  readonly slots?: ReadonlyArray<number | undefined>;
}

export interface MergedPart {
  /** The new index of each kept function (undefined: left out). */
  readonly index: ReadonlyArray<number | undefined>;
  /** Slots and cells the kept bodies name, each once. */
  readonly slotRefs: number[];
  readonly cellRefs: number[];
}

export interface MergedModule {
  readonly bytes: Uint8Array;
  readonly imports: ModuleImports;
  readonly parts: readonly MergedPart[];
}

/** The module's environment: how calls link, and the memory modules import. */
export interface MergeContext {
  readonly calls: CallLinking;
  readonly memory: MemoryShape;
  /**
   * Install the parts' functions into the shared table (at `MergePart.slots`) with an element
   * segment instead of exporting them: shared-table linking only. Exports would make the engine
   * a JavaScript function object for every function at instantiation, most never asked for.
   */
  readonly install?: boolean;
  /**
   * Hand the functions over in one table of the module's own, exported as FUNCS_EXPORT, instead of
   * one export each (link-table linking): the runtime then takes a function out of it only when
   * something needs its JavaScript object, which V8 11 makes for every export at instantiation.
   */
  readonly exportTable?: boolean;
}

const EXN_SIG: Sig = { params: ['i32'], results: [] };

/**
 * A part's references as a list. Most compacted parts refer to no slot or cell, and each keeps
 * its lists for as long as it lives: those share one frozen empty list.
 */
const NONE: number[] = Object.freeze([]) as unknown as number[];
function listOf(xs: Set<number>): number[] {
  if (xs.size === 0) return NONE;
  const out = new Array<number>(xs.size);
  let i = 0;
  for (const x of xs) out[i++] = x;
  return out;
}

export function mergeModules(name: string, ctx: MergeContext, parts: readonly MergePart[]): MergedModule {
  const types: Sig[] = [];
  const typeIndex = new Map<string, number>();
  const typeOf = (sig: Sig) => {
    const key = sigKey(sig);
    let i = typeIndex.get(key);
    if (i === undefined) typeIndex.set(key, (i = types.push(sig) - 1));
    return i;
  };

  // Which functions go in, and their new indices.
  let count = 0;
  const kept = parts.map((p) => keptFunctions(p));
  const index = kept.map((k) => k.map((yes) => (yes ? count++ : undefined)));

  // Imports: one link table holding every part's entries, the shared table, memory, the tag.
  const link: number[] = [];
  const linkIndex = new Map<number, number>();
  let sharedTable = false;
  let memory = false;
  let exn = false;
  const mergedParts: MergedPart[] = parts.map((p, pi) => {
    const slots = new Set<number>();
    const cells = new Set<number>();
    forKept(p, kept[pi]!, (_f, from, to) => {
      const r = p.layout.relocs;
      for (let i = from; i < to; i += 3) {
        const kind = r[i + 1]!;
        const v = r[i + 2]!;
        if (kind === RELOC.SLOT) slots.add(v);
        else if (kind === RELOC.CELL) cells.add(v);
        else if (kind === RELOC.LINK && !linkIndex.has(v)) linkIndex.set(v, link.push(v) - 1);
        // Every use of a table in a body is a call_indirect with a TABLE relocation.
        else if (kind === RELOC.TABLE && v !== LINK_TABLE) sharedTable = true;
      }
    });
    memory ||= p.imports.memory;
    exn ||= p.imports.exn;
    return { index: index[pi]!, slotRefs: listOf(slots), cellRefs: listOf(cells) };
  });
  if (ctx.install && ctx.calls !== 'shared-table') throw fail('Internal', 'merging: installing by element segment needs shared-table linking');
  if (ctx.install) sharedTable = true;
  // The imported shared table first, then the module's own link table.
  const sharedTableIdx = sharedTable ? 0 : -1;
  const linkTableIdx = ctx.calls === 'link-table' && link.length ? (sharedTable ? 1 : 0) : -1;
  if (ctx.install && ctx.exportTable) throw fail('Internal', 'merging: a module either installs its functions or hands them over in a table');
  const funcTableIdx = ctx.exportTable ? (sharedTable ? 1 : 0) + (linkTableIdx >= 0 ? 1 : 0) : -1;
  const exnType = exn ? typeOf(EXN_SIG) : -1;

  // Code: bodies copied with their relocations applied.
  const code = new ByteWriter(parts.reduce((n, p) => n + p.bytes.length, 64));
  const funcTypes: number[] = [];
  code.u32(count);
  parts.forEach((p, pi) => {
    const map = index[pi]!;
    forKept(p, kept[pi]!, (f, from, to) => {
      const sp = p.layout.spans;
      const [type, start, instr, end] = [sp[5 * f]!, sp[5 * f + 1]!, sp[5 * f + 2]!, sp[5 * f + 3]!];
      funcTypes.push(typeOf(p.layout.types[type]!));
      const size = code.reserve();
      code.range(p.bytes, start, instr);
      let at = instr;
      const r = p.layout.relocs;
      for (let i = from; i < to; i += 3) {
        const pos = r[i]!;
        if (pos < 0) continue;
        const kind = r[i + 1]!;
        const v = r[i + 2]!;
        const imm = instr + pos;
        code.range(p.bytes, at, imm);
        at = imm + lebLength(p.bytes, imm);
        switch (kind) {
          case RELOC.FUNC: {
            const to = map[v];
            if (to === undefined) throw fail('Internal', `merging '${p.names[f]}': direct callee ${v} was left out`);
            code.u32(to);
            break;
          }
          case RELOC.TYPE:
            code.u32(typeOf(p.layout.types[v]!));
            break;
          case RELOC.TABLE:
            code.u32(v === LINK_TABLE ? linkTableIdx : sharedTableIdx);
            break;
          case RELOC.LINK:
            code.s32(linkIndex.get(v)!);
            break;
          default:
            throw fail('Internal', `merging '${p.names[f]}': unknown relocation kind ${kind}`);
        }
      }
      code.range(p.bytes, at, end);
      code.patch(size);
    });
  });

  const w = new ByteWriter(code.len + 256 + 16 * count);
  w.bytes(WASM_HEADER);
  vecSection(w, 1, types.length, (s) => types.forEach((t) => writeFuncType(s, t)));
  writeStageImports(w, {
    table: sharedTableIdx >= 0,
    memory: memory ? ctx.memory : undefined,
    exnType: exn ? exnType : undefined,
  });
  vecSection(w, 3, funcTypes.length, (s) => funcTypes.forEach((t) => s.u32(t)));
  const ownTables = (linkTableIdx >= 0 ? 1 : 0) + (funcTableIdx >= 0 ? 1 : 0);
  if (ownTables)
    vecSection(w, 4, ownTables, (s) => {
      if (linkTableIdx >= 0) writeFuncrefTable(s, link.length);
      if (funcTableIdx >= 0) writeFuncrefTable(s, count);
    });
  const exported = ctx.install || ctx.exportTable ? 0 : count;
  vecSection(w, 7, exported + (linkTableIdx >= 0 ? 1 : 0) + (funcTableIdx >= 0 ? 1 : 0), (s) => {
    for (let i = 0; i < exported; i++) s.name(String(i)).u8(0x00).u32(i);
    if (linkTableIdx >= 0) writeTableExport(s, LINK_EXPORT, linkTableIdx);
    if (funcTableIdx >= 0) writeTableExport(s, FUNCS_EXPORT, funcTableIdx);
  });
  if (funcTableIdx >= 0) vecSection(w, 9, 1, (s) => writeElementRun(s, funcTableIdx, 0, 0, count));
  if (ctx.install) {
    const install: Array<number | undefined> = new Array(count).fill(undefined);
    parts.forEach((p, pi) => forKept(p, kept[pi]!, (f) => void (install[index[pi]![f]!] = p.slots?.[f])));
    writeInstallSection(w, sharedTableIdx, install);
  }
  section(w, 10, (s) => s.bytes(code.buf.subarray(0, code.len)));
  // Kept functions were numbered in this same order, so the names come out by index.
  const funcNames: Array<{ name: string }> = [];
  const locals: Array<readonly [number, ReadonlyArray<string | undefined>]> = [];
  parts.forEach((p, pi) =>
    forKept(p, kept[pi]!, (f) => {
      funcNames.push({ name: p.names[f]! });
      const names = p.layout.localNames?.[f];
      if (names?.length) locals.push([index[pi]![f]!, names]);
    }),
  );
  writeNameSection(w, name, funcNames, locals);
  const imports: ModuleImports = { memory, table: sharedTableIdx >= 0, link, exn };
  return { bytes: w.finish(), imports, parts: mergedParts };
}

/** Owned functions, and (transitively) the functions they call directly. */
function keptFunctions(p: MergePart): boolean[] {
  const keep = [...p.keep];
  const todo = keep.flatMap((k, f) => (k ? [f] : []));
  const sp = p.layout.spans;
  const r = p.layout.relocs;
  while (todo.length) {
    const f = todo.pop()!;
    for (let i = f === 0 ? 0 : sp[5 * f - 1]!; i < sp[5 * f + 4]!; i += 3) {
      if (r[i + 1] !== RELOC.FUNC) continue;
      const g = r[i + 2]!;
      if (!keep[g]) {
        keep[g] = true;
        todo.push(g);
      }
    }
  }
  return keep;
}

/** Each kept function, in order, with the range of its relocations. */
function forKept(p: MergePart, keep: readonly boolean[], each: (f: number, from: number, to: number) => void): void {
  const sp = p.layout.spans;
  for (let f = 0; f < keep.length; f++) if (keep[f]) each(f, f === 0 ? 0 : sp[5 * f - 1]!, sp[5 * f + 4]!);
}

function lebLength(bytes: Uint8Array, at: number): number {
  let n = 1;
  while (bytes[at + n - 1]! & 0x80) n++;
  return n;
}

