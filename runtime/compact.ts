// Compaction: many small stages rebuilt as one module. Every stage keeps its identity, symbols,
// slots and backedges; only the engine sees fewer, bigger modules. V8 spends ~15 KB and one memory
// mapping per module (about 65,000 per process), so a program of 100,000 one-function stages
// only fits, and stays small, when its stages share modules.

import { emptyReferences, type References } from '../codegen/ir/analyze.js';
import { encodeModule } from '../codegen/lower/encode.js';
import { abandon, checkValid, lowerFuncs, newPlan, now, partOf, publish, realizeAsync, realizeSync, type PendingUnit, type Plan } from './commit.js';
import type { Core } from './core.js';

/** What compaction reports. */
export interface CompactionInfo {
  /** Stages merged into one module. */
  readonly stages: readonly string[];
  readonly functions: number;
  readonly bytes: number;
  /** Milliseconds from start to published. */
  readonly time: number;
}

function mergeRefs(all: readonly References[]): References {
  const r = emptyReferences();
  for (const x of all) {
    for (const n of x.slotCalls) r.slotCalls.add(n);
    for (const n of x.directCalls) r.directCalls.add(n);
    for (const n of x.slotRefs) r.slotRefs.add(n);
    for (const n of x.globals) r.globals.add(n);
    for (const n of x.constants) r.constants.add(n);
    r.dynamicCalls ||= x.dynamicCalls;
    r.memory ||= x.memory;
    r.exceptions ||= x.exceptions;
  }
  return r;
}

/** Plan one module holding the code of `names` (stages with a baseline module of their own). */
export function planCompaction(core: Core, names: readonly string[]): Plan {
  const plan = newPlan(core, `compaction of ${names.length} stages`, 'code', 'baseline');
  try {
    const lookup = (n: string) => core.symbols.get(n);
    const parts = names.map((s) => {
      const rec = core.stages.get(s)!;
      const irs = rec.code!.funcs.map((n) => core.symbols.get(n)).flatMap((r) => (r?.kind === 'func' && r.ir && r.stage === s ? [r.ir] : []));
      return lowerFuncs(core, s, 'baseline', irs, lookup, false);
    });
    const funcs = parts.flatMap((p) => p.lowered);
    const groups = parts.flatMap((p, i) => p.lowered.map(() => i));
    const ctx = core.lowerContext(lookup);
    const name = `${names[0]}…${names[names.length - 1]}`;
    const { bytes, imports } = encodeModule({ name, funcs, ctx, refs: mergeRefs(parts.map((p) => p.refs)), groups });
    checkValid(core, bytes, name);
    const shared = { live: parts.length };
    let first: PendingUnit | undefined;
    let offset = 0;
    for (const p of parts) {
      const u: PendingUnit = {
        stage: p.stage,
        kind: 'code',
        tier: 'baseline',
        funcs: p.irs.map((f) => f.name),
        exportNames: p.irs.map((_, i) => String(offset + i)),
        bytes,
        imports,
        host: undefined,
        ...partOf(ctx, p),
        ...(first ? { primary: first } : {}),
        shared,
      };
      first ??= u;
      offset += p.irs.length;
      plan.recompiles.set(p.stage, u);
    }
    return plan;
  } catch (e) {
    abandon(plan);
    throw e;
  }
}

/** Merge the given stages (default: every single-module baseline stage) into one module, now. */
export function compactNow(core: Core, names: readonly string[] = [...core.singles]): CompactionInfo | undefined {
  const live = names.filter((n) => core.singles.has(n));
  if (live.length < 2) return undefined;
  const t = now();
  const plan = planCompaction(core, live);
  try {
    realizeSync(core, plan);
  } catch (e) {
    abandon(plan);
    throw e;
  }
  publish(core, plan, false);
  return infoOf(plan, live, t);
}

/** The same, compiling in the background; gives up (for a later try) if a commit overtakes it. */
export async function compactLater(core: Core, names: readonly string[]): Promise<CompactionInfo | undefined> {
  const live = names.filter((n) => core.singles.has(n));
  if (live.length < 2) return undefined;
  const t = now();
  const plan = planCompaction(core, live);
  try {
    await realizeAsync(core, plan);
  } catch (e) {
    abandon(plan);
    throw e;
  }
  if (plan.generation !== core.generation) {
    abandon(plan);
    return undefined;
  }
  plan.clock = now();
  publish(core, plan, false);
  return infoOf(plan, live, t);
}

function infoOf(plan: Plan, stages: readonly string[], t0: number): CompactionInfo {
  const first = plan.recompiles.values().next().value as PendingUnit;
  const functions = [...plan.recompiles.values()].reduce((n, u) => n + (u?.funcs.length ?? 0), 0);
  return Object.freeze({ stages: Object.freeze([...stages]), functions, bytes: first.bytes.length, time: now() - t0 });
}
