// The specialisations compiled (or being compiled) and the links invalidation follows: which
// specialisations call which statically, read whose return type, or typed a dynamic call from a
// function's method table. Adding a method drops exactly those it changes, and their callers.

import type * as A from './syntax/ast.js';
import type { JlMethod } from './env.js';
import { moreSpecific, tupleSubtypeOf } from './methods.js';
import { tupleName, type JType, type Repr } from './types.js';
import type { Typing } from './typing.js';

/** A specialisation: one generic function's code for one tuple of concrete argument types. */
export interface Spec {
  readonly id: number;
  readonly fn: string;
  readonly argTypes: readonly JType[];
  readonly method: JlMethod;
  /** The Accrete function. */
  readonly name: string;
  ret: JType;
  state: 'inferring' | 'ready' | 'compiled' | 'dead';
  typing: Typing;
  /** Specialisations this one calls statically, and those that call it statically. */
  readonly callees: Set<Spec>;
  readonly callers: Set<Spec>;
  /** Specialisations whose inference read this one's return type. */
  readonly readers: Set<Spec>;
  stage: string | undefined;
  /** Adapters to the calling conventions of dispatchers, by result repr ('ref': boxed). */
  readonly adapters: Map<Repr, string>;
  readonly wantAdapters: Set<Repr>;
  /** Generic functions whose dynamic calls this one typed from their method tables. */
  readonly dynamicDeps: Set<string>;
}

/** The key of a specialisation in the table: the function and its argument types. */
export function specKey(fn: string, args: readonly JType[]): string {
  return `${fn}${tupleName(args)}`;
}

export class SpecTable {
  private readonly byKey = new Map<string, Spec>();
  /** Specialisations invalidated so far (for introspection and tests). */
  readonly invalidated: Spec[] = [];

  /** `dropped(fn)`: a specialisation of `fn` was invalidated (dispatch caches may point at it). */
  constructor(private readonly dropped: (fn: string) => void) {}

  get(key: string): Spec | undefined {
    return this.byKey.get(key);
  }

  set(key: string, s: Spec): void {
    this.byKey.set(key, s);
  }

  values(): IterableIterator<Spec> {
    return this.byKey.values();
  }

  /** A method was added to its function (replacing `replaced`, if any): invalidate what it changes. */
  methodAdded(method: JlMethod, replaced: JlMethod | undefined): void {
    const fn = method.fn.name;
    for (const s of [...this.byKey.values()]) {
      if (s.state === 'dead') continue;
      // Code that typed a dynamic call of this function from its methods may now be wrong.
      if (s.dynamicDeps.has(fn)) this.invalidate(s);
      // The new method applies and its own is not strictly more specific: it now wins, or the call is ambiguous.
      else if (s.fn === fn && tupleSubtypeOf(s.argTypes, method.sig) && (s.method === replaced || !moreSpecific(s.method.sig, method.sig))) this.invalidate(s);
    }
  }

  /** A specialisation (and transitively its static callers) must not run again: drop it. */
  invalidate(s: Spec): void {
    if (s.state === 'dead') return;
    s.state = 'dead';
    this.invalidated.push(s);
    // The table may hold a newer specialisation under this key by now.
    const key = specKey(s.fn, s.argTypes);
    if (this.byKey.get(key) === s) this.byKey.delete(key);
    for (const c of s.callers) this.invalidate(c);
    this.dropped(s.fn);
  }

  /** Forget what a failed evaluation inferred but did not compile (nothing compiled calls it). */
  discardUncompiled(): void {
    for (const s of [...this.byKey.values()]) {
      if (s.state === 'compiled') {
        for (const r of s.wantAdapters) if (!s.adapters.has(r)) s.wantAdapters.delete(r);
        continue;
      }
      s.state = 'dead';
      this.byKey.delete(specKey(s.fn, s.argTypes));
      for (const c of s.callees) {
        c.callers.delete(s);
        c.readers.delete(s);
      }
    }
  }
}

/** Most expression nodes in the body of a method inlined where it is called statically. */
const INLINE_MAX_NODES = 16;

/** Expression nodes in `e`, counting up to `limit` + 1. */
function exprNodes(e: A.Expr, limit: number): number {
  let n = 0;
  const visit = (x: unknown): void => {
    if (n > limit || x === null || typeof x !== 'object') return;
    if (Array.isArray(x)) return x.forEach(visit);
    const o = x as Record<string, unknown>;
    if (typeof o.kind !== 'string' || o.kind.startsWith('type-')) return;
    n++;
    for (const k in o) if (k !== 'loc') visit(o[k]);
  };
  visit(e);
  return n;
}

/**
 * Whether a specialisation's body is inlined where it is called statically: a method that is
 * one small expression (so no loop) calling nothing but intrinsics, as Julia's cost model would.
 * V8 11 inlines no wasm call, and V8 13 none in its baseline tier: a short method such as a
 * field read and a product, called in a loop, would otherwise cost a call per iteration.
 * Invalidating the method invalidates its static callers, which inlined it.
 */
export function inlineWorthy(s: Spec): boolean {
  if (s.method.body.intrinsic) return true;
  const body = s.method.body.def.body;
  if (body.length !== 1 || body[0]!.kind !== 'expr' || s.dynamicDeps.size) return false;
  for (const c of s.callees) if (c === s || !c.method.body.intrinsic) return false;
  return exprNodes(body[0]!.expr, INLINE_MAX_NODES) <= INLINE_MAX_NODES;
}
