// The symbol table's map from names to records: open addressing over one Int32Array of
// (hash, entry) pairs, so a miss touches one cache line where a JS Map walks scattered entries.

/**
 * A string-keyed map with Map's semantics for the operations the runtime uses (insertion order,
 * re-setting keeps the position, delete then set appends), except that `values` and `keys` are
 * snapshots.
 *
 * Why not `Map`: defining a fresh name costs a miss (is it defined already?) and an insert. With
 * 100,000 names, V8's Map walks a bucket chain of entries and key strings spread over the heap,
 * a few cache misses each (measured ~0.2 µs per miss and ~0.3 µs per insert on this machine, about
 * a tenth of a function's whole cost in a batch). Here the probe sequence lives in one typed array
 * holding each entry's hash, so a miss reads one line and a key string is compared only when
 * the full 32-bit hash matches.
 */
export class NameTable<V> {
  /** Entries in insertion order; a deleted entry leaves `undefined` until the next rebuild. */
  private names: Array<string | undefined> = [];
  private vals: Array<V | undefined> = [];
  /** Probe slots: [hash, entry + 1]; entry + 1 = 0 is empty, -1 a deleted entry's slot. */
  private slots = new Int32Array(2 * 64);
  private mask = 63;
  /** Slots not empty (live or deleted): probing ends only at an empty one. */
  private occupied = 0;
  private live = 0;

  get size(): number {
    return this.live;
  }

  get(name: string): V | undefined {
    return this.getHashed(name, hashOf(name));
  }

  /** `get` with the name's `hashOf` already computed (a stage computes it once per definition). */
  getHashed(name: string, h: number): V | undefined {
    const e = this.find(name, h);
    return e >= 0 ? this.vals[e] : undefined;
  }

  has(name: string): boolean {
    return this.find(name, hashOf(name)) >= 0;
  }

  /** `has` with the name's `hashOf` already computed. */
  hasHashed(name: string, h: number): boolean {
    return this.find(name, h) >= 0;
  }

  set(name: string, value: V): this {
    return this.setHashed(name, hashOf(name), value);
  }

  /** `set` with the name's `hashOf` already computed. */
  setHashed(name: string, h: number, value: V): this {
    const e = this.find(name, h);
    if (e >= 0) {
      this.vals[e] = value;
      return this;
    }
    const entry = this.names.length;
    this.names.push(name);
    this.vals.push(value);
    const at = ~e;
    this.slots[2 * at] = h;
    this.slots[2 * at + 1] = entry + 1;
    this.occupied++;
    this.live++;
    if (2 * this.occupied > this.mask + 1) this.rebuild();
    return this;
  }

  delete(name: string): boolean {
    const h = hashOf(name);
    const slots = this.slots;
    for (let p = h & this.mask; ; p = (p + 1) & this.mask) {
      const e = slots[2 * p + 1]! - 1;
      if (e === -1) return false;
      if (e >= 0 && slots[2 * p] === h && this.names[e] === name) {
        slots[2 * p + 1] = -1;
        this.names[e] = undefined;
        this.vals[e] = undefined;
        this.live--;
        // Holes in the entry arrays are squeezed out once they are the majority.
        if (this.names.length > 64 && this.live * 2 < this.names.length) this.rebuild();
        return true;
      }
    }
  }

  /**
   * The values in insertion order, as a snapshot: changes made while the caller goes through it
   * are not seen (a Map's live iteration would need the index carried across rebuilds, which move
   * entries; no caller wants it).
   */
  values(): V[] {
    const out: V[] = [];
    const names = this.names;
    for (let i = 0; i < names.length; i++) if (names[i] !== undefined) out.push(this.vals[i]!);
    return out;
  }

  /** The names in insertion order, as a snapshot (see `values`). */
  keys(): string[] {
    const out: string[] = [];
    const names = this.names;
    for (let i = 0; i < names.length; i++) if (names[i] !== undefined) out.push(names[i]!);
    return out;
  }

  /** The [name, value] pairs in insertion order, as a snapshot (see `values`); also what iterating the table gives, as for a Map. */
  entries(): Array<[string, V]> {
    const out: Array<[string, V]> = [];
    const names = this.names;
    for (let i = 0; i < names.length; i++) if (names[i] !== undefined) out.push([names[i]!, this.vals[i]!]);
    return out;
  }

  [Symbol.iterator](): Iterator<[string, V]> {
    return this.entries()[Symbol.iterator]();
  }

  /**
   * Read the first probe slot of each of `n` hashes, so that the lookups that follow find them in
   * cache. A big table is mostly out of cache, and each fresh name's probe a miss to memory
   * (~95 ns at 240,000 names on this machine); a lookup does other work between misses, so they
   * come one at a time, where this loop has many in flight at once (1,000 fresh names: 125 µs
   * of lookups without it, ~55 with it). Returns a value only so the reads are not dropped.
   */
  prefetch(hashes: readonly number[], n: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let x = 0;
    for (let i = 0; i < n; i++) x ^= slots[2 * (hashes[i]! & mask)]!;
    return x;
  }

  /** The entry index of `name`, or the complement of the empty slot where it would go. */
  private find(name: string, h: number): number {
    const slots = this.slots;
    const mask = this.mask;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const e = slots[2 * p + 1]! - 1;
      if (e === -1) return ~p;
      if (e >= 0 && slots[2 * p] === h && this.names[e] === name) return e;
    }
  }

  /**
   * New slots sized for the live entries (load ≤ 1/4 after), with the entry arrays compacted.
   * The old slots are walked in order, so when the table grows the writes into the new ones run in
   * a few ascending streams (a slot's new position is its old one plus a multiple of the old size)
   * instead of landing at random: at 100,000 names that is the difference between cached and
   * missed writes.
   */
  private rebuild(): void {
    const old = this.slots;
    let remap: Int32Array | undefined;
    if (this.live < this.names.length) {
      remap = new Int32Array(this.names.length);
      const names: Array<string | undefined> = [];
      const vals: Array<V | undefined> = [];
      for (let i = 0; i < this.names.length; i++) {
        if (this.names[i] === undefined) continue;
        names.push(this.names[i]);
        vals.push(this.vals[i]);
        remap[i] = names.length;
      }
      this.names = names;
      this.vals = vals;
    }
    let cap = 64;
    while (cap < 4 * this.live) cap *= 2;
    const slots = new Int32Array(2 * cap);
    const mask = cap - 1;
    for (let q = 0; q < old.length; q += 2) {
      const e1 = old[q + 1]!;
      if (e1 <= 0) continue;
      const h = old[q]!;
      let p = h & mask;
      while (slots[2 * p + 1] !== 0) p = (p + 1) & mask;
      slots[2 * p] = h;
      slots[2 * p + 1] = remap ? remap[e1 - 1]! : e1;
    }
    this.slots = slots;
    this.mask = mask;
    this.occupied = this.live;
  }
}

/** FNV-1a over UTF-16 code units, then a final mix so that linear probing sees spread low bits. */
export function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}
