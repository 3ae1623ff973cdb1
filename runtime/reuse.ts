// Reuse of retired resources (slots, global cells): a retired one is handed out again only when
// no live stage still refers to it, so old code can never reach a stranger's definition.

export class ReusePool {
  private readonly free: number[] = [];
  private readonly refs = new Map<number, number>();
  private readonly retired = new Set<number>();

  /** A free resource, if any. */
  take(): number | undefined {
    return this.free.pop();
  }

  /** Return a resource that was never published (a failed commit's reservation). */
  give(k: number): void {
    this.free.push(k);
  }

  ref(k: number): void {
    this.refs.set(k, (this.refs.get(k) ?? 0) + 1);
  }

  unref(k: number): void {
    const n = (this.refs.get(k) ?? 0) - 1;
    if (n > 0) return void this.refs.set(k, n);
    this.refs.delete(k);
    if (this.retired.delete(k)) this.free.push(k);
  }

  /** Its owner is gone; free it once nothing refers to it. */
  retire(k: number): void {
    if ((this.refs.get(k) ?? 0) > 0) this.retired.add(k);
    else this.free.push(k);
  }

  /** Take back a specific retired resource (a name defined again). */
  revive(k: number): boolean {
    if (this.retired.delete(k)) return true;
    const i = this.free.indexOf(k);
    if (i < 0) return false;
    this.free.splice(i, 1);
    return true;
  }

  get freeCount(): number {
    return this.free.length;
  }

  refCount(k: number): number {
    return this.refs.get(k) ?? 0;
  }
}
