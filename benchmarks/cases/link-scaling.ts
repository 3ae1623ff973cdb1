// link-scaling: the cost of a stage whose one function refers to K earlier functions and K
// globals, K = 1 … 1000: Accrete's slot/cell lowering against import matching by name.

import { Runtime, type Tier } from '../../runtime/index.js';
import { floorModule, floorTableModule, importingModule, linkScalingModule } from '../floor.js';
import { chooseLinking, engineInfo } from '../../runtime/features.js';
import { primeCommitPath } from '../prime.js';
import { bounded, resultOf, verdict, type Case, type Strategy } from '../harness.js';

const KS = [1, 10, 100, 1000];
const LIB = 1000;
/** Whether Accrete fills link tables from JS on this engine (before V8 13: Node 20 and 22). */
const LINK_TABLES = chooseLinking('auto', engineInfo()) === 'link-table';
/** The K the late-objects floor runs at (the target's), where Accrete fills link tables: elsewhere its figure says nothing about Accrete. */
const LATE_K = LINK_TABLES ? 1000 : undefined;
const LATE_SALT = 1 << 20;
const now = () => performance.now();

/** Σ f_k(g_k) for k < K, plus `salt`, where f_k(x) = x + k and every g_k = 1. */
const expected = (k: number, salt: number) => salt + k + (k * (k - 1)) / 2;

/** f_k(x) = x + k for k < LIB, from one module (as from Accrete's library stage). */
function libFunctions(): Function[] {
  const exports = new WebAssembly.Instance(new WebAssembly.Module(floorModule(0, LIB) as BufferSource), {}).exports;
  return Array.from({ length: LIB }, (_, k) => exports[String(k)] as Function);
}

interface Phases {
  /** Making the code: IR and bytes (Accrete; binaryen too in the optimizing tier), bytes (import matching), source text (JS). */
  code: number;
  /** Validating the module (the engine's decoder; grows with the size of the code for any strategy); JS: `new Function`. */
  compile: number;
  /** Linking proper: instantiate and wire slots (Accrete); instantiate with K imports. */
  link: number;
  /** The first call (the engine compiles the function lazily); Accrete: `rt.fn` too. */
  firstCall: number;
  /** Accrete: making the stage and its definition, and the commit's own steps around the phases (so they add up). */
  other: number;
}

const NO_PHASES: Phases = { code: 0, compile: 0, link: 0, firstCall: 0, other: 0 };

/**
 * Each K makes only tens of commits, so the commit path is primed first (prime.ts): the phases are
 * the steady state's, as in stage-latency and batch-throughput.
 */
function accrete(k: number, tier: Tier = 'baseline'): Strategy<{ rt: Runtime; n: number; last: Phases }> {
  return {
    name: `accrete ${tier}`,
    group: `K=${k}`,
    setup: async (mode) => {
      if (mode !== 'smoke') await primeCommitPath();
      const rt = await Runtime.create({ tier });
      const s = rt.stage('lib');
      for (let i = 0; i < LIB; i++) s.func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i))).global(`g${i}`, 'i32', 1);
      s.commitSync();
      return { rt, n: 0, last: { ...NO_PHASES } };
    },
    sample: (ctx, salt) => {
      const name = `run${ctx.n++}`;
      const t0 = now();
      const info = ctx.rt
        .stage()
        .func(name, '-> i32', (b) => {
          let acc = b.i32(salt);
          for (let i = 0; i < k; i++) acc = b.i32.add(acc, b.call(`f${i}`, b.global(`g${i}`)));
          return acc;
        })
        .commitSync();
      const t1 = now();
      const r = ctx.rt.fn(name)();
      const t2 = now();
      if (r !== expected(k, salt)) throw new Error(`wrong result ${String(r)}`);
      const st = info.stats;
      const [code, compile, link] = [(st.build + st.optimize) * 1000, st.compile * 1000, (st.instantiate + st.wire) * 1000];
      ctx.last = { code, compile, link, firstCall: (t2 - t1) * 1000, other: (t1 - t0) * 1000 - code - compile - link };
      return (t2 - t0) * 1000;
    },
    // Between requests the runtime compacts its small stages, as in stage-latency.
    idle: (ctx) => ctx.rt.settled(),
    breakdown: (ctx) => ({ ...ctx.last }),
  };
}

/**
 * One stage with no runtime: make the bytes, compile, link (`link` instantiates and wires), call
 * "run" once; the phases go to `ctx.last`, the whole in µs is returned.
 */
function engineStage(ctx: { last: Phases }, k: number, salt: number, bytes: () => Uint8Array, link: (m: WebAssembly.Module) => WebAssembly.Instance): number {
  const t0 = now();
  const b = bytes();
  const t1 = now();
  const mod = new WebAssembly.Module(b as BufferSource);
  const tc = now();
  const inst = link(mod);
  const t2 = now();
  const r = (inst.exports.run as () => number)();
  const t3 = now();
  if (r !== expected(k, salt)) throw new Error(`wrong result ${r}`);
  ctx.last = { code: (t1 - t0) * 1000, compile: (tc - t1) * 1000, link: (t2 - tc) * 1000, firstCall: (t3 - t2) * 1000, other: 0 };
  return (t3 - t0) * 1000;
}

function importMatching(k: number): Strategy<{ lib: Record<string, unknown>; last: Phases }> {
  return {
    name: 'import matching',
    group: `K=${k}`,
    setup: () => {
      // The earlier module, as Accrete's library stage is one: LIB functions and LIB mutable
      // globals, exported by name. (Functions from LIB modules of one function each cost import
      // matching about 20% more to instantiate on Node 20, which would flatter Accrete.)
      const lib: Record<string, unknown> = {};
      const fns = libFunctions();
      for (let i = 0; i < LIB; i++) {
        lib[`f${i}`] = fns[i];
        lib[`g${i}`] = new WebAssembly.Global({ value: 'i32', mutable: true }, 1);
      }
      return { lib, last: { ...NO_PHASES } };
    },
    sample: (ctx, salt) =>
      engineStage(ctx, k, salt, () => importingModule(k, salt), (mod) => new WebAssembly.Instance(mod, { lib: ctx.lib as WebAssembly.ModuleImports })),
    breakdown: (ctx) => ({ ...ctx.last }),
  };
}

/**
 * A JS-targeting runtime's way: the function's source names the library's functions and globals as
 * properties of one object, resolved when it runs; `new Function` parses it (compile), nothing is
 * linked, and the first call compiles it lazily.
 */
function js(k: number): Strategy<{ lib: Record<string, unknown>; last: Phases }> {
  return {
    name: 'js (new Function)',
    group: `K=${k}`,
    setup: () => {
      const lib: Record<string, unknown> = {};
      for (let i = 0; i < LIB; i++) {
        lib[`f${i}`] = new Function('x', `return (x + ${i}) | 0;`);
        lib[`g${i}`] = 1;
      }
      return { lib, last: { ...NO_PHASES } };
    },
    sample: (ctx, salt) => {
      const t0 = now();
      const terms = Array.from({ length: k }, (_, i) => `L.f${i}(L.g${i})`);
      const src = `return () => (${salt} + ${terms.join(' + ')}) | 0;`;
      const t1 = now();
      const make = new Function('L', src) as (l: Record<string, unknown>) => () => number;
      const t2 = now();
      const f = make(ctx.lib);
      const t3 = now();
      const r = f();
      const t4 = now();
      if (r !== expected(k, salt)) throw new Error(`wrong result ${r}`);
      ctx.last = { code: (t1 - t0) * 1000, compile: (t2 - t1) * 1000, link: (t3 - t2) * 1000, firstCall: (t4 - t3) * 1000, other: 0 };
      return (t4 - t0) * 1000;
    },
    breakdown: (ctx) => ({ ...ctx.last }),
  };
}

/**
 * The engine alone, given the module Accrete makes: compile, instantiate, and fill its link table
 * of K entries from JS (`link-table`), or import a table already holding the library
 * (`shared-table`, LIB slots). With `late` (link table only), the library's function objects are
 * made as Accrete's are before V8 13: the library hands its functions over in a table, and each
 * object is taken out (so made by the engine) at the strategy's first sample, mid-run, instead of
 * at setup. Where the engine puts objects made then decides how fast the fill is
 * (docs/performance.md, "Not met").
 */
function floor(
  how: 'link-table' | 'shared-table',
  k: number,
  late = false,
): Strategy<{ fns: Function[] | undefined; source: WebAssembly.Table | undefined; mem: WebAssembly.Memory; table: WebAssembly.Table | undefined; last: Phases }> {
  // A late floor's salts are its own: it makes the other link-table floor's bytes, which the engine
  // (it caches modules by their bytes) would compile once for both.
  const off = late ? LATE_SALT : 0;
  return {
    name: late ? 'floor (link table, late objects)' : `floor (${how.replace('-', ' ')})`,
    group: `K=${k}`,
    setup: () => {
      const source = late ? (new WebAssembly.Instance(new WebAssembly.Module(floorTableModule(0, LIB) as BufferSource), {}).exports.t as WebAssembly.Table) : undefined;
      const fns = late ? undefined : libFunctions();
      const mem = new WebAssembly.Memory({ initial: 1 });
      new Int32Array(mem.buffer, 0, LIB).fill(1);
      let table: WebAssembly.Table | undefined;
      if (how === 'shared-table') {
        table = new WebAssembly.Table({ initial: LIB, element: 'anyfunc' });
        fns!.forEach((f, i) => table!.set(i, f as never));
      }
      return { fns, source, mem, table, last: { ...NO_PHASES } };
    },
    sample: (ctx, rep) =>
      engineStage(ctx, k, rep + off, () => linkScalingModule(how, k, rep + off), (mod) => {
        const inst = new WebAssembly.Instance(mod, { m: ctx.table ? { mem: ctx.mem, t: ctx.table } : { mem: ctx.mem } });
        if (how === 'link-table') {
          const t = inst.exports.t as WebAssembly.Table;
          const fns = (ctx.fns ??= Array.from({ length: k }, (_, i) => ctx.source!.get(i) as Function));
          for (let i = 0; i < k; i++) t.set(i, fns[i] as never);
        }
        return inst;
      }),
    breakdown: (ctx) => ({ ...ctx.last }),
  };
}

/**
 * The floor that stands for the engine alone with the linking Accrete uses on this engine, which
 * every bounded target is judged against: a link table filled from JS before V8 13, the imported
 * shared table from V8 13 on. Before V8 13 it is the floor whose library's function objects are
 * made at setup: making them only when first linked (the late-objects floor, evidence beside it)
 * is Accrete's choice, not the engine's limit.
 */
const LINK_FLOOR = LINK_TABLES ? 'floor (link table)' : 'floor (shared table)';
const LINK_FLOOR_NAME = LINK_TABLES ? 'the link-table floor' : 'the shared-table floor';

/** Before V8 13, why linking K references grows with K whatever the runtime does. */
const O_K_BEFORE_13 =
  'Before V8 13 every way to give a module K redirectable references is O(K) or O(table size) (docs/linking.md, link-mechanisms); what would reach it is an engine where importing a table costs O(1), as V8 13.';

/** What would reach each link-scaling target the engine alone misses (docs/performance.md, "Out of reach"). */
const REACH = {
  whole: (firstCall: number, fifth: number) =>
    `The first call compiles the function lazily, and a call_indirect and a memory load per reference cost the baseline compiler more than a direct call and a global.get: the floor's first call alone took ${firstCall.toFixed(0)} µs of the ${fifth.toFixed(0)} µs (a fifth of import matching's whole stage) the target allows. What would reach it is an engine whose first call costs that code less.`,
  link: LINK_TABLES
    ? O_K_BEFORE_13
    : "Linking is O(1) here (the imported shared table); the rest is compiling the K references' code, which the engine charged more than a fifth of import matching's compile and link in this run: what would reach it is a faster validator, or validation at the first call (V8's --wasm-lazy-validation, a process-wide flag).",
  linkOnly: LINK_TABLES ? O_K_BEFORE_13 : "Linking is O(1) here (the imported shared table); what is left is the instantiation's own cost.",
  flat: LINK_TABLES ? O_K_BEFORE_13 : "The imported shared table is O(1), but instantiation still grows with the module, the floor's too; what would reach it is an engine whose instantiation does not.",
  slope: 'What would reach it is an engine that charges a call_indirect and a memory load per reference (validation, lazy compilation) no more than a direct call and a global.get.',
};

export const linkScaling: Case = {
  name: 'link-scaling',
  description: `A one-function stage calling K earlier functions and reading K earlier globals (library of ${LIB} each), from request to first call. The floors are the module Accrete makes, encoded by hand, compiled and instantiated, its link table filled from JS (link table) or importing a table that already holds the library (shared table): the engine alone. Where Accrete fills link tables from JS (before V8 13), the link-table floor runs a second time at K=1000 with its library's function objects made when Accrete's are, by taking them out of the library's table at its first sample (late objects). JS: the function's source names the library as properties of one object, parsed by \`new Function\`. Phases: code (Accrete: IR + bytes; import matching: bytes by a direct encoder; JS: source text), compile (the engine validates the module, or parses the source; grows with the code), link (instantiate, wire), first call (lazy compilation of the function).`,
  reference: 'import matching',
  target:
    'accrete flat in K; ≥ 5× faster than import matching at K = 1000. A stage that calls K functions has K calls to build, validate and compile whoever links it, so "flat" is judged on linking proper (instantiate + wire, K=1000 within 2× of K=1), and what one more reference costs the whole stage is set beside what it costs import matching.',
  unit: 'µs',
  warmup: { quick: 5, full: 20 },
  reps: { quick: 200, full: 600 },
  strategies: KS.flatMap((k) => [importMatching(k), accrete(k), floor('link-table', k), floor('shared-table', k), js(k), ...(k === LATE_K ? [floor('link-table', k, true)] : [])]) as never,
  verdicts: (r) => {
    const phase = (s: string, g: string, p: string) => resultOf(r, s, g).breakdown?.[p]?.median ?? NaN;
    const compileLink = (s: string, g: string) => phase(s, g, 'compile') + phase(s, g, 'link');
    const whole = (s: string) => resultOf(r, s, 'K=1000').summary.median;
    const im = { whole: whole('import matching'), both: compileLink('import matching', 'K=1000'), link: phase('import matching', 'K=1000', 'link') };
    const atLeast5 = (x: number) => x >= 5;
    // The most the lowering allows with no runtime at all (before V8 13 the shared table, which
    // Accrete cannot use there: importing it pins every importer): evidence, not a target.
    const cheaper = ['floor (link table)', 'floor (shared table)'].reduce((a, b) => (compileLink(a, 'K=1000') <= compileLink(b, 'K=1000') ? a : b));
    const flat = (s: string) => phase(s, 'K=1000', 'link') / phase(s, 'K=1', 'link');
    // What one more reference costs a whole stage, from K=1 to K=1000 (µs), against import matching.
    const slope = (s: string) => (resultOf(r, s, 'K=1000').summary.median - resultOf(r, s, 'K=1').summary.median) / 999;
    const perRef = (s: string) => slope(s) / slope('import matching');
    const engine = (value: number, reach: string) => ({ of: LINK_FLOOR_NAME, value, reach });
    const cheaperBoth = im.both / compileLink(cheaper, 'K=1000');
    // Where Accrete fills link tables: the engine alone with function objects made when Accrete's
    // are (docs/performance.md, "Not met"). Evidence too: when to make them is Accrete's choice.
    const late = LINK_TABLES ? im.both / compileLink('floor (link table, late objects)', 'K=1000') : undefined;
    return [
      bounded('K=1000, whole stage: import matching ÷ accrete ≥ 5', im.whole / whole('accrete baseline'), atLeast5, engine(im.whole / whole(LINK_FLOOR), REACH.whole(phase(LINK_FLOOR, 'K=1000', 'firstCall'), im.whole / 5))),
      bounded('K=1000, compile + link: import matching ÷ accrete ≥ 5', im.both / compileLink('accrete baseline', 'K=1000'), atLeast5, engine(im.both / compileLink(LINK_FLOOR, 'K=1000'), REACH.link)),
      bounded('K=1000, link (instantiate + wire): import matching ÷ accrete ≥ 5', im.link / phase('accrete baseline', 'K=1000', 'link'), atLeast5, engine(im.link / phase(LINK_FLOOR, 'K=1000', 'link'), REACH.linkOnly)),
      verdict('K=1000, compile + link: import matching ÷ the cheaper floor ≥ 5', cheaperBoth, atLeast5(cheaperBoth)),
      ...(late === undefined ? [] : [verdict('K=1000, compile + link: import matching ÷ the link-table floor with late objects ≥ 5', late, atLeast5(late))]),
      bounded('accrete link (instantiate + wire) K=1000 ÷ K=1 (flat: ≤ 2)', flat('accrete baseline'), (x) => x <= 2, engine(flat(LINK_FLOOR), REACH.flat)),
      bounded('whole stage, what one more reference costs (K=1 → 1000): accrete ÷ import matching ≤ 1', perRef('accrete baseline'), (x) => x <= 1, engine(perRef(LINK_FLOOR), REACH.slope)),
    ];
  },
};

export const linkScalingOptimizing: Case = {
  name: 'link-scaling-optimizing',
  description: 'The same stages with the optimizing tier (binaryen), against import matching measured in the same process (a case of its own: binaryen\'s heap brings collections that would land on the baseline case\'s samples). Phases as in link-scaling; code includes binaryen\'s optimisation.',
  reference: 'import matching',
  target: 'none set; the optimizing tier is for hot code, re-tiered later (rt.retier).',
  unit: 'µs',
  warmup: { quick: 3, full: 10 },
  reps: { quick: 25, full: 100 },
  strategies: KS.flatMap((k) => [importMatching(k), accrete(k, 'optimizing')]) as never,
};
