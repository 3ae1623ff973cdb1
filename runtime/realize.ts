// Making a plan live: realize (compile and instantiate its units, synchronously or not), then
// publish (write memory and slots, install functions, publish symbols and the stage record).
// Publishing cannot fail on valid state; everything before it is undone by `abandon`.

import { optimizerLoaded, optimizerSync } from '../codegen/optimizer.js';
import { FUNCS_EXPORT, LINK_EXPORT, START_EXPORT, STATE_MODULE, STATE_PREFIX } from '../codegen/wasm/sections.js';
import { NO_RECOMPILES, PREFETCH_MIN, lap, namesOf, rebuildError, type Plan } from './commit.js';
import type { PendingUnit } from './pending.js';
import type { Core, StageRecord, Unit } from './core.js';
import { AccreteError, fail } from './errors.js';
import { hashOf } from './name-table.js';
import { FunctionSource } from './slots.js';
import type { StageInfo } from './stage.js';
import type { SymbolRecord } from './symbols.js';

const NO_STRINGS: readonly string[] = Object.freeze([]);

// ---------------------------------------------------------------- realizing

/** The plan's units, host first: listed once, when realizing starts (the plan is complete then). */
function unitsOf(plan: Plan): PendingUnit[] {
  if (plan.units) return plan.units;
  // As a literal where it can be (most plans have a code unit alone): no builtin call to grow it.
  const { host, code } = plan;
  const out: PendingUnit[] = (plan.units = host ? (code ? [host, code] : [host]) : code ? [code] : []);
  if (plan.recompiles !== NO_RECOMPILES) for (const u of plan.recompiles.values()) if (u) out.push(u);
  return out;
}

function compileFailure(plan: Plan, u: PendingUnit, e: unknown): AccreteError {
  let detail: string | undefined;
  if (optimizerLoaded()) {
    try {
      detail = optimizerSync('diagnosis').validate(u.bytes);
    } catch {
      detail = undefined;
    }
  }
  const msg = e instanceof Error ? e.message : String(e);
  return inPlan(plan, u, fail('CompileError', `the engine rejected the generated module (a bug in Accrete's code generator): ${msg}`, { stage: u.stage }, { cause: e, ...(detail ? { detail } : {}) }));
}

function instantiateFailure(plan: Plan, u: PendingUnit, e: unknown): AccreteError {
  if (e instanceof AccreteError) return inPlan(plan, u, e.at({ stage: u.stage }));
  const msg = e instanceof Error ? e.message : String(e);
  // A trap (out-of-bounds access included) is the code's doing, not a resource running out.
  if (!(e instanceof WebAssembly.RuntimeError) && /memory|table/i.test(msg) && /(allocat|size|grow|out of)/i.test(msg)) {
    return inPlan(plan, u, fail('ResourceExhausted', `instantiation ran out of a resource: ${msg}`, { stage: u.stage }, { cause: e }));
  }
  return inPlan(plan, u, fail('InstantiateError', `instantiation failed: ${msg}`, { stage: u.stage }, { cause: e }));
}

/** A unit's error, placed in the plan's commit when the unit rebuilds another stage (commit.ts, `rebuildError`). */
function inPlan(plan: Plan, u: PendingUnit, e: AccreteError): AccreteError {
  return u.stage !== plan.name && plan.recompiles.get(u.stage) === u ? rebuildError(e, plan, u.stage) : e;
}

function importsOf(core: Core, u: PendingUnit): WebAssembly.Imports {
  const base = core.importsFor(u.imports, u.host);
  return u.imports?.state ? { ...base, [STATE_MODULE]: stateOf(core, u.stage) } : base;
}

/** The state a relinked module takes over: what the instance it replaces exports as its state. */
function stateOf(core: Core, stage: string): WebAssembly.ModuleImports {
  const exp = core.stages.get(stage)?.code?.instance.exports ?? {};
  const out: WebAssembly.ModuleImports = {};
  for (const k of Object.keys(exp)) if (k.startsWith(STATE_PREFIX)) out[k.slice(STATE_PREFIX.length)] = exp[k]!;
  return out;
}

/**
 * The module's own tables: its link table (when it has link-table entries), which installation
 * fills, and the table it hands its functions over in, if it was encoded with one. The exports
 * object is read only then: most modules export neither, and reading it costs ~1–3 µs right after
 * instantiation, when nothing is in cache.
 */
function tablesOf(u: PendingUnit): void {
  const link = u.imports !== undefined && u.imports.link.length > 0;
  if (!link && !u.exportsTable) return;
  const exp = u.instance!.exports;
  if (link) u.linkTable = exp[LINK_EXPORT] as WebAssembly.Table;
  if (u.exportsTable) u.funcTable = exp[FUNCS_EXPORT] as WebAssembly.Table;
}

/**
 * A linked module's start function, which the rewriter left for the runtime to call (see
 * START_EXPORT). It runs once, just before the link publishes: with the link table holding what
 * the slots hold and the module's exported globals holding their initial values, as when an
 * engine runs a start function, on either linking; never again when the module is relinked. A
 * trap, or a change to the runtime tried from inside it, fails the link and changes nothing (the
 * globals it wrote are this plan's fresh cells). Installation fills the link table again, after
 * this plan's own slot writes.
 */
export function startLinked(core: Core, plan: Plan): void {
  const u = plan.code;
  if (plan.kind !== 'link' || !u?.instance) return;
  const start = u.instance.exports[START_EXPORT] as (() => void) | undefined;
  if (!start) return;
  if (u.linkTable) core.slots.fillLinkTable(u.linkTable, u.imports!.link);
  // The runtime globals it can write, and its own exported ones, are put back if it traps. What
  // it stores elsewhere in memory (the heap is the program's) stays, as after any call that traps.
  const cells = [...u.cellRefs];
  for (const r of plan.records) if (r.kind === 'global') cells.push(r.address);
  const v = core.view();
  const saved = cells.map((a) => v.getBigUint64(a, true));
  if (plan.memWrites.length) {
    for (const w of plan.memWrites) w(v);
    plan.memWrites.length = 0;
  }
  core.starting = true;
  try {
    start();
  } catch (e) {
    const now = core.view();
    cells.forEach((a, i) => now.setBigUint64(a, saved[i]!, true));
    throw instantiateFailure(plan, u, e);
  } finally {
    core.starting = false;
  }
}

/** Parts of a shared module take the module, instance and link table of its primary part. */
function shareRealized(plan: Plan): void {
  const units = unitsOf(plan);
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    if (!u.primary) continue;
    u.module = u.primary.module;
    u.instance = u.primary.instance;
    u.linkTable = u.primary.linkTable;
    u.funcTable = u.primary.funcTable;
  }
}

export function realizeSync(core: Core, plan: Plan): void {
  lap(plan);
  // Index loops here and below: an array iterator is a builtin call in V8 13's mid tier, where the
  // per-commit code spends its first ~10,000 commits.
  const units = unitsOf(plan);
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    if (u.primary) continue;
    try {
      u.module = new WebAssembly.Module(u.bytes as BufferSource);
    } catch (e) {
      throw linkOrCompileFailure(plan, u, e);
    }
    plan.stats.compile += lap(plan);
    instantiateUnit(core, plan, u);
  }
  shareRealized(plan);
}

/** Instantiate one compiled unit now and find its own tables. */
function instantiateUnit(core: Core, plan: Plan, u: PendingUnit): void {
  try {
    u.instance = new WebAssembly.Instance(u.module!, importsOf(core, u));
  } catch (e) {
    throw instantiateFailure(plan, u, e);
  }
  tablesOf(u);
  plan.stats.instantiate += lap(plan);
}

async function compileUnitAsync(plan: Plan, u: PendingUnit): Promise<void> {
  // Time spent waiting for the event loop between steps is not the commit's.
  lap(plan);
  try {
    u.module = await WebAssembly.compile(u.bytes as BufferSource);
  } catch (e) {
    throw linkOrCompileFailure(plan, u, e);
  }
  plan.stats.compile += lap(plan);
}

/**
 * Compile every unit in the background and instantiate none: for a plan that must not touch the
 * runtime before it knows it is still current (a compaction whose module writes live slots when
 * instantiated); `instantiateNow` finishes it.
 */
export async function compileOnly(plan: Plan): Promise<void> {
  for (const u of unitsOf(plan)) if (!u.primary) await compileUnitAsync(plan, u);
}

/** Instantiate the units `compileOnly` compiled. */
export function instantiateNow(core: Core, plan: Plan): void {
  lap(plan);
  for (const u of unitsOf(plan)) if (!u.primary) instantiateUnit(core, plan, u);
  shareRealized(plan);
}

export async function realizeAsync(core: Core, plan: Plan): Promise<void> {
  for (const u of unitsOf(plan)) {
    if (u.primary) continue;
    await compileUnitAsync(plan, u);
    try {
      u.instance = await WebAssembly.instantiate(u.module!, importsOf(core, u));
    } catch (e) {
      throw instantiateFailure(plan, u, e);
    }
    tablesOf(u);
    plan.stats.instantiate += lap(plan);
  }
  shareRealized(plan);
}

function linkOrCompileFailure(plan: Plan, u: PendingUnit, e: unknown): AccreteError {
  if (u.kind === 'link') {
    const msg = e instanceof Error ? e.message : String(e);
    return inPlan(plan, u, fail('LinkError', `the engine rejected the linked module: ${msg}`, { stage: u.stage }, { cause: e }));
  }
  return compileFailure(plan, u, e);
}

// ---------------------------------------------------------------- publishing

function liveUnit(u: PendingUnit): Unit {
  return {
    kind: u.kind,
    bytes: u.bytes,
    module: u.module!,
    instance: u.instance!,
    funcs: u.funcs,
    exportAt: u.exportAt ?? 0,
    imports: u.imports,
    linkTable: u.linkTable,
    shared: u.shared,
    slotRefs: u.slotRefs,
    cellRefs: u.cellRefs,
    deps: u.deps,
    directCalls: u.directCalls,
    tier: u.tier,
    layout: u.layout,
    escaped: u.escaped,
  };
}

/** Make a realized plan's units live (each keeps its live form, for publish to install). */
export function goLive(plan: Plan): PendingUnit[] {
  const units = unitsOf(plan);
  for (let i = 0; i < units.length; i++) units[i]!.live = liveUnit(units[i]!);
  return units;
}

/** Write each unit's functions into their slots and `rt.fn` cells; attach link tables; hold refs. */
export function installUnits(core: Core, units: readonly PendingUnit[]): void {
  // Index loops: no iterator per unit (this runs once per commit, mostly before the engine has
  // optimised it).
  for (let k = 0; k < units.length; k++) {
    const u = units[k]!;
    const lu = u.live!;
    // Read only when a function is taken from an export (see tablesOf).
    let exp: WebAssembly.Exports | undefined;
    const funcs = u.funcs;
    // Functions handed over in a table of the module's own are fetched from it when first needed;
    // the parts of a compacted module share one source (slots keep it while deferred).
    const source = u.funcTable ? ((u.primary ?? u).funcSource ??= new FunctionSource(u.funcTable)) : undefined;
    // Where the unit's functions start among the module's (a compacted part's are a run of them).
    const at = lu.exportAt;
    const base = typeof at === 'number' ? at : 0;
    for (let i = 0; i < funcs.length; i++) {
      const n = funcs[i]!;
      const rec = u.records?.[i] ?? core.symbols.get(n);
      // A unit rebuilt from an older definition list (a relinked module) may still export a
      // function another stage has redefined since: its slot is that stage's now.
      if (rec?.kind !== 'func' || rec.stage !== u.stage) continue;
      if (u.installed?.[i] !== undefined) core.slots.installed(rec.slot);
      else if (!source || !core.slots.deferred(rec.slot, source, base + i)) {
        // Exports "0", "1"... are array-index keys: a number looks them up without making a string.
        exp ??= lu.instance.exports;
        const fn = (source ? source.table.get(base + i) : typeof at === 'number' ? (exp as unknown as Function[])[at + i] : exp[at[i]!]) as Function;
        core.slots.write(rec.slot, fn);
        if (rec.cell) rec.cell.current = fn;
        continue;
      }
      // The function stays in a table until something needs its object; a handle's cell does now.
      if (rec.cell) rec.cell.current = core.slots.get(rec.slot);
    }
  }
  for (let k = 0; k < units.length; k++) {
    const u = units[k]!;
    const lu = u.live!;
    // A module shared by several parts attaches its link table once, through its primary part.
    if (!u.primary && lu.linkTable && lu.imports) core.slots.attachLinkTable(lu.linkTable, lu.imports.link);
    core.holdRefs(lu);
  }
}

/** Rebuilt stages swap their code unit (dropping the old one's references and backedges). */
export function swapRecompiles(core: Core, plan: Plan): void {
  if (plan.recompiles === NO_RECOMPILES) return;
  for (const [s, u] of plan.recompiles) {
    const rec = core.stages.get(s)!;
    if (rec.code) {
      core.dropUnit(rec.code);
      core.removeDependents(s, rec.code.deps);
    }
    rec.code = u?.live;
    if (rec.code) core.addDependents(s, rec.code.deps);
    noteSingle(core, rec);
  }
}

/** Keep the set of compaction candidates: stages whose code is a baseline module of their own. */
export function noteSingle(core: Core, rec: StageRecord, h?: number): void {
  // A unit has a layout only when it is a baseline module of at most COMPACT_MAX_FUNCTIONS.
  const c = rec.code;
  if (rec.kind === 'code' && c?.layout && !c.shared && c.kind === 'code') core.singles.setHashed(rec.name, h ?? hashOf(rec.name), true);
  else core.singles.delete(rec.name);
}

/** A function's `rt.fn` cell passes to the record that redefines or revives its name. */
function inheritCell(from: SymbolRecord, to: SymbolRecord): void {
  if (from.kind === 'func' && from.cell && to.kind === 'func') to.cell = from.cell;
}

/**
 * The code unit's list of functions when it names exactly the stage's definitions (a stage of
 * functions only, the common case): the record and the unit then keep one list between them.
 */
function sameNames(code: Unit | undefined, records: readonly SymbolRecord[]): string[] | undefined {
  const funcs = code?.funcs as string[] | undefined;
  if (!funcs || funcs.length !== records.length) return undefined;
  for (let i = 0; i < funcs.length; i++) if (funcs[i] !== records[i]!.name) return undefined;
  return funcs;
}

/** Make a realized plan visible. Nothing here can fail on valid state. */
export function publish(core: Core, plan: Plan, recordStage: boolean): StageInfo {
  core.settleDrops();
  if (plan.memWrites.length) {
    const v = core.view();
    for (const w of plan.memWrites) w(v);
  }
  const units = goLive(plan);
  // Symbols first, so slot lookups below see the new records, and handles' cells with them, so
  // installing points them at the new functions. (Index loops: this runs once per commit, where an
  // iterator per loop costs more than the loop.)
  const replaced = plan.replaced;
  for (let i = 0; i < replaced.length; i++) {
    const prev = replaced[i]![0];
    const r = replaced[i]![1];
    core.successor.set(prev, r);
    inheritCell(prev, r);
  }
  const records = plan.records;
  const tombstones = core.tombstones.size > 0;
  // The planner's hashes, when the plan is a stage's; a big one's slots are fetched together
  // (the compile and instantiation since have pushed them out of cache).
  const hashes = plan.hashes;
  if (hashes && records.length >= PREFETCH_MIN) core.symbols.prefetch(hashes, records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const h = hashes ? hashes[i]! : hashOf(r.name);
    core.symbols.setHashed(r.name, h, r);
    if (tombstones) {
      const t = core.tombstones.getHashed(r.name, h);
      if (t) {
        inheritCell(t, r);
        core.tombstones.delete(r.name);
      }
    }
    if (r.kind === 'tag') core.tagsById.set(r.id, r);
  }
  installUnits(core, units);
  swapRecompiles(core, plan);
  const code = plan.code?.live;
  const host = plan.host?.live;
  plan.stats.wire = lap(plan);
  plan.stats.bytes = (code?.bytes.length ?? 0) + (host?.bytes.length ?? 0);
  plan.stats.functions = (code?.funcs.length ?? 0) + (host?.funcs.length ?? 0);
  plan.stats.total = plan.stats.build + plan.stats.optimize + plan.stats.compile + plan.stats.instantiate + plan.stats.wire;
  // The plan is done: its names are shared, frozen, by the stage record and the info; the record
  // keeps its stats as a row of numbers (stats-table.ts), the info the object.
  const stats = plan.stats;
  const names = Object.freeze(sameNames(code, plan.records) ?? namesOf(plan.records));
  if (recordStage) {
    const rec: StageRecord = {
      name: plan.name,
      seq: core.stageSeq++,
      kind: plan.kind,
      tier: plan.tier,
      defined: names,
      code,
      host,
      statsRow: core.stageStats.add(stats),
      relink: plan.relink,
    };
    const h = plan.nameHash ?? hashOf(plan.name);
    core.stages.setHashed(plan.name, h, rec);
    if (code && code.deps.size) core.addDependents(plan.name, code.deps);
    noteSingle(core, rec, h);
  }
  // Nothing is left to undo (a fresh array: truncating one is a builtin call, cold here).
  plan.undo = [];
  core.generation++;
  // Not frozen, nor are its stats (V8 freezes an object in C++: ~500 instructions and a few cache
  // lines fetched, per object per commit): both are the caller's own, and changing them changes
  // nothing else. The names are the stage record's, so they stay frozen.
  return {
    name: plan.name,
    symbols: names,
    // A plan's own recompile map is made by its first entry, so it is never empty.
    recompiled: plan.recompiles !== NO_RECOMPILES ? Object.freeze([...plan.recompiles.keys()]) : NO_STRINGS,
    stats,
  };
}

