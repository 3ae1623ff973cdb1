// Rebalances long chains of one associative, trap-free integer operator (a sum of 1,000 terms
// built as `acc = acc + term`) into balanced trees, for the optimizing tier: binaryen's
// OptimizeInstructions walks the whole chain below every node of it, so a chain costs it time
// quadratic in its length (optimize 370 ms for 1,000 terms on binaryen 132, a third of a second
// the baseline tier never spends). Its operands keep their order, so their effects happen as
// before; wrapping integer add, mul, and, or, xor are associative, so the value is the same.

import type { Expr, FuncIR, OpExpr } from '../ir/nodes.js';
import { mapChildren } from '../ir/nodes.js';
import type { FuncPass } from './registry.js';

const ASSOCIATIVE = new Set(['i32.add', 'i32.mul', 'i32.and', 'i32.or', 'i32.xor', 'i64.add', 'i64.mul', 'i64.and', 'i64.or', 'i64.xor']);

/** Chains of fewer operands stay as they are: binaryen's walk over them costs nothing to speak of. */
export const BALANCE_MIN = 32;

export const balancePass: FuncPass = {
  name: 'balance',
  description: 'rebalance long chains of one associative integer operator, operands in the same order',
  run(f: FuncIR): FuncIR {
    let changed = false;
    const visit = (e: Expr): Expr => {
      if (e.k === 'op' && ASSOCIATIVE.has(e.op)) {
        const operands = chainOperands(e);
        if (operands.length >= BALANCE_MIN) {
          changed = true;
          return balanced(e, operands.map(visit), 0, operands.length);
        }
      }
      return mapChildren(e, visit);
    };
    const body = f.body.map(visit);
    return changed ? { ...f, body } : f;
  },
};

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
