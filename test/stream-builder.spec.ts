// The builder writes each node into its body's packed stream as it is made and hands back a small
// handle (builder.ts, `Node`), once a tiny body's first nodes (made as objects) are spent: these
// tests check the stream it writes against the tree the nodes describe, the copies and references
// (backrefs.ts) it makes for reused and out-of-order operands, the switch from objects to the
// stream, and its refusals.

import assert from 'node:assert/strict';
import { FuncBuilder, Node, type Body, type Operand } from '../codegen/ir/builder.js';
import type { Expr, FuncIR, Sig } from '../codegen/ir/nodes.js';
import { KEEP_TREE_MAX, isTree, unpackFunc, type PackedFunc } from '../codegen/ir/packed.js';
import { COPY_MAX_WORDS } from '../codegen/ir/backrefs.js';
import { packFunc, pos } from '../codegen/ir/pack.js';
import type { SymbolInfo } from '../codegen/ir/symbols.js';
import { newRuntime, testBuilder, throwsCode } from './helpers.js';

const I32: Sig = { params: ['i32'], results: ['i32'] };
const syms: Record<string, SymbolInfo> = {
  inc: { kind: 'func', name: 'inc', sig: I32, inline: false },
  g: { kind: 'global', name: 'g', type: 'i32', mutable: true },
  E: { kind: 'tag', name: 'E', id: 3, params: ['i32'] },
};
const builder = (name = 'f', sig: Sig = I32) => testBuilder({ resolve: (n) => syms[n] }, name, sig, ['x']);
/** A builder whose body has started its stream: every node it makes from now on is a handle. */
const streaming = (name = 'f') => {
  const b = builder(name);
  b.drop(b.param(0));
  return b;
};
const build = (body: (b: FuncBuilder) => Body, sig: Sig = I32): FuncIR => {
  const b = builder('f', sig);
  return b.finish(body(b));
};

/** The tree's shape as text, so that a failure shows what was built. */
function show(e: Expr): string {
  switch (e.k) {
    case 'const':
      return String(e.value);
    case 'local.get':
      return `$${e.index}`;
    case 'local.set':
      return `(${e.tee ? 'tee' : 'set'} $${e.index} ${show(e.value)})`;
    case 'op':
      return `(${e.op} ${e.args.map(show).join(' ')})`;
    case 'call':
      return `(call ${e.name} ${e.args.map(show).join(' ')})`;
    case 'global.get':
      return `(global ${e.name})`;
    case 'block':
    case 'loop':
      return `(${e.k}${e.label ? ' ' + e.label : ''}:${e.type} ${e.body.map(show).join(' ')})`;
    case 'if':
      return `(if ${show(e.cond)} [${e.then.map(show).join(' ')}]${e.else ? ` [${e.else.map(show).join(' ')}]` : ''})`;
    case 'br':
      return `(br ${e.label}${e.value ? ' ' + show(e.value) : ''}${e.cond ? ' ?' + show(e.cond) : ''})`;
    case 'select':
      return `(select ${show(e.cond)} ${show(e.a)} ${show(e.b)})`;
    case 'drop':
      return `(drop ${show(e.value)})`;
    case 'call.slot':
      return `(call.slot ${show(e.slot)} ${e.args.map(show).join(' ')})`;
    default:
      return `(${e.k})`;
  }
}
const text = (f: FuncIR) => f.body.map(show).join(' ');

describe('stream builder', () => {
  it('writes a body whose tree is the one its nodes describe', () => {
    const f = build((b) => b.i32.add(b.call('inc', b.global('g')), b.i32.mul(b.param(0), b.i32(3))));
    assert.equal(text(f), '(i32.add (call inc (global g)) (i32.mul $0 3))');
  });

  it('copies a node used twice, and operands made out of wasm order', () => {
    const f = build((b) => {
      const x = b.i32.add(b.param(0), b.i32(1));
      const c = b.i32.eqz(b.param(0));
      // select takes its condition last in wasm; the condition was made first here.
      return b.select(c, x, b.i32.mul(x, x));
    });
    assert.equal(text(f), '(select (i32.eqz $0) (i32.add $0 1) (i32.mul (i32.add $0 1) (i32.add $0 1)))');
  });

  it('moves big operands made out of order by reference, and lays the kept body out in wasm order', () => {
    // Pieces long enough (more than COPY_MAX_WORDS words) to be referred to rather than copied.
    const chain = (b: FuncBuilder, x: Operand, k: number) => {
      let a = x;
      for (let i = 0; i < COPY_MAX_WORDS / 3; i++) a = b.i32.add(a, b.i32(k + i));
      return a;
    };
    type Pieces = Record<'then' | 'else' | 'value' | 'first' | 'second' | 'looped' | 'tried' | 'caught' | 'all' | 'cond' | 'slot', Operand>;
    const names = ['then', 'else', 'value', 'first', 'second', 'looped', 'tried', 'caught', 'all', 'cond', 'slot'] as const;
    const body = (b: FuncBuilder, made: (name: keyof Pieces) => Operand) => {
      const l = b.local('i32');
      return [
        b.set(l, b.if(b.i32.eqz(b.param(0)), [made('then')], [made('else')])),
        b.setGlobal('g', made('value')),
        b.block([b.drop(made('first')), b.set(l, made('second'))], { label: 'blk' }),
        b.loop('lp', [b.drop(made('looped')), b.brIf('lp', b.i32(0))]),
        b.try([b.drop(made('tried'))], [{ tag: 'E', body: ([x]) => [b.drop(b.i32.add(x!, made('caught')))] }], [b.drop(made('all'))]),
        b.drop(b.callSlot('i32 -> i32', made('slot'), b.get(l))),
        b.select(made('cond'), b.get(l), b.param(0)),
      ];
    };
    // Each piece made where it is used (wasm's order), or all of them first, last one first.
    const inOrder = builder();
    const a = inOrder.finishKept(body(inOrder, (name) => chain(inOrder, inOrder.param(0), names.indexOf(name) * 100))) as PackedFunc;
    const outOfOrder = builder();
    const pieces = {} as Pieces;
    for (const name of [...names].reverse()) pieces[name] = chain(outOfOrder, outOfOrder.param(0), names.indexOf(name) * 100);
    const c = outOfOrder.finishKept(body(outOfOrder, (name) => pieces[name])) as PackedFunc;
    assert.deepEqual(unpackFunc(c).body, unpackFunc(a).body);
    assert.equal(c.size, a.size);
    // The words are those the tree packs to (each list's offset measured where it now starts).
    assert.deepEqual([...c.words], [...packFunc(unpackFunc(c)).words]);
  });

  it('moves an operand made out of order at the same cost however big it is: a body built backwards grows linearly', () => {
    const n = 20_000;
    const b = builder();
    b.drop(b.param(0));
    const from = pos();
    let acc = b.param(0);
    for (let i = 0; i < n; i++) acc = b.i32.add(b.i32(1), acc);
    // Per step: a constant, the add, and the sum so far moved: a reference, or a copy of at most COPY_MAX_WORDS.
    assert.ok(pos() - from < (COPY_MAX_WORDS + 4) * n, `the stream grew by ${pos() - from} words for ${n} steps`);
    const kept = b.finishKept(acc) as PackedFunc;
    assert.equal(kept.size, 2 * n + 1);
    assert.equal(kept.words.length, 4 * n + 2);
  });

  it('types a labelled block by the branches inside operands it moved by reference', () => {
    // A branch to 'out' inside a big operand that is then moved (a constant made after it comes first).
    const moved = (b: FuncBuilder, inner?: string) => {
      let a = b.i32.wrap_i64(b.brIf('out', b.param(0), b.i64(10)));
      for (let i = 0; i < COPY_MAX_WORDS; i++) a = b.i32.add(a, b.i32(i));
      if (inner) a = b.block([a], { label: inner, type: 'i32' });
      return b.i32.add(b.i32(1), a);
    };
    const f = build((b) => [b.drop(b.block([b.drop(moved(b)), b.unreachable()], { label: 'out' })), b.param(0)]);
    assert.equal((f.body[0] as Extract<Expr, { k: 'drop' }>).value.type, 'i64');
    throwsCode(() => build((b) => [b.block([b.drop(moved(b))], { label: 'out' }), b.param(0)]), 'TypeMismatch', /block 'out': branches to it carry i64, but its body ends with no value/);
    // Inside a block of the same label, the branch is that block's.
    const g = build((b) => [b.block([b.drop(moved(b, 'out')), b.br('out', b.i32(7))], { label: 'out' })]);
    assert.equal(g.body[0]!.type, 'i32');
  });

  it('drops words no root reaches, and keeps a big body as its words alone', () => {
    const b = builder();
    b.i32.add(b.param(0), b.i32(99)); // made and never used
    let acc = b.param(0);
    for (let i = 0; i < KEEP_TREE_MAX; i++) acc = b.i32.add(acc, b.i32(i));
    const kept = b.finishKept(acc) as PackedFunc;
    assert.ok(!isTree(kept));
    assert.equal(kept.size, 2 * KEEP_TREE_MAX + 1);
    // The same body packed from its tree has the same words.
    assert.deepEqual([...kept.words], [...packFunc(unpackFunc(kept)).words]);
    assert.ok(!text(unpackFunc(kept)).includes('99'));
  });

  it('keeps a small body as its tree', () => {
    const b = builder();
    const kept = b.finishKept(b.i32.add(b.param(0), b.i32(1)));
    assert.ok(isTree(kept));
    assert.equal(text(kept), '(i32.add $0 1)');
  });

  it('lets builders interleave: each keeps its own stream', () => {
    const a = builder('a');
    const c = builder('c');
    const x = a.i32.add(a.param(0), a.i32(1));
    const y = c.i32.mul(c.param(0), c.i32(2));
    const x2 = a.i32.sub(x, a.global('g'));
    const y2 = c.call('inc', y);
    assert.equal(text(c.finish(y2)), '(call inc (i32.mul $0 2))');
    assert.equal(text(a.finish(x2)), '(i32.sub (i32.add $0 1) (global g))');
  });

  it('refuses an expression made for another body, and naming both', () => {
    const a = streaming('a');
    const c = builder('c');
    const x = a.i32(1);
    throwsCode(() => c.i32.add(c.param(0), x), 'InvalidBody', /made for the body of 'a'/);
    throwsCode(() => streaming('d').i32.add(a.param(0), x), 'InvalidBody', /made for the body of 'a'/);
  });

  it('makes nothing once the body is finished', () => {
    const b = builder();
    b.finish(b.param(0));
    throwsCode(() => b.i32(1), 'InvalidBody', /is finished/);
  });

  it('is unharmed by a refused node: what comes after is whole', () => {
    const f = build((b) => {
      const x = b.i32.add(b.param(0), b.i32(1));
      throwsCode(() => b.i32.add(x, b.f64(1)), 'TypeMismatch');
      throwsCode(() => b.call('inc', b.i32(5), b.i32(6)), 'TypeMismatch');
      return b.i32.add(x, b.i32(2));
    });
    assert.equal(text(f), '(i32.add (i32.add $0 1) 2)');
  });

  it('packs a node made by hand where it is used', () => {
    const hand: Expr = { k: 'op', type: 'i32', op: 'i32.shl', args: [{ k: 'local.get', type: 'i32', index: 0 }, { k: 'const', type: 'i32', value: 4 }] };
    const f = build((b) => b.i32.add(b.i32(1), hand));
    assert.equal(text(f), '(i32.add 1 (i32.shl $0 4))');
  });

  it('says what kind of node a handle is', () => {
    const b = streaming();
    const n = b.call('inc', b.param(0));
    assert.ok(n instanceof Node);
    assert.equal(n.k, 'call');
    assert.equal(n.type, 'i32');
    assert.equal(b.i32.add(n, b.i32(1)).k, 'op');
  });

  it("types a labelled block by the branches to it, not by those to a shadowing block of the same label", () => {
    const f = build((b) => [
      b.block(
        [
          b.drop(b.block([b.br('out', b.i64(1)), b.i64(2)], { label: 'out', type: 'i64' })),
          b.br('out', b.i32(7)),
        ],
        { label: 'out' },
      ),
    ]);
    assert.equal(f.body[0]!.type, 'i32');
    // With no branch carrying a value, a block that never ends normally but is branched to gives nothing.
    const g = build((b) => [b.block([b.br('l')], { label: 'l' }), b.i32(0)]);
    assert.equal(g.body[0]!.type, 'none');
  });

  it('places an if, a try-free loop and a tail of branches in wasm order', () => {
    const f = build((b) => [
      b.loop('top', [b.br('top', undefined), b.nop()]),
      b.if(b.param(0), [b.drop(b.brIf('x', b.param(0), b.i32(1))), b.drop(b.i32(2))], [b.nop()]),
      b.param(0),
    ]);
    assert.equal(text(f), '(loop top:unreachable (br top) (nop)) (if $0 [(drop (br x 1 ?$0)) (drop 2)] [(nop)]) $0');
  });
});

describe('stream builder: a tiny body made as objects', () => {
  it('makes a one-line body as the tree the tree builder made, sharing its leaves', () => {
    const b = builder();
    const p = b.param(0);
    assert.ok(!(p instanceof Node));
    assert.equal(p, builder().param(0), 'parameter reads are shared');
    const kept = b.finishKept(b.i32.add(p, b.call('inc', b.i32(1))));
    assert.ok(isTree(kept));
    assert.equal(text(kept), '(i32.add $0 (call inc 1))');
  });

  it(`switches to the stream after ${KEEP_TREE_MAX} nodes, or at a node it does not make as an object, packing the objects where they are used`, () => {
    const b = builder();
    const made: unknown[] = [b.param(0)];
    while (!(made[made.length - 1] instanceof Node)) made.push(b.i32.add(made[made.length - 1] as Expr, b.i32(made.length)));
    // The param, then an add and its constant per step: the last add is the first node past the budget.
    assert.equal(made.length, 1 + Math.ceil(KEEP_TREE_MAX / 2));
    const f = b.finish(made[made.length - 1] as Node);
    assert.match(text(f), /^\(i32\.add \(i32\.add .* \$0 1\)/);
    const g = build((b) => {
      const x = b.i32.mul(b.param(0), b.i32(3));
      return b.if(b.i32.eqz(x), x, b.i32(2));
    });
    assert.equal(text(g), '(if (i32.eqz (i32.mul $0 3)) [(i32.mul $0 3)] [2])');
  });

  it('takes an object made for another body as a value, as it takes one made by hand', () => {
    const a = builder('a');
    const x = a.i32.add(a.param(0), a.i32(1));
    assert.equal(text(build((b) => b.i32.mul(x, b.param(0)))), '(i32.mul (i32.add $0 1) $0)');
    assert.equal(text(streaming().finish(b2(x as Expr))), '(i32.eqz (i32.add $0 1))');
    function b2(e: Expr) {
      return { k: 'op', type: 'i32', op: 'i32.eqz', info: undefined, args: [e] } as unknown as Expr;
    }
  });

  it('refuses, before and after the switch, what the stream refuses', () => {
    const b = builder();
    throwsCode(() => b.i32.add(b.param(0), b.f64(1)), 'TypeMismatch', /expected i32, got f64/);
    throwsCode(() => b.i32.add(b.param(0), 5 as unknown as Expr), 'InvalidBody', /expected an expression, got 5/);
    throwsCode(() => b.finishKept([b.i32(1), b.i32(2)]), 'InvalidBody', /element 0: a value of type i32 would be discarded/);
    const c = builder();
    throwsCode(() => c.finishKept(c.f64(1)), 'TypeMismatch', /returns i32, but its body gives f64/);
    const d = builder();
    d.finish(d.param(0));
    throwsCode(() => d.param(0), 'InvalidBody', /is finished/);
    const e = builder();
    e.dispose();
    throwsCode(() => e.i32(1), 'InvalidBody', /is finished/);
  });
});

describe('stream builder in the runtime', () => {
  it('runs a big body whose nodes are reused and made out of order', async () => {
    const rt = await newRuntime();
    rt.stage('lib').func('inc', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).commitSync();
    rt.stage('use')
      .func('big', 'i32 -> i32', (b) => {
        const x = b.call('inc', b.param(0));
        let acc = b.i32(0);
        for (let i = 0; i < 20; i++) acc = b.i32.add(acc, b.select(b.i32.and(b.i32(i), b.i32(1)), x, b.i32(i)));
        return acc;
      })
      .commitSync();
    // Odd i add x (= p + 1), even i add i: 10 (p + 1) + (0 + 2 + ... + 18).
    assert.equal(rt.fn('big')(5), 10 * 6 + 90);
  });

  it('builds bodies whose every operand is made out of order', async () => {
    const rt = await newRuntime();
    // Each step makes a fresh constant, then adds what was built so far after it: wasm wants the
    // older operand first, so it moves (a copy of it at each step was quadratic: stream-builder above).
    rt.stage('backwards')
      .func('sum', 'i32 -> i32', (b) => {
        let acc = b.param(0);
        for (let i = 0; i < 3_000; i++) acc = b.i32.add(b.i32(1), acc);
        return acc;
      })
      // An else-if chain built from its last case back (refused as too big, at 13,000 nodes, when copied).
      .func('dispatch', 'i32 -> i32', (b) => {
        let acc = b.i32(-1);
        for (let i = 2_599; i >= 0; i--) acc = b.if(b.i32.eq(b.param(0), b.i32(i)), b.i32(i * 10), acc);
        return acc;
      })
      .commitSync();
    assert.equal(rt.fn('sum')(2), 3_002);
    assert.deepEqual([0, 7, 2_599, 2_600].map((x) => rt.fn('dispatch')(x)), [0, 70, 25_990, -1]);
  });
});
