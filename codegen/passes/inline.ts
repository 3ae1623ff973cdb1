// IR inlining of functions declared `inline`: the call becomes a block that binds the arguments
// to fresh locals and runs the callee's body, its `return`s turned into branches out of the block.
// Every callee inlined (transitively) is reported, because the caller now depends on its body.

import type { Expr, FuncIR, ValType } from '../ir/nodes.js';
import { children, mapChildren, walk } from '../ir/nodes.js';
import { BALANCED_MAX_DEPTH, depthOf } from './balance.js';
import type { FuncPass, PassContext } from './registry.js';

/** Nested inlining stops here; deeper calls stay calls. */
const MAX_DEPTH = 8;

/**
 * A call whose inlined body would reach deeper than this stays a call (through its slot: the same
 * result): this pass, the analyses and the tree encoder recurse once per level, and the tree grows
 * by the callee's depth at the call. It is the depth a caller may have to be inlined into at all
 * (commit.ts, `walkable`); a cold process overflowed rewriting 1,500 levels.
 */
const MAX_TREE_DEPTH = BALANCED_MAX_DEPTH;

export const inlinePass: FuncPass = {
  name: 'inline',
  description: 'inline calls to functions declared inline, recording each inlined callee as a dependency',
  run(f: FuncIR, ctx: PassContext): FuncIR {
    const locals: ValType[] = [...f.locals];
    const localNames = [...f.localNames];
    let nLocals = f.sig.params.length + f.locals.length;
    // Locals of inlined bodies that have ended, by type, for the next one to take: a body's locals
    // are dead once its block is left (each is bound or zeroed on entry), so a function that
    // inlines a helper at 3,000 calls needs its locals once, not 3,000 times (the engines take
    // 50,000, and binaryen's time grows with their square).
    const free = new Map<ValType, number[]>();
    /** Locals for a callee's parameters and locals (`types`), held until its inlined body is made. */
    const hold = (callee: FuncIR, types: readonly ValType[]): number[] =>
      types.map((t, i) => {
        const reused = free.get(t)?.pop();
        if (reused !== undefined) return reused;
        locals.push(t);
        localNames.push(`${callee.name}.${callee.localNames[i] ?? i}`);
        return nLocals++;
      });
    const release = (types: readonly ValType[], held: readonly number[]) => {
      types.forEach((t, i) => {
        let list = free.get(t);
        if (list === undefined) free.set(t, (list = []));
        list.push(held[i]!);
      });
    };
    let labelCounter = 0;
    let changed = false;
    let inlined = 0;
    // Labels are free-form strings, so a label the inliner makes could be one the caller uses: a
    // branch in an argument (placed inside the exit block) would then leave the wrong block. Every
    // label made here is one that no caller label, nor an earlier made one, is.
    let used: Set<string> | undefined;
    const fresh = (base: string): string => {
      used ??= labelsIn(f.body);
      let l = base;
      while (used.has(l)) l = `${base}$${labelCounter++}`;
      used.add(l);
      return l;
    };

    // A tail call leaves any `try` around it, so what the callee throws is not caught there;
    // inlined, the callee's body would run inside that `try`. So a tail call inside a `try` is not
    // inlined, nor a callee that makes one inside a `try` of its own.
    // `depth`: how deep `e` lies in the tree being made (a top-level expression is 1 deep).
    const rewrite = (e: Expr, stack: readonly string[], inTry: boolean, depth: number): Expr => {
      if (e.k === 'call' && !(e.tail && inTry)) {
        const found = stack.length < MAX_DEPTH && !stack.includes(e.name) ? ctx.inlineBody(e.name, e.sym, { locals: nLocals, inlined }) : undefined;
        // The inlined body lies in a block (a tail call's, in one more node), its arguments in
        // `local.set`s there: 3 levels more than the callee's own depth at most.
        const callee = found && depth + 3 + calleeDepth(found) <= MAX_TREE_DEPTH && !tailCallInTry(found) ? found : undefined;
        if (callee) {
          changed = true;
          inlined++;
          ctx.dependOn(e.name);
          // Held before the arguments are made: a body inlined in the second argument runs after
          // the first is bound, so it must not take the parameters' locals.
          const types = [...callee.sig.params, ...callee.locals];
          const held = hold(callee, types);
          const args = e.args.map((a) => rewrite(a, stack, inTry, depth + 2));
          const body = expand(callee, held, args, [...stack, e.name], inTry, depth + 1);
          release(types, held);
          return e.tail ? leave(body, { k: 'return', type: 'unreachable', value: null }) : body;
        }
      }
      return mapChildren(e, (c) => rewrite(c, stack, inTry || e.k === 'try', depth + 1));
    };

    // `depth`: where the block holding the inlined body lies.
    // `at`: the caller's local for each of the callee's.
    const expand = (callee: FuncIR, at: readonly number[], args: Expr[], stack: readonly string[], inTry: boolean, depth: number): Expr => {
      const exit = fresh(`$inline${labelCounter++}:${callee.name}`);
      const resultType = callee.sig.results[0] ?? 'none';
      const rename = new Map<string, string>();
      const relabel = (l: string) => rename.get(l) ?? l;
      const remap = (e: Expr): Expr => {
        switch (e.k) {
          case 'local.get':
          case 'local.set': {
            const m = mapChildren(e, remap) as typeof e;
            return { ...m, index: at[m.index]! };
          }
          case 'block':
          case 'loop': {
            if (e.label === null) return mapChildren(e, remap);
            const renamed = fresh(`${e.label}$${labelCounter++}`);
            const prev = rename.get(e.label);
            rename.set(e.label, renamed);
            const m = { ...(mapChildren(e, remap) as typeof e), label: renamed };
            if (prev === undefined) rename.delete(e.label);
            else rename.set(e.label, prev);
            return m;
          }
          case 'br':
            return { ...(mapChildren(e, remap) as typeof e), label: relabel(e.label) };
          case 'br_table':
            return { ...(mapChildren(e, remap) as typeof e), labels: e.labels.map(relabel), fallback: relabel(e.fallback) };
          case 'return':
            return { k: 'br', type: 'unreachable', label: exit, value: e.value ? remap(e.value) : null, cond: null };
          case 'call':
          case 'call.slot': {
            const m = mapChildren(e, remap) as typeof e;
            const call: Expr = { ...m, tail: false, type: m.sig.results[0] ?? 'none' };
            return m.tail ? leave(call, { k: 'br', type: 'unreachable', label: exit, value: null, cond: null }) : call;
          }
          case 'try':
            return { ...(mapChildren(e, remap) as typeof e), catches: e.catches.map((c) => ({ ...c, locals: c.locals.map((l) => at[l]!), body: c.body.map(remap) })) };
          default:
            return mapChildren(e, remap);
        }
      };
      const body = callee.body.map(remap).map((e) => rewrite(e, stack, inTry, depth + 1));
      const binds: Expr[] = args.map((a, i) => ({ k: 'local.set', type: 'none', index: at[i]!, value: a, tee: false }));
      // Wasm zeroes a callee's locals on every call; an inlined body reuses its locals (in a
      // loop, say), so they are zeroed explicitly.
      const zero = (t: ValType): Expr => ({ k: 'const', type: t, value: t === 'i64' ? 0n : 0 });
      const resets: Expr[] = callee.locals.map((t, i) => ({ k: 'local.set', type: 'none', index: at[callee.sig.params.length + i]!, value: zero(t), tee: false }));
      return { k: 'block', type: resultType, label: exit, body: [...binds, ...resets, ...body] };
    };

    const body = f.body.map((e) => rewrite(e, [], false, 1));
    if (!changed) return f;
    return { ...f, locals, localNames, body };
  },
};

/**
 * A tail call made a plain call (or an inlined body), then left by `exit` (a `return`, or a branch
 * out of an inlined body; given without a value): the call's value is the exit's, and a call that
 * gives none still runs, before it.
 */
function leave(call: Expr, exit: Extract<Expr, { k: 'br' | 'return' }>): Expr {
  if (call.type !== 'none') return { ...exit, value: call };
  return { k: 'block', type: 'unreachable', label: null, body: [call, exit] };
}

/** How deep a callee's body is, walked once per callee however many calls inline it. */
const depths = new WeakMap<FuncIR, number>();
function calleeDepth(f: FuncIR): number {
  let d = depths.get(f);
  if (d === undefined) depths.set(f, (d = f.body.reduce((m, e) => Math.max(m, depthOf(e)), 0)));
  return d;
}

/** Every label a body names, on blocks and loops or in branches. */
function labelsIn(body: readonly Expr[]): Set<string> {
  const out = new Set<string>();
  walk(body, (e) => {
    if (e.k === 'block' || e.k === 'loop') {
      if (e.label !== null) out.add(e.label);
    } else if (e.k === 'br') out.add(e.label);
    else if (e.k === 'br_table') {
      for (const l of e.labels) out.add(l);
      out.add(e.fallback);
    }
  });
  return out;
}

/** Whether `f` makes a tail call inside a `try` (conservatively: anywhere in a `try` construct). */
function tailCallInTry(f: FuncIR): boolean {
  // A loop, not a recursion: it runs before the depth of the callee is known.
  const stack: Array<[Expr, boolean]> = f.body.map((e) => [e, false]);
  while (stack.length) {
    const [e, inTry] = stack.pop()!;
    if (inTry && (e.k === 'call' || e.k === 'call.slot') && e.tail) return true;
    for (const c of children(e)) stack.push([c, inTry || e.k === 'try']);
  }
  return false;
}
