// The commit pipeline's first step: plan (validate, reserve, build, lower); realize.ts compiles,
// instantiates and publishes. Everything before publish is undoable and publish cannot fail, so a
// failed commit leaves the runtime exactly as it was.

import { FuncBuilder } from '../codegen/ir/builder.js';
import { analyze, NO_NAMES, type References } from '../codegen/ir/analyze.js';
import type { FuncIR } from '../codegen/ir/nodes.js';
import { KEEP_TREE_MAX, keptTree, LazyFunc, isTree, sameWords, type PackedFunc } from '../codegen/ir/packed.js';
import { keptFacts, keptSize, packTogether } from '../codegen/ir/pack.js';
import { scanFacts, type BodyFacts } from '../codegen/ir/scan.js';
import type { SymbolInfo } from '../codegen/ir/symbols.js';
import { verifyFunc } from '../codegen/ir/verify.js';
import { encodeModule } from '../codegen/lower/encode.js';
import type { StreamBody } from '../codegen/lower/encode-stream.js';
import { encodeThunks, type ThunkSpec } from '../codegen/lower/thunks.js';
import { optimizerSync } from '../codegen/optimizer.js';
import { pipelineFor, runPasses } from '../codegen/passes/registry.js';
import { BALANCED_MAX_DEPTH, depthOf } from '../codegen/passes/balance.js';
import type { Core, RelinkResult, StageRecord } from './core.js';
import { AccreteError, fail, stackLimit } from './errors.js';
import type { Tier } from './options.js';
import type { Def, Stage, StageStats } from './stage.js';
import { hashOf } from './name-table.js';
import type { FuncRecord, SymbolRecord } from './symbols.js';
import { checkRedefinition, reserve } from './reserve.js';
import { PendingUnit } from './pending.js';

export interface Plan {
  name: string;
  kind: StageRecord['kind'];
  tier: Tier;
  generation: number;
  undo: Array<() => void>;
  /** New records (and replacements, for redefinitions), in definition order. */
  records: SymbolRecord[];
  /** Unit of the new stage and its host thunks. */
  code: PendingUnit | undefined;
  host: PendingUnit | undefined;
  /** Other stages whose code is rebuilt (undefined: their code unit is dropped); add with `recompile`. */
  recompiles: ReadonlyMap<string, PendingUnit | undefined>;
  memWrites: Array<(v: DataView) => void>;
  stats: StageStats;
  relink: StageRecord['relink'];
  /** Symbols of other stages that leave them (retirement). */
  removals: string[];
  /** Records this plan's records replace (redefinitions): their successors once it publishes. */
  replaced: Array<[SymbolRecord, SymbolRecord]>;
  /** When the last phase ended (see `lap`): one clock read per phase boundary. */
  clock: number;
  /**
   * Slots reserved new (not revived, not kept by a redefinition), in definition order: no live
   * code can reach them. One undo gives them all back.
   */
  allocated: number[] | undefined;
  /** The units to realize, listed once the plan is complete (realize.ts, `unitsOf`). */
  units: PendingUnit[] | undefined;
  /** Each record's name hashed for the symbol table, by index in `records` (a stage's `hashes`). */
  hashes: readonly number[] | undefined;
  /** The stage's name hashed (`hashOf`), when the plan is a stage's (its `nameHash`). */
  nameHash: number | undefined;
}

// Node's global `performance` is a lazy getter: read it once.
const perf = performance;
export const now = (): number => perf.now();

/** Time since the plan's previous phase boundary, which becomes now. */
export function lap(plan: Plan): number {
  const t = perf.now();
  const d = t - plan.clock;
  plan.clock = t;
  return d;
}

/** One shared empty set: most units fold nothing and call nothing directly (memory per stage counts). */
export { NO_NAMES };
const setOrEmpty = (names: string[]): Set<string> => (names.length ? new Set(names) : NO_NAMES);
const NO_NUMBERS: number[] = Object.freeze([]) as unknown as number[];
/**
 * Stages with more functions than this keep their module: its ~15 KB of engine overhead is
 * already small beside their code, and only smaller stages get the body layout merging needs.
 */
export const COMPACT_MAX_FUNCTIONS = 32;
const arrayOrEmpty = (xs: number[]): number[] => (xs.length ? xs : NO_NUMBERS);

/**
 * The names of `xs`, in order. A loop rather than `map`: on V8 13 the per-commit code runs in the
 * mid tier (Maglev) for its first ~10,000 commits, which calls the builtin, cold in a small commit.
 * Sized up front: the stage record and the unit keep these arrays, and one grown by `push` keeps
 * room for 17 names (~130 B more per one-function stage, measured in a heap snapshot).
 */
export function namesOf(xs: ReadonlyArray<{ readonly name: string }>): string[] {
  const out = new Array<string>(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = xs[i]!.name;
  return out;
}

/**
 * A commit's statistics, as a class rather than a literal: its objects' shape is theirs alone. A
 * plain object with the same fields in the same order shares their hidden class, and one holding a
 * double where a commit's holds a small integer changes that field's representation under every
 * commit (rt.stats made such objects: each commit after one measured ~5 µs slower on Node 20).
 */
class CommitStats implements StageStats {
  bytes = 0;
  functions = 0;
  tier: Tier;
  build = 0;
  optimize = 0;
  compile = 0;
  instantiate = 0;
  wire = 0;
  total = 0;
  constructor(tier: Tier) {
    this.tier = tier;
  }
}

export function emptyStats(tier: Tier): StageStats {
  return new CommitStats(tier);
}

/** Most plans rebuild no other stage: they share this empty map until `recompile` gives them one. */
class NoRecompiles extends Map<string, PendingUnit | undefined> {
  override set(): this {
    throw new Error('internal: the shared empty recompile map was added to');
  }
}
export const NO_RECOMPILES: ReadonlyMap<string, PendingUnit | undefined> = new NoRecompiles();

/** Rebuild stage `s` as part of the plan (`u` undefined: its code unit is dropped). */
export function recompile(plan: Plan, s: string, u: PendingUnit | undefined): void {
  let m = plan.recompiles as Map<string, PendingUnit | undefined>;
  if (m === NO_RECOMPILES) plan.recompiles = m = new Map();
  m.set(s, u);
}

export function newPlan(core: Core, name: string, kind: StageRecord['kind'], tier: Tier): Plan {
  return {
    name,
    kind,
    tier,
    generation: core.generation,
    undo: [],
    records: [],
    code: undefined,
    host: undefined,
    recompiles: NO_RECOMPILES,
    memWrites: [],
    stats: emptyStats(tier),
    relink: undefined,
    removals: [],
    replaced: [],
    clock: now(),
    allocated: undefined,
    units: undefined,
    hashes: undefined,
    nameHash: undefined,
  };
}

/** Undo a plan's reservations (a failed commit). */
export function abandon(plan: Plan): void {
  for (let i = plan.undo.length - 1; i >= 0; i--) plan.undo[i]!();
  plan.undo = [];
}

/** Place an error in a stage/definition, wrapping foreign errors thrown by user callbacks. */
export function placed(e: unknown, stage: string, definition?: string): AccreteError {
  e = stackLimit(e, {});
  if (e instanceof AccreteError) {
    // Placed in another stage already (a commit of it refused inside this body): say where from.
    if (e.stage !== undefined && e.stage !== stage && definition !== undefined && e.definition === undefined) {
      return fail(e.code, `${e.bare} (in the body of stage '${stage}', '${definition}')`, { stage: e.stage }, { cause: e, ...(e.detail !== undefined ? { detail: e.detail } : {}) });
    }
    return e.at({ stage, ...(definition !== undefined ? { definition } : {}) });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return fail('InvalidBody', `the body builder threw: ${msg}`, { stage, ...(definition !== undefined ? { definition } : {}) }, { cause: e });
}

/**
 * An error from rebuilding stage `s` as part of another stage's commit (`plan`): placed in the
 * commit's stage, saying which stage and definition it was rebuilding, so that neither a stage
 * nor a definition of another stage is named as if it were the commit's.
 */
export function rebuildError(e: unknown, plan: Plan, s: string): AccreteError {
  const err = placed(stackLimit(e, {}), s);
  if (s === plan.name) return err;
  const what = `rebuilding stage '${err.stage ?? s}'${err.definition !== undefined ? `, '${err.definition}'` : ''}, which depends on what this commit changes`;
  return fail(err.code, `${what}: ${err.bare}`, { stage: plan.name }, { cause: err, ...(err.detail !== undefined ? { detail: err.detail } : {}) });
}

// ---------------------------------------------------------------- planning

/** Stages with at least this many definitions prefetch their names' symbol-table slots (NameTable.prefetch). */
export const PREFETCH_MIN = 16;

/** Plan a stage of definitions. Throws (with nothing reserved) on any bad input. */
export function planStage(core: Core, stage: Stage): Plan {
  const plan = newPlan(core, stage.name, 'code', stage.tier);
  try {
    plan.nameHash = stage.nameHash;
    if (core.stages.hasHashed(stage.name, stage.nameHash)) throw fail('UnknownStage', `a live stage is already named '${stage.name}'`, { stage: stage.name });
    // The stage's own records sit beside its definitions (stage.indexOfHashed says where): no second map.
    const defs = stage.defs;
    // Sized up front, as the lists below: pushed into, an empty array gets room for 17 from a builtin call.
    const records = new Array<SymbolRecord>(defs.length);
    const lookup = (n: string) => {
      const h = hashOf(n);
      const i = stage.indexOfHashed(n, h);
      return (i >= 0 ? records[i] : undefined) ?? core.symbols.getHashed(n, h);
    };
    let facts: Array<BodyFacts | undefined> | undefined;
    // The bodies kept packed, by index in `irs`: the encoder reads their words (encode-stream.ts).
    let packed: Array<StreamBody | undefined> | undefined;
    const hostDefs: Array<Extract<Def, { kind: 'host' }>> = [];
    const redefined: string[] = [];
    let funcs = 0;
    const hashes = (plan.hashes = stage.hashes);
    // A big stage's names are mostly fresh: each lookup misses, and the table is big by then.
    if (defs.length >= PREFETCH_MIN) core.symbols.prefetch(hashes, defs.length);
    for (let i = 0; i < defs.length; i++) {
      const def = defs[i]!;
      try {
        const old = core.symbols.getHashed(def.name, hashes[i]!);
        if (old) {
          checkRedefinition(old, def);
          redefined.push(def.name);
        }
        records[i] = reserve(core, plan, def, old, lookup);
        if (old) plan.replaced.push([old, records[i]!]);
        if (def.kind === 'host') hostDefs.push(def);
        else if (def.kind === 'func') funcs++;
      } catch (e) {
        throw placed(e, stage.name, def.name);
      }
    }
    // Records are SymbolInfos already: hand them out as they are, with no copy per reference.
    const resolver = { resolve: (n: string) => lookup(n) };
    const irs = new Array<FuncIR>(funcs);
    const funcRecords = new Array<SymbolRecord>(funcs);
    let k = 0;
    // A stage big enough to pack (core.packMin) lists its small bodies kept as trees, with their
    // records (not inline ones: lowering reads those as trees); others list nothing.
    const pack = core.packMin > 0 && defs.length >= core.packMin;
    const trees: FuncIR[] | undefined = pack ? [] : undefined;
    const treeRecords: FuncRecord[] | undefined = pack ? [] : undefined;
    core.building = true;
    try {
      for (let i = 0; i < defs.length; i++) {
        const def = defs[i]!;
        if (def.kind !== 'func') continue;
        try {
          const b = new FuncBuilder(resolver, def.name, def.sig, def.paramNames);
          let kept;
          try {
            kept = b.finishKept(def.body(b));
          } finally {
            b.dispose();
          }
          // A body kept packed is lowered from its words; passes that need its tree unpack it.
          const ir = isTree(kept) ? kept : new LazyFunc(kept);
          // Verified once kept: finishing bounds the body's size, and the verifier walks the tree.
          // (Branches made by hand count too: the builder checked the rest of those nodes.)
          if (b.branches > 0) verifyFunc(ir);
          irs[k] = ir;
          // A body kept packed is analysed by scanning its words; a tree (small) is walked when lowered.
          if (!isTree(kept)) {
            const found = keptFacts(kept as PackedFunc);
            (facts ??= [])[k] = found;
            (packed ??= [])[k] = { body: kept as PackedFunc, prefixed: found.prefixed, exceptions: found.exceptions };
          }
          const rec = records[i]!;
          (rec as FuncRecord).ir = kept;
          funcRecords[k++] = rec;
          if (trees && ir === kept && !def.inline) {
            trees.push(kept);
            treeRecords!.push(rec as FuncRecord);
          }
        } catch (e) {
          throw placed(e, stage.name, def.name);
        }
      }
    } finally {
      core.building = false;
    }
    plan.records = records;
    if (hostDefs.length) plan.host = hostUnit(core, stage.name, hostDefs);
    if (irs.length) {
      try {
        plan.code = codeUnit(core, plan, stage.name, stage.tier, irs, lookup, true, installable(core, plan, stage.tier), facts, packed);
      } catch (e) {
        // Lowering's own errors (an engine limit) name the definition; say which stage too.
        throw e instanceof AccreteError ? e.at({ stage: stage.name }) : e;
      }
      plan.code.records = funcRecords;
      if (trees && trees.length >= core.packMin) keepPacked(trees, treeRecords!);
    }
    planRecompiles(core, plan, redefined, lookup);
    plan.stats.build = lap(plan) - plan.stats.optimize;
    return plan;
  } catch (e) {
    abandon(plan);
    throw stackLimit(e, { stage: stage.name });
  }
}

/**
 * Keep a big stage's small bodies packed together (one array of words for all of them) instead of
 * as trees, once they are lowered (core.packMin says where that pays). A failure would be a bug in
 * the packer; it fails the commit, which has changed nothing yet.
 */
function keepPacked(trees: readonly FuncIR[], records: readonly FuncRecord[]): void {
  const packed = packTogether(trees);
  if (packed) for (let i = 0; i < records.length; i++) records[i]!.ir = packed[i];
}

/**
 * Which functions the stage's module may write into their slots itself (an active element
 * segment at instantiation, instead of exports and a table.set each from JavaScript). Only on
 * engines where modules import the shared table anyway (importing it is O(table size) on V8 11),
 * only for fresh slots (the write happens before publish, so no live code may reach the slot),
 * and only in the baseline tier (the optimizing tier's cost is elsewhere). A failed commit puts
 * back what the slots held.
 */
function installable(core: Core, plan: Plan, tier: Tier): Array<number | undefined> | undefined {
  const fresh = plan.allocated;
  if (!fresh || fresh.length < core.installMin || core.linking !== 'shared-table' || tier !== 'baseline') return undefined;
  // Fresh slots were allocated in definition order, so one walk beside the records finds them.
  const install: Array<number | undefined> = [];
  const slots: number[] = [];
  let p = 0;
  for (const r of plan.records) {
    if (r.kind !== 'func') continue;
    const isFresh = fresh[p] === r.slot;
    if (isFresh) p++;
    if (r.host) continue;
    install.push(isFresh ? r.slot : undefined);
    if (isFresh) slots.push(r.slot);
  }
  if (slots.length === 0 || slots.length < core.installMin) return undefined;
  const before = slots.map((s) => core.slots.get(s));
  plan.undo.push(() => slots.forEach((s, i) => core.slots.restore(s, before[i]!)));
  return install;
}

/**
 * The optimizing tier stops inlining on its own once the caller would have more locals than
 * AUTO_INLINE_LOCALS, or has AUTO_INLINE_BODIES inlined: each inlined call brings its callee's
 * locals (unless an ended body's are free), and binaryen's time grows faster than the code. A
 * function calling a 20-local helper 2,600 times, re-tiered: no inlining 0.37 s; inlined up to
 * 2,000 locals 0.78 s, 10,000 locals 7 s, every call (54,602 locals, past the engines') 6 minutes.
 * With ended bodies' locals reused, every call 7.5 s, 200 of them 1.3 s (0.8 s none, same run).
 */
const AUTO_INLINE_LOCALS = 2000;
const AUTO_INLINE_BODIES = 200;
const NO_CALLER = { locals: 0, inlined: 0 };
const autoInlines = (caller: { locals: number; inlined: number }, brings: number) => caller.inlined < AUTO_INLINE_BODIES && caller.locals + brings <= AUTO_INLINE_LOCALS;

/** A stage's functions after the passes, with what they refer to and depend on. */
export interface LoweredStage {
  lowered: readonly FuncIR[];
  refs: References;
  deps: Set<string>;
}

/**
 * Run the passes over a stage's functions. `fresh` says the trees were just built against
 * `lookup`; others (stored bodies being recompiled) are rebound first, since lowering trusts what
 * each node resolved to. `facts`: what scanning found in the fresh bodies kept packed (analyze).
 */
export function lowerFuncs(
  core: Core,
  stage: string,
  tier: Tier,
  irs: readonly FuncIR[],
  lookup: (n: string) => SymbolRecord | undefined,
  fresh: boolean,
  facts?: ReadonlyArray<BodyFacts | undefined>,
): LoweredStage {
  let deps: Set<string> | undefined;
  // Each callee's body is unpacked once per lowering, however many calls inline it.
  let unpacked: Map<FuncRecord, FuncIR> | undefined;
  const inlineBody = (n: string, was?: SymbolInfo, caller = NO_CALLER) => {
    const r = lookup(n);
    if (r?.kind !== 'func' || !r.ir) return undefined;
    // Declared inline: always (past the engine's locals, an error says so). Otherwise the
    // optimizing tier inlines small bodies by itself (the engine will not inline a call through a
    // table), with the same backedge, within a budget per caller (see AUTO_INLINE_LOCALS).
    if (!r.inline && !(tier === 'optimizing' && r.stage !== stage && keptSize(r.ir) <= core.opts.autoInline && autoInlines(caller, r.sig.params.length + r.ir.locals.length))) return undefined;
    // A call bound to a retired function stays a call (to its stub), whatever the name means now.
    if (was && rebound(core, lookup, n, was) !== r) return undefined;
    let f = (unpacked ??= new Map()).get(r);
    if (f === undefined) unpacked.set(r, (f = keptTree(r.ir)));
    return f;
  };
  let lowered = irs;
  // Calls of the stage's own functions are direct only when bound to them (analyze.ts, `bindsOwn`).
  const current = { symbol: lookup };
  let refs = analyze(irs, facts, current);
  // Inlining only when some callee asks for it: most stages have nothing to inline. Trees built
  // just now know (from what their calls resolved to) unless the tier inlines on its own.
  const inlining = fresh && tier === 'baseline' ? refs.callsInline : [...new Set(refs.slotCalls), ...refs.directCalls].some((n) => inlineBody(n) !== undefined);
  const pipeline = pipelineFor(tier, inlining, fresh);
  if (pipeline.length) {
    const passCtx = {
      inlineBody,
      dependOn: (n: string) => void (deps ??= new Set()).add(n),
      resolve: (n: string, was?: SymbolInfo) => rebound(core, lookup, n, was),
    };
    const out = irs.map((f) => runPasses(f, pipeline[0] === 'inline' && !walkable(f) ? pipeline.slice(1) : pipeline, passCtx));
    // Bodies no pass changed keep their packed words and scanned facts (no deep tree walked).
    if (out.some((f, i) => f !== irs[i])) refs = analyze((lowered = out), facts && sameBodies(facts, out, irs), current);
  }
  // Most code folds no constant: no set iterator for an empty set.
  if (refs.constants.size) for (const c of refs.constants) (deps ??= new Set()).add(c);
  return { lowered, refs, deps: deps ?? NO_NAMES };
}

/**
 * Whether inlining may walk `f` as a tree (it recurses once per level). A body nested deeper keeps
 * its calls of inline functions as calls, through their slots: the same result, and the body
 * stays compilable and rebuildable from its words (a balanced tree's limit says how deep is safe).
 */
function walkable(f: FuncIR): boolean {
  if (!(f instanceof LazyFunc) || f.packed.size <= BALANCED_MAX_DEPTH) return true;
  return !f.body.some((e) => depthOf(e) > BALANCED_MAX_DEPTH);
}

/**
 * What `per` says of each function that `now` holds as `before` did: the same body, or the same
 * packed words with their references rebound (what `per` says depends on the names alone).
 */
const sameBodies = <T>(per: ReadonlyArray<T | undefined>, now: readonly FuncIR[], before: readonly FuncIR[]) => (now === before ? per : per.map((x, i) => (sameWords(now[i], before[i]) ? x : undefined)));

/** The packed bodies the encoder reads, each with the rebinding a pass gave it (see rebind.ts). */
function streamBodies(packed: ReadonlyArray<StreamBody | undefined>, now: readonly FuncIR[], before: readonly FuncIR[]): Array<StreamBody | undefined> | ReadonlyArray<StreamBody | undefined> {
  if (now === before) return packed;
  return packed.map((p, i) => {
    const f = now[i];
    if (p === undefined || f === before[i]) return p;
    return f instanceof LazyFunc && f.packed === p.body ? { ...p, rebind: f.rebind } : undefined;
  });
}

/** Functions of the unit that other functions of it call directly (redefining one rebuilds it). */
function directCallees(refs: References): Set<string> {
  if (!refs.callers.size) return NO_NAMES;
  return setOrEmpty([...refs.callers].filter(([callee, callers]) => [...callers].some((c) => c !== callee)).map(([callee]) => callee));
}

/** Lower IR functions into a code unit of `stage` (see lowerFuncs for `fresh`). */
export function codeUnit(
  core: Core,
  plan: Plan,
  stage: string,
  tier: Tier,
  irs: readonly FuncIR[],
  lookup: (n: string) => SymbolRecord | undefined,
  fresh = false,
  install?: ReadonlyArray<number | undefined>,
  facts?: ReadonlyArray<BodyFacts | undefined>,
  packed?: ReadonlyArray<StreamBody | undefined>,
): PendingUnit {
  const low = lowerFuncs(core, stage, tier, irs, lookup, fresh, facts);
  const ctx = core.lowerContext(lookup);
  // Only stages small enough to be compacted keep the layout merging copies their bodies by.
  const layout = tier === 'baseline' && irs.length <= COMPACT_MAX_FUNCTIONS;
  const exportTable = !install && core.linking === 'link-table' && irs.length >= core.installMin;
  // Packed bodies stand for the trees only if no pass rewrote them.
  const enc = encodeModule({ name: stage, funcs: low.lowered, ctx, refs: low.refs, install, layout, exportTable, packed: packed && streamBodies(packed, low.lowered, irs) });
  let bytes = enc.bytes;
  const imports = enc.imports;
  if (tier === 'optimizing') {
    const t = now();
    try {
      bytes = optimizerSync('the optimizing tier').optimize(bytes);
    } catch (e) {
      // Code binaryen cannot optimise within the stack (Node 24's is the tighter) runs as the
      // baseline tier wrote it: the same behaviour, not a failed commit.
      if (!(e instanceof AccreteError && e.code === 'ResourceExhausted')) throw e;
    }
    plan.stats.optimize += now() - t;
  }
  if (core.opts.validate) checkValid(core, bytes, stage);
  // The encoder saw every slot and cell the code names: no second pass over the names needed.
  const u = new PendingUnit(stage, 'code', tier, namesOf(irs), bytes, imports, undefined, arrayOrEmpty(enc.slotRefs), arrayOrEmpty(enc.cellRefs), low.deps.size ? low.deps : NO_NAMES, directCallees(low.refs));
  u.installed = install;
  u.exportsTable = exportTable;
  u.layout = enc.layout;
  u.escaped = escapedSlots(core, lookup, low.refs);
  return u;
}

function escapedSlots(core: Core, lookup: (n: string) => SymbolRecord | undefined, refs: References): readonly number[] | undefined {
  if (refs.slotRefs.size === 0) return undefined;
  const out: number[] = [];
  for (const n of refs.slotRefs) {
    const r = lookupOrTombstone(core, lookup, n);
    if (r?.kind === 'func') out.push(r.slot);
  }
  return out;
}

/**
 * A host function as its thunk imports it: what it throws goes through `Core.intoWasm`, so a
 * runtime exception keeps its tag and payload on the way back into wasm, and `Core.hostDepth`
 * says wasm frames are on the stack while it runs. One wrapper per arity up to three, so a host
 * call makes no argument array.
 */
function hostEntry(core: Core, fn: Function, arity: number): Function {
  const f = fn as (...a: unknown[]) => unknown;
  switch (arity) {
    case 0:
      return () => {
        core.hostDepth++;
        try {
          return f();
        } catch (e) {
          throw core.intoWasm(e);
        } finally {
          core.hostDepth--;
        }
      };
    case 1:
      return (a: unknown) => {
        core.hostDepth++;
        try {
          return f(a);
        } catch (e) {
          throw core.intoWasm(e);
        } finally {
          core.hostDepth--;
        }
      };
    case 2:
      return (a: unknown, b: unknown) => {
        core.hostDepth++;
        try {
          return f(a, b);
        } catch (e) {
          throw core.intoWasm(e);
        } finally {
          core.hostDepth--;
        }
      };
    case 3:
      return (a: unknown, b: unknown, c: unknown) => {
        core.hostDepth++;
        try {
          return f(a, b, c);
        } catch (e) {
          throw core.intoWasm(e);
        } finally {
          core.hostDepth--;
        }
      };
    default:
      return (...args: unknown[]) => {
        core.hostDepth++;
        try {
          return f(...args);
        } catch (e) {
          throw core.intoWasm(e);
        } finally {
          core.hostDepth--;
        }
      };
  }
}

/** With the validate option, binaryen checks every generated module (a failure is a bug). */
export function checkValid(core: Core, bytes: Uint8Array, stage: string): void {
  if (!core.opts.validate) return;
  const text = optimizerSync('the validate option').validate(bytes);
  if (text) throw fail('Internal', 'the generated module does not validate', { stage }, { detail: text });
}

function hostUnit(core: Core, stage: string, defs: ReadonlyArray<Extract<Def, { kind: 'host' }>>): PendingUnit {
  const specs: ThunkSpec[] = defs.map((d) => ({ kind: 'forward', name: d.name, sig: d.sig }));
  const host: Record<string, Function> = {};
  defs.forEach((d, i) => (host[`h${i}`] = hostEntry(core, d.fn, d.sig.params.length)));
  return new PendingUnit(stage, 'host', 'baseline', defs.map((d) => d.name), encodeThunks(stage, specs), undefined, host, [], [], NO_NAMES, NO_NAMES);
}

/**
 * Rebuild every stage whose code folded in a definition that changes (an inlined function, a
 * constant), or calls a moved function directly. The rebuilt code goes into the same slots.
 */
export function planRecompiles(core: Core, plan: Plan, changed: readonly string[], lookup: (n: string) => SymbolRecord | undefined): void {
  if (changed.length === 0) return;
  const affected = new Set<string>();
  for (const n of changed) {
    for (const s of core.dependents.get(n) ?? []) affected.add(s);
    const old = core.symbols.get(n);
    if (old?.kind === 'func') {
      const owner = core.stages.get(old.stage);
      if (owner?.code?.directCalls.has(n)) affected.add(owner.name);
    }
  }
  affected.delete(plan.name);
  for (const s of affected) {
    const rec = core.stages.get(s)!;
    if (rec.relink) {
      let r: RelinkResult;
      try {
        r = rec.relink(core, lookup);
      } catch (e) {
        throw rebuildError(e, plan, s);
      }
      recompile(plan, s, relinkedUnit(s, rec.tier, r));
      continue;
    }
    const owned: FuncRecord[] = [];
    for (const n of rec.defined) {
      if (plan.removals.includes(n)) continue;
      const r = lookup(n);
      if (r?.kind === 'func' && r.stage === s && r.ir) owned.push(r);
    }
    try {
      recompile(plan, s, owned.length ? storedUnit(core, plan, s, rec.tier, owned, lookup) : undefined);
    } catch (e) {
      throw rebuildError(e, plan, s);
    }
  }
}

/**
 * A stage's code unit lowered again from its functions' stored bodies. Bodies kept packed are read
 * from their words, as when they were built, not walked as trees: one nested too deep to walk must
 * stay rebuildable (its references are rebound as the encoder reads them: rebind.ts).
 */
export function storedUnit(core: Core, plan: Plan, stage: string, tier: Tier, funcs: readonly FuncRecord[], lookup: (n: string) => SymbolRecord | undefined): PendingUnit {
  const irs: FuncIR[] = [];
  let facts: Array<BodyFacts | undefined> | undefined;
  let packed: Array<StreamBody | undefined> | undefined;
  for (const r of funcs) {
    const kept = r.ir!;
    // Small bodies (trees, and those packed together with a compacted stage's: at most
    // KEEP_TREE_MAX nodes, so never deep) are lowered as trees.
    if (isTree(kept) || kept.size <= KEEP_TREE_MAX) {
      irs.push(keptTree(kept));
      continue;
    }
    const found = scanFacts(kept as PackedFunc);
    (facts ??= [])[irs.length] = found;
    (packed ??= [])[irs.length] = { body: kept as PackedFunc, prefixed: found.prefixed, exceptions: found.exceptions };
    irs.push(new LazyFunc(kept as PackedFunc));
  }
  return codeUnit(core, plan, stage, tier, irs, lookup, false, undefined, facts, packed);
}

export function relinkedUnit(stage: string, tier: Tier, r: RelinkResult): PendingUnit {
  const u = new PendingUnit(stage, 'link', tier, r.funcs, r.bytes, r.imports, undefined, r.slotRefs, r.cellRefs, r.deps, r.directCalls?.size ? r.directCalls : NO_NAMES);
  u.exportAt = r.exportNames;
  return u;
}

/**
 * What a stored node naming `n` means now, given what it meant (`was`). A redefinition keeps a
 * function's slot and a global's cell, so the live record is the node's unless the name was
 * retired and then defined anew in another slot or cell (another signature or type): the node
 * keeps the retired record then (calls reach the stub, reads the kept cell), as it does for a
 * constant it folded before the constant was retired.
 */
export function rebound(core: Core, lookup: (n: string) => SymbolRecord | undefined, n: string, was: SymbolInfo | undefined): SymbolRecord | undefined {
  const live = lookup(n);
  // The newest record of the node's lineage (redefinitions since the tree was built).
  let old = was as SymbolRecord | undefined;
  for (let next = old && core.successor.get(old); next; next = core.successor.get(next)) old = next;
  if (!old || !core.retired.has(old)) return live ?? core.tombstones.get(n);
  if (!live) return old;
  if (old.kind === 'func') return live.kind === 'func' && live.slot === old.slot ? live : old;
  if (old.kind === 'global') return live.kind === 'global' && live.address === old.address ? live : old;
  return old;
}

/** A live record, or the record of a retired function (recompiled callers keep calling its stub). */
export function lookupOrTombstone(core: Core, lookup: (n: string) => SymbolRecord | undefined, n: string): SymbolRecord | undefined {
  return lookup(n) ?? core.tombstones.get(n);
}
