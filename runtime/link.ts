// Linking a wasm module made elsewhere as a stage: its `accrete` imports name runtime symbols and
// get Accrete's own lowering by binary rewriting; its exports become runtime symbols.

import { rewriteModule, type LinkEnv, type RewrittenModule } from '../codegen/link/rewrite.js';
import { sameSig, sigText } from '../codegen/ir/nodes.js';
import { optimizerSync } from '../codegen/optimizer.js';
import { parseModule, type ParsedModule } from '../codegen/wasm/decoder.js';
import { abandon, newPlan, lap, placed, planRecompiles, rebound, relinkedUnit, type Plan } from './commit.js';
import { writeValue } from './layout.js';
import type { Core, RelinkResult } from './core.js';
import { AccreteError, fail } from './errors.js';
import { infoOf, makeFuncRecord, type SymbolRecord } from './symbols.js';

export interface LinkOptions {
  /** The stage's name. Default: `link<N>`. */
  name?: string;
  /** Exported functions and constants may replace existing ones (same signature or type). Default: false. */
  redefine?: boolean;
}

/** Binary or text (WAT, parsed by binaryen, which must be loaded) → bytes. */
export function sourceBytes(source: Uint8Array | ArrayBuffer | string, stage: string): Uint8Array {
  if (typeof source === 'string') {
    try {
      return optimizerSync('linking a text module').parseText(source);
    } catch (e) {
      throw placed(e, stage);
    }
  }
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  throw fail('LinkError', `link takes a wasm binary (Uint8Array or ArrayBuffer) or WebAssembly text (string), got ${String(source)}`, { stage });
}

/** Plan a link stage. Throws with nothing reserved on any problem. */
export function planLink(core: Core, bytes: Uint8Array, name: string, opts: LinkOptions): Plan {
  const plan = newPlan(core, name, 'link', 'baseline');
  try {
    if (core.stages.has(name)) throw fail('UnknownStage', `a live stage is already named '${name}'`, { stage: name });
    let parsed: ParsedModule;
    try {
      parsed = parseModule(bytes);
    } catch (e) {
      throw placed(e, name);
    }
    // Cells for exported mutable globals must exist before the code that uses them is written.
    const cells = new Map<string, number>();
    // What each import resolved to: a relink keeps it (see `relink`), as a code stage's nodes keep theirs.
    const bound = new Map<string, SymbolRecord | undefined>();
    const bind = (n: string, r: SymbolRecord | undefined) => {
      bound.set(n, r);
      return r;
    };
    const env = linkEnv(core, (n) => bind(n, core.symbols.get(n)), (exportName) => {
      let a = cells.get(exportName);
      if (a === undefined) {
        a = core.globalCells.allocate(exportName);
        const addr = a;
        plan.undo.push(() => core.globalCells.release(addr));
        cells.set(exportName, a);
      }
      return a;
    });
    let r: RewrittenModule;
    try {
      r = rewriteModule(parsed, env);
    } catch (e) {
      throw placed(e, name);
    }
    const redefined: string[] = [];
    const funcs: string[] = [];
    const exportNames: string[] = [];
    for (const x of r.exports) {
      const site = { stage: name, definition: x.name };
      const old = core.symbols.get(x.name);
      if (old) {
        if (!opts.redefine) throw fail('DuplicateSymbol', `the module exports '${x.name}', which is already a ${old.kind} of stage '${old.stage}'; link with { redefine: true } to replace it`, site);
        if (old.kind !== x.kind || x.kind === 'global') throw fail('BadRedefinition', `'${x.name}' is a ${old.kind}; the module's export cannot replace it`, site);
        if (old.kind === 'func' && x.kind === 'func' && !sameSig(old.sig, x.sig)) {
          throw fail('BadRedefinition', `'${x.name}' has signature ${sigText(old.sig)}; the export has ${sigText(x.sig)}`, site);
        }
        if (old.kind === 'constant' && x.kind === 'constant' && old.type !== x.type) throw fail('BadRedefinition', `constant '${x.name}' is a ${old.type}, the export a ${x.type}`, site);
        redefined.push(x.name);
      }
      let rec: SymbolRecord;
      if (x.kind === 'func') {
        let slot: number;
        if (old?.kind === 'func') slot = old.slot;
        else {
          slot = core.slots.allocate(x.name);
          plan.undo.push(() => core.slots.release(slot));
        }
        rec = makeFuncRecord(x.name, x.sig, slot, name, false, false);
        funcs.push(x.name);
        exportNames.push(x.exportName);
      } else if (x.kind === 'global') {
        const address = cells.get(x.name) ?? env.exportedGlobalAddress(x.name);
        plan.memWrites.push((v) => writeValue(v, address, x.type, x.init));
        rec = { kind: 'global', name: x.name, type: x.type, mutable: true, address, stage: name };
      } else {
        rec = { kind: 'constant', name: x.name, type: x.type, value: x.value, stage: name };
      }
      plan.records.push(rec);
      if (old) plan.replaced.push([old, rec]);
    }
    // The module's own constants, read by its code, follow their lineage as imports do.
    for (const rec of plan.records) if (rec.kind === 'constant') bound.set(rec.name, rec);
    const relink = (c: Core, lookup: (n: string) => SymbolRecord | undefined): RelinkResult => {
      // An import means what it was bound to when the module was linked, followed through
      // redefinitions (commit.ts, `rebound`): a symbol retired since keeps its stub, its kept cell
      // or its last value, even when the name has been defined anew meanwhile.
      const imported = (n: string) => rebound(c, lookup, n, bound.get(n));
      // An export another stage has redefined since is called through its slot from now on; its
      // globals keep what their initialisers made at link (`r` is the link's final rewrite).
      const owns = (n: string) => lookup(n)?.stage === name;
      const again = rewriteModule(parsed, { ...linkEnv(c, imported, (n) => (c.symbols.get(n) as { address: number }).address, owns), relink: true, inits: r.inits });
      return resultOf(again, funcs, exportNames, imported);
    };
    // A module that redefines a constant it also imports sees its own new value, as a code stage
    // sees its own definitions: written again against the pending records.
    if (redefined.some((n) => r.uses.constants.has(n))) {
      const pending = new Map(plan.records.map((x) => [x.name, x]));
      try {
        r = rewriteModule(parsed, linkEnv(core, (n) => bind(n, pending.get(n) ?? core.symbols.get(n)), (n) => cells.get(n)!));
      } catch (e) {
        throw placed(e, name);
      }
    }
    const res = resultOf(r, funcs, exportNames, (n) => plan.records.find((p) => p.name === n) ?? core.symbols.get(n));
    plan.code = relinkedUnit(name, 'baseline', res);
    plan.relink = relink;
    plan.stats.build = lap(plan);
    // Stages that folded a constant this module redefines are rebuilt in the same commit.
    return withRecompiles(core, plan, redefined);
  } catch (e) {
    abandon(plan);
    // Every error of a link names its stage (running out of slots, a rebuilt dependent's...).
    throw e instanceof AccreteError && e.stage === undefined ? e.at({ stage: name }) : e;
  }
}

function withRecompiles(core: Core, plan: Plan, redefined: readonly string[]): Plan {
  if (redefined.length === 0) return plan;
  const pending = new Map(plan.records.map((r) => [r.name, r]));
  planRecompiles(core, plan, redefined, (n) => pending.get(n) ?? core.symbols.get(n));
  return plan;
}

function linkEnv(core: Core, lookup: (n: string) => SymbolRecord | undefined, exportedGlobalAddress: (n: string) => number, ownsExport?: (n: string) => boolean): LinkEnv {
  const ctx = core.lowerContext(lookup);
  return {
    ...(ownsExport ? { ownsExport } : {}),
    resolve: (n) => {
      const r = lookup(n);
      return r ? infoOf(r) : undefined;
    },
    slotOf: (n) => ctx.slotOf(n),
    globalAddress: (n) => ctx.globalAddress(n),
    exportedGlobalAddress,
    calls: ctx.calls,
    tailCalls: ctx.tailCalls,
    memory: ctx.memory,
    heapBase: core.layout.heapBase,
  };
}

/** What the rewritten module refers to, each name resolved by `find` as the rewrite resolved it. */
function resultOf(r: RewrittenModule, funcs: string[], exportNames: string[], find: (n: string) => SymbolRecord | undefined): RelinkResult {
  return {
    bytes: r.bytes,
    imports: r.imports,
    funcs,
    exportNames,
    slotRefs: [...r.uses.slotCalls].map((n) => (find(n) as { slot: number }).slot),
    cellRefs: [...r.uses.globals].map((n) => (find(n) as { address: number }).address),
    deps: new Set([...r.uses.constants].filter((n) => find(n)?.kind === 'constant')),
    directCalls: r.uses.directCalls,
  };
}
