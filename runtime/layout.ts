// The shared memory's layout: a zero page guard, a header, the exception payload buffer, the
// globals region (8-byte cells) and the RTT-descriptor region; the heap starts after them.

import { fail } from './errors.js';
import { ReusePool } from './reuse.js';

export const PAGE = 65536;
/** Addresses below this are never handed out, so 0 works as a null object. */
export const NULL_GUARD = 64;
export const HEADER = NULL_GUARD;
export const HEADER_SIZE = 64;
export const EXN_BUFFER = HEADER + HEADER_SIZE;
/** Payload slots of the exception buffer (8 bytes each): the most parameters a tag may have. */
export const MAX_TAG_PARAMS = 32;
const FIXED_END = EXN_BUFFER + 8 * MAX_TAG_PARAMS;

export interface Layout {
  readonly exnBuffer: number;
  readonly globalsBase: number;
  readonly globalsEnd: number;
  readonly rttBase: number;
  readonly rttEnd: number;
  /** First byte of the heap, page-aligned; the heap is the program's to manage. */
  readonly heapBase: number;
}

export function makeLayout(globalsBytes: number, rttBytes: number): Layout {
  const globalsBase = align(FIXED_END, 8);
  const globalsEnd = globalsBase + globalsBytes;
  const rttBase = align(globalsEnd, 8);
  const rttEnd = rttBase + rttBytes;
  return Object.freeze({ exnBuffer: EXN_BUFFER, globalsBase, globalsEnd, rttBase, rttEnd, heapBase: align(rttEnd, PAGE) });
}

export function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** Writes the header so tools that find the memory can read the layout. */
export function writeHeader(view: DataView, l: Layout): void {
  const words = [0x54524341 /* 'ACRT' */, 1, l.globalsBase, l.globalsEnd, l.rttBase, l.rttEnd, l.heapBase, l.exnBuffer];
  words.forEach((w, i) => view.setUint32(HEADER + 4 * i, w, true));
}

/**
 * Fixed-size cells for globals. Reservations are undone with `release` when a commit fails;
 * retired cells return through the pool once unreferenced.
 */
export class CellAllocator {
  private next: number;
  readonly pool = new ReusePool(8);

  constructor(
    private readonly base: number,
    private readonly end: number,
  ) {
    this.next = base;
  }

  allocate(what: string): number {
    const a = this.pool.take();
    if (a !== undefined) return a;
    if (this.next + 8 > this.end) {
      throw fail('ResourceExhausted', `the globals region (${this.end - this.base} bytes, ${(this.end - this.base) / 8} cells) is full; raise the 'globalsBytes' option`, { definition: what });
    }
    const at = this.next;
    this.next += 8;
    return at;
  }

  /** Give back a cell reserved by a failed commit. */
  release(address: number): void {
    this.pool.give(address);
  }

  get used(): number {
    return (this.next - this.base) / 8 - this.pool.freeCount;
  }
}

/**
 * Bump allocation of RTT descriptors. Ids are generative: a published descriptor's space is never
 * reused. A failed commit's is, since nothing saw its id: undone at the top, it is given back to
 * the bump pointer; undone below a later allocation (an async commit overtaken by a sync one),
 * it is kept for the next descriptor it fits.
 */
export class RttAllocator {
  private next: number;
  /** Blocks of undone allocations below the top: [address, bytes] (8-aligned), first fit. */
  private readonly holes: Array<[number, number]> = [];

  constructor(
    base: number,
    private readonly end: number,
  ) {
    this.next = base;
  }

  allocate(bytes: number, what: string): number {
    for (let i = 0; i < this.holes.length; i++) {
      const [h, size] = this.holes[i]!;
      if (size < bytes) continue;
      const rest = align(h + bytes, 8);
      if (rest < h + size) this.holes[i] = [rest, h + size - rest];
      else this.holes.splice(i, 1);
      return h;
    }
    const at = align(this.next, 8);
    if (at + bytes > this.end) {
      throw fail('ResourceExhausted', `the RTT region is full; raise the 'rttBytes' option`, { definition: what });
    }
    this.next = at + bytes;
    return at;
  }

  /** Undo an allocation that moved the top from `mark` to `end`, or the one at `at` of `bytes`. */
  rollback(mark: number, end: number, at = align(mark, 8), bytes = end - at): void {
    if (this.next === end && at >= mark) this.next = mark;
    else this.holes.push([at, bytes]);
  }

  get top(): number {
    return this.next;
  }
}

/** Write a value of type `t` into the cell at `at` (a global's, or an RTT field's). */
export function writeValue(v: DataView, at: number, t: string, x: number | bigint): void {
  if (t === 'i32') v.setInt32(at, Number(x), true);
  else if (t === 'i64') v.setBigInt64(at, BigInt(x), true);
  else if (t === 'f32') v.setFloat32(at, Number(x), true);
  else v.setFloat64(at, Number(x), true);
}

/** Read the value of type `t` in the cell at `at`. */
export function readValue(v: DataView, at: number, t: string): number | bigint {
  if (t === 'i32') return v.getInt32(at, true);
  if (t === 'i64') return v.getBigInt64(at, true);
  if (t === 'f32') return v.getFloat32(at, true);
  return v.getFloat64(at, true);
}
