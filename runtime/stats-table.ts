// Every live stage's commit statistics in one table of doubles: a stats object per stage was six
// heap objects (the object and a boxed number per time) that every major collection marks, and a
// program can keep 100,000 stages alive. A row is read back as a fresh object on request.

import type { Tier } from './options.js';
import type { StageStats } from './stage.js';

/** Time columns of a row, in this order; `total` is their sum, not stored. */
const BUILD = 0;
const OPTIMIZE = 1;
const COMPILE = 2;
const INSTANTIATE = 3;
const WIRE = 4;
const TIMES = 5;
/** Integer columns: bytes, functions, tier. */
const BYTES = 0;
const FUNCTIONS = 1;
const TIER = 2;
const INTS = 3;

const TIERS: readonly Tier[] = ['baseline', 'optimizing'];

export class StatsTable {
  // Counts apart from times, as integers: `bytes` reads back as the integer it was.
  private times = new Float64Array(64 * TIMES);
  private ints = new Int32Array(64 * INTS);
  private capacity = 64;
  private top = 0;
  /** Rows of removed stages, reused first. */
  private readonly free: number[] = [];

  /** Store a stage's statistics; the row is its handle until `release`. */
  add(s: StageStats): number {
    const row = this.free.length > 0 ? this.free.pop()! : this.top++;
    if (row >= this.capacity) this.grow();
    const t = this.times;
    const at = row * TIMES;
    t[at + BUILD] = s.build;
    t[at + OPTIMIZE] = s.optimize;
    t[at + COMPILE] = s.compile;
    t[at + INSTANTIATE] = s.instantiate;
    t[at + WIRE] = s.wire;
    const n = this.ints;
    const ai = row * INTS;
    n[ai + BYTES] = s.bytes;
    n[ai + FUNCTIONS] = s.functions;
    n[ai + TIER] = s.tier === 'optimizing' ? 1 : 0;
    return row;
  }

  /** A row as a fresh, mutable object (the one `add` was given, field for field). */
  get(row: number): StageStats {
    const t = this.times;
    const at = row * TIMES;
    const build = t[at + BUILD]!;
    const optimize = t[at + OPTIMIZE]!;
    const compile = t[at + COMPILE]!;
    const instantiate = t[at + INSTANTIATE]!;
    const wire = t[at + WIRE]!;
    const n = this.ints;
    const ai = row * INTS;
    return {
      bytes: n[ai + BYTES]!,
      functions: n[ai + FUNCTIONS]!,
      tier: TIERS[n[ai + TIER]!]!,
      build,
      optimize,
      compile,
      instantiate,
      wire,
      // The sum in the order the commit added it, so that it equals the commit's own total.
      total: build + optimize + compile + instantiate + wire,
    };
  }

  /** The stage is gone: its row is free for the next one. */
  release(row: number): void {
    this.free.push(row);
  }

  /** Rows in use. */
  get size(): number {
    return this.top - this.free.length;
  }

  private grow(): void {
    this.capacity *= 2;
    const times = new Float64Array(this.capacity * TIMES);
    times.set(this.times);
    this.times = times;
    const ints = new Int32Array(this.capacity * INTS);
    ints.set(this.ints);
    this.ints = ints;
  }
}
