// The shared funcref table: slot allocation, writes that reach every private link table holding a
// copy of the slot, reuse of retired slots only once no live stage refers to them, and (under
// link-table linking) functions fetched from their module only when something needs them.

import { fail } from './errors.js';
import { LinkIndex } from './link-index.js';
import { ReusePool } from './reuse.js';

type Fn = Function;

/** Marks a slot written by its module's element segment (see `installed`). */
const IN_TABLE: Fn = () => undefined;

/**
 * A module's own table of functions (see `deferred`): a slot marked with one holds the function at
 * its index there (`SlotTable.from`), not yet fetched.
 */
export class FunctionSource {
  constructor(readonly table: WebAssembly.Table) {}
}

export class SlotTable {
  /** The shared table itself; read it through `table`, which writes it out first if need be. */
  private readonly shared: WebAssembly.Table;
  private next = 0;
  readonly pool = new ReusePool();
  /** Link tables holding a copy of each slot. */
  private readonly links = new LinkIndex();
  /**
   * What each slot holds, mirrored on the JS side: reading it back from the table costs more.
   * IN_TABLE marks a slot its module wrote itself; the function is read back when first needed.
   */
  private readonly fns: Array<Fn | FunctionSource | null> = [];
  /** For a slot marked with a FunctionSource: the function's index in its table. */
  private from = new Int32Array(64);
  /**
   * Whether the shared table itself is left unwritten (`fns` is then the only truth). Under
   * link-table linking nothing reads it until a dispatcher imports it or the embedder asks for it
   * (`sync`): until then a stage's functions can stay in their module's own table, and the engine
   * never makes a JavaScript function object for one nothing asks for (V8 11: ~0.45 µs each, a
   * fifth of what a 1,000-function stage costs per function).
   */
  private unsynced: boolean;
  /**
   * Slots allocated and not yet written: no code can reach them, so their first write skips the
   * link index (which then need not be up to date for the commits that merely add functions).
   */
  private fresh = new Uint8Array(64);
  /** Dispatchers (see `addDispatcher`), which link tables hold as entry values -1, -2, … */
  private readonly dispatchers: Fn[] = [];

  /** `deferring`: link-table linking, where nothing reads the shared table before `sync`. */
  constructor(
    initial: number,
    private readonly max: number,
    deferring = false,
  ) {
    this.shared = new WebAssembly.Table({ initial, element: 'anyfunc' });
    this.unsynced = deferring;
  }

  /** A fresh slot (undo with `release` if the commit fails). */
  allocate(what: string): number {
    const slot = this.take(what);
    if (slot >= this.fresh.length) {
      const size = Math.max(2 * this.fresh.length, slot + 1);
      const f = new Uint8Array(size);
      f.set(this.fresh);
      this.fresh = f;
      if (this.unsynced) {
        const at = new Int32Array(size);
        at.set(this.from);
        this.from = at;
      }
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
    if (slot >= this.shared.length) {
      const want = Math.min(this.max, Math.max(16, this.shared.length * 2));
      try {
        this.shared.grow(want - this.shared.length);
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
    const f = this.fns[slot];
    if (f === IN_TABLE || f instanceof FunctionSource) return (this.fns[slot] = this.fetch(slot, f));
    return f ?? null;
  }

  /** The function a marked slot stands for: in the shared table (IN_TABLE) or in its module's table. */
  private fetch(slot: number, marker: Fn | FunctionSource): Fn | null {
    return (marker instanceof FunctionSource ? marker.table.get(this.from[slot]!) : this.shared.get(slot)) as Fn | null;
  }

  /**
   * A slot's function is entry `index` of `source`'s table, fetched when first needed (see
   * `unsynced`); false if it must be written now: the table is synced, or a link table holds a
   * copy of the slot (a slot's copies hold function objects, and a fresh slot has none).
   */
  deferred(slot: number, source: FunctionSource, index: number): boolean {
    if (!this.unsynced || (!this.fresh[slot] && this.links.has(slot))) return false;
    this.fns[slot] = source;
    this.from[slot] = index;
    this.fresh[slot] = 0;
    return true;
  }

  /**
   * Make the shared table hold what every slot holds, and keep it so from now on: before anything
   * else can read it (a module importing it, the embedder). Once per runtime, O(slots).
   */
  sync(): void {
    if (!this.unsynced) return;
    for (let s = 0; s < this.next; s++) this.shared.set(s, this.get(s) as never);
    this.unsynced = false;
  }

  /** A module wrote `slot` itself when it was instantiated (an element segment). */
  installed(slot: number): void {
    this.fns[slot] = IN_TABLE;
    this.fresh[slot] = 0;
  }

  /** Put back what a slot held before a failed commit's module wrote it. */
  restore(slot: number, fn: Fn | null): void {
    if (!this.unsynced) this.shared.set(slot, fn as never);
    this.fns[slot] = fn;
  }

  /** Write a slot everywhere it is visible: every link table copy, and the shared table once it is written out. */
  write(slot: number, fn: Fn | null): void {
    if (!this.unsynced) this.shared.set(slot, fn as never);
    this.fns[slot] = fn;
    if (this.fresh[slot]) {
      this.fresh[slot] = 0;
      return;
    }
    // Most slots have no link-table copy: ask first, so that no closure is made per write.
    if (this.links.has(slot)) this.writeCopies(slot, fn);
  }

  /** Write a slot's link-table copies: a method of its own, so that `write` captures nothing (a context per call). */
  private writeCopies(slot: number, fn: Fn | null): void {
    this.links.forEach(slot, (t, i) => t.set(i, fn as never));
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
      // Most slots hold their function already: `typeof` tells so without `get`'s prototype walk
      // (`instanceof`): a 1,000-entry fill 30.7 → 29.5 µs warm on V8 11, bare `Table.set` 29.0–29.3.
      let f = s < 0 ? this.dispatchers[-1 - s] : fns[s];
      if (typeof f !== 'function' || f === IN_TABLE) f = this.get(s);
      t.set(i, f as never);
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
      // Unsynced, the table is not meant to agree; a deferred function must be where it says.
      if (f instanceof FunctionSource) {
        if (typeof this.fetch(s, f) !== 'function') out.push(s);
      } else if (!this.unsynced && f !== IN_TABLE && (f ?? null) !== this.shared.get(s)) out.push(s);
    }
    return out;
  }

  /** Whether the shared table is written (see `unsynced`). */
  get synced(): boolean {
    return !this.unsynced;
  }

  /** The shared table, complete: anything that can read it gets it through here (see `sync`). */
  get table(): WebAssembly.Table {
    this.sync();
    return this.shared;
  }

  /** The shared table's length, without writing it out. */
  get tableLength(): number {
    return this.shared.length;
  }

  /**
   * What slot `slot` holds, as the shared table would say, without writing the table out or
   * changing what the runtime records: for tests and `rt.internals` (a failed operation must leave
   * every slot as it was, whether the table is written or not).
   */
  peek(slot: number): Fn | null {
    if (!this.unsynced) return this.shared.get(slot) as Fn | null;
    const f = this.fns[slot];
    return f === IN_TABLE || f instanceof FunctionSource ? this.fetch(slot, f) : (f ?? null);
  }

  /** Slots in use (allocated and not free). */
  get used(): number {
    return this.next - this.pool.freeCount;
  }
}
