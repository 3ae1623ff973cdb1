// The shared funcref table: slot allocation, writes that reach every private link table holding a
// copy of the slot, and reuse of retired slots only once no live stage refers to them.

import { fail } from './errors.js';
import { ReusePool } from './reuse.js';

type Fn = Function;

/** A link table attached to the slot table, until its module is dropped. */
interface LinkCopy {
  readonly table: WebAssembly.Table;
  live: boolean;
}

export class SlotTable {
  readonly table: WebAssembly.Table;
  private next = 0;
  readonly pool = new ReusePool();
  /**
   * Link tables holding a copy of each slot: slot → [copy, index, copy, index, ...]. Attaching
   * (every commit on link-table engines) must cost next to nothing per reference, and writes
   * (redefinitions) are rare, so copies are appended and detached ones dropped lazily.
   */
  private readonly links: Array<Array<LinkCopy | number> | undefined> = [];
  /** Detached copies still listed in `links[slot]`. */
  private readonly dead: number[] = [];
  /** The copy record of each attached link table. */
  private readonly copies = new WeakMap<WebAssembly.Table, LinkCopy>();
  /** What each slot holds, mirrored on the JS side: reading it back from the table costs more. */
  private readonly fns: Array<Fn | null> = [];

  constructor(
    initial: number,
    private readonly max: number,
  ) {
    this.table = new WebAssembly.Table({ initial, element: 'anyfunc' });
  }

  /** A fresh slot (undo with `release` if the commit fails). */
  allocate(what: string): number {
    const reused = this.pool.take();
    if (reused !== undefined) return reused;
    const slot = this.next;
    if (slot >= this.max) {
      throw fail('ResourceExhausted', `the function table is full (${this.max} slots); raise the 'maxSlots' option or retire stages`, { definition: what });
    }
    if (slot >= this.table.length) {
      const want = Math.min(this.max, Math.max(16, this.table.length * 2));
      try {
        this.table.grow(want - this.table.length);
      } catch (e) {
        throw fail('ResourceExhausted', `the engine refused to grow the function table to ${want} slots`, { definition: what }, { cause: e });
      }
    }
    this.next++;
    return slot;
  }

  /** Give back a slot reserved by a failed commit. */
  release(slot: number): void {
    this.pool.give(slot);
  }

  get(slot: number): Fn | null {
    return this.fns[slot] ?? null;
  }

  /** Write a slot everywhere it is visible: the shared table and every link table copy. */
  write(slot: number, fn: Fn | null): void {
    this.table.set(slot, fn as never);
    this.fns[slot] = fn;
    const copies = this.links[slot];
    if (!copies) return;
    for (let j = 0; j < copies.length; j += 2) {
      const c = copies[j] as LinkCopy;
      if (c.live) c.table.set(copies[j + 1] as number, fn as never);
    }
  }

  /** A link table whose entry i holds slot `slots[i]`: fill it now and keep it in step with writes. */
  attachLinkTable(t: WebAssembly.Table, slots: readonly number[]): void {
    const copy: LinkCopy = { table: t, live: true };
    this.copies.set(t, copy);
    const fns = this.fns;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      t.set(i, (fns[slot] ?? null) as never);
      const l = this.links[slot];
      if (l) l.push(copy, i);
      else this.links[slot] = [copy, i];
    }
  }

  detachLinkTable(t: WebAssembly.Table, slots: readonly number[]): void {
    const copy = this.copies.get(t);
    if (!copy?.live) return;
    copy.live = false;
    this.copies.delete(t);
    for (const slot of slots) {
      const l = this.links[slot];
      if (!l) continue;
      const dead = (this.dead[slot] ?? 0) + 1;
      // Sweep once half the list is dead: amortised O(1) per detach, lists stay O(live copies).
      if (2 * dead * 2 < l.length) {
        this.dead[slot] = dead;
        continue;
      }
      let w = 0;
      for (let j = 0; j < l.length; j += 2) {
        if (!(l[j] as LinkCopy).live) continue;
        l[w++] = l[j]!;
        l[w++] = l[j + 1]!;
      }
      l.length = w;
      this.links[slot] = w ? l : undefined;
      this.dead[slot] = 0;
    }
  }

  /** Link-table copies of a slot still attached (for tests of the bookkeeping). */
  copiesOf(slot: number): number {
    const l = this.links[slot];
    let n = 0;
    if (l) for (let j = 0; j < l.length; j += 2) if ((l[j] as LinkCopy).live) n++;
    return n;
  }

  /** Entries kept for a slot, live or not yet swept. */
  listedCopies(slot: number): number {
    return (this.links[slot]?.length ?? 0) / 2;
  }

  /** Slots in use (allocated and not free). */
  get used(): number {
    return this.next - this.pool.freeCount;
  }
}
