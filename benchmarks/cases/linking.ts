// The evidence behind the linking choice (docs/linking.md): the cost of a stage that calls an
// earlier one, and of redefining a function many stages call, for each linking strategy, with a
// large shared table.

import { Runtime } from '../../runtime/index.js';
import type { Case, Strategy } from '../harness.js';

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
  return {
    name: linking,
    setup: async () => {
      const ctx = await runtimeWith(linking);
      for (let i = 0; i < callers; i++) ctx.rt.stage().func(`c${i}`, 'i32 -> i32', (b) => b.call('base', b.param(0))).commitSync();
      return ctx;
    },
    sample: (ctx, i) => {
      const t0 = now();
      ctx.rt.stage().func('base', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(i)), { redefine: true }).commitSync();
      const r = ctx.rt.fn(`c${callers - 1}`)(1);
      const t = (now() - t0) * 1000;
      if (r !== 1 + i) throw new Error('wrong result');
      return t;
    },
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
