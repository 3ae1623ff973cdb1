// Compaction: many small stages rebuilt as one module. Every stage keeps its identity, symbols,
// slots and backedges; only the engine sees fewer, bigger modules. V8 spends ~15 KB and one memory
// mapping per module (about 65,000 per process), so a program of 100,000 one-function stages
// only fits, and stays small, when its stages share modules.

import { isTree } from '../codegen/ir/packed.js';
import { packTogether } from '../codegen/ir/pack.js';
import type { FuncIR } from '../codegen/ir/nodes.js';
import { mergeModules, type MergePart } from '../codegen/lower/merge.js';
import { NO_IMPORTS } from '../codegen/lower/encode.js';
import { abandon, checkValid, newPlan, now, recompile, type Plan } from './commit.js';
import { PendingUnit } from './pending.js';
import { compileOnly, instantiateNow, publish, realizeSync } from './realize.js';
import type { Core } from './core.js';
import type { FuncRecord } from './symbols.js';
import { fail } from './errors.js';

/** What compaction reports. */
export interface CompactionInfo {
  /** Stages merged into one module. */
  readonly stages: readonly string[];
  readonly functions: number;
  readonly bytes: number;
  /** Milliseconds from start to published. */
  readonly time: number;
}

/**
 * Plan one module holding the code of `names` (stages with a baseline module of their own): their
 * bodies are copied as they are, with their module-specific immediates rewritten (merge.ts).
 * Functions another stage has redefined since are left out, unless a kept body calls them directly.
 */
export function planCompaction(core: Core, names: readonly string[]): Plan {
  const plan = newPlan(core, `compaction of ${names.length} stages`, 'code', 'baseline');
  try {
    const units = names.map((s) => core.stages.get(s)!.code!);
    // Under shared-table linking the merged module writes the slots of the functions it keeps
    // itself (merge.ts, MergeContext.install), so no JavaScript function object is made for those
    // that nothing in JavaScript asks for. Every slot is below the table's length already.
    const install = core.linking === 'shared-table';
    const parts: MergePart[] = units.map((u, i) => {
      const owned = u.funcs.map((n) => {
        const r = core.symbols.get(n);
        return r?.kind === 'func' && r.stage === names[i] ? r.slot : undefined;
      });
      return {
        bytes: u.bytes,
        layout: u.layout!,
        imports: u.imports ?? NO_IMPORTS,
        names: u.funcs,
        keep: owned.map((s) => s !== undefined),
        ...(install ? { slots: owned } : {}),
      };
    });
    const name = `${names[0]}…${names[names.length - 1]}`;
    // Under link-table linking it hands them over in one table (MergeContext.exportTable) for the
    // same reason: a function object is made when a slot's function is first needed.
    const exportTable = core.linking === 'link-table';
    const merged = mergeModules(name, { calls: core.linking, memory: core.memoryShape, install, exportTable }, parts);
    if (core.opts.validate) checkValid(core, merged.bytes, name);
    const shared = { live: parts.length };
    let first: PendingUnit | undefined;
    units.forEach((u, i) => {
      const m = merged.parts[i]!;
      const keep = parts[i]!.keep;
      // Sized up front: every compacted stage keeps it (grown by push, it kept room for 17).
      let kept = 0;
      for (let f = 0; f < keep.length; f++) if (keep[f]) kept++;
      // A part that keeps every function keeps the list it had (shared with its stage record).
      const funcs = kept === keep.length ? (u.funcs as string[]) : new Array<string>(kept);
      // Kept functions are numbered consecutively (merge.ts): the part's start at its first.
      let exportAt = -1;
      // Installed functions: their slots, by position in `funcs` (see installUnits).
      const installed = install ? new Array<number | undefined>(kept) : undefined;
      for (let f = 0, k = 0; f < keep.length; f++) {
        if (!keep[f]) continue;
        if (exportAt < 0) exportAt = m.index[f]!;
        if (m.index[f] !== exportAt + k) throw fail('Internal', `the compacted functions of stage '${names[i]}' are not numbered consecutively`);
        if (funcs !== u.funcs) funcs[k] = u.funcs[f]!;
        if (installed) installed[k] = parts[i]!.slots![f];
        k++;
      }
      // The part keeps the unit's backedges and direct calls: its bodies are the same code.
      const pu = new PendingUnit(names[i]!, 'code', 'baseline', funcs, merged.bytes, merged.imports, undefined, m.slotRefs, m.cellRefs, u.deps as Set<string>, u.directCalls as Set<string>);
      pu.exportAt = Math.max(0, exportAt);
      pu.shared = shared;
      pu.installed = installed;
      pu.exportsTable = exportTable;
      if (first) pu.primary = first;
      else first = pu;
      recompile(plan, names[i]!, pu);
    });
    return plan;
  } catch (e) {
    abandon(plan);
    throw e;
  }
}

/** Merge the given stages (default: every single-module baseline stage) into one module, now. */
export function compactNow(core: Core, names: readonly string[] = core.singles.keys()): CompactionInfo | undefined {
  const live = names.filter((n) => core.singles.has(n));
  if (live.length < 2) return undefined;
  const t = now();
  const plan = planCompaction(core, live);
  return finish(core, plan, live, t, () => realizeSync(core, plan));
}

/** The same, compiling in the background; gives up (for a later try) if a commit overtakes it. */
export async function compactLater(core: Core, names: readonly string[]): Promise<CompactionInfo | undefined> {
  const live = names.filter((n) => core.singles.has(n));
  if (live.length < 2) return undefined;
  const t = now();
  const plan = planCompaction(core, live);
  try {
    await compileOnly(plan);
  } catch (e) {
    abandon(plan);
    throw e;
  }
  if (plan.generation !== core.generation) {
    abandon(plan);
    return undefined;
  }
  // Instantiated only now, with nothing between it and publishing: the module may write the
  // slots of the functions it holds (shared-table linking), which must still be theirs.
  return finish(core, plan, live, t, () => instantiateNow(core, plan));
}

/**
 * Pack the merged stages' bodies, instantiate (`instantiate`), publish, swap the packed bodies in.
 * Packing comes first: once instantiated, the module may have written the slots (shared-table
 * linking), and nothing after that may fail. (Its segments are in bounds by construction, and an
 * instantiation that fails does so before it applies them.)
 */
function finish(core: Core, plan: Plan, live: readonly string[], t: number, instantiate: () => void): CompactionInfo {
  let keep: () => void;
  try {
    keep = packBodies(core, live);
    instantiate();
  } catch (e) {
    abandon(plan);
    throw e;
  }
  publish(core, plan, false);
  keep();
  return infoOf(plan, live, t);
}

/**
 * The bodies the merged stages still keep as trees (small ones: KEEP_TREE_MAX), packed together
 * (packTogether): ~200 bytes and six objects less per one-line function, which every major
 * collection would mark for as long as the stage lives. Packing can fail only on a bug, so it runs
 * before the compaction is instantiated; the returned step swaps the bodies in after publishing.
 */
function packBodies(core: Core, stages: readonly string[]): () => void {
  const recs: FuncRecord[] = [];
  const trees: FuncIR[] = [];
  for (let i = 0; i < stages.length; i++) {
    const defined = core.stages.get(stages[i]!)?.defined ?? [];
    for (let j = 0; j < defined.length; j++) {
      const r = core.symbols.get(defined[j]!);
      if (r?.kind !== 'func' || r.stage !== stages[i] || !r.ir || !isTree(r.ir)) continue;
      recs.push(r);
      trees.push(r.ir);
    }
  }
  const packed = trees.length > 1 ? packTogether(trees) : undefined;
  return () => {
    if (packed) for (let i = 0; i < recs.length; i++) recs[i]!.ir = packed[i];
  };
}

function infoOf(plan: Plan, stages: readonly string[], t0: number): CompactionInfo {
  const first = plan.recompiles.values().next().value as PendingUnit;
  const functions = [...plan.recompiles.values()].reduce((n, u) => n + (u?.funcs.length ?? 0), 0);
  return Object.freeze({ stages: Object.freeze([...stages]), functions, bytes: first.bytes.length, time: now() - t0 });
}
