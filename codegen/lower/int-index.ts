// A map from small non-negative integers (slots, cell numbers) to indices, valid for one encoding
// at a time: a stamp per key says whether the key was seen in the current run. Reused by every
// encoding (they never nest), it costs nothing per entry where a Set or Map of a thousand
// references allocated ~200 bytes each (sampling heap profiler, K=1000 link-scaling body).

export class IntIndex {
  private stamp = new Int32Array(256);
  private value = new Int32Array(256);
  private run = 0;

  /** Forget every key (O(1), except once in 2^31 runs). */
  begin(): void {
    if (++this.run === 0x7fffffff) {
      this.stamp.fill(0);
      this.run = 1;
    }
  }

  /** The value set for `k` in this run, or -1. */
  get(k: number): number {
    return k < this.stamp.length && this.stamp[k] === this.run ? this.value[k]! : -1;
  }

  set(k: number, v: number): void {
    if (k >= this.stamp.length) this.grow(k);
    this.stamp[k] = this.run;
    this.value[k] = v;
  }

  private grow(k: number): void {
    let cap = this.stamp.length * 2;
    while (cap <= k) cap *= 2;
    const s = new Int32Array(cap);
    s.set(this.stamp);
    const v = new Int32Array(cap);
    v.set(this.value);
    this.stamp = s;
    this.value = v;
  }
}
