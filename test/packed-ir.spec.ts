// Kept function bodies are packed (codegen/ir/packed.ts): every node kind and field survives the
// round trip, and code rebuilt from packed bodies (recompiles, re-tiering, inlining) behaves as
// the code first built from the trees.

import assert from 'node:assert/strict';
import { FuncBuilder, type Body } from '../codegen/ir/builder.js';
import type { BlockExpr, Expr, FuncIR, Sig } from '../codegen/ir/nodes.js';
import { KEEP_TREE_MAX, MAX_BODY_NODES, isTree, keptTree, unpackFunc, type PackedFunc } from '../codegen/ir/packed.js';
import { keepFunc, keptFacts, keptSize, packFunc, packTogether } from '../codegen/ir/pack.js';
import { regionStarts, scanFacts } from '../codegen/ir/scan.js';
import { analyze, type References } from '../codegen/ir/analyze.js';
import type { FuncRecord } from '../runtime/symbols.js';
import type { SymbolInfo } from '../codegen/ir/symbols.js';
import { LINKINGS, newRuntime, testBuilder } from './helpers.js';
import { AccreteError } from '../runtime/errors.js';

const I32: Sig = { params: ['i32'], results: ['i32'] };
const syms: Record<string, SymbolInfo> = {
  inc: { kind: 'func', name: 'inc', sig: I32, inline: false },
  g: { kind: 'global', name: 'g', type: 'i32', mutable: true },
  h: { kind: 'global', name: 'h', type: 'f64', mutable: true },
  k: { kind: 'constant', name: 'k', type: 'i64', value: 7n },
  oops: { kind: 'tag', name: 'oops', id: 3, params: ['i32', 'f64'] },
  pt: { kind: 'rtt', name: 'pt', id: 512, depth: 1, size: 12, fields: [{ name: 'x', type: 'i32', offset: 4 }, { name: 'y', type: 'f32', offset: 8 }] },
};
/** Names resolving to a symbol of another name (what a rebound node holds). */
const aliased: Record<string, SymbolInfo> = { incAlias: syms.inc!, gAlias: syms.g! };

function build(sig: Sig, body: (b: FuncBuilder) => Body): FuncIR {
  const b = testBuilder({ resolve: (n) => syms[n] ?? aliased[n] }, 'f', sig, ['x']);
  return b.finish(body(b));
}

/** Structural equality: prototypes and property order aside; symbols, signatures and instruction entries by identity. */
function same(a: unknown, b: unknown, path = 'body'): void {
  if (a === b) return;
  if (typeof a === 'number' && typeof b === 'number') {
    assert.ok(Object.is(a, b), `${path}: ${a} against ${b}`);
    if (Number.isNaN(a)) assert.deepEqual(new Uint8Array(new Float64Array([a]).buffer), new Uint8Array(new Float64Array([b]).buffer), `${path}: NaN bits`);
    return;
  }
  assert.ok(a !== null && b !== null && typeof a === 'object' && typeof b === 'object', `${path}: ${String(a)} against ${String(b)}`);
  if (Array.isArray(a)) {
    assert.ok(Array.isArray(b) && a.length === b.length, `${path}: arrays of different lengths`);
    a.forEach((x, i) => same(x, (b as unknown[])[i], `${path}[${i}]`));
    return;
  }
  // `by` says which builder made a node (builder.ts, `foreign`), not what the node is.
  const keys = (o: object) => Object.keys(o).filter((k) => k !== 'by' && (o as Record<string, unknown>)[k] !== undefined).sort();
  assert.deepEqual(keys(b), keys(a), `${path}: fields`);
  for (const k of keys(a)) {
    const x: unknown = (a as Record<string, unknown>)[k];
    const y: unknown = (b as Record<string, unknown>)[k];
    if (k === 'sym' || k === 'sig' || k === 'info') assert.equal(y, x, `${path}.${k}: not the same object`);
    else same(x, y, `${path}.${k}`);
  }
}

function roundTrip(f: FuncIR): FuncIR {
  const back = unpackFunc(packFunc(f));
  assert.equal(back.name, f.name);
  assert.equal(back.sig, f.sig);
  assert.equal(back.locals, f.locals);
  assert.equal(back.localNames, f.localNames);
  same(f.body, back.body);
  return back;
}

/** Nodes of a tree, counted as the packer counts them. */
function count(es: readonly unknown[]): number {
  let n = 0;
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(visit);
    if (x === null || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    if (typeof o.k === 'string') n++;
    for (const [key, v] of Object.entries(o)) if (key !== 'sym' && key !== 'sig' && key !== 'info' && key !== 'params') visit(v);
  };
  es.forEach(visit);
  return n;
}

const nanBits = new Float64Array(new BigInt64Array([0x7ff8000000000123n]).buffer)[0]!;

/** A body with every node kind, field and flag. */
function everyKind(): FuncIR {
  return build({ params: ['i32'], results: ['i32'] }, (b) => {
    const t = b.local('i32', 'tmp');
    const d = b.local('f64');
    return [
      b.set(t, b.i32(-5)),
      b.drop(b.tee(t, b.i32(0x7fffffff))),
      b.set(d, b.f64(-0)),
      b.set(d, b.f64(nanBits)),
      b.drop(b.f32(1.5)),
      b.drop(b.i64(-(2n ** 63n))),
      b.drop(b.constant('k')),
      b.setGlobal('g', b.call('inc', b.global('g'))),
      b.setGlobal('gAlias', b.call('incAlias', b.global('gAlias'))),
      b.drop(b.global('h')),
      b.i32.store(b.i32(16), b.i32.load(b.i32(8), 0xffffffff), 4),
      b.f64.store(b.i32(16), b.f64.load(b.i32(8))),
      b.drop(b.i32.load8_u(b.i32(3), 1)),
      b.drop(b.op('i32.rotl', b.get(t), b.i32(3))),
      b.drop(b.i32.eqz(b.param(0))),
      b.drop(b.slotOf('inc')),
      b.drop(b.callSlot('i32 -> i32', b.slotOf('inc'), b.i32(1))),
      b.drop(b.memory.size()),
      b.drop(b.memory.grow(b.i32(0))),
      b.memory.copy(b.i32(0), b.i32(8), b.i32(4)),
      b.memory.fill(b.i32(0), b.i32(0), b.i32(4)),
      b.drop(b.field(b.i32(64), 'pt', 'y')),
      b.drop(b.instanceOf(b.i32(64), 'pt')),
      b.nop(),
      b.block(
        [
          b.loop('top', [b.br('out'), b.brIf('top', b.i32(0))]),
          b.block(b.brTable(['a', 'out'], 'out', b.get(t)), { label: 'a', type: 'none' }),
        ],
        { label: 'out' },
      ),
      b.drop(b.block([b.drop(b.brIf('v', b.i32(2), b.i32(1))), b.i32(3)], { label: 'v', type: 'i32' })),
      b.drop(b.seq(b.i32(4))),
      b.if(b.get(t), b.nop()),
      b.drop(b.if(b.get(t), b.i32(1), b.i32(2))),
      b.drop(b.select(b.get(t), b.f64(1), b.f64(2))),
      b.drop(
        b.try(
          [b.throw('oops', b.i32(1), b.f64(2)), b.i32(0)],
          [{ tag: 'oops', body: ([a]) => a! }],
          [b.i32(9)],
        ),
      ),
      b.try(b.nop(), [], undefined, 'none'),
      b.if(b.i32(0), b.unreachable()),
      b.if(b.i32(0), b.return(b.i32(1))),
      b.returnCall('inc', b.i32(2)),
    ];
  });
}

describe('packed IR', () => {
  it('round-trips every node kind, field and flag', () => {
    const f = everyKind();
    const p = packFunc(f);
    assert.equal(p.size, count(f.body));
    roundTrip(f);
  });

  it('finds what a packed body refers to by scanning its words, as analysis walking the tree finds it', () => {
    const plain = (r: References) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Map ? [...v].map(([a, b]) => [a, [...(b as Set<string>)]]) : v instanceof Set ? [...v] : v]));
    const calls = build(I32, (b) => b.i32.add(b.call('inc', b.call('incAlias', b.param(0))), b.call('inc', b.i32(1))));
    for (const f of [everyKind(), calls]) assert.deepEqual(plain(analyze([f], [scanFacts(packFunc(f))])), plain(analyze([f])));
    // A body that calls its own function: those calls are direct, the rest through slots.
    const self = { ...calls, name: 'inc' };
    const selfFacts = scanFacts(packFunc(self));
    assert.deepEqual(plain(analyze([self], [selfFacts])), plain(analyze([self])));
    assert.deepEqual(analyze([self], [selfFacts]).slotCalls, ['incAlias']);
    const facts = scanFacts(packFunc(calls));
    assert.deepEqual(facts.calls, ['incAlias', 'inc', 'inc'], 'every call, after its arguments');
    assert.deepEqual([facts.memory, facts.exceptions, facts.dynamicCalls, facts.callsInline, facts.prefixed], [false, false, false, false, false]);
    const all = scanFacts(packFunc(everyKind()));
    assert.deepEqual([all.memory, all.exceptions, all.dynamicCalls, all.slotRefs, all.constants, all.prefixed], [true, true, true, ['inc', 'inc'], ['k'], true]);
    // Bodies packed together are scanned from where each starts.
    const both = packTogether([calls, everyKind()])!;
    assert.deepEqual(scanFacts(both[0]!), facts);
    assert.deepEqual(scanFacts(both[1]!), all);
  });

  it('notes what a body refers to while keeping it, as scanning the kept words finds it', () => {
    // Big enough to be kept as words; calls, a global and a constant among its nodes.
    const twice: SymbolInfo = { kind: 'func', name: 'twice', sig: I32, inline: true };
    const keep = (body: (b: FuncBuilder) => Body) => {
      const b = testBuilder({ resolve: (n) => syms[n] ?? aliased[n] ?? (n === 'twice' ? twice : undefined) }, 'f', I32, ['x']);
      const kept = b.finishKept(body(b));
      assert.ok(!isTree(kept), 'kept as words');
      return kept as PackedFunc;
    };
    const chain = (b: FuncBuilder) => {
      let acc = b.param(0);
      for (let i = 0; i < 40; i++) acc = b.i32.add(b.call(i % 2 ? 'inc' : 'incAlias', acc), b.i32.wrap_i64(b.i64.add(b.constant('k'), b.i64.extend_i32_s(b.global('g')))));
      return acc;
    };
    const first = keep(chain);
    const noted = keptFacts(first);
    assert.deepEqual(noted, scanFacts(first));
    assert.equal(noted.calls.length, 40);
    assert.deepEqual([noted.memory, noted.constants.length, noted.prefixed], [true, 40, false]);
    // Only the body kept last has its facts noted: another one, or the same one asked again, is scanned.
    const second = keep((b) => b.block(b.call('inc', chain(b)), { type: 'i32' }));
    assert.deepEqual(keptFacts(first), scanFacts(first));
    const facts = keptFacts(second);
    assert.deepEqual(facts, scanFacts(second));
    assert.deepEqual([facts.calls.length, facts.prefixed], [41, true]);
    // The heads the pass takes in its loop (a call by its symbol, of an inline function; a global
    // read by its symbol) and those it leaves to noteHead (by another name; a nop) note the same.
    const mixed = keep((b) => {
      // In order (the nop first): a list whose nodes the builder must move is laid out anew and scanned.
      const first = b.nop();
      let acc = b.param(0);
      for (let i = 0; i < 20; i++) acc = b.i32.add(b.call(i % 2 ? 'twice' : 'incAlias', acc), i % 3 ? b.global('gAlias') : b.global('g'));
      return [first, acc];
    });
    const m = keptFacts(mixed);
    assert.deepEqual(m, scanFacts(mixed));
    assert.deepEqual([m.calls.length, m.callsInline, m.memory], [20, true, true]);
    assert.deepEqual([...new Set(m.calls)].sort(), ['incAlias', 'twice']);
  });

  it('writes operands before their node, and says where each node wasm writes before its operands starts', () => {
    // nop @0; if's condition @1–2, then @3, else @4, if @5–9; block @10–11; loop's nop @12, loop @13–15.
    const f = build({ params: ['i32'], results: [] }, (b) => [
      b.nop(),
      b.block([b.if(b.i32(1), [b.nop()], [b.nop()])]),
      b.loop('l', [b.nop()]),
    ]);
    const p = packFunc(f);
    assert.deepEqual([...regionStarts(p).starts], [
      [1, [5, 10]],
      [12, [13]],
    ]);
    assert.deepEqual([...p.words.subarray(6, 10)], [1, 5 - 1, 5 - 3, 5 - 4], "the if's else length and its offsets back to condition, then and else");
    same(unpackFunc(p).body, f.body);
    const t = build({ params: ['i32'], results: [] }, (b) => [b.try([b.nop()], [{ tag: 'oops', body: () => [b.nop()] }], [b.nop()])]);
    const q = packFunc(t);
    assert.deepEqual([...regionStarts(q).starts], [[0, [3]]]);
    assert.equal(regionStarts(q).end, q.words.length, 'where the words end');
    const both = packTogether([f, t])!;
    assert.deepEqual([...regionStarts(both[1]!).starts], [[both[1]!.start, [both[1]!.start + 3]]], 'positions in the shared words');
    // global.set: the cell's address comes before the value in wasm.
    const g = packFunc(build({ params: ['i32'], results: [] }, (b) => [b.setGlobal('g', b.i32.add(b.param(0), b.i32(1)))]));
    assert.deepEqual([...regionStarts(g).starts], [[0, [6]]]);
    assert.deepEqual([...q.words.subarray(q.words.length - 3)], [3, 2, 1], "the try's offsets back to its body, clause and catch-all");
    assert.equal(regionStarts(packFunc(build(I32, (b) => b.i32.add(b.param(0), b.i32(1))))).starts.size, 0);
  });

  it('gives a body packed after a bigger one only its own references', () => {
    const small = build(I32, (b) => b.call('inc', b.global('g')));
    const alone = packFunc(small);
    packFunc(everyKind());
    const after = packFunc(small);
    assert.deepEqual(after.refs, alone.refs);
    same(unpackFunc(after).body, small.body);
  });

  it('keeps a function with no body, locals or names as it was', () => {
    const f = build({ params: [], results: [] }, () => []);
    assert.equal(packFunc(f).size, 0);
    roundTrip(f);
  });

  it('keeps lists longer than a node word can count', () => {
    const nop: Expr = { k: 'nop', type: 'none' };
    const long = 0xfffff + 3;
    const body: Expr[] = [{ k: 'block', type: 'none', label: null, body: new Array<Expr>(long).fill(nop) }, { k: 'drop', type: 'none', value: { k: 'const', type: 'i32', value: 1 } }];
    const f: FuncIR = { name: 'long', sig: { params: [], results: [] }, locals: [], localNames: [], body };
    const back = unpackFunc(packFunc(f));
    const block = back.body[0] as BlockExpr;
    assert.equal(block.body.length, long);
    assert.equal(block.body[long - 1]!.k, 'nop');
    same(f.body[1], back.body[1]);
  });

  it('does not count nops, which encode to nothing, against the size limit', () => {
    const nop: Expr = { k: 'nop', type: 'none' };
    const f: FuncIR = { name: 'nops', sig: { params: [], results: [] }, locals: [], localNames: [], body: new Array<Expr>(MAX_BODY_NODES + 1).fill(nop) };
    assert.equal(packFunc(f).size, MAX_BODY_NODES + 1);
    const g: FuncIR = { ...f, body: new Array<Expr>(MAX_BODY_NODES + 1).fill({ k: 'unreachable', type: 'unreachable' }) };
    assert.throws(() => packFunc(g), /more than 7,654,321 nodes/);
  });

  it('packs a body met while packing another one apart from it', () => {
    const inner = build(I32, (b) => b.i32.add(b.param(0), b.i32.mul(b.i32(3), b.i32.sub(b.param(0), b.i32(1000)))));
    let innerPacked: ReturnType<typeof packFunc> | undefined;
    // A node made by hand whose field getter packs another body mid-pack.
    const sneaky = {
      k: 'const',
      type: 'i64',
      get value() {
        innerPacked ??= packFunc(inner);
        return 5n;
      },
    } as unknown as Expr;
    const outer = build({ params: ['i32'], results: ['i64'] }, (b) => b.i64.add(sneaky, b.i64.add(b.i64.extend_i32_s(b.param(0)), b.i64(2000))));
    const back = unpackFunc(packFunc(outer));
    same(inner.body, unpackFunc(innerPacked!).body);
    const op = back.body[0] as Extract<Expr, { k: 'op' }>;
    assert.equal((op.args[0] as Extract<Expr, { k: 'const' }>).value, 5n);
    same((outer.body[0] as Extract<Expr, { k: 'op' }>).args[1], op.args[1]);
  });

  it('packs many bodies together into one array of words and one list, each unpacking to its own tree', () => {
    const fs = [
      build(I32, (b) => b.i32.add(b.param(0), b.i32(1))),
      everyKind(),
      build({ params: [], results: [] }, () => []),
      build(I32, (b) => b.call('inc', b.global('g'))),
      build(I32, (b) => b.i32.add(b.call('incAlias', b.param(0)), b.global('gAlias'))),
      build(I32, (b) => b.i32.mul(b.param(0), b.i32(-7))),
    ];
    const ps = packTogether(fs)!;
    assert.equal(ps.length, fs.length);
    for (let i = 0; i < fs.length; i++) {
      const p = ps[i]!;
      assert.equal(p.words, ps[0]!.words, 'one array of words');
      assert.equal(p.refs, ps[0]!.refs, 'one list of references');
      assert.equal(p.size, count(fs[i]!.body), `body ${i}: size`);
      assert.equal(keptSize(p), packFunc(fs[i]!).size);
      assert.ok(!isTree(p));
      const back = keptTree(p);
      assert.equal(back.sig, fs[i]!.sig);
      assert.equal(back.locals, fs[i]!.locals);
      assert.equal(back.localNames, fs[i]!.localNames);
      same(fs[i]!.body, back.body, `body ${i}`);
    }
    // Each body starts where the one before it ended.
    assert.equal(ps[0]!.start, 0);
    for (let i = 1; i < ps.length; i++) assert.ok(ps[i]!.start >= ps[i - 1]!.start, `body ${i} starts at ${ps[i]!.start}`);
    assert.equal(ps[3]!.start, ps[2]!.start, 'an empty body takes no words');
  });

  it('packs nothing together from inside another pack, and the outer pack is unharmed', () => {
    let inner: ReturnType<typeof packTogether> | null = null;
    const plain: FuncIR = { name: 'p', sig: I32, locals: [], localNames: [], body: [{ k: 'local.get', type: 'i32', index: 0 }] };
    const sneaky = {
      k: 'const',
      type: 'i64',
      get value() {
        inner ??= packTogether([plain]);
        return 5n;
      },
    } as unknown as Expr;
    const outer: FuncIR = { name: 'o', sig: { params: ['i32'], results: ['i64'] }, locals: [], localNames: [], body: [{ k: 'op', type: 'i64', op: 'i64.add', args: [sneaky, { k: 'const', type: 'i64', value: 1n }] }] };
    const [p] = packTogether([outer])!;
    assert.equal(inner, undefined);
    same(outer.body, unpackFunc(p!).body);
    // And the scratch is free again afterwards.
    assert.equal(packTogether([outer])!.length, 1);
  });

  it('refuses a body built while a node made by hand is being packed into another, which stays whole', () => {
    const sneaky = {
      k: 'const',
      type: 'i64',
      get value() {
        build(I32, (b) => b.block(b.param(0)));
        return 5n;
      },
    } as unknown as Expr;
    assert.throws(
      // In a block, so that the body is a stream and the node is packed (a tiny tree is kept as made).
      () => build({ params: ['i32'], results: ['i64'] }, (b) => b.block(b.i64.add(sneaky, b.i64.extend_i32_s(b.param(0))))),
      (e: unknown) => e instanceof AccreteError && e.code === 'InvalidBody' && /while another was being packed/.test(e.message),
    );
    // The scratch is free again, and the next body is whole.
    const f = build(I32, (b) => b.i32.add(b.param(0), b.i32(2)));
    same(f.body, unpackFunc(packFunc(f)).body);
    assert.equal((f.body[0] as Extract<Expr, { k: 'op' }>).op, 'i32.add');
  });

  it('packs a node used twice as two (the tree the encoder walks)', () => {
    const f = build(I32, (b) => {
      const x = b.i32.add(b.param(0), b.i32(1000));
      return b.i32.mul(x, x);
    });
    assert.equal(packFunc(f).size, 7);
    roundTrip(f);
  });

  it('takes a fraction of the words of the tree it packs', () => {
    const f = build({ params: [], results: ['i32'] }, (b) => {
      let acc = b.i32(0);
      for (let i = 0; i < 1000; i++) acc = b.i32.add(acc, b.call('inc', b.global('g')));
      return acc;
    });
    const p = packFunc(f);
    // Per reference: add (2 words), call (2 + symbol), global (1 + symbol); symbols are one ref each.
    assert.ok(p.words.length <= 7 * 1000 + 2, `${p.words.length} words`);
    assert.ok(p.refs.length <= 2 * 1000, `${p.refs.length} refs`);
    roundTrip(f);
  });

  it('keeps bodies of a few nodes as trees, and packs bigger ones', () => {
    const small = build(I32, (b) => b.i32.add(b.param(0), b.i32(1)));
    assert.equal(keepFunc(small), small);
    assert.equal(keptTree(keepFunc(small)), small);
    assert.equal(keptSize(keepFunc(small)), 3);
    // Counted as the packer counts, whatever the kinds.
    const branchy = build(I32, (b) => b.if(b.param(0), b.i32.load(b.i32(8)), b.select(b.param(0), b.i32(1), b.i32(2))));
    assert.equal(keepFunc(branchy), branchy);
    assert.equal(keptSize(branchy), packFunc(branchy).size);
    assert.equal(keptSize(branchy), 8);
    const big = build(I32, (b) => {
      let acc = b.param(0);
      for (let i = 0; i < KEEP_TREE_MAX; i++) acc = b.i32.add(acc, b.i32(i));
      return acc;
    });
    const kept = keepFunc(big);
    assert.ok('words' in kept);
    assert.equal(keptSize(kept), 2 * KEEP_TREE_MAX + 1);
    same(big.body, keptTree(kept).body);
  });

  for (const linking of LINKINGS) {
    describe(`in the runtime (${linking})`, () => {
      it('rebuilds callers from packed bodies when what they depend on changes', async () => {
        const rt = await newRuntime({ linking });
        rt.stage('lib').constant('k', 'i32', 10).func('inc', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).global('g', 'i32', 5).tag('oops', ['i32']).commitSync();
        rt.stage('user')
          .func('f', 'i32 -> i32', (b) => {
            const t = b.local('i32');
            return [
              b.set(t, b.i32(0)),
              b.loop('l', [b.set(t, b.i32.add(b.get(t), b.call('inc', b.constant('k')))), b.brIf('l', b.i32.lt_s(b.get(t), b.param(0)))]),
              b.try([b.if(b.i32.gt_s(b.get(t), b.i32(100)), b.throw('oops', b.get(t))), b.i32.add(b.get(t), b.global('g'))], [{ tag: 'oops', body: ([v]) => b.i32.sub(b.i32(0), v!) }]),
            ];
          })
          .commitSync();
        const f = rt.fn('f') as (x: number) => number;
        assert.equal(f(30), 33 + 5);
        assert.equal(f(200), -209);
        // Redefining the constant rebuilds 'user' from its packed body.
        rt.stage('lib2').constant('k', 'i32', 20, { redefine: true }).commitSync();
        assert.equal(f(30), 42 + 5);
        assert.equal(f(200), -210);
        rt.setGlobal('g', 7);
        assert.equal(f(30), 42 + 7);
      });

      it('re-tiers and inlines from packed bodies', async () => {
        const rt = await newRuntime({ linking });
        await rt.loadOptimizer();
        // Bodies of more than KEEP_TREE_MAX nodes, so that they are kept packed.
        const sq = (b: FuncBuilder) => b.i32.add(b.i32.mul(b.i32.add(b.param(0), b.i32(0)), b.param(0)), b.i32.sub(b.i32(1), b.i32(1)));
        rt.stage('lib').func('sq', 'i32 -> i32', sq, { inline: true }).func('dbl', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32.add(b.param(0), b.i32.mul(b.i32(0), b.i32.add(b.param(0), b.i32(1)))))).commitSync();
        rt.stage('hot').func('h', 'i32 -> i32', (b) => b.i32.add(b.call('sq', b.param(0)), b.i32.add(b.call('dbl', b.call('sq', b.i32(3))), b.i32.sub(b.i32(2), b.i32(2))))).commitSync();
        for (const n of ['sq', 'dbl', 'h']) assert.ok('words' in (rt.internals.symbols.get(n) as FuncRecord).ir!, `${n} is kept packed`);
        const h = rt.fn('h') as (x: number) => number;
        assert.equal(h(4), 16 + 18);
        rt.retierSync('hot');
        assert.equal(rt.stages().find((s) => s.name === 'hot')!.tier, 'optimizing');
        assert.equal(h(4), 16 + 18);
        rt.retierSync('hot', 'baseline');
        assert.equal(h(5), 25 + 18);
      });
    });
  }
});
