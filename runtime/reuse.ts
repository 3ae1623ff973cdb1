// Reuse of retired resources (slots, global cells): a retired one is handed out again only when
// no live stage still refers to it, so old code can never reach a stranger's definition.

import { fail } from './errors.js';

export class ReusePool {
  private readonly free: number[] = [];
  /**
   * Reference counts matter only once something is retired: until then nothing waits to be
   * reused, and counting every reference of every stage would cost each commit O(references).
   * `Core.trackRefs` turns counting on (counting what live stages hold) before the first retire.
   */
  private tracking = false;
  /** Reference counts by resource number (slots and cells are small dense integers, after scaling). */
  private readonly refs: number[] = [];
  private readonly retired = new Set<number>();
  /**
   * Who may take a retired resource back (`revive`): the record it was retired from. Handing the
   * resource to anyone else ends the claim, so an old name defined again never takes a stranger's.
   */
  private readonly claims = new Map<number, unknown>();
  /**
   * Resources never to be handed out again once retired: a slot taken as a value (`b.slotOf`)
   * can be stored anywhere, beyond what reference counts see, and must keep reaching its stub.
   */
  private readonly pinned = new Set<number>();
  /** Claims of resources handed out by `take` and not yet kept: `give` puts them back. */
  private readonly lent = new Map<number, unknown>();

  /** Resources are numbered `k * scale` (cells are 8-byte addresses): counts are kept at k. */
  constructor(private readonly scale = 1) {}

  /** A free resource, if any. */
  take(): number | undefined {
    const k = this.free.pop();
    if (k !== undefined && this.claims.has(k)) {
      this.lent.set(k, this.claims.get(k));
      this.claims.delete(k);
    }
    return k;
  }

  /** Return a resource that was never published (a failed commit's reservation), with its claim. */
  give(k: number): void {
    this.free.push(k);
    const owner = this.lent.get(k);
    if (owner !== undefined) {
      this.claims.set(k, owner);
      this.lent.delete(k);
    }
  }

  /** Start counting references; the caller then counts those already live. False if already on. */
  track(): boolean {
    if (this.tracking) return false;
    this.tracking = true;
    return true;
  }

  get counting(): boolean {
    return this.tracking;
  }

  ref(k: number): void {
    if (!this.tracking) return;
    const i = k / this.scale;
    this.refs[i] = (this.refs[i] ?? 0) + 1;
  }

  unref(k: number): void {
    if (!this.tracking) return;
    const i = k / this.scale;
    const n = (this.refs[i] ?? 0) - 1;
    this.refs[i] = n > 0 ? n : 0;
    if (n <= 0 && !this.pinned.has(k) && this.retired.delete(k)) this.free.push(k);
  }

  /** Its owner is gone; free it once nothing refers to it. `owner` may `revive` it until then or until it is handed out again. */
  retire(k: number, owner?: unknown): void {
    if (!this.tracking) throw fail('Internal', 'a resource was retired before references were counted');
    this.lent.delete(k);
    if (owner !== undefined) this.claims.set(k, owner);
    if ((this.refs[k / this.scale] ?? 0) > 0 || this.pinned.has(k)) this.retired.add(k);
    else this.free.push(k);
  }

  /** Never hand `k` out again once it is retired (it escaped as a value). Idempotent. */
  pin(k: number): void {
    this.pinned.add(k);
  }

  /** Take back a retired resource for the record it was retired from (a name defined again), if nobody else got it since. */
  revive(k: number, owner: unknown): boolean {
    if (this.claims.get(k) !== owner) return false;
    this.claims.delete(k);
    if (this.retired.delete(k)) return true;
    const i = this.free.indexOf(k);
    if (i < 0) return false;
    this.free.splice(i, 1);
    return true;
  }

  get freeCount(): number {
    return this.free.length;
  }

  /** Whether `k` is waiting to be handed out again (for consistency checks). */
  isFree(k: number): boolean {
    return this.free.includes(k);
  }

  refCount(k: number): number {
    return this.refs[k / this.scale] ?? 0;
  }
}
