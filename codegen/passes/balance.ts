// Rebalances long chains of one associative, trap-free integer operator (a sum of 1,000 terms
// built as `acc = acc + term`) into balanced trees, for the optimizing tier: binaryen's
// OptimizeInstructions walks the whole chain below every node of it, so a chain costs it time
// quadratic in its length (optimize 370 ms for 1,000 terms on binaryen 132, a third of a second
// the baseline tier never spends). Its operands keep their order, so their effects happen as
// before; wrapping integer add, mul, and, or, xor are associative, so the value is the same.

import type { Expr, FuncIR, OpExpr } from '../ir/nodes.js';
import { children, mapChildren } from '../ir/nodes.js';
import type { FuncPass } from './registry.js';

const ASSOCIATIVE = new Set(['i32.add', 'i32.mul', 'i32.and', 'i32.or', 'i32.xor', 'i64.add', 'i64.mul', 'i64.and', 'i64.or', 'i64.xor']);

/** Chains of fewer operands stay as they are: binaryen's walk over them costs nothing to speak of. */
export const BALANCE_MIN = 32;

export const balancePass: FuncPass = {
  name: 'balance',
  description: 'rebalance long chains of one associative integer operator, operands in the same order',
  run(f: FuncIR): FuncIR {
    if (!f.body.some(hasLongChain)) return f;
    const body = f.body.map(rebuilt);
    // A body still deeper than this is left as it was, to be encoded from its packed words: the
    // tree encoder and analysis recurse, and a tree is what this pass would hand them.
    if (body.some((e) => depthOf(e) > BALANCED_MAX_DEPTH)) return f;
    return { ...f, body };
  },
};

/** Deeper balanced trees are not used (see `run`); the recursive walks handle over 2,000. */
export const BALANCED_MAX_DEPTH = 1000;

/** How deep `root` is (a loop, as below). */
export function depthOf(root: Expr): number {
  let max = 0;
  const stack: Array<[Expr, number]> = [[root, 1]];
  while (stack.length) {
    const [e, d] = stack.pop()!;
    if (d > max) max = d;
    for (const c of children(e)) stack.push([c, d + 1]);
  }
  return max;
}

const isLongChain = (e: Expr): e is OpExpr => e.k === 'op' && ASSOCIATIVE.has(e.op) && chainOperands(e).length >= BALANCE_MIN;

/** Whether a long chain lies anywhere in `root` (a loop: bodies can be nested thousands deep). */
function hasLongChain(root: Expr): boolean {
  const stack = [root];
  while (stack.length) {
    const e = stack.pop()!;
    if (isLongChain(e)) return true;
    for (const c of children(e)) stack.push(c);
  }
  return false;
}

/** One node being rebuilt: its children (a long chain's operands), and those rebuilt so far. */
interface Frame {
  e: Expr;
  chain: boolean;
  kids: Expr[];
  done: Expr[];
}

// A node's children are listed by `mapChildren` itself, which later puts the rebuilt ones back:
// the two orders cannot disagree.
function frame(e: Expr): Frame {
  if (isLongChain(e)) return { e, chain: true, kids: chainOperands(e), done: [] };
  const kids: Expr[] = [];
  mapChildren(e, (c) => (kids.push(c), c));
  return { e, chain: false, kids, done: [] };
}

/**
 * `root` with every long chain in it balanced, children before parents, with an explicit stack
 * rather than a recursion: a body of 30,000 nested subtractions compiles in the baseline tier and
 * must in this one too. Unchanged subtrees are kept as they are.
 */
function rebuilt(root: Expr): Expr {
  const stack = [frame(root)];
  for (;;) {
    const top = stack[stack.length - 1]!;
    if (top.done.length < top.kids.length) {
      stack.push(frame(top.kids[top.done.length]!));
      continue;
    }
    stack.pop();
    let out: Expr;
    if (top.chain) out = balanced(top.e as OpExpr, top.done, 0, top.done.length);
    else if (top.done.every((d, i) => d === top.kids[i])) out = top.e;
    else {
      let i = 0;
      out = mapChildren(top.e, () => top.done[i++]!);
    }
    if (stack.length === 0) return out;
    stack[stack.length - 1]!.done.push(out);
  }
}

/**
 * The operands of the chain `top` heads (its nodes of the same operator, however they nest), left
 * to right: the order wasm evaluates them in. A loop, not a recursion: chains can be thousands long.
 */
export function chainOperands(top: OpExpr): Expr[] {
  const out: Expr[] = [];
  const stack: Expr[] = [top];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.k === 'op' && x.op === top.op) stack.push(x.args[1]!, x.args[0]!);
    else out.push(x);
  }
  return out;
}

/** `top`'s operator over operands [from, to), as a tree of depth log2(to − from). */
function balanced(top: OpExpr, xs: readonly Expr[], from: number, to: number): Expr {
  if (to - from === 1) return xs[from]!;
  const mid = (from + to) >>> 1;
  return { k: 'op', type: top.type, op: top.op, ...(top.info ? { info: top.info } : {}), args: [balanced(top, xs, from, mid), balanced(top, xs, mid, to)] };
}
