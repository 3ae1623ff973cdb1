// Which link tables hold a copy of each slot, so a slot write reaches them all. Attaching happens
// on every commit of a link-table engine and must cost next to nothing per reference; writes
// (redefinitions) are rare. Entries live in flat typed arrays, one intrusive list per slot.

const NONE = -1;

export class LinkIndex {
  /** First entry of each slot's list. */
  private head = new Int32Array(64).fill(NONE);
  private next = new Int32Array(256);
  /** Entry → copy id, and the index of the slot in that copy. */
  private copy = new Int32Array(256);
  private index = new Int32Array(256);
  private top = 0;
  /** Copy id → its link table, or null once detached (its entries are dead until a sweep). */
  private tables: Array<WebAssembly.Table | null> = [];
  private readonly ids = new WeakMap<WebAssembly.Table, number>();
  private live = 0;
  private dead = 0;

  /** Record that entry i of `t` holds slot `slots[i]` (negative entries are no slot: skipped). */
  attach(t: WebAssembly.Table, slots: readonly number[]): void {
    const id = this.tables.length;
    this.tables.push(t);
    this.ids.set(t, id);
    this.reserve(slots.length);
    let head = this.head;
    const top = this.top;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      if (slot < 0) continue;
      if (slot >= head.length) head = this.growHead(slot);
      const e = this.top++;
      this.copy[e] = id;
      this.index[e] = i;
      this.next[e] = head[slot]!;
      head[slot] = e;
    }
    this.live += this.top - top;
  }

  /** Forget a link table (its module is gone). Idempotent. */
  detach(t: WebAssembly.Table, slots: readonly number[]): void {
    const id = this.ids.get(t);
    if (id === undefined || this.tables[id] === null) return;
    this.tables[id] = null;
    this.ids.delete(t);
    let n = 0;
    for (let i = 0; i < slots.length; i++) if (slots[i]! >= 0) n++;
    this.live -= n;
    this.dead += n;
    // Sweeping costs O(slots + entries): wait until the dead outnumber both the live entries
    // and a quarter of the slots, so each detached entry pays O(1) on average.
    if (this.dead > this.live && 4 * this.dead > this.head.length) this.sweep();
  }

  /** Whether any copy of `slot` is listed (live or awaiting a sweep). */
  has(slot: number): boolean {
    return slot < this.head.length && this.head[slot] !== NONE;
  }

  /** Call `f(table, index)` for every live copy of `slot`. */
  forEach(slot: number, f: (t: WebAssembly.Table, index: number) => void): void {
    if (slot >= this.head.length) return;
    for (let e = this.head[slot]!; e !== NONE; e = this.next[e]!) {
      const t = this.tables[this.copy[e]!];
      if (t) f(t, this.index[e]!);
    }
  }

  /** Live copies of a slot. */
  copiesOf(slot: number): number {
    let n = 0;
    this.forEach(slot, () => n++);
    return n;
  }

  /** Entries listed for a slot, live or awaiting a sweep. */
  listed(slot: number): number {
    let n = 0;
    if (slot < this.head.length) for (let e = this.head[slot]!; e !== NONE; e = this.next[e]!) n++;
    return n;
  }

  private reserve(n: number): void {
    if (this.top + n <= this.next.length) return;
    let cap = this.next.length * 2;
    while (cap < this.top + n) cap *= 2;
    this.next = grown(this.next, cap);
    this.copy = grown(this.copy, cap);
    this.index = grown(this.index, cap);
  }

  private growHead(slot: number): Int32Array<ArrayBuffer> {
    let cap = this.head.length * 2;
    while (cap <= slot) cap *= 2;
    const h = new Int32Array(cap).fill(NONE);
    h.set(this.head);
    return (this.head = h);
  }

  /** Rebuild the lists with live entries only, renumbering the copies that remain. */
  private sweep(): void {
    const renumber = new Int32Array(this.tables.length);
    const tables: Array<WebAssembly.Table | null> = [];
    this.tables.forEach((t, id) => {
      renumber[id] = t ? tables.length : NONE;
      if (t) {
        this.ids.set(t, tables.length);
        tables.push(t);
      }
    });
    const cap = Math.max(256, this.live * 2);
    const next = new Int32Array(cap);
    const copy = new Int32Array(cap);
    const index = new Int32Array(cap);
    let top = 0;
    const head = this.head;
    for (let slot = 0; slot < head.length; slot++) {
      // Walking then prepending reverses each list; order does not matter to writes.
      let e = head[slot]!;
      head[slot] = NONE;
      for (; e !== NONE; e = this.next[e]!) {
        const id = renumber[this.copy[e]!]!;
        if (id === NONE) continue;
        copy[top] = id;
        index[top] = this.index[e]!;
        next[top] = head[slot]!;
        head[slot] = top++;
      }
    }
    this.tables = tables;
    this.next = next;
    this.copy = copy;
    this.index = index;
    this.top = top;
    this.dead = 0;
  }
}

function grown(a: Int32Array<ArrayBuffer>, cap: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}
