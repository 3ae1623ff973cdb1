// The optimizing tier's `balance` pass: long chains of one associative integer operator become
// balanced trees, with their operands' effects in the same order and the same value.

import assert from 'node:assert/strict';
import { balancePass, BALANCE_MIN, BALANCED_MAX_DEPTH, chainOperands } from '../codegen/passes/balance.js';
import type { FuncBuilder } from '../codegen/ir/builder.js';
import { encoderChecks } from '../codegen/lower/encode.js';
import type { Expr, FuncIR, OpExpr } from '../codegen/ir/nodes.js';
import { pipelineFor, type PassContext } from '../codegen/passes/registry.js';
import { newRuntime } from './helpers.js';

const NO_CTX = {} as PassContext;
const leaf = (v: number): Expr => ({ k: 'const', type: 'i32', value: v });
const op = (name: string, a: Expr, b: Expr): OpExpr => ({ k: 'op', type: name.startsWith('i64') ? 'i64' : name.startsWith('f64') ? 'f64' : 'i32', op: name, args: [a, b] });
/** ((x0 op x1) op x2) … op x(n-1), the shape `acc = acc op term` builds. */
const leftChain = (name: string, n: number, mk: (i: number) => Expr = leaf): Expr => {
  let acc = mk(0);
  for (let i = 1; i < n; i++) acc = op(name, acc, mk(i));
  return acc;
};
const fn = (body: Expr): FuncIR => ({ name: 'f', sig: { params: [], results: ['i32'] }, locals: [], localNames: [], body: [body] });
const depth = (e: Expr): number => (e.k === 'op' ? 1 + Math.max(...e.args.map(depth)) : 0);
const values = (es: readonly Expr[]) => es.map((e) => (e.k === 'const' ? e.value : e.k));

describe('balance pass', () => {
  it('makes a 1,000-operand add chain a tree of depth 10, operands in the same order', () => {
    const out = balancePass.run(fn(leftChain('i32.add', 1000)), NO_CTX).body[0]!;
    assert.equal(depth(out), 10);
    assert.deepEqual(values(chainOperands(out as OpExpr)), Array.from({ length: 1000 }, (_, i) => i));
  });

  it('leaves chains shorter than BALANCE_MIN, and the function, as they were', () => {
    const f = fn(leftChain('i32.add', BALANCE_MIN - 1));
    assert.equal(balancePass.run(f, NO_CTX), f);
    assert.equal(depth(balancePass.run(fn(leftChain('i32.xor', BALANCE_MIN)), NO_CTX).body[0]!), Math.ceil(Math.log2(BALANCE_MIN)));
  });

  it('does not reassociate float or non-associative operators, nor across different operators', () => {
    for (const name of ['f64.add', 'i32.sub', 'i32.div_s', 'i32.shl']) {
      const f = fn(leftChain(name, 100));
      assert.equal(balancePass.run(f, NO_CTX), f, name);
    }
    // A sum of products: each product is one operand of the sum, balanced within itself.
    const products = leftChain('i32.add', 64, (i) => leftChain('i32.mul', 40, (j) => leaf(i * 100 + j)));
    const out = balancePass.run(fn(products), NO_CTX).body[0]! as OpExpr;
    const terms = chainOperands(out);
    assert.equal(terms.length, 64);
    assert.equal(depth(out), 6 + 6);
    assert.deepEqual(values(chainOperands(terms[5] as OpExpr)), Array.from({ length: 40 }, (_, j) => 500 + j));
  });

  it('balances chains nested in an operand of another chain', () => {
    const inner = leftChain('i32.and', 50);
    const outer = leftChain('i32.add', 50, (i) => (i === 7 ? op('i32.sub', inner, leaf(1)) : leaf(i)));
    const out = balancePass.run(fn(outer), NO_CTX).body[0]! as OpExpr;
    const sub = chainOperands(out)[7] as OpExpr;
    assert.equal(sub.op, 'i32.sub');
    assert.equal(depth(sub.args[0]!), 6);
  });

  describe('in the optimizing tier', () => {
    it('gives what the baseline tier gives, wrapping included, with effects in the same order', async () => {
      const seen: number[][] = [[], []];
      for (const [t, tier] of (['baseline', 'optimizing'] as const).entries()) {
        const rt = await newRuntime({ tier });
        rt.stage('lib').host('note', 'i32 -> i32', (x: number) => (seen[t]!.push(x), x)).commitSync();
        rt.stage('app')
          .func('sum', 'i32 -> i32', (b) => {
            let acc = b.param(0);
            for (let i = 0; i < 300; i++) acc = b.i32.add(acc, b.call('note', b.i32(i * 7_000_001)));
            return acc;
          })
          .func('prod', 'i64 -> i64', (b) => {
            let acc = b.param(0);
            for (let i = 1; i <= 100; i++) acc = b.i64.mul(acc, b.i64(BigInt(i) * 1_000_003n));
            return acc;
          })
          .commitSync();
        seen[t]!.length = 0;
        const sum = rt.fn('sum')(5);
        assert.deepEqual(seen[t], Array.from({ length: 300 }, (_, i) => i * 7_000_001), tier);
        let want = 5;
        for (let i = 0; i < 300; i++) want = (want + i * 7_000_001) | 0;
        assert.equal(sum, want, tier);
        let p = 3n;
        for (let i = 1n; i <= 100n; i++) p = BigInt.asIntN(64, p * i * 1_000_003n);
        assert.equal(rt.fn('prod')(3n), p, tier);
      }
    });

    it('runs in the optimizing tier only, after inlining', () => {
      assert.deepEqual(pipelineFor('optimizing', true, true), ['inline', 'balance', 'rebind']);
      assert.deepEqual(pipelineFor('optimizing', false, true), ['balance']);
      assert.deepEqual(pipelineFor('baseline', true, false), ['inline', 'rebind']);
      assert.deepEqual(pipelineFor('baseline', false, true), []);
    });

    it('hands binaryen the balanced body of a real commit, and the baseline tier nothing', async () => {
      const made: FuncIR[] = [];
      const run = balancePass.run;
      balancePass.run = (f, ctx) => {
        const out = run.call(balancePass, f, ctx);
        made.push(out);
        return out;
      };
      try {
        for (const tier of ['baseline', 'optimizing'] as const) {
          const rt = await newRuntime({ tier });
          rt.stage('app').func('sum', 'i32 -> i32', (b) => {
            let acc = b.param(0);
            for (let i = 0; i < 1000; i++) acc = b.i32.add(acc, b.i32.mul(b.param(0), b.i32(i)));
            return acc;
          }).commitSync();
          assert.equal(rt.fn('sum')(2), 2 + 999 * 1000, tier);
        }
      } finally {
        balancePass.run = run;
      }
      assert.equal(made.length, 1, 'the optimizing commit alone ran the pass');
      assert.equal(depth(made[0]!.body[0]!), 10 + 1, 'a sum of 1,001 products, each one op deep');
    });

    it('leaves bodies nested too deep for a tree as they were, and compiles them', async () => {
      const rt = await newRuntime({ tier: 'optimizing' });
      const chain = (n: number, inner: number) => (b: FuncBuilder) => {
        let acc = b.param(0);
        for (let i = 0; i < inner; i++) acc = b.i32.add(acc, b.i32(i));
        for (let i = 0; i < n; i++) acc = b.i32.sub(acc, b.i32(1));
        return acc;
      };
      // The suite checks every packed body against the tree encoder, which recurses: not these.
      encoderChecks.stream = false;
      try {
        rt.stage('a').func('subs', 'i32 -> i32', chain(30_000, 0)).func('mixed', 'i32 -> i32', chain(5000, 100)).func('shallow', 'i32 -> i32', chain(500, 100)).commitSync();
      } finally {
        encoderChecks.stream = true;
      }
      assert.equal(rt.fn('subs')(0), -30_000);
      assert.equal(rt.fn('mixed')(0), 4950 - 5000);
      assert.equal(rt.fn('shallow')(0), 4950 - 500);
      const deep = fn(leftChain('i32.sub', BALANCED_MAX_DEPTH, (i) => (i === 0 ? leftChain('i32.add', 100) : leaf(i))));
      assert.equal(balancePass.run(deep, NO_CTX), deep);
      const shallow = fn(leftChain('i32.sub', 500, (i) => (i === 0 ? leftChain('i32.add', 100) : leaf(i))));
      assert.equal(depth(balancePass.run(shallow, NO_CTX).body[0]!), 499 + 7);
    });

    it('sums 1,000 globals of a body kept packed', async () => {
      const rt = await newRuntime({ tier: 'optimizing' });
      const s = rt.stage('lib');
      for (let i = 0; i < 1000; i++) s.global(`g${i}`, 'i32', i);
      s.commitSync();
      rt.stage('app').func('total', '-> i32', (b) => {
        let acc = b.i32(0);
        for (let i = 0; i < 1000; i++) acc = b.i32.add(acc, b.global(`g${i}`));
        return acc;
      }).commitSync();
      assert.equal(rt.fn('total')(), 499500);
    });
  });
});
