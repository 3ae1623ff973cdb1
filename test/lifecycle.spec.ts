// Random lifecycles: commits, failed commits, async commits overtaken by sync ones, retirement,
// compaction and re-tiering, checked after every step against a model of what each function
// returns and against the runtime's own bookkeeping (reference counts equal what live stages
// hold, nothing still referenced is free, the slot mirror equals the table).

import assert from 'node:assert/strict';
import type { Runtime } from '../runtime/index.js';
import { LINKINGS, newRuntime } from './helpers.js';

const SEEDS = [1, 2, 3, 4, 5, 6];
const STEPS = 70;
const GLOBALS = 4;
const GLOBAL_VALUE = 7;

interface ModelFn {
  name: string;
  /** Functions call only functions of smaller id, so no model call graph has a cycle. */
  id: number;
  c: number;
  callees: string[];
  /** Per callee: called through a computed slot (`callSlot` of `slotOf`) rather than by name. */
  dynamic: boolean[];
  reads: string[];
  stage: string;
  host: boolean;
}

/** A deterministic generator (a linear congruential one), so a failing seed replays exactly. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

class Lifecycle {
  private readonly funcs = new Map<string, ModelFn>();
  private readonly stages = new Set<string>();
  private nextId = 0;
  private nextStage = 0;
  readonly trace: string[] = [];

  constructor(
    private readonly rt: Runtime,
    private readonly rnd: () => number,
  ) {
    const g = rt.stage('globals');
    for (let i = 0; i < GLOBALS; i++) g.global(`g${i}`, 'i32', GLOBAL_VALUE);
    g.commitSync();
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)]!;
  }

  /** What the model says `name()` returns, or 'retired' when a call on its way reaches a retired function. */
  private expected(name: string): number | 'retired' {
    const f = this.funcs.get(name);
    if (!f) return 'retired';
    let v = f.c;
    for (const c of f.callees) {
      const x = this.expected(c);
      if (x === 'retired') return x;
      v += x;
    }
    return (v + GLOBAL_VALUE * f.reads.length) | 0;
  }

  async step(): Promise<void> {
    const r = this.rnd();
    const stages = [...this.stages];
    if (r < 0.45) await this.commit('sync');
    else if (r < 0.55) await this.commit('fail');
    else if (r < 0.65) await this.commit('overtaken');
    else if (r < 0.8 && stages.length) this.retire(this.pick(stages));
    else if (r < 0.9) {
      this.trace.push('compact');
      this.rt.compact();
    } else if (stages.length) {
      const s = this.pick(stages);
      const tier = this.rnd() < 0.3 ? 'optimizing' : 'baseline';
      this.trace.push(`retier ${s} ${tier}`);
      this.rt.retierSync(s, tier);
    }
  }

  private retire(s: string): void {
    this.trace.push(`retire ${s}`);
    this.rt.retire(s);
    this.stages.delete(s);
    for (const [n, f] of [...this.funcs]) if (f.stage === s) this.funcs.delete(n);
  }

  private async commit(kind: 'sync' | 'fail' | 'overtaken'): Promise<void> {
    const name = `s${this.nextStage++}`;
    const stage = this.rt.stage(name, { tier: this.rnd() < 0.1 ? 'optimizing' : 'baseline' });
    const made = new Map<string, ModelFn>();
    const count = 1 + Math.floor(this.rnd() * 12);
    for (let i = 0; i < count; i++) {
      const live = [...this.funcs.keys()];
      const n = live.length && this.rnd() < 0.25 ? this.pick(live) : `f${this.nextId++}`;
      const old = this.funcs.get(n);
      if (made.has(n) || old?.host) continue;
      const id = old?.id ?? this.nextId;
      const callable = [...this.funcs.values(), ...made.values()].filter((f) => f.id < id);
      const callees: string[] = [];
      const dynamic: boolean[] = [];
      for (let k = 0; k < 2 && callable.length && this.rnd() < 0.5; k++) {
        callees.push(this.pick(callable).name);
        dynamic.push(this.rnd() < 0.3);
      }
      const reads = this.rnd() < 0.3 ? [`g${Math.floor(this.rnd() * GLOBALS)}`] : [];
      const c = Math.floor(this.rnd() * 100);
      const host = !old && this.rnd() < 0.1;
      const f: ModelFn = { name: n, id, c, callees: host ? [] : callees, dynamic: host ? [] : dynamic, reads: host ? [] : reads, stage: name, host };
      made.set(n, f);
      if (host) stage.host(n, '-> i32', () => c);
      else {
        const fails = kind === 'fail';
        stage.func(
          n,
          '-> i32',
          (b) => {
            if (fails) throw new Error('injected failure');
            let e = b.i32(c);
            f.callees.forEach((x, k) => (e = b.i32.add(e, f.dynamic[k] ? b.callSlot('-> i32', b.slotOf(x)) : b.call(x))));
            for (const g of f.reads) e = b.i32.add(e, b.global(g));
            return e;
          },
          { redefine: old !== undefined, inline: this.rnd() < 0.3 },
        );
      }
    }
    this.trace.push(`${kind} ${name}: ${[...made.values()].map((f) => `${f.name}=${f.host ? 'host ' : ''}${f.c}${f.callees.map((x, k) => `+${f.dynamic[k] ? '~' : ''}${x}`).join('')}${f.reads.map((g) => `+${g}`).join('')}`).join(' ')}`);
    if (kind === 'fail') {
      if (![...made.values()].some((f) => !f.host)) return;
      assert.throws(() => stage.commitSync(), /injected failure/);
      return;
    }
    if (kind === 'overtaken') {
      const pending = stage.commit();
      for (let t = Math.floor(this.rnd() * 4); t > 0; t--) await new Promise((r) => setImmediate(r));
      const other = `s${this.nextStage++}`;
      const fn = `f${this.nextId++}`;
      const c = Math.floor(this.rnd() * 50);
      this.rt.stage(other).func(fn, '-> i32', (b) => b.i32(c)).commitSync();
      this.funcs.set(fn, { name: fn, id: this.nextId - 1, c, callees: [], dynamic: [], reads: [], stage: other, host: false });
      this.stages.add(other);
      await pending;
    } else stage.commitSync();
    this.stages.add(name);
    for (const [n, f] of made) this.funcs.set(n, f);
  }

  /** Everything the runtime keeps must agree with itself and with the model. */
  check(): void {
    const core = this.rt.internals;
    for (const [pool, key] of [
      [core.slots.pool, 'slotRefs'],
      [core.globalCells.pool, 'cellRefs'],
    ] as const) {
      if (!pool.counting) continue;
      const held = new Map<number, number>();
      for (const rec of core.stages.values()) {
        for (const u of [rec.code, rec.host]) if (u) for (const k of u[key]) held.set(k, (held.get(k) ?? 0) + 1);
      }
      for (const [k, n] of held) {
        assert.equal(pool.refCount(k), n, `${key}: ${k} is held ${n} times`);
        assert.ok(!pool.isFree(k), `${key}: ${k} is free while held`);
      }
    }
    for (const r of core.symbols.values()) if (r.kind === 'func') assert.ok(!core.slots.pool.isFree(r.slot), `the slot of live '${r.name}' is free`);
    assert.deepEqual(core.slots.mismatches(), [], 'slots whose mirror differs from the table');
    // Every link-table entry live code can reach holds what its slot holds. (An entry only a retired
    // part of a compacted module named is unreachable, and its slot may belong to a stranger now.)
    for (const rec of core.stages.values()) {
      for (const u of [rec.code, rec.host]) {
        if (!u?.linkTable) continue;
        const reachable = new Set(u.slotRefs);
        u.imports!.link.forEach((slot, i) => {
          if (slot >= 0 && reachable.has(slot)) assert.equal(u.linkTable!.get(i), core.slots.peek(slot), `${rec.name}: link entry ${i} (slot ${slot})`);
        });
      }
    }
    for (const n of this.funcs.keys()) {
      const want = this.expected(n);
      let got: number | 'retired';
      try {
        got = this.rt.fn(n)() as number;
      } catch (e) {
        if ((e as { code?: string }).code !== 'RetiredSymbol') throw e;
        got = 'retired';
      }
      assert.equal(got, want, `${n}()`);
    }
  }
}

for (const linking of LINKINGS) {
  for (const installMin of [1, 8]) {
    describe(`random lifecycles (${linking}, modules install from ${installMin} functions)`, () => {
      for (const seed of SEEDS) {
        it(`keeps every invariant over ${STEPS} steps (seed ${seed})`, async () => {
          const rt = await newRuntime({ linking, compactAfter: 0 });
          await rt.loadOptimizer();
          rt.internals.installMin = installMin;
          const life = new Lifecycle(rt, random(seed * 7919 + installMin));
          for (let i = 0; i < STEPS; i++) {
            try {
              await life.step();
              life.check();
            } catch (e) {
              const msg = e instanceof Error ? e.message : String(e);
              assert.fail(`seed ${seed}, step ${i}: ${msg}\n  ${life.trace.slice(-8).join('\n  ')}`);
            }
          }
        });
      }
    });
  }
}
