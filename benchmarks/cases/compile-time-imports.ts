// compile-time-imports: the seed discussion's examples of what compile-time imports buy.
// (1) A struct field read with its offset as an immediate vs an offset read from memory.
// (2) A hash table whose layout, hash and equality are compile-time imports (constants and
//     inlined functions) vs the same table calling hash and equality through the table.

import type { Expr, FuncBuilder, Runtime } from '../../runtime/index.js';
import { Runtime as RT } from '../../runtime/index.js';
import { ratio, timed, verdict, type Case, type Strategy } from '../harness.js';

const POINTS = 1024;
const BITS = 15;
const CAP = 1 << BITS;
const KEYS = CAP / 2;

interface Ctx {
  run: () => unknown;
  expect: unknown;
}

const time = (ctx: Ctx): number => timed(ctx.run, ctx.expect);

// ---- (1) field reads ----

async function fieldRuntime(mode: string, specialised: boolean): Promise<Ctx> {
  const rt = await RT.create();
  rt.stage('types').rtt('Point', { fields: { x: 'f64', y: 'f64' } }).global('offX', 'i32', 0).global('offY', 'i32', 0).commitSync();
  const p = rt.lookup('Point') as { id: number; size: number; fields: ReadonlyArray<{ offset: number }> };
  rt.setGlobal('offX', p.fields[0]!.offset);
  rt.setGlobal('offY', p.fields[1]!.offset);
  const base = rt.layout.heapBase;
  const v = new DataView(rt.memory.buffer);
  let sum = 0;
  for (let i = 0; i < POINTS; i++) {
    const at = base + i * p.size;
    v.setUint32(at, p.id, true);
    v.setFloat64(at + p.fields[0]!.offset, i, true);
    v.setFloat64(at + p.fields[1]!.offset, 0.5, true);
    sum += i + 0.5;
  }
  const reads = mode === 'smoke' ? 1 : 2000;
  rt.stage('sum').func('sum', 'i32 -> f64', (b) => {
    const i = b.local('i32');
    const ptr = b.local('i32');
    const acc = b.local('f64');
    const fieldAt = (name: 'x' | 'y') =>
      specialised ? b.field(b.get(ptr), 'Point', name) : b.f64.load(b.i32.add(b.get(ptr), b.global(name === 'x' ? 'offX' : 'offY')));
    return [
      b.loop('L', [
        b.set(ptr, b.i32.add(b.i32(base), b.i32.mul(b.i32.and(b.get(i), b.i32(POINTS - 1)), b.sizeOf('Point')))),
        b.set(acc, b.f64.add(b.get(acc), b.f64.add(fieldAt('x'), fieldAt('y')))),
        b.set(i, b.i32.add(b.get(i), b.i32(1))),
        b.brIf('L', b.i32.lt_u(b.get(i), b.param(0))),
      ]),
      b.get(acc),
    ];
  }).commitSync();
  const f = rt.fn('sum');
  return { run: () => f(POINTS * reads), expect: sum * reads };
}

// ---- (2) hash tables ----

/** Insert KEYS keys, then look each up; returns the sum of the values found. */
function hashTable(rt: Runtime, specialised: boolean): void {
  const table = rt.layout.heapBase + 65536;
  const s = rt.stage('table');
  s.constant('TABLE', 'i32', table).constant('MASK', 'i32', CAP - 1).constant('SHIFT', 'i32', 32 - BITS);
  if (specialised) {
    s.constant('ENTRY', 'i32', 8).constant('VALOFF', 'i32', 4);
    s.func('hash', 'i32 -> i32', (b) => b.i32.shr_u(b.i32.mul(b.param(0), b.i32(0x9e3779b1 | 0)), b.constant('SHIFT')), { inline: true });
    s.func('eq', 'i32 i32 -> i32', (b) => b.i32.eq(b.param(0), b.param(1)), { inline: true });
  } else {
    s.global('entry', 'i32', 8).global('valoff', 'i32', 4).global('hashSlot', 'i32', 0).global('eqSlot', 'i32', 0);
    s.func('hash', 'i32 -> i32', (b) => b.i32.shr_u(b.i32.mul(b.param(0), b.i32(0x9e3779b1 | 0)), b.constant('SHIFT')));
    s.func('eq', 'i32 i32 -> i32', (b) => b.i32.eq(b.param(0), b.param(1)));
  }
  s.commitSync();
  if (!specialised) {
    rt.setGlobal('hashSlot', (rt.lookup('hash') as { slot: number }).slot);
    rt.setGlobal('eqSlot', (rt.lookup('eq') as { slot: number }).slot);
  }
  const H = { params: ['i32'], results: ['i32'] } as const;
  const E = { params: ['i32', 'i32'], results: ['i32'] } as const;
  const hash = (b: FuncBuilder, k: Expr) => (specialised ? b.call('hash', k) : b.callSlot(H, b.global('hashSlot'), k));
  const eq = (b: FuncBuilder, x: Expr, y: Expr) => (specialised ? b.call('eq', x, y) : b.callSlot(E, b.global('eqSlot'), x, y));
  const entry = (b: FuncBuilder) => (specialised ? b.constant('ENTRY') : b.global('entry'));
  const valoff = (b: FuncBuilder, e: Expr) => (specialised ? b.i32.add(e, b.constant('VALOFF')) : b.i32.add(e, b.global('valoff')));
  /** Linear probing from the key's hash: `visit(entry, keyThere)` decides, per slot, to stop or go on. */
  const probe = (b: FuncBuilder, visit: (e: Expr, kk: Expr) => Expr[]) => {
    const i = b.local('i32');
    const e = b.local('i32');
    const kk = b.local('i32');
    return [
      b.set(i, hash(b, b.param(0))),
      b.loop('probe', [
        b.set(e, b.i32.add(b.constant('TABLE'), b.i32.mul(b.get(i), entry(b)))),
        b.set(kk, b.i32.load(b.get(e))),
        ...visit(b.get(e), b.get(kk)),
        b.set(i, b.i32.and(b.i32.add(b.get(i), b.i32(1)), b.constant('MASK'))),
        b.br('probe'),
      ]),
    ];
  };
  rt.stage('ops')
    .func('insert', 'i32 i32 ->', (b) =>
      probe(b, (e, kk) => [b.if(b.i32.or(b.i32.eqz(kk), eq(b, kk, b.param(0))), [b.i32.store(e, b.param(0)), b.i32.store(valoff(b, e), b.param(1)), b.return()])]),
    )
    .func('lookup', 'i32 -> i32', (b) => [
      ...probe(b, (e, kk) => [b.if(eq(b, kk, b.param(0)), b.return(b.i32.load(valoff(b, e)))), b.if(b.i32.eqz(kk), b.return(b.i32(-1)))]),
      b.unreachable(),
    ])
    .func('bench', 'i32 -> i32', (b) => {
      const j = b.local('i32');
      const acc = b.local('i32');
      return [
        b.memory.fill(b.constant('TABLE'), b.i32(0), b.i32(CAP * 8)),
        b.set(j, b.i32(1)),
        b.loop('ins', [b.call('insert', b.i32.mul(b.get(j), b.i32(7)), b.get(j)), b.set(j, b.i32.add(b.get(j), b.i32(1))), b.brIf('ins', b.i32.le_s(b.get(j), b.param(0)))]),
        b.set(j, b.i32(1)),
        b.loop('look', [b.set(acc, b.i32.add(b.get(acc), b.call('lookup', b.i32.mul(b.get(j), b.i32(7))))), b.set(j, b.i32.add(b.get(j), b.i32(1))), b.brIf('look', b.i32.le_s(b.get(j), b.param(0)))]),
        b.get(acc),
      ];
    })
    .commitSync();
}

async function hashRuntime(mode: string, specialised: boolean): Promise<Ctx> {
  const rt = await RT.create({ initialPages: 64 });
  hashTable(rt, specialised);
  const n = mode === 'smoke' ? 100 : KEYS;
  const f = rt.fn('bench');
  return { run: () => f(n), expect: (n * (n + 1)) / 2 };
}

function strategy(name: string, group: string, make: (mode: string) => Promise<Ctx>): Strategy<Ctx> {
  return { name, group, setup: (mode) => make(mode), sample: (ctx) => time(ctx) };
}

export const compileTimeImports: Case = {
  name: 'compile-time-imports',
  description: `Field reads (${POINTS} points, x + y, 2 million times) and a ${CAP}-entry open-addressing hash table (${KEYS} inserts and lookups), specialised at compile time or not.`,
  reference: 'runtime',
  target: 'specialised ≥ 1.3× faster on the hash table.',
  unit: 'µs',
  // Node 24 takes its first 3–5 samples of each to reach the optimising tier (431 → 240 µs).
  warmup: { quick: 10, full: 20 },
  reps: { quick: 15, full: 60 },
  strategies: [
    strategy('runtime', 'field read', (m) => fieldRuntime(m, false)),
    strategy('compile-time', 'field read', (m) => fieldRuntime(m, true)),
    strategy('runtime', 'hash table', (m) => hashRuntime(m, false)),
    strategy('compile-time', 'hash table', (m) => hashRuntime(m, true)),
  ] as never,
  verdicts: (r) => [verdict('hash table: runtime ÷ specialised ≥ 1.3', 1 / ratio(r, 'compile-time', 'hash table'), 1 / ratio(r, 'compile-time', 'hash table') >= 1.3)],
};
