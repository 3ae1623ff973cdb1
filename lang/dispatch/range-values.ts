// Range objects seen from the JS side: their length and elements for code that meets a range
// without knowing its type (a `for` over Any, a BoundsError), `a:b` whose parts' types are known
// only at run time, and Julia's `==` between ranges and vectors.

import type { Runtime } from '../../runtime/index.js';
import { JlError } from './errors.js';
import type { Objects } from './objects.js';
import { RANGE_FN, isRangeType } from './range-code.js';
import type { FloatRanges } from './ranges.js';
import { FloatRangeT, UnitRangeT, tupleName } from './types.js';
import type { ObjectModel } from './values.js';

/** A sequence's length and its elements, boxed, by 0-based index. */
export interface Sequence {
  readonly length: bigint;
  get(k: bigint): number;
}

/** A range's first element, step and last element (as Julia's first, step and last give them), and length. */
interface Parts {
  readonly float: boolean;
  readonly first: bigint | number;
  readonly step: bigint | number;
  readonly last: bigint | number;
  readonly length: bigint;
  at(k: bigint): bigint | number;
}

export class RangeValues {
  constructor(
    private readonly rt: Runtime,
    private readonly om: ObjectModel,
    private readonly objects: Objects,
    private readonly floats: FloatRanges,
  ) {}

  isRange(p: number): boolean {
    return isRangeType(this.om.typeAt(p));
  }

  private parts(p: number): Parts {
    const t = this.om.typeAt(p);
    const v = this.om.view();
    const at = (f: string) => p + this.om.fieldOffset(t, f);
    if (t === FloatRangeT) {
      const [start, step, stop] = ['start', 'step', 'stop'].map((f) => v.getFloat64(at(f), true)) as [number, number, number];
      const length = v.getBigInt64(at('len'), true);
      const elem = (k: bigint) => this.floats.at(start, step, stop, k);
      // First and last are exact computations: made only when asked (a loop over a range of
      // unknown type asks for the parts at every element, for the length and one element).
      return {
        float: true,
        get first() {
          return elem(0n);
        },
        step,
        get last() {
          return elem(length - 1n);
        },
        length,
        at: elem,
      };
    }
    const first = v.getBigInt64(at('start'), true);
    const last = v.getBigInt64(at('stop'), true);
    const step = t === UnitRangeT ? 1n : v.getBigInt64(at('step'), true);
    const empty = first !== last && step > 0n !== last > first;
    // As Julia's length for Int64 ranges: wrapping, not checked.
    const length = empty ? 0n : BigInt.asIntN(64, (last - first) / step + 1n);
    return { float: false, first, step, last, length, at: (k) => BigInt.asIntN(64, first + k * step) };
  }

  /** A vector or a range as a sequence (MethodError for anything else, as iterating it would be). */
  sequence(p: number): Sequence {
    if (!this.isRange(p)) {
      const v = this.objects.vec(p);
      return { length: BigInt(v.length), get: (k) => v.get(Number(k)) };
    }
    const r = this.parts(p);
    return { length: r.length, get: (k) => this.om.box(r.at(k)) };
  }

  /** Julia's BoundsError for index `i` of the vector or range at `p`. */
  boundsError(p: number, i: bigint): never {
    if (!this.isRange(p)) return this.objects.boundsError(p, i);
    throw new JlError('BoundsError', `attempt to access ${this.parts(p).length}-element ${this.om.typeAt(p)} at index [${i}]`);
  }

  /**
   * Julia's `==` when one side is a range and the other a range or a vector (undefined otherwise):
   * two integer ranges, or two float ranges, are equal when both are empty, both have one element
   * and it is the same, or their first elements, steps and last elements are; other pairs element
   * by element (`==`, dispatched).
   */
  equal(a: number, b: number, elementsEqual: (x: number, y: number) => boolean): boolean | undefined {
    if (!this.isRange(a) && !this.isRange(b)) return undefined;
    const kinds = [a, b].map((p) => this.om.typeAt(p));
    if (!kinds.every((t) => t.kind === 'vector' || isRangeType(t))) return undefined;
    if (kinds.every(isRangeType)) {
      const [x, y] = [this.parts(a), this.parts(b)];
      // As arrays: of one element each, the steps do not matter (1:1 == 1:2:1).
      if (x.float === y.float) {
        if (x.length !== y.length) return false;
        return x.length === 0n || (x.first === y.first && (x.length === 1n || (x.step === y.step && x.last === y.last)));
      }
    }
    const [x, y] = [this.sequence(a), this.sequence(b)];
    if (x.length !== y.length) return false;
    for (let k = 0n; k < x.length; k++) if (!elementsEqual(x.get(k), y.get(k))) return false;
    return true;
  }

  /** `a:b` or `a:s:b` (s is 0 when absent) for boxed parts whose types were not known when compiling. */
  make(a: number, s: number, b: number): number {
    const ptrs = s ? [a, s, b] : [a, b];
    const xs = ptrs.map((p) => this.om.unbox(p));
    const fn = <F extends (...args: never[]) => unknown>(name: string) => this.rt.fn<F>(name);
    if (xs.every((x) => typeof x === 'bigint')) {
      const [start, step, stop] = s ? (xs as bigint[]) : [xs[0] as bigint, 1n, xs[1] as bigint];
      if (step === 0n) throw new JlError('ArgumentError', 'step cannot be zero');
      return s ? fn<(a: bigint, s: bigint, b: bigint) => number>(RANGE_FN.step)(start!, step!, stop!) : fn<(a: bigint, b: bigint) => number>(RANGE_FN.unit)(start!, stop!);
    }
    if (xs.every((x) => typeof x === 'bigint' || typeof x === 'number')) {
      const [start, step, stop] = (s ? xs : [xs[0], 1, xs[1]]).map(Number) as [number, number, number];
      if (step === 0) throw new JlError('ArgumentError', 'range step cannot be zero');
      return fn<(a: number, s: number, b: number) => number>(RANGE_FN.float)(start, step, stop);
    }
    throw new JlError('MethodError', `no method matching (:)${tupleName(ptrs.map((p) => this.om.typeAt(p)))}`);
  }
}
