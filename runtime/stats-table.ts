// Every live stage's commit statistics in one table of doubles: a stats object per stage was six
// heap objects (the object and a boxed number per time) that every major collection marks, and a
// program can keep 100,000 stages alive. A row is read back as a fresh object on request.

import type { Tier } from './options.js';
import type { StageStats } from './stage.js';

/** Columns of a row, in this order; `total` is their sum, not stored. */
const BYTES = 0;
const FUNCTIONS = 1;
const BUILD = 2;
const OPTIMIZE = 3;
const COMPILE = 4;
const INSTANTIATE = 5;
const WIRE = 6;
const WIDTH = 7;

const TIERS: readonly Tier[] = ['baseline', 'optimizing'];

export class StatsTable {
  private cols = new Float64Array(64 * WIDTH);
  private tiers = new Uint8Array(64);
  private top = 0;
  /** Rows of removed stages, reused first. */
  private readonly free: number[] = [];

  /** Store a stage's statistics; the row is its handle until `release`. */
  add(s: StageStats): number {
    const row = this.free.length > 0 ? this.free.pop()! : this.top++;
    if (row >= this.tiers.length) this.grow();
    const c = this.cols;
    const at = row * WIDTH;
    c[at + BYTES] = s.bytes;
    c[at + FUNCTIONS] = s.functions;
    c[at + BUILD] = s.build;
    c[at + OPTIMIZE] = s.optimize;
    c[at + COMPILE] = s.compile;
    c[at + INSTANTIATE] = s.instantiate;
    c[at + WIRE] = s.wire;
    this.tiers[row] = s.tier === 'optimizing' ? 1 : 0;
    return row;
  }

  /** A row as a fresh, mutable object (the one `add` was given, field for field). */
  get(row: number): StageStats {
    const c = this.cols;
    const at = row * WIDTH;
    const build = c[at + BUILD]!;
    const optimize = c[at + OPTIMIZE]!;
    const compile = c[at + COMPILE]!;
    const instantiate = c[at + INSTANTIATE]!;
    const wire = c[at + WIRE]!;
    return {
      bytes: c[at + BYTES]!,
      functions: c[at + FUNCTIONS]!,
      tier: TIERS[this.tiers[row]!]!,
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
    const cols = new Float64Array(this.cols.length * 2);
    cols.set(this.cols);
    this.cols = cols;
    const tiers = new Uint8Array(this.tiers.length * 2);
    tiers.set(this.tiers);
    this.tiers = tiers;
  }
}
