// The commit path of the commonest stage: a few fresh functions of the baseline tier, committed
// synchronously (a Lisp's `eval` of one form, a method specialised on first call). It does what
// planStage, realizeSync and publish do for such a stage, without their bookkeeping for the rest.

import { hashOf } from './name-table.js';
import { Bodies, codeUnit, emptyStats, now, placed } from './commit.js';
import type { Core } from './core.js';
import { AccreteError, fail, stackLimit } from './errors.js';
import { compileError, finishCommit, importsOf, instantiateError, liveUnit, tablesOf } from './realize.js';
import type { PendingUnit } from './pending.js';
import type { Def, Stage, StageInfo } from './stage.js';
import { makeFuncRecord, type FuncRecord, type SymbolRecord } from './symbols.js';

/**
 * Most definitions a stage may have to take this path. A cold commit's cost is the code it runs
 * once, line by line (performance.md, "What a cold commit waits on"), and bigger stages, which
 * spread that over more functions, take the general path's handing over in bulk (`installMin`).
 */
export const SMALL_MAX = 7;

/**
 * Whether `stage` takes this path: at most SMALL_MAX functions (fewer than the runtime hands over
 * in bulk or packs together), none inline, none of whose names is defined or retired; checked
 * before anything is reserved, so the general path gets the others untouched.
 */
export function isSmall(core: Core, stage: Stage): boolean {
  const defs = stage.defs;
  const n = defs.length;
  if (stage.tier !== 'baseline' || n === 0 || n > SMALL_MAX || n >= core.installMin || (core.packMin > 0 && n >= core.packMin)) return false;
  const hashes = stage.hashes;
  const tombstones = core.tombstones.size > 0;
  for (let i = 0; i < n; i++) {
    const d = defs[i]!;
    if (d.kind !== 'func' || d.inline) return false;
    // A defined name is refused (or redefined) and a retired one revives its slot: both general.
    if (core.symbols.getHashed(d.name, hashes[i]!) !== undefined) return false;
    if (tombstones && core.tombstones.getHashed(d.name, hashes[i]!) !== undefined) return false;
  }
  return true;
}

/**
 * Commit a stage `isSmall` accepted. Until the module's functions are in their slots nothing but
 * the slots taken has changed, and a failure gives those back; from there on nothing can fail.
 */
export function commitSmall(core: Core, stage: Stage): StageInfo {
  const name = stage.name;
  if (core.stages.has(name)) throw fail('UnknownStage', `a live stage is already named '${name}'`, { stage: name });
  const stats = emptyStats('baseline');
  let clock = now();
  const defs = stage.defs as ReadonlyArray<Extract<Def, { kind: 'func' }>>;
  const n = defs.length;
  const records = new Array<FuncRecord>(n);
  let taken = 0;
  let u: PendingUnit;
  let instance: WebAssembly.Instance;
  try {
    for (; taken < n; taken++) {
      const d = defs[taken]!;
      records[taken] = makeFuncRecord(d.name, d.sig, core.slots.allocate(d.name), name, false, false);
    }
    const lookup = (x: string): SymbolRecord | undefined => {
      const h = hashOf(x);
      const i = stage.indexOfHashed(x, h);
      return i >= 0 ? records[i] : core.symbols.getHashed(x, h);
    };
    const resolver = { resolve: lookup };
    const bodies = new Bodies();
    core.building = true;
    try {
      for (let i = 0; i < n; i++) {
        try {
          records[i]!.ir = bodies.build(resolver, defs[i]!);
        } catch (e) {
          throw placed(e, name, defs[i]!.name);
        }
      }
    } finally {
      core.building = false;
    }
    try {
      u = codeUnit(core, stats, name, 'baseline', bodies.irs, lookup, true, undefined, bodies.facts, bodies.packed);
    } catch (e) {
      // Lowering's own errors (an engine limit) name the definition; say which stage too.
      throw e instanceof AccreteError ? e.at({ stage: name }) : e;
    }
    let t = now();
    stats.build = t - clock;
    clock = t;
    let module: WebAssembly.Module;
    try {
      module = new WebAssembly.Module(u.bytes as BufferSource);
    } catch (e) {
      throw compileError(u, e);
    }
    t = now();
    stats.compile = t - clock;
    clock = t;
    try {
      instance = new WebAssembly.Instance(module, importsOf(core, u));
    } catch (e) {
      throw instantiateError(u, e);
    }
    u.module = module;
    u.instance = instance;
    tablesOf(u);
    t = now();
    stats.instantiate = t - clock;
    clock = t;
  } catch (e) {
    for (let i = taken - 1; i >= 0; i--) core.slots.release(records[i]!.slot);
    throw stackLimit(e, { stage: name });
  }
  // Publish: the symbols, then the functions into their slots (exports "0".."n-1", in order).
  core.settleDrops();
  const hashes = stage.hashes;
  for (let i = 0; i < n; i++) core.symbols.setHashed(records[i]!.name, hashes[i]!, records[i]!);
  const live = liveUnit(u);
  const exports = instance.exports as unknown as Function[];
  for (let i = 0; i < n; i++) core.slots.write(records[i]!.slot, exports[i]!);
  if (live.linkTable && live.imports) core.slots.attachLinkTable(live.linkTable, live.imports.link);
  core.holdRefs(live);
  stats.wire = now() - clock;
  // The unit's list of names is the stage's: the record and the info share it.
  return finishCommit(core, name, 'code', 'baseline', Object.freeze(u.funcs), live, undefined, stats, undefined, NO_STRINGS);
}

const NO_STRINGS: readonly string[] = Object.freeze([]);
