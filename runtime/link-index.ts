// Which link tables hold a copy of each slot, so a slot write reaches them all. Attaching happens
// on every commit of a link-table engine and must cost next to nothing per reference; writes to
// slots that code can already reach (redefinitions) are rare (SlotTable asks only for those). So
// attaching only records the table, O(1); the per-slot lists (intrusive, in flat typed arrays)
// are built for all pending tables the next time anyone asks, and a table detached before then
// never costs a list entry.

const NONE = -1;

/** Per copy id. */
const FREE = 0;
/** Attached, its entries not yet in the lists. */
const PENDING = 1;
const LISTED = 2;
/** Detached, its entries still in the lists until a sweep. */
const DEAD = 3;

/** Where a link table keeps its copy id (a symbol-keyed property costs less than a WeakMap entry). */
const ID = Symbol('accrete.linkCopy');
type Tagged = WebAssembly.Table & { [ID]?: number };

export class LinkIndex {
  /** First entry of each slot's list. */
  private head = new Int32Array(64).fill(NONE);
  private next = new Int32Array(256);
  /** Entry → copy id, and the index of the slot in that copy. */
  private copy = new Int32Array(256);
  private index = new Int32Array(256);
  private top = 0;
  /** Copy id → its link table (null when free or dead), state, and slots while pending. */
  private tables: Array<WebAssembly.Table | null> = [];
  private state = new Uint8Array(16);
  private pendingSlots: Array<readonly number[] | undefined> = [];
  /** Ids attached since the last flush (an id may appear twice if it was detached and reused). */
  private pending: number[] = [];
  /** Ids in state PENDING. */
  private pendingCount = 0;
  private readonly freeIds: number[] = [];
  private live = 0;
  private dead = 0;

  /** Record that entry i of `t` holds slot `slots[i]` (negative entries are no slot: skipped). */
  attach(t: WebAssembly.Table, slots: readonly number[]): void {
    const id = this.freeIds.pop() ?? this.tables.length;
    if (id >= this.state.length) this.state = grownBytes(this.state, id + 1);
    this.tables[id] = t;
    this.state[id] = PENDING;
    this.pendingSlots[id] = slots;
    this.pending.push(id);
    // Ids of tables detached while pending stay in the list until a flush: keep it in proportion.
    if (++this.pendingCount < this.pending.length / 2 && this.pending.length > 64) this.compactPending();
    (t as Tagged)[ID] = id;
  }

  /** Forget a link table (its module is gone). Idempotent. */
  detach(t: WebAssembly.Table, slots: readonly number[]): void {
    const id = (t as Tagged)[ID];
    if (id === undefined || this.tables[id] !== t) return;
    this.tables[id] = null;
    delete (t as Tagged)[ID];
    if (this.state[id] === PENDING) {
      // Never listed: free at once (a flush skips it, even if the id is attached again first).
      this.state[id] = FREE;
      this.pendingSlots[id] = undefined;
      this.freeIds.push(id);
      this.pendingCount--;
      return;
    }
    this.state[id] = DEAD;
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
    if (this.pendingCount) this.flush();
    return slot < this.head.length && this.head[slot] !== NONE;
  }

  /** Call `f(table, index)` for every live copy of `slot`. */
  forEach(slot: number, f: (t: WebAssembly.Table, index: number) => void): void {
    if (!this.has(slot)) return;
    for (let e = this.head[slot]!; e !== NONE; e = this.next[e]!) {
      const id = this.copy[e]!;
      if (this.state[id] === LISTED) f(this.tables[id]!, this.index[e]!);
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
    if (this.has(slot)) for (let e = this.head[slot]!; e !== NONE; e = this.next[e]!) n++;
    return n;
  }

  /** Put every pending copy's entries into the lists. */
  private flush(): void {
    for (const id of this.pending) {
      const slots = this.pendingSlots[id];
      if (slots === undefined) continue;
      this.pendingSlots[id] = undefined;
      this.state[id] = LISTED;
      this.list(id, slots);
    }
    this.pending.length = 0;
    this.pendingCount = 0;
  }

  /** Drop ids no longer pending, and second mentions of an id, from the pending list. */
  private compactPending(): void {
    const seen = new Set<number>();
    this.pending = this.pending.filter((id) => this.state[id] === PENDING && !seen.has(id) && (seen.add(id), true));
    this.pendingCount = this.pending.length;
  }

  private list(id: number, slots: readonly number[]): void {
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

  /** Rebuild the lists with live entries only; dead copies' ids become free. */
  private sweep(): void {
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
        const id = this.copy[e]!;
        if (this.state[id] !== LISTED) continue;
        copy[top] = id;
        index[top] = this.index[e]!;
        next[top] = head[slot]!;
        head[slot] = top++;
      }
    }
    for (let id = 0; id < this.tables.length; id++) {
      if (this.state[id] !== DEAD) continue;
      this.state[id] = FREE;
      this.freeIds.push(id);
    }
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

function grownBytes(a: Uint8Array<ArrayBuffer>, min: number): Uint8Array<ArrayBuffer> {
  let cap = a.length * 2;
  while (cap < min) cap *= 2;
  const b = new Uint8Array(cap);
  b.set(a);
  return b;
}
