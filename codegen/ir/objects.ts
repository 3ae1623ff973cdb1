// What the builder's object helpers make (`b.isSubtype`, `b.field`): expressions over an object's
// header and its RTT's descriptor, built with the builder's own public methods.

import type { FuncBuilder } from './builder.js';
import type { Operand } from './operands.js';
import { RTT_DESC, type SymbolInfo } from './symbols.js';

type Rtt = Extract<SymbolInfo, { kind: 'rtt' }>;

/**
 * 1 if the RTT with id `id` (an i32 expression) is `sup` or one of its subtypes: O(1), two loads
 * (the descriptor's depth, then its display at `sup`'s depth). `tmp` names the local it needs.
 */
export function subtypeTest(b: FuncBuilder, id: Operand, sup: Rtt, tmp: string): Operand {
  const displayAt = RTT_DESC.display + 4 * sup.depth;
  if (sup.depth === 0) return b.op('i32.eq', b.load('i32.load', id, displayAt), b.constOf('i32', sup.id));
  const t = b.local('i32', tmp);
  return b.if(
    b.op('i32.ge_u', b.load('i32.load', b.tee(t, id), RTT_DESC.depth), b.constOf('i32', sup.depth)),
    b.op('i32.eq', b.load('i32.load', b.get(t), displayAt), b.constOf('i32', sup.id)),
    b.constOf('i32', 0),
  );
}

/** Where a field lies and what loads it, or what is wrong (the RTT has no such field). */
export function fieldIn(r: Rtt, field: string): { op: string; offset: number } | string {
  const f = r.fields.find((x) => x.name === field);
  if (!f) return `type '${r.name}' has no field '${field}' (it has ${r.fields.map((x) => x.name).join(', ') || 'none'})`;
  return { op: f.type === 'ref' ? 'i32' : f.type, offset: f.offset };
}
