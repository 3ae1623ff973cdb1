// Operator precedence and associativity of the Julia-like parser: a table of cases, generated
// round trips printed with minimal parentheses, and && / || chains of any length.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import type * as A from '../lang/dispatch/syntax/ast.js';
import { parseExpression, parseProgram } from '../lang/dispatch/syntax/parser.js';
import { toSexpr } from '../lang/dispatch/syntax/sexpr.js';
import { ex, sx } from './jl-syntax.js';

describe('jl-parser: precedence', () => {
  const cases: Array<[string, string]> = [
    ['a || b && c', '(|| a (&& b c))'],
    ['a && b || c && d', '(|| (&& a b) (&& c d))'],
    ['a || b || c', '(|| a (|| b c))'],
    ['a == b && c != d', '(&& (== a b) (!= c d))'],
    ['a < b < c', '(comparison a < b < c)'],
    ['a <= b == c > d', '(comparison a <= b == c > d)'],
    ['1 ≤ x ≠ y', '(comparison 1 <= x != y)'],
    ['x === nothing', '(=== x nothing)'],
    ['x isa Int64 && y', '(&& (isa x Int64) y)'],
    ['a + b isa Vector{Any}', '(isa (+ a b) Vector{Any})'],
    ['a:b == c', '(== (: a b) c)'],
    ['a + 1:n - 1', '(: (+ a 1) (- n 1))'],
    ['1:2:10', '(: 1 2 10)'],
    ['a + b * c', '(+ a (* b c))'],
    ['a - b - c', '(- (- a b) c)'],
    ['a * b / c ÷ d % e', '(% (÷ (/ (* a b) c) d) e)'],
    ['a + b % c - d ÷ e', '(- (+ a (% b c)) (÷ d e))'],
    ['-a * b', '(* (- a) b)'],
    ['-a ^ b', '(- (^ a b))'],
    ['-2^2', '(- (^ 2 2))'],
    ['-2 * 3', '(* -2 3)'],
    ['- 1.5', '-1.5'],
    ['a ^ b ^ c', '(^ a (^ b c))'],
    ['2 ^ -x', '(^ 2 (- x))'],
    ['a * b ^ c', '(* a (^ b c))'],
    ['!a && !b', '(&& (! a) (! b))'],
    ['!x == y', '(== (! x) y)'],
    ['!f(x).y', '(! (. (call f x) y))'],
    ['a - -b', '(- a (- b))'],
    ['+a', '(+ a)'],
    ['-(x + y)', '(- (+ x y))'],
    ['-(a, b)', '(call - a b)'],
    ['==(a, b)', '(call == a b)'],
    ['c ? a : b', '(? c a b)'],
    ['c ? a : d ? e : f', '(? c a (? d e f))'],
    ['c ? d ? e : f : g', '(? c (? d e f) g)'],
    ['a || b ? x + 1 : y * 2', '(? (|| a b) (+ x 1) (* y 2))'],
    ['c ? 1:n : 0', '(? c (: 1 n) 0)'],
    ['c ? (1:n) : 2:3', '(? c (: 1 n) (: 2 3))'],
    ['x < 0 ? -x : x', '(? (< x 0) (- x) x)'],
    ['(a + b) * c', '(* (+ a b) c)'],
    ['f(a)[i].b(c)', '(call (. (ref (call f a) i) b) c)'],
    ['v[i, j + 1]', '(ref v i (+ j 1))'],
    ['Vector{Union{Int64,Nothing}}(undef, n)', '(call Vector{Union{Int64,Nothing}} undef n)'],
    ['isa(x, Int64)', '(call isa x Int64)'],
    ['x in v', '(in x v)'],
    ['x ∈ v', '(in x v)'],
    ['x ∉ v', '(∉ x v)'],
    ['a < b in c', '(comparison a < b in c)'],
    ['a ∈ b ∉ c == d', '(comparison a in b ∉ c == d)'],
    ['x in v && y ∉ w', '(&& (in x v) (∉ y w))'],
    ['1:3 in v', '(in (: 1 3) v)'],
    ['-x + 1 in a:b', '(in (+ (- x) 1) (: a b))'],
    ['!(x in v)', '(! (in x v))'],
    ['c ? x in v : y ∉ w', '(? c (in x v) (∉ y w))'],
    ['in(x, v)', '(call in x v)'],
    ['∈(x, v)', '(call in x v)'],
    ['∉(x, v)', '(call ∉ x v)'],
  ];
  for (const [src, want] of cases) {
    it(src, () => assert.equal(ex(src), want));
  }

  // An independent statement of the precedence table: print a random tree with the fewest
  // parentheses that table allows, parse it back, and require the same tree.
  it('round-trips generated expressions printed with minimal parentheses', () => {
    const L = { line: 1, col: 1 };
    type Shape = A.Ident | A.Binary | A.Unary | A.And | A.Or | A.Ternary | A.Range;
    // Loosest to tightest: ?: 1, || 2, && 3, comparisons 4, : 5, + - 6, * / ÷ % 7, unary 8, ^ 9.
    const KIND_LEVEL: Record<string, number> = { ternary: 1, or: 2, and: 3, range: 5, unary: 8 };
    const OP_LEVEL: Record<string, number> = { '+': 6, '-': 6, '*': 7, '/': 7, '÷': 7, '%': 7, '^': 9 };
    const level = (e: A.Expr): number => (e.kind === 'binary' ? (OP_LEVEL[e.op] ?? 4) : (KIND_LEVEL[e.kind] ?? 10));
    const paren = (e: A.Expr, need: boolean): string => (need ? `(${show(e)})` : show(e));
    const show = (e: A.Expr): string => {
      const p = level(e);
      switch (e.kind) {
        case 'ident':
          return e.name;
        case 'unary':
          return `${e.op}${paren(e.operand, level(e.operand) < 8)}`;
        case 'binary':
          if (p === 4) return `${paren(e.left, level(e.left) <= 4)} ${e.op} ${paren(e.right, level(e.right) <= 4)}`;
          if (p === 9) return `${paren(e.left, level(e.left) <= 9)} ^ ${paren(e.right, level(e.right) < 9 && e.right.kind !== 'unary')}`;
          return `${paren(e.left, level(e.left) < p)} ${e.op} ${paren(e.right, level(e.right) <= p)}`;
        case 'and':
        case 'or':
          return `${paren(e.left, level(e.left) <= p)} ${e.kind === 'and' ? '&&' : '||'} ${paren(e.right, level(e.right) < p)}`;
        case 'range':
          return [e.start, ...(e.step ? [e.step] : []), e.stop].map((x) => paren(x, level(x) <= 5)).join(':');
        case 'ternary':
          return `${paren(e.cond, level(e.cond) <= 1)} ? ${show(e.whenTrue)} : ${show(e.whenFalse)}`;
        default:
          throw new Error(`not generated: ${e.kind}`);
      }
    };
    const { expr } = fc.letrec<{ expr: Shape }>((tie) => ({
      expr: fc.oneof(
        { maxDepth: 5, depthSize: 'small' },
        fc.constantFrom('a', 'b', 'x', 'y').map((name): Shape => ({ kind: 'ident', name, loc: L })),
        fc.tuple(fc.constantFrom<A.BinaryOp>('+', '-', '*', '/', '÷', '%', '^', '==', '<', '>=', '!=', 'in', '∉'), tie('expr'), tie('expr')).map(([op, left, right]): Shape => ({ kind: 'binary', op, left, right, loc: L })),
        fc.tuple(fc.constantFrom<A.UnaryOp>('-', '!'), tie('expr')).map(([op, operand]): Shape => ({ kind: 'unary', op, operand, loc: L })),
        fc.tuple(fc.boolean(), tie('expr'), tie('expr')).map(([and, left, right]): Shape => (and ? { kind: 'and', left, right, loc: L } : { kind: 'or', left, right, loc: L })),
        fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([cond, whenTrue, whenFalse]): Shape => ({ kind: 'ternary', cond, whenTrue, whenFalse, loc: L })),
        fc.tuple(tie('expr'), fc.option(tie('expr'), { nil: null }), tie('expr')).map(([start, step, stop]): Shape => ({ kind: 'range', start, step, stop, loc: L })),
      ),
    }));
    fc.assert(
      fc.property(expr, (e) => {
        assert.equal(toSexpr(parseExpression(show(e))), toSexpr(e), show(e));
      }),
      { numRuns: 400 },
    );
  });

  it('reads && and || chains of any length, in order, nested right as Julia does and balanced when long', () => {
    const leaves = (e: A.Expr, out: string[] = []): string[] => {
      if (e.kind === 'and' || e.kind === 'or') return leaves(e.right, leaves(e.left, out));
      out.push(e.kind === 'ident' ? e.name : e.kind);
      return out;
    };
    const depth = (e: A.Expr): number => (e.kind === 'and' || e.kind === 'or' ? 1 + Math.max(depth(e.left), depth(e.right)) : 0);
    const names = Array.from({ length: 10_000 }, (_, i) => `a${i}`);
    // || binds looser: groups of three && operands.
    const src = names.map((n, i) => n + (i === names.length - 1 ? '' : i % 3 === 2 ? ' || ' : ' && ')).join('');
    const e = (parseProgram('x = ' + src).body[0] as A.Assign).value;
    assert.deepEqual(leaves(e), names);
    assert.ok(depth(e) < 50, `depth ${depth(e)}`);
    assert.deepEqual(sx('a && b && c'), ['(&& a (&& b c))']);
  });
});
