// Turn a generated stage into definitions on a real runtime stage, through the public builder API.

import type { Expr, FuncBuilder, Local, Stage } from '../../runtime/index.js';
import type { Constructs, FuncDef, Node, StageDef } from './program.js';

export function defineStage(stage: Stage, s: StageDef, constructs: Constructs): void {
  for (const g of s.globals) stage.global(g.name, g.t, g.init, { mutable: g.mutable });
  for (const c of s.consts) stage.constant(c.name, c.t, c.value, { redefine: c.redefine });
  for (const f of s.funcs) {
    stage.func(f.name, { params: f.params, results: [f.result] }, (b) => emitBody(b, f, constructs), { inline: f.inline, redefine: f.redefine });
  }
}

function emitBody(b: FuncBuilder, f: FuncDef, constructs: Constructs): Expr {
  const locals: Local[] = f.locals.map((t, i) => b.local(t, `l${i}`));
  let labels = 0;
  // A sequence giving a value of type t. With explicit types (the default) the block is typed;
  // without, a sequence ending in return/return_call has IR type 'unreachable' (see the spec's
  // KNOWN BUG 1).
  const seq = (t: Node['t'], list: Expr[]): Expr => (constructs.untypedUnreachableBlocks ? b.seq(...list) : b.block(list, { type: t }));
  const e = (n: Node): Expr => {
    switch (n.k) {
      case 'const':
        return n.t === 'i32' ? b.i32(n.v as number) : n.t === 'i64' ? b.i64(n.v as bigint) : b.f64(n.v as number);
      case 'param':
        return b.param(n.i);
      case 'local':
        return b.get(locals[n.i]!);
      case 'tee':
        return b.tee(locals[n.i]!, e(n.v));
      case 'let':
        return seq(n.t, [b.set(locals[n.i]!, e(n.v)), e(n.body)]);
      case 'gget':
        return b.global(n.name);
      case 'gset':
        return seq(n.t, [b.setGlobal(n.name, e(n.v)), e(n.body)]);
      case 'sym':
        return b.constant(n.name);
      case 'op':
        return b.op(n.op, ...n.args.map(e));
      case 'select':
        return b.select(e(n.c), e(n.a), e(n.b));
      case 'if':
        return constructs.untypedUnreachableBlocks ? b.if(e(n.c), e(n.a), e(n.b)) : b.if(e(n.c), e(n.a), e(n.b), n.t);
      case 'call': {
        const args = n.args.map(e);
        if (!n.tail) return b.call(n.f, ...args);
        const rc = b.returnCall(n.f, ...args);
        return n.tailPos ? rc : b.block([rc], { type: n.t });
      }
      case 'return': {
        const r = b.return(e(n.v));
        return n.tailPos ? r : b.block([r], { type: n.t });
      }
      case 'trap':
        return b.block([b.unreachable()], { type: n.t });
      case 'repeat': {
        const ctr = locals[n.ctr]!;
        const id = labels++;
        const done = `done${id}`;
        const again = `again${id}`;
        return b.block(
          [
            b.set(ctr, b.i32(n.n)),
            b.block(
              [
                b.loop(
                  again,
                  [b.brIf(done, b.i32.eqz(b.get(ctr))), b.set(locals[n.into]!, e(n.body)), b.set(ctr, b.i32.sub(b.get(ctr), b.i32(1))), b.br(again)],
                  'none',
                ),
              ],
              { label: done, type: 'none' },
            ),
            b.get(locals[n.into]!),
          ],
          { type: n.t },
        );
      }
    }
  };
  return e(f.body);
}
