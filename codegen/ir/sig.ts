// Parsing and checking of signatures and value types given by users, as objects or as
// strings like "i32 i64 -> f64".

import { LRUCache } from 'lru-cache';
import { fail, shown } from '../../runtime/errors.js';
import type { Sig, ValType } from './nodes.js';

export function isValType(t: unknown): t is ValType {
  return literalValType(t) !== undefined;
}

/**
 * The value type `t` names, as the string literal itself (undefined if it names none). A type
 * split out of a signature's text, or built by a front end, equals the literal but is another
 * string, and V8 compares such a pair by content (a builtin call) at every type test the builder
 * makes, where literals compare by pointer: ~10 calls per call-and-global reference.
 */
export function literalValType(t: unknown): ValType | undefined {
  switch (t) {
    case 'i32':
      return 'i32';
    case 'i64':
      return 'i64';
    case 'f32':
      return 'f32';
    case 'f64':
      return 'f64';
  }
  return undefined;
}

export function checkValType(t: unknown, what: string): ValType {
  const v = literalValType(t);
  if (v === undefined) throw fail('BadSignature', `${what}: expected one of i32, i64, f32, f64, got ${shown(t)}`);
  return v;
}

/** A signature as users may write it: `{ params, results }` or `"i32 i32 -> i32"`. */
export type SigLike = Sig | { params?: readonly ValType[]; results?: readonly ValType[]; result?: ValType } | string;

/** Parsed signature strings: generated code repeats a few signatures many times over. */
const parsed = new LRUCache<string, Sig>({ max: 1024 });

let lastText: string | undefined;
let lastSig: Sig | undefined;

export function parseSig(s: SigLike, what = 'signature'): Sig {
  if (typeof s === 'string') {
    // Definitions come in runs of one signature: the last one answers before the cache does.
    if (s === lastText) return lastSig!;
    let sig = parsed.get(s);
    if (!sig) parsed.set(s, (sig = parseSigText(s, what)));
    lastText = s;
    lastSig = sig;
    return sig;
  }
  return parseSigObject(s, what);
}

function parseSigText(s: string, what: string): Sig {
  const m = /^\s*\(?([^)>-]*)\)?\s*->\s*\(?([^)]*)\)?\s*$/.exec(s);
  if (!m) throw fail('BadSignature', `${what}: cannot read ${shown(s)} (write e.g. "i32 i32 -> i32" or "-> ()")`);
  const list = (x: string) => x.split(/[\s,]+/).filter((t) => t !== '' && t !== '()');
  return makeSig(list(m[1]!), list(m[2]!), what);
}

function parseSigObject(s: Exclude<SigLike, string>, what: string): Sig {
  if (s === null || typeof s !== 'object') throw fail('BadSignature', `${what}: expected an object or a string, got ${String(s)}`);
  const o = s as { params?: unknown; results?: unknown; result?: unknown };
  const params = o.params ?? [];
  const results = o.results ?? (o.result !== undefined ? [o.result] : []);
  if (!Array.isArray(params) || !Array.isArray(results)) throw fail('BadSignature', `${what}: params and results must be arrays`);
  return makeSig(params, results, what);
}

/** Parameters a wasm function may have in the engines. */
export const MAX_PARAMS = 1000;

function makeSig(params: unknown[], results: unknown[], what: string): Sig {
  const p = params.map((t, i) => checkValType(t, `${what}, parameter ${i}`));
  const r = results.map((t, i) => checkValType(t, `${what}, result ${i}`));
  if (r.length > 1) throw fail('BadSignature', `${what}: at most one result is supported, got ${r.length}`);
  // The engines' own limit (V8, SpiderMonkey): past it the module would not compile.
  if (p.length > MAX_PARAMS) throw fail('BadSignature', `${what}: at most ${MAX_PARAMS} parameters, got ${p.length}`);
  // The lists are left unfrozen: V8 11 reads a frozen array's elements through a generic call
  // in optimised code, and the builder reads a callee's parameter and result types at every call
  // (~360 instructions per call). Signatures are shared by the runtime and never handed out as
  // they are: `publicSig` gives users a frozen copy.
  return Object.freeze({ params: p, results: r });
}

/** A frozen copy of `s`, for users (see `makeSig`). */
export function publicSig(s: Sig): Sig {
  return Object.freeze({ params: Object.freeze([...s.params]), results: Object.freeze([...s.results]) });
}

/** Bytes of code one function body may have: V8's limit (the JS API's limits say the same). */
export const MAX_BODY_BYTES = 7_654_321;

/** Locals one function may have, parameters included: the engines' limit (V8, SpiderMonkey). */
export const MAX_ENGINE_LOCALS = 50_000;
