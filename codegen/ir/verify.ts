// Checks what the builder cannot see node by node: branch labels in scope, branch values matching
// their target, locals in range. Runs once per function before lowering.

import { fail } from '../../runtime/errors.js';
import type { Expr, ExprType, FuncIR } from './nodes.js';
import { children } from './nodes.js';

interface Frame {
  label: string | null;
  /** Type a branch to this frame carries: the block's result, or 'none' for a loop. */
  branchType: ExprType;
}

export function verifyFunc(f: FuncIR): void {
  const nLocals = f.sig.params.length + f.locals.length;
  const err = (m: string) => fail('InvalidBody', m, { definition: f.name });
  const frames: Frame[] = [];

  const target = (label: string): Frame => {
    for (let i = frames.length - 1; i >= 0; i--) if (frames[i]!.label === label) return frames[i]!;
    throw err(`branch to label '${label}', which is not an enclosing block or loop`);
  };
  const checkValue = (fr: Frame, value: Expr | null, label: string) => {
    const want = fr.branchType === 'unreachable' ? 'none' : fr.branchType;
    const got = value ? value.type : 'none';
    if (got !== want && got !== 'unreachable') {
      throw err(`branch to '${label}' carries ${got === 'none' ? 'no value' : got} but the target expects ${want === 'none' ? 'none' : want}`);
    }
  };

  const visit = (e: Expr): void => {
    switch (e.k) {
      case 'local.get':
      case 'local.set':
        if (e.index < 0 || e.index >= nLocals) throw err(`local ${e.index} does not exist`);
        break;
      case 'block':
      case 'loop':
        frames.push({ label: e.label, branchType: e.k === 'loop' ? 'none' : e.type });
        e.body.forEach(visit);
        frames.pop();
        return;
      case 'br':
        if (e.value) visit(e.value);
        if (e.cond) visit(e.cond);
        checkValue(target(e.label), e.value, e.label);
        return;
      case 'br_table': {
        if (e.value) visit(e.value);
        visit(e.index);
        for (const l of [...e.labels, e.fallback]) checkValue(target(l), e.value, l);
        return;
      }
      case 'if':
        visit(e.cond);
        frames.push({ label: null, branchType: e.type });
        e.then.forEach(visit);
        e.else?.forEach(visit);
        frames.pop();
        return;
      case 'try':
        frames.push({ label: null, branchType: e.type });
        e.body.forEach(visit);
        for (const c of e.catches) {
          for (const l of c.locals) if (l < 0 || l >= nLocals) throw err(`catch local ${l} does not exist`);
          c.body.forEach(visit);
        }
        e.catchAll?.forEach(visit);
        frames.pop();
        return;
      default:
        break;
    }
    for (const c of children(e)) visit(c);
  };
  f.body.forEach(visit);
}
