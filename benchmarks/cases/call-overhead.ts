// call-overhead: steady-state cost of one call, measured inside a wasm loop of a million calls:
// same-stage direct, across stages through the slot, through a slot computed at run time,
// inlined, to a host function, and from JS.

import { Runtime } from '../../runtime/index.js';
import { callLoops, type CallKind } from '../floor.js';
import { bounded, ratio, timed, verdict, type Case, type Strategy } from '../harness.js';

type Ctx = { run: (n: number) => unknown; n: number };
type LoopKind = 'same' | 'cross' | 'dynamic' | 'inline' | 'host' | 'cross-optimizing';

/**
 * A loop `acc = callee(acc)` n times (n ≥ 1), in a stage of its own unless `same`. It counts n
 * down, as the hand-encoded loops do (`callLoops` in floor.ts), so that the loops differ only in
 * the call.
 */
async function driver(kind: LoopKind): Promise<Ctx> {
  const rt = await Runtime.create({ tier: kind === 'cross-optimizing' ? 'optimizing' : 'baseline' });
  const lib = rt.stage('lib');
  if (kind === 'host') lib.host('callee', 'i32 -> i32', (x: number) => (x + 1) | 0);
  else lib.func('callee', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1)), { inline: kind === 'inline' });
  const loop = (s: ReturnType<Runtime['stage']>) =>
    s.func('drive', 'i32 -> i32', (b) => {
      const acc = b.local('i32');
      const call = kind === 'dynamic' ? b.callSlot('i32 -> i32', b.slotOf('callee'), b.get(acc)) : b.call('callee', b.get(acc));
      // loop: acc = call(acc); br_if (n = n - 1)
      return [b.loop('L', [b.set(acc, call), b.brIf('L', b.tee(0, b.i32.sub(b.param(0), b.i32(1))))]), b.get(acc)];
    });
  if (kind === 'same') loop(lib).commitSync();
  else {
    lib.commitSync();
    loop(rt.stage('app')).commitSync();
  }
  return { run: rt.fn('drive'), n: 0 };
}

function wasmLoop(name: string, kind: LoopKind): Strategy<Ctx> {
  return {
    name,
    setup: (mode) => driver(kind).then((c) => ({ ...c, n: mode === 'smoke' ? 1000 : 1_000_000 })),
    sample: (ctx) => timed(() => ctx.run(ctx.n), ctx.n, ctx.n),
  };
}

const fromJs: Strategy<Ctx> = {
  name: 'JS → wasm via rt.fn',
  setup: async (mode) => {
    const rt = await Runtime.create();
    rt.stage().func('callee', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).commitSync();
    const f = rt.fn<(x: number) => number>('callee');
    return { run: (n: number) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc = f(acc);
      return acc;
    }, n: mode === 'smoke' ? 1000 : 1_000_000 };
  },
  sample: (ctx) => timed(() => ctx.run(ctx.n), ctx.n, ctx.n),
};

/** JS calling a function made by `new Function` (what a JS-targeting runtime's call costs), in a loop like the others. */
const js: Strategy<Ctx> = {
  name: 'JS: new Function callee',
  setup: (mode) => {
    const inc = new Function('x', 'return (x + 1) | 0;') as (x: number) => number;
    const run = new Function('inc', 'n', 'let acc = 0; for (let i = n; i > 0; i--) acc = inc(acc); return acc;') as (inc: (x: number) => number, n: number) => number;
    return { run: (n: number) => run(inc, n), n: mode === 'smoke' ? 1000 : 1_000_000 };
  },
  sample: (ctx) => timed(() => ctx.run(ctx.n), ctx.n, ctx.n),
};

/** The same loop hand-encoded: what the engine charges for each kind of call, with no runtime. */
function engineLoop(kind: CallKind): Strategy<Ctx> {
  return {
    name: kind === 'imported' ? 'import matching: imported function' : `engine: ${kind}`,
    setup: (mode) => ({ run: callLoops()[kind], n: mode === 'smoke' ? 1000 : 1_000_000 }),
    sample: (ctx) => timed(() => ctx.run(ctx.n), ctx.n, ctx.n),
  };
}

export const callOverhead: Case = {
  name: 'call-overhead',
  description:
    'ns per call (including ~0.3 ns of loop), a million calls per sample. "dynamic" calls a slot computed at run time (b.callSlot); on Node 20 it goes through a dispatcher, so no stage imports the shared table. The "engine:" rows are hand-encoded loops with no runtime; "import matching" is the same loop calling a function of another module, imported by name (a cross-stage call in the design Accrete replaces); "JS" is a JS loop calling a new Function callee, which V8 inlines. A cross-stage call is a call_indirect into another module, which V8 does not inline (V8 13.6 inlines a same-module call_indirect speculatively only with --wasm-inlining-call-indirect, and never one into another module).',
  reference: 'same-stage direct',
  target: 'cross-stage ≤ 1.5× same-stage direct; inlined = same-stage (≤ 1.1×). The optimizing tier inlines small cross-stage callees by itself (option autoInline).',
  unit: 'ns',
  warmup: { quick: 5, full: 10 },
  reps: { quick: 25, full: 100 },
  strategies: [
    wasmLoop('same-stage direct', 'same'),
    wasmLoop('cross-stage (slot)', 'cross'),
    wasmLoop('cross-stage, optimizing tier', 'cross-optimizing'),
    // Under link-table linking (V8 11, 12) through a dispatcher: one call_indirect more.
    wasmLoop('dynamic (callSlot)', 'dynamic'),
    wasmLoop('inlined', 'inline'),
    wasmLoop('host function', 'host'),
    fromJs,
    engineLoop('direct'),
    engineLoop('indirect, same module'),
    engineLoop('indirect, other module'),
    engineLoop('imported'),
    js,
  ] as never,
  verdicts: (r) => [
    // A call that redefinition can redirect must be indirect: the engine's own call_indirect into
    // another module, against its direct call, is the least a cross-stage call can cost.
    bounded('cross-stage (baseline, through the slot) ÷ same-stage ≤ 1.5', ratio(r, 'cross-stage (slot)'), (x) => x <= 1.5, {
      of: "the engine's call_indirect into another module ÷ its direct call",
      value: ratio(r, 'engine: indirect, other module') / ratio(r, 'engine: direct'),
      reach:
        'The engine inlines the direct call and not a call_indirect into another module (V8 13.6 inlines a call_indirect only within a module, behind --wasm-inlining-call-indirect); what reaches it is the optimizing tier, which inlines small cross-stage callees, or an engine that inlines across instances.',
    }),
    verdict('cross-stage (optimizing tier) ÷ same-stage ≤ 1.5', ratio(r, 'cross-stage, optimizing tier'), ratio(r, 'cross-stage, optimizing tier') <= 1.5),
    verdict('inlined ÷ same-stage ≤ 1.1', ratio(r, 'inlined'), ratio(r, 'inlined') <= 1.1),
    // What the baseline tier's cross-stage call adds to the engine's own cross-module call.
    (() => {
      const over = ratio(r, 'cross-stage (slot)') / ratio(r, 'engine: indirect, other module');
      return verdict('cross-stage (baseline) ÷ the engine\'s call_indirect into another module ≤ 1.1', over, over <= 1.1);
    })(),
  ],
};
