// Retiring a stage: its symbols disappear, its slots get stubs that raise RetiredSymbol (never a
// wrong function), code that had inlined its functions is rebuilt to call the stubs, and its slots
// and global cells return for reuse once no live stage refers to them.

import { encodeThunks, type ThunkSpec } from '../codegen/lower/thunks.js';
import { NO_NAMES, abandon, newPlan, planRecompiles } from './commit.js';
import { PendingUnit } from './pending.js';
import { goLive, installUnits, realizeSync, swapRecompiles } from './realize.js';
import type { Core } from './core.js';
import { fail } from './errors.js';
import type { FuncRecord, SymbolRecord } from './symbols.js';

export interface RetireInfo {
  readonly stage: string;
  /** Names that disappeared. */
  readonly symbols: readonly string[];
  /** Stages rebuilt because they had inlined something retired. */
  readonly recompiled: readonly string[];
}

export function retireStage(core: Core, name: string): RetireInfo {
  const rec = core.stages.get(name);
  if (!rec) throw fail('UnknownStage', `no live stage named '${name}'`, { stage: name });
  const owned = core.ownedBy(rec);
  const funcs = owned.filter((r): r is FuncRecord => r.kind === 'func');
  const removed = new Set(owned.map((r) => r.name));
  const plan = newPlan(core, name, rec.kind, rec.tier);
  plan.removals = [...removed];
  try {
    // Rebuilt code sees retired functions as plain slot calls (to the stubs), never inlined.
    const lookup = (n: string): SymbolRecord | undefined => {
      const r = core.symbols.get(n);
      if (r && removed.has(n) && r.kind === 'func') return { ...r, inline: false, ir: undefined };
      return r;
    };
    // The stage itself is never among them: planRecompiles leaves out the plan's own stage.
    planRecompiles(core, plan, [...removed], lookup);
    if (funcs.length) plan.host = stubUnit(name, funcs);
    realizeSync(core, plan);
  } catch (e) {
    abandon(plan);
    throw e;
  }
  // Publish: nothing below can fail.
  goLive(plan);
  const stub = plan.host?.live;
  for (const f of funcs) {
    const i = plan.host!.funcs.indexOf(f.name);
    core.slots.write(f.slot, stub!.instance.exports[String(i)] as Function);
    if (f.cell) f.cell.current = null;
  }
  core.trackRefs();
  core.dropUnit(rec.code);
  core.dropUnit(rec.host);
  if (rec.code) core.removeDependents(name, rec.code.deps);
  // Hold the rebuilt units' references before dropping the units they replace: a retired slot
  // that only they still call must not reach the free list in between.
  installUnits(core, [...plan.recompiles.values()].filter((u) => u !== undefined));
  swapRecompiles(core, plan);
  for (const r of owned) {
    core.symbols.delete(r.name);
    // Code rebuilt later may still name it: calls reach the stub, reads of a global its kept
    // cell, constants and ids their last value.
    core.tombstones.set(r.name, r);
    core.retired.add(r);
    if (r.kind === 'func') {
      core.slots.pool.retire(r.slot, r);
    } else if (r.kind === 'global') core.globalCells.pool.retire(r.address, r);
  }
  core.stages.delete(name);
  core.stageStats.release(rec.statsRow);
  core.singles.delete(name);
  core.generation++;
  return Object.freeze({ stage: name, symbols: Object.freeze([...removed]), recompiled: Object.freeze([...plan.recompiles.keys()]) });
}

/** One stub per retired function: calling it raises RetiredSymbol naming the function. */
function stubUnit(stage: string, funcs: readonly FuncRecord[]): PendingUnit {
  const bySlot = new Map(funcs.map((f) => [f.slot, f.name]));
  const specs: ThunkSpec[] = funcs.map((f) => ({ kind: 'retired', name: f.name, sig: f.sig, slot: f.slot }));
  const retired = (slot: number) => {
    throw fail('RetiredSymbol', `'${bySlot.get(slot) ?? `slot ${slot}`}' was retired with stage '${stage}'`);
  };
  return new PendingUnit(stage, 'stub', 'baseline', funcs.map((f) => f.name), encodeThunks(`${stage} (retired)`, specs), undefined, { retired }, [], [], NO_NAMES, NO_NAMES);
}
