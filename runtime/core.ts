// The runtime's state and the primitive operations every other part builds on: symbol
// resolution, the records of live stages, installing a compiled unit into its slots, the
// callables handed to JS, and turning wasm exceptions into JS errors.

import type { MemoryShape } from '../codegen/wasm/sections.js';
import type { CallLinking, LowerContext, ModuleImports } from '../codegen/lower/encode.js';
import type { BodyLayout } from '../codegen/lower/body-layout.js';
import { encodeDispatcher } from '../codegen/lower/thunks.js';
import { sigKey, type Sig } from '../codegen/ir/nodes.js';
import type { Resolver, SymbolInfo } from '../codegen/ir/symbols.js';
import { AccreteException, fail } from './errors.js';
import { chooseExceptions, choosePackMin, type EngineInfo, type Features } from './features.js';
import { CellAllocator, RttAllocator, type Layout } from './layout.js';
import type { ResolvedOptions, Tier } from './options.js';
import { SlotTable } from './slots.js';
import { NameTable } from './name-table.js';
import { isWasmException, makeException, makeTag, type WasmTag } from './wasm-eh.js';
import { StatsTable } from './stats-table.js';
import type { FnCell, FuncRecord, SymbolRecord, TagRecord } from './symbols.js';
import { checkValue } from './stage.js';

/** A compiled and instantiated module that belongs to a stage. */
export interface Unit {
  readonly kind: 'code' | 'host' | 'link' | 'stub';
  readonly bytes: Uint8Array;
  readonly module: WebAssembly.Module;
  readonly instance: WebAssembly.Instance;
  /**
   * Where the function named `funcs[i]` is: export `exportAt[i]` (a linked module's own names), or,
   * for a number, the module's function `exportAt + i`, exported as `String(exportAt + i)` or held at
   * that index of the table it hands its functions over in. A compacted part's functions are a run
   * of its module's (one number per part, not a list of strings).
   */
  readonly funcs: readonly string[];
  readonly exportAt: readonly string[] | number;
  readonly imports: ModuleImports | undefined;
  readonly linkTable: WebAssembly.Table | undefined;
  /** Set when several stages share one module (compaction): how many of their parts are live. */
  readonly shared: { live: number } | undefined;
  /** Slots and global cells the code refers to; they stay unreused while this unit lives. */
  readonly slotRefs: readonly number[];
  readonly cellRefs: readonly number[];
  /** Definitions folded into the code (inlined functions, constants): its backedges. */
  readonly deps: ReadonlySet<string>;
  /** Functions of the same unit called directly. */
  readonly directCalls: ReadonlySet<string>;
  readonly tier: Tier;
  /** Where its bodies lie in `bytes` (baseline modules of one stage): compaction copies them. */
  readonly layout: BodyLayout | undefined;
  /** Slots the code takes as values (`b.slotOf`): never reused once retired. */
  readonly escaped?: readonly number[] | undefined;
}

export interface StageRecord {
  readonly name: string;
  readonly seq: number;
  readonly kind: 'code' | 'link' | 'root';
  /** The tier its code is compiled with (re-tiering changes it). */
  tier: Tier;
  /**
   * Names the stage defined. Those it still owns are the ones whose record names it as their stage
   * (a later redefinition moves a name away): see `Core.ownedBy`.
   */
  readonly defined: readonly string[];
  code: Unit | undefined;
  host: Unit | undefined;
  /** Its commit's statistics: a row of `Core.stageStats`. */
  readonly statsRow: number;
  /** For linked stages: how to rebuild the unit when something it folded changes. */
  relink: ((core: Core, lookup: (name: string) => SymbolRecord | undefined) => RelinkResult) | undefined;
}

export interface RelinkResult {
  bytes: Uint8Array;
  imports: ModuleImports;
  funcs: string[];
  exportNames: string[];
  slotRefs: number[];
  cellRefs: number[];
  deps: Set<string>;
  /** Exported functions the module calls directly: redefining one elsewhere relinks it. */
  directCalls?: Set<string>;
}

export class Core implements Resolver {
  readonly symbols = new NameTable<SymbolRecord>();
  /** Functions retired while other stages still call their slots: recompiles lower to the stub. */
  readonly tombstones = new NameTable<SymbolRecord>();
  /** Every record retired so far (a tombstone leaves when its name is defined again; this stays). */
  readonly retired = new WeakSet<SymbolRecord>();
  /** The record that redefined each redefined record: stored trees name the record they were built against. */
  readonly successor = new WeakMap<SymbolRecord, SymbolRecord>();
  /**
   * Live stages by name. A NameTable, not a Map, for the reason the symbols are one: every commit
   * misses it twice (is the name free?) and inserts once, and among other work a Map's miss and
   * insert each cost a few cache misses (batch-throughput N=1, Node 24: +0.02–0.04× with both
   * this and `singles` as NameTables; performance.md).
   */
  readonly stages = new NameTable<StageRecord>();
  /** Backedges, inverted: symbol name → stages whose code folded it in. */
  readonly dependents = new Map<string, Set<string>>();
  readonly tagsById = new Map<number, TagRecord>();
  /** Stages whose code is a baseline module of their own: what compaction may merge (see `stages`). */
  readonly singles = new NameTable<true>();
  readonly slots: SlotTable;
  readonly globalCells: CellAllocator;
  readonly rtts: RttAllocator;
  readonly exnTag: WasmTag | undefined;
  /** The exception-handling encoding in use, or undefined when the engine has none. */
  readonly exceptions: 'legacy' | 'final' | undefined;
  nextTagId = 1;
  /** Tag ids a failed commit took below `nextTagId` (see reserveTag). */
  readonly freeTagIds: number[] = [];
  stageSeq = 0;
  /** Live stages' commit statistics (StageRecord.statsRow). */
  readonly stageStats = new StatsTable();
  /** Set while body callbacks run: a commit from inside one would see half-planned state. */
  building = false;
  /** Set while a linked module's start function runs, before its link publishes: the same. */
  starting = false;
  /**
   * Fewest functions for which a stage's module hands them over in bulk instead of one export
   * each. Under shared-table linking it writes its fresh functions into their slots itself (see
   * `installable` in commit.ts; V8 13: equal at 1 function, 4.7 against 5.5 µs per function at
   * 10, 0.84 against 1.70 at 100). Installing a single function saves 4–6 µs of instantiation
   * among other work but moves the cost of its JS object to the first `rt.fn`, so one-function
   * stages still export (`.scratch/prof/imin.mjs`). Under link-table linking it puts all of them in
   * a table of its own, which the runtime reads them from (V8 11, compile + instantiate + wire per
   * function: 6.6 against 7.5 µs at 1, 1.37 against 1.26 at 10, 0.92 against 0.66 at 100, 1.54
   * against 1.02 at 1,000). Tests lower it to exercise both paths with small stages.
   */
  installMin = 8;
  /**
   * Fewest small bodies (kept as trees) in one stage that are packed together once the stage is
   * lowered (`packTogether`: ~200 bytes and six objects less per one-line function for as long as
   * it lives); 0: never. Only on V8 13 and later (see `choosePackMin`). Tests set it to exercise
   * the path on any engine.
   */
  packMin: number;
  /** Host functions running (called from wasm): wasm frames are on the stack below them. */
  hostDepth = 0;
  /**
   * Units dropped while wasm frames were on the stack (see dropUnit): their link tables stay in
   * step with slot writes and the slots and cells they name stay referenced until `settleDrops`.
   */
  private readonly deferredDrops: Unit[] = [];
  /** Imports objects without host functions, by what they hold (see importsFor). */
  private readonly importObjects: Array<WebAssembly.Imports | undefined> = [];
  /** Bumped by every publish; an async commit that sees it move re-plans. */
  generation = 0;
  private viewCache: DataView | undefined;
  /** The memory as modules import it (one object for every lowering context). */
  readonly memoryShape: MemoryShape;

  constructor(
    readonly opts: ResolvedOptions,
    readonly features: Features,
    readonly engine: EngineInfo,
    readonly linking: CallLinking,
    readonly memory: WebAssembly.Memory,
    readonly layout: Layout,
  ) {
    this.slots = new SlotTable(opts.initialSlots, opts.maxSlots, linking === 'link-table');
    this.globalCells = new CellAllocator(layout.globalsBase, layout.globalsEnd);
    this.rtts = new RttAllocator(layout.rttBase, layout.rttEnd);
    this.exceptions = chooseExceptions(opts.exceptions, features);
    this.exnTag = this.exceptions ? makeTag(['i32']) : undefined;
    this.packMin = choosePackMin(engine);
    this.memoryShape = Object.freeze({ shared: opts.shared, maximum: opts.shared ? opts.maximumPages : undefined, minimum: memory.buffer.byteLength / 65536 });
  }

  /** Link-table entry value of each signature's dispatcher (link-table linking). */
  private readonly dispatchers = new Map<string, number>();

  /**
   * The dispatcher for dynamic calls of `sig`, made once per signature: the only module that
   * imports the shared table under link-table linking, so stages stay collectable and cheap to
   * instantiate (docs/linking.md, "Dynamic calls"). Made while planning, so publishing cannot fail.
   */
  ensureDispatcher(sig: Sig): number {
    const key = sigKey(sig);
    let v = this.dispatchers.get(key);
    if (v === undefined) {
      let fn: Function;
      try {
        const m = new WebAssembly.Module(encodeDispatcher(sig, this.features.tailCall) as BufferSource);
        // Reading `table` writes the shared table out: the dispatcher reads it.
        fn = new WebAssembly.Instance(m, { accrete: { table: this.slots.table } }).exports['0'] as Function;
      } catch (e) {
        throw fail(e instanceof WebAssembly.CompileError ? 'Internal' : 'ResourceExhausted', `could not make the dispatcher for dynamic calls of ${key}: ${e instanceof Error ? e.message : String(e)}`, {}, { cause: e });
      }
      this.dispatchers.set(key, (v = this.slots.addDispatcher(fn)));
    }
    return v;
  }

  /** A DataView of the memory, renewed when the memory grows. */
  view(): DataView {
    const buf = this.memory.buffer;
    if (!this.viewCache || this.viewCache.buffer !== buf) this.viewCache = new DataView(buf);
    return this.viewCache;
  }

  /** The records a stage still owns, in definition order. */
  ownedBy(rec: StageRecord): SymbolRecord[] {
    const out: SymbolRecord[] = [];
    for (const n of rec.defined) {
      const r = this.symbols.get(n);
      if (r?.stage === rec.name) out.push(r);
    }
    return out;
  }

  resolve(name: string): SymbolInfo | undefined {
    return this.symbols.get(name);
  }

  /** The lowering context for code compiled against `lookup` (published symbols plus a plan's). */
  lowerContext(lookup: (name: string) => SymbolRecord | undefined): LowerContext {
    return new CoreLowerContext(this, lookup);
  }

  /** The imports object for a unit. */
  importsFor(imports: ModuleImports | undefined, host: Record<string, Function> | undefined): WebAssembly.Imports {
    // Without host functions the object depends only on which of three things the module
    // imports, so it is made once per combination: building it is ~2 µs right after a compile,
    // when nothing is in cache. (Once the shared table has been read it stays written.)
    const key = host ? -1 : (imports?.memory ? 1 : 0) | (imports?.table ? 2 : 0) | (imports?.exn ? 4 : 0);
    const made = key >= 0 ? this.importObjects[key] : undefined;
    if (made) return made;
    const accrete: Record<string, WebAssembly.ImportValue> = {};
    if (imports?.memory) accrete.memory = this.memory;
    // Reading `table` writes the shared table out (a module that imports it can read it).
    if (imports?.table) accrete.table = this.slots.table;
    if (imports?.exn) {
      if (!this.exnTag) throw fail('Unsupported', 'exceptions need the wasm exception-handling feature, which this engine lacks');
      accrete.exn = this.exnTag as unknown as WebAssembly.ImportValue;
    }
    const out: WebAssembly.Imports = { accrete };
    if (host) out.host = host as unknown as WebAssembly.ModuleImports;
    else this.importObjects[key] = out;
    return out;
  }

  /**
   * Count references from now on (before the first retirement): every unit live stages hold
   * is counted once, as `holdRefs` would have, and so is every unit whose drop waits for a host
   * call to return, since settling it will take its references away.
   */
  trackRefs(): void {
    const slots = this.slots.pool.track();
    const cells = this.globalCells.pool.track();
    if (!slots && !cells) return;
    const count = (u: Unit | undefined) => {
      if (!u) return;
      if (slots) for (const s of u.slotRefs) this.slots.pool.ref(s);
      if (cells) for (const c of u.cellRefs) this.globalCells.pool.ref(c);
    };
    for (const rec of this.stages.values()) {
      count(rec.code);
      count(rec.host);
    }
    for (const u of this.deferredDrops) count(u);
  }

  /** Hold references from a unit now live (counted once something has been retired). */
  holdRefs(u: Unit): void {
    if (u.escaped) for (const s of u.escaped) this.slots.pool.pin(s);
    if (this.slots.pool.counting) for (const s of u.slotRefs) this.slots.pool.ref(s);
    if (this.globalCells.pool.counting) for (const c of u.cellRefs) this.globalCells.pool.ref(c);
  }

  /** Finish dropping the units dropped during host calls, once none is running (see dropUnit). */
  settleDrops(): void {
    if (this.hostDepth > 0 || this.deferredDrops.length === 0) return;
    const units = this.deferredDrops.splice(0);
    for (const u of units) this.release(u);
  }

  /**
   * Drop a unit that is being replaced or retired: its references, and its link table once no part
   * of its module is live. Dropped from inside a host call, the unit's code may still be running
   * below it, and once it returns that code goes on calling the slots and using the cells it names:
   * until no wasm frame can be left, its link table stays in step with slot writes and what it names
   * stays referenced, so that no slot or cell it uses is handed to another definition meanwhile.
   */
  dropUnit(u: Unit | undefined): void {
    if (!u) return;
    if (this.hostDepth > 0) {
      this.deferredDrops.push(u);
      return;
    }
    this.settleDrops();
    this.release(u);
  }

  private release(u: Unit): void {
    const last = !u.shared || --u.shared.live === 0;
    if (last && u.linkTable && u.imports) this.slots.detachLinkTable(u.linkTable, u.imports.link);
    if (this.slots.pool.counting) for (const s of u.slotRefs) this.slots.pool.unref(s);
    if (this.globalCells.pool.counting) for (const c of u.cellRefs) this.globalCells.pool.unref(c);
  }

  addDependents(stage: string, deps: Iterable<string>): void {
    for (const d of deps) {
      let s = this.dependents.get(d);
      if (!s) this.dependents.set(d, (s = new Set()));
      s.add(stage);
    }
  }

  removeDependents(stage: string, deps: Iterable<string>): void {
    for (const d of deps) {
      const s = this.dependents.get(d);
      s?.delete(stage);
      if (s?.size === 0) this.dependents.delete(d);
    }
  }

  /**
   * The cell of a function's name, made on first request (most functions are never asked for from
   * JS) and kept on its record. `live`: the record is the name's live one, not a retired one.
   */
  cell(rec: FuncRecord, live: boolean): FnCell {
    // All four fields from the start: a cell's shape never changes when `rt.fn` fills in the handle.
    return (rec.cell ??= { current: live ? this.slots.get(rec.slot) : null, name: rec.name, callable: undefined, arity: -1 });
  }

  /** A wasm exception thrown with the runtime's tag becomes an AccreteException; others pass. */
  translate(e: unknown): unknown {
    const tag = this.exnTag;
    if (!tag || !isWasmException(e) || !e.is(tag)) return e;
    const id = e.getArg(tag, 0);
    const t = this.tagsById.get(id);
    if (!t) return new AccreteException(`#${id}`, []);
    const v = this.view();
    const base = this.layout.exnBuffer;
    const values = t.params.map((p, i) => {
      const at = base + 8 * i;
      return p === 'i32' ? v.getInt32(at, true) : p === 'i64' ? v.getBigInt64(at, true) : p === 'f32' ? v.getFloat32(at, true) : v.getFloat64(at, true);
    });
    const ex = new AccreteException(t.name, values);
    this.caught.set(ex, t);
    return ex;
  }

  /** Exceptions made by `makeException`, with their payload: written again when thrown into wasm. */
  private readonly payloads = new WeakMap<object, { tag: TagRecord; values: ReadonlyArray<number | bigint> }>();
  /**
   * The tag each AccreteException `translate` made was thrown with: thrown back into wasm (`intoWasm`)
   * it is that tag again, retired or not, not whatever its name means now.
   */
  private readonly caught = new WeakMap<AccreteException, TagRecord>();

  /** Make a wasm exception carrying a runtime tag, for host functions to throw into wasm. */
  makeException(tagName: string, values: ReadonlyArray<number | bigint>): unknown {
    const t = this.symbols.get(tagName);
    if (!t || t.kind !== 'tag') throw fail('UnknownSymbol', `'${tagName}' is not a tag`);
    if (!this.exnTag) throw fail('Unsupported', 'exceptions need the wasm exception-handling feature');
    if (values.length !== t.params.length) throw fail('TypeMismatch', `tag '${tagName}' takes ${t.params.length} value(s), got ${values.length}`);
    // As strict as a global's value: 'abc', 1.5 or 2**40 are no i32, and are refused, not written as something else.
    return this.exceptionOf(t, values.map((v, i) => checkValue(t.params[i]!, v, `tag '${tagName}', value ${i}`)));
  }

  private exceptionOf(t: TagRecord, values: ReadonlyArray<number | bigint>): unknown {
    this.writePayload(t, values);
    const ex = makeException(this.exnTag!, [t.id]);
    this.payloads.set(ex, { tag: t, values: [...values] });
    return ex;
  }

  /**
   * What a host function threw, as the wasm that called it must see it. A runtime exception that
   * came back from wasm through `rt.fn` (an AccreteException) becomes a wasm exception with its
   * tag again, so `catch` by tag catches it, not only `catch_all`; one made by `rt.exception` gets
   * its payload written again, since wasm run since may have used the buffer. An AccreteException
   * made elsewhere (by hand, or by another runtime) is matched to a live tag by its name.
   */
  intoWasm(e: unknown): unknown {
    if (e instanceof AccreteException) {
      const t = this.caught.get(e) ?? this.symbols.get(e.tag);
      if (t?.kind === 'tag' && this.exnTag && t.params.length === e.values.length) return this.exceptionOf(t, e.values);
      return e;
    }
    const p = e !== null && typeof e === 'object' ? this.payloads.get(e) : undefined;
    if (p) this.writePayload(p.tag, p.values);
    return e;
  }

  private writePayload(t: TagRecord, values: ReadonlyArray<number | bigint>): void {
    const v = this.view();
    t.params.forEach((p, i) => {
      const at = this.layout.exnBuffer + 8 * i;
      const x = values[i]!;
      if (p === 'i32') v.setInt32(at, Number(x), true);
      else if (p === 'i64') v.setBigInt64(at, BigInt(x), true);
      else if (p === 'f32') v.setFloat32(at, Number(x), true);
      else v.setFloat64(at, Number(x), true);
    });
  }
}

/** What the encoder asks of the runtime, answered from a lookup (a class: no closures per stage). */
class CoreLowerContext implements LowerContext {
  readonly exnBuffer: number;
  readonly calls: CallLinking;
  readonly tailCalls: boolean;
  readonly exceptions: 'legacy' | 'final';
  readonly memory: MemoryShape;

  constructor(
    private readonly core: Core,
    private readonly lookup: (name: string) => SymbolRecord | undefined,
  ) {
    this.exnBuffer = core.layout.exnBuffer;
    this.calls = core.linking;
    this.tailCalls = core.features.tailCall;
    this.exceptions = core.exceptions ?? 'legacy';
    this.memory = core.memoryShape;
  }

  private must<K extends SymbolRecord['kind']>(name: string, kind: K): Extract<SymbolRecord, { kind: K }> {
    const r = this.lookup(name) ?? this.core.tombstones.get(name);
    if (!r || r.kind !== kind) throw fail('Internal', `lowering found no ${kind} '${name}'`);
    return r as Extract<SymbolRecord, { kind: K }>;
  }

  symbol(n: string): SymbolRecord | undefined {
    return this.lookup(n);
  }

  slotOf(n: string): number {
    return this.must(n, 'func').slot;
  }

  globalAddress(n: string): number {
    return this.must(n, 'global').address;
  }

  constantValue(n: string): number | bigint {
    return this.must(n, 'constant').value;
  }

  dispatcher(sig: Sig): number {
    return this.core.ensureDispatcher(sig);
  }
}
