// Refreshes what each symbolic node of a tree resolved to (its `sym`), for trees lowered again
// later: a stored body being recompiled, or bodies copied in by inlining. Lowering trusts `sym`.

import type { Expr, FuncIR } from '../ir/nodes.js';
import { mapChildren } from '../ir/nodes.js';
import { LazyFunc } from '../ir/packed.js';
import type { FuncPass, PassContext } from './registry.js';

export const rebindPass: FuncPass = {
  name: 'rebind',
  description: 'resolve every symbol reference again against the current definitions',
  run(f: FuncIR, ctx: PassContext): FuncIR {
    // A stored body kept packed is not made a tree (it may be nested too deep to walk): the stream
    // encoder resolves each reference as it reads the words, as unpacking does if a tree is read.
    if (f instanceof LazyFunc && !f.rebind) return new LazyFunc(f.packed, ctx.resolve);
    return rebindTree(f, ctx);
  },
};

function rebindTree(f: FuncIR, ctx: PassContext): FuncIR {
  const visit = (e: Expr): Expr => {
    const m = mapChildren(e, visit);
    switch (m.k) {
      case 'call':
      case 'global.get':
      case 'global.set':
      case 'symconst':
      case 'slot.of':
        return { ...m, sym: ctx.resolve(m.name, m.sym) } as Expr;
      default:
        return m;
    }
  };
  return { ...f, body: f.body.map(visit) };
}
