// The shared funcref table: slot allocation, writes that reach every private link table holding a
// copy of the slot, and reuse of retired slots only once no live stage refers to them.

import { fail } from './errors.js';
import { LinkIndex } from './link-index.js';
import { ReusePool } from './reuse.js';

type Fn = Function;

/** Marks a slot written by its module's element segment (see `installed`). */
const IN_TABLE: Fn = () => undefined;

export class SlotTable {
  readonly table: WebAssembly.Table;
  private next = 0;
  readonly pool = new ReusePool();
  /** Link tables holding a copy of each slot. */
  private readonly links = new LinkIndex();
  /**
   * What each slot holds, mirrored on the JS side: reading it back from the table costs more.
   * IN_TABLE marks a slot its module wrote itself; the function is read back when first needed.
   */
  private readonly fns: Array<Fn | null> = [];
  /**
   * Slots allocated and not yet written: no code can reach them, so their first write skips the
   * link index (which then need not be up to date for the commits that merely add functions).
   */
  private fresh = new Uint8Array(64);
  /** Dispatchers (see `addDispatcher`), which link tables hold as entry values -1, -2, … */
  private readonly dispatchers: Fn[] = [];

  constructor(
    initial: number,
    private readonly max: number,
  ) {
    this.table = new WebAssembly.Table({ initial, element: 'anyfunc' });
  }

  /** A fresh slot (undo with `release` if the commit fails). */
  allocate(what: string): number {
    const slot = this.take(what);
    if (slot >= this.fresh.length) {
      const f = new Uint8Array(Math.max(2 * this.fresh.length, slot + 1));
      f.set(this.fresh);
      this.fresh = f;
    }
    this.fresh[slot] = 1;
    return slot;
  }

  private take(what: string): number {
    // A slot comes back to the pool only once no live code refers to it.
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
    let f = this.fns[slot];
    if (f === IN_TABLE) this.fns[slot] = f = this.table.get(slot) as Fn | null;
    return f ?? null;
  }

  /** A module wrote `slot` itself when it was instantiated (an element segment). */
  installed(slot: number): void {
    this.fns[slot] = IN_TABLE;
    this.fresh[slot] = 0;
  }

  /** Put back what a slot held before a failed commit's module wrote it. */
  restore(slot: number, fn: Fn | null): void {
    this.table.set(slot, fn as never);
    this.fns[slot] = fn;
  }

  /** Write a slot everywhere it is visible: the shared table and every link table copy. */
  write(slot: number, fn: Fn | null): void {
    this.table.set(slot, fn as never);
    this.fns[slot] = fn;
    if (this.fresh[slot]) {
      this.fresh[slot] = 0;
      return;
    }
    // Most slots have no link-table copy: ask first, so that no closure is made per write.
    if (this.links.has(slot)) this.links.forEach(slot, (t, i) => t.set(i, fn as never));
  }

  /** A link table whose entry i holds slot `slots[i]`: fill it now and keep it in step with writes. */
  attachLinkTable(t: WebAssembly.Table, slots: readonly number[]): void {
    this.fillLinkTable(t, slots);
    this.links.attach(t, slots);
  }

  /** Entry i of `t` gets what slot `slots[i]` holds now (or dispatcher -1 - slots[i]). */
  fillLinkTable(t: WebAssembly.Table, slots: readonly number[]): void {
    const fns = this.fns;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      const f = s < 0 ? this.dispatchers[-1 - s] : fns[s];
      t.set(i, (f === IN_TABLE ? this.get(s) : (f ?? null)) as never);
    }
  }

  /**
   * A function that calls a slot computed at run time through the shared table (a module that
   * imports the shared table, once per signature): the link-table entry value that stands for it.
   * Never written afterwards, so link tables copy it without listing the copy.
   */
  addDispatcher(fn: Fn): number {
    return -1 - (this.dispatchers.push(fn) - 1);
  }

  detachLinkTable(t: WebAssembly.Table, slots: readonly number[]): void {
    this.links.detach(t, slots);
  }

  /** Link-table copies of a slot still attached. */
  copiesOf(slot: number): number {
    return this.links.copiesOf(slot);
  }

  /** Entries kept for a slot, live or not yet swept. */
  listedCopies(slot: number): number {
    return this.links.listed(slot);
  }

  /**
   * Slots whose JavaScript mirror disagrees with the table (always none: a slot listed here is a
   * bug). For tests and `rt.internals`; O(slots).
   */
  mismatches(): number[] {
    const out: number[] = [];
    for (let s = 0; s < this.next; s++) {
      const f = this.fns[s];
      if (f !== IN_TABLE && (f ?? null) !== this.table.get(s)) out.push(s);
    }
    return out;
  }

  /** Slots in use (allocated and not free). */
  get used(): number {
    return this.next - this.pool.freeCount;
  }
}
