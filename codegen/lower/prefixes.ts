// The bytes before the code of a stage module whose functions share one signature: the same for
// every such stage of one function count, one way of handing the functions over, one set of
// imports, one other signature its calls use (if any) and one link-table size, so the encoder
// writes them once and copies them (encode.ts, `encode`).

import type { Sig } from '../ir/nodes.js';
import type { MemoryShape } from '../wasm/sections.js';

/** How a module hands its functions over: one export each, in a table of its own, or installed. */
export const HANDOVER = { EXPORTS: 0, TABLE: 1, INSTALL: 2 } as const;
type Handover = (typeof HANDOVER)[keyof typeof HANDOVER];

/** What a prefix depends on besides its functions' signature. */
export interface PrefixShape {
  /** The one other signature in the type section (the calls'), if any. */
  readonly second: Sig | undefined;
  /** Link-table entries (0: no link table). */
  readonly links: number;
  readonly count: number;
  readonly handover: Handover;
  readonly table: boolean;
  readonly memory: MemoryShape | undefined;
}

interface Prefix extends PrefixShape {
  readonly bytes: Uint8Array;
}

/**
 * By signature object: signatures parsed from text are shared, so a program's few signatures each
 * keep a few prefixes; other signature objects are collected with their prefixes.
 */
const prefixes = new WeakMap<Sig, Prefix[]>();

/** Prefixes kept per signature, the latest: function counts and runtimes (memory shapes) vary. */
const PER_SIG = 16;

/** The last signature's list: stages come in runs of one signature, and a weak map's probe is dearer cold. */
let lastSig: Sig | undefined;
let lastList: Prefix[] | undefined;

function listOf(sig: Sig): Prefix[] | undefined {
  if (sig === lastSig) return lastList;
  const list = prefixes.get(sig);
  if (list) {
    lastSig = sig;
    lastList = list;
  }
  return list;
}

export function prefixOf(sig: Sig, k: PrefixShape): Prefix | undefined {
  const list = listOf(sig);
  if (!list) return undefined;
  for (let i = 0; i < list.length; i++) {
    const p = list[i]!;
    if (p.count === k.count && p.second === k.second && p.links === k.links && p.handover === k.handover && p.table === k.table && p.memory === k.memory) return p;
  }
  return undefined;
}

export function keepPrefix(sig: Sig, k: PrefixShape, bytes: Uint8Array): void {
  let list = listOf(sig);
  if (!list) prefixes.set(sig, (list = []));
  if (list.length >= PER_SIG) list.shift();
  list.push({ ...k, bytes });
}
