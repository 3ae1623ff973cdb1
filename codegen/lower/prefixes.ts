// The bytes before the code of a one-function module that exports its function and has no tables
// of its own: the same for every such stage of one signature and one set of imports, so the
// encoder writes them once and copies them (encode.ts, `encode`).

import type { Sig } from '../ir/nodes.js';
import type { MemoryShape } from '../wasm/sections.js';

/**
 * By signature object: signatures parsed from text are shared, so a program's few signatures each
 * keep a few prefixes; other signature objects are collected with their prefixes.
 */
interface Prefix {
  readonly table: boolean;
  readonly memory: MemoryShape | undefined;
  readonly bytes: Uint8Array;
}
const prefixes = new WeakMap<Sig, Prefix[]>();

/** Prefixes kept per signature: each runtime has a memory shape of its own. */
const PER_SIG = 8;

export function prefixOf(sig: Sig, table: boolean, memory: MemoryShape | undefined): Prefix | undefined {
  const list = prefixes.get(sig);
  if (list) for (const p of list) if (p.table === table && p.memory === memory) return p;
  return undefined;
}

export function keepPrefix(sig: Sig, table: boolean, memory: MemoryShape | undefined, bytes: Uint8Array): void {
  let list = prefixes.get(sig);
  if (!list) prefixes.set(sig, (list = []));
  if (list.length >= PER_SIG) list.shift();
  list.push({ table, memory, bytes });
}
