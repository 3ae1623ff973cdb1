// The evidence behind the linking choice (docs/linking.md): the cost of a stage that calls an
// earlier one, and of redefining a function many stages call, for each linking strategy, with a
// large shared table; and what the engine alone charges for each way of linking K references.

import { Runtime } from '../../runtime/index.js';
import { floorModule, linkingModule, type LinkMechanism } from '../floor.js';
import { timed, type Case, type Strategy } from '../harness.js';

const TABLE = 16384;
const now = () => performance.now();

interface Ctx {
  rt: Runtime;
  last: string;
}

async function runtimeWith(linking: 'shared-table' | 'link-table'): Promise<Ctx> {
  const rt = await Runtime.create({ linking, initialSlots: TABLE });
  rt.stage('base').func('base', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).commitSync();
  return { rt, last: '' };
}

function caller(linking: 'shared-table' | 'link-table'): Strategy<Ctx> {
  return {
    name: linking,
    setup: () => runtimeWith(linking),
    sample: (ctx, i) => {
      const t0 = now();
      const info = ctx.rt.stage().func(`c${i}`, 'i32 -> i32', (b) => b.i32.mul(b.call('base', b.param(0)), b.i32(2))).commitSync();
      const r = ctx.rt.fn(`c${i}`)(1);
      const t = (now() - t0) * 1000;
      if (r !== 4) throw new Error('wrong result');
      ctx.last = info.name;
      return t;
    },
    idle: (ctx) => ctx.rt.settled(),
    breakdown: (ctx) => {
      const s = ctx.rt.stats(ctx.last);
      return { build: s.build * 1000, compile: s.compile * 1000, instantiate: s.instantiate * 1000, wire: s.wire * 1000 };
    },
  };
}

export const linkLatency: Case = {
  name: 'link-latency',
  description: `A one-function stage that calls a function of an earlier stage, with a ${TABLE}-slot shared table; the runtime grows by one stage per sample.`,
  reference: 'shared-table',
  target: 'evidence for docs/linking.md: the cheaper strategy on each engine is the one `auto` picks.',
  unit: 'µs',
  warmup: { quick: 50, full: 200 },
  reps: { quick: 1500, full: 5000 },
  strategies: [caller('shared-table'), caller('link-table')] as never,
};

function fanout(linking: 'shared-table' | 'link-table', callers: number): Strategy<Ctx> {
  // Each strategy's redefinitions carry constants of their own: both runtimes would otherwise
  // compile the same bytes in the same rep, and the engine (which caches modules by their bytes)
  // would hand the second one its module for free.
  const salt = linking === 'shared-table' ? 0 : 1 << 20;
  return {
    name: linking,
    setup: async () => {
      const ctx = await runtimeWith(linking);
      for (let i = 0; i < callers; i++) ctx.rt.stage().func(`c${i}`, 'i32 -> i32', (b) => b.call('base', b.param(0))).commitSync();
      return ctx;
    },
    sample: (ctx, i) => {
      const t0 = now();
      ctx.rt.stage().func('base', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i + salt)), { redefine: true }).commitSync();
      const r = ctx.rt.fn(`c${callers - 1}`)(1);
      const t = (now() - t0) * 1000;
      if (r !== 1 + i + salt) throw new Error('wrong result');
      return t;
    },
    idle: (ctx) => ctx.rt.settled(),
  };
}

export const redefineFanout: Case = {
  name: 'redefine-fanout',
  description: 'Redefining a function that 2,000 live stages call, until a caller sees the new code.',
  reference: 'shared-table',
  target: 'evidence for docs/linking.md.',
  unit: 'µs',
  warmup: { quick: 5, full: 20 },
  reps: { quick: 60, full: 300 },
  strategies: [fanout('shared-table', 2000), fanout('link-table', 2000)] as never,
};

const MECHANISM_KS = [1, 100, 1000];
const MECHANISMS: ReadonlyArray<[LinkMechanism, string]> = [
  ['link-table', 'link table, imported, filled from JS'],
  ['own-table', 'own table, exported, filled from JS'],
  ['func-imports', 'K function imports + element segment'],
  ['shared-table', `shared table (${TABLE} slots), imported`],
];

interface Library {
  fns: Function[];
  shared: WebAssembly.Table;
}

let library: Library | undefined;
/** 1,000 functions f_j(x) = x + j, also in slots 0… of a TABLE-slot shared table. */
function ensureLibrary(): Library {
  if (library) return library;
  const inst = new WebAssembly.Instance(new WebAssembly.Module(floorModule(0, 1000) as BufferSource), {});
  const fns = Array.from({ length: 1000 }, (_, j) => inst.exports[String(j)] as Function);
  const shared = new WebAssembly.Table({ initial: TABLE, element: 'anyfunc' });
  fns.forEach((f, j) => shared.set(j, f as never));
  library = { fns, shared };
  return library;
}

function mechanism(how: LinkMechanism, label: string, k: number): Strategy<{ lib: Library; module: WebAssembly.Module }> {
  return {
    name: label,
    group: `K=${k}`,
    setup: () => ({ lib: ensureLibrary(), module: new WebAssembly.Module(linkingModule(how, k, TABLE) as BufferSource) }),
    // Instantiate, fill what must be filled, call reference K-1 (f_{K-1}(1) = K) once.
    sample: ({ lib, module }) =>
      timed(() => {
        const { fns } = lib;
        let inst: WebAssembly.Instance;
        if (how === 'link-table') {
          const t = new WebAssembly.Table({ initial: k, element: 'anyfunc' });
          inst = new WebAssembly.Instance(module, { l: { t } });
          for (let i = 0; i < k; i++) t.set(i, fns[i] as never);
        } else if (how === 'own-table') {
          inst = new WebAssembly.Instance(module, {});
          const t = inst.exports.t as WebAssembly.Table;
          for (let i = 0; i < k; i++) t.set(i, fns[i] as never);
        } else if (how === 'func-imports') {
          inst = new WebAssembly.Instance(module, { l: fns as never });
        } else {
          inst = new WebAssembly.Instance(module, { l: { t: lib.shared } });
        }
        return (inst.exports.run as () => number)();
      }, k),
  };
}

export const linkMechanisms: Case = {
  name: 'link-mechanisms',
  description:
    'The engine alone: instantiate a module that calls through K redirectable function references, give it the references, call once (module compiled beforehand). Accrete uses a link table on Node 20 and the shared table on Node 24.',
  reference: 'link table, imported, filled from JS',
  target: 'evidence for docs/performance.md: what linking K references costs on each engine before any runtime work.',
  unit: 'µs',
  warmup: { quick: 30, full: 100 },
  reps: { quick: 300, full: 1000 },
  strategies: MECHANISM_KS.flatMap((k) => MECHANISMS.map(([how, label]) => mechanism(how, label, k))) as never,
};
