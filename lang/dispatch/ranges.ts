// Ranges with Float64 endpoints or step (1.0:0.5:3.0), as Julia's StepRangeLen: the length and
// each element computed as Julia computes them, so 0.1:0.1:0.3 gives 0.1, 0.2, 0.3 exactly and
// not the accumulated sums. A `for` loop over one asks for its length, then for element k.

import { JlError } from './errors.js';
import { showFloat } from './show.js';

/** A float range's length and its elements. */
interface FloatRange {
  readonly start: number;
  readonly step: number;
  readonly stop: number;
  readonly length: bigint;
  at(k: bigint): number;
  /** The sum of the elements, computed exactly and rounded once (as Julia's, in twice the precision). */
  sum(): number;
}

/** Largest magnitude rat() lets its numerators and denominators reach (Julia's maxintfloat(Float32, Int)). */
const RAT_LIMIT = 2 ** 24;
/** Integers beyond this are not all Float64 values (Julia's maxintfloat(Float64, Int)). */
const EXACT_LIMIT = 2 ** 53;

/**
 * A small fraction n/d equal to x, found by continued fractions, as Julia's range code looks for
 * one (d is 0 when there is none within RAT_LIMIT).
 */
function rat(x: number): [number, number] {
  let y = x;
  let [a, b, c, d] = [1, 0, 0, 1];
  while (Math.abs(y) <= RAT_LIMIT) {
    const f = Math.trunc(y);
    y -= f;
    [a, c] = [f * a + c, a];
    [b, d] = [f * b + d, b];
    if (Math.max(Math.abs(a), Math.abs(b)) > RAT_LIMIT) return [c, d];
    if (a / b === x) break;
    y = 1 / y;
  }
  return [a, b];
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Julia's round(Int, x): to nearest, ties to even. */
function roundEven(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 2 ** 63) throw new JlError('InexactError', `round(Int64, ${showFloat(x)})`);
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function between(a: number, x: number, b: number): boolean {
  return (a <= x && x <= b) || (b <= x && x <= a);
}

/** x as m * 2^e, exactly. */
function exactParts(x: number): [bigint, number] {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  const bits = v.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  return biased === 0 ? [sign * frac, -1074] : [sign * (frac | (1n << 52n)), biased - 1075];
}

/** m * 2^e rounded once to the nearest Float64 (a sticky bit keeps the rounding right when m is cut). */
function roundScaled(m: bigint, e: number): number {
  const bits = (m < 0n ? -m : m).toString(2).length;
  if (bits > 64) {
    const cut = bits - 64;
    const kept = m >> BigInt(cut);
    m = (m & ((1n << BigInt(cut)) - 1n)) !== 0n ? kept | 1n : kept;
    e += cut;
  }
  // Two factors: 2^e alone may be out of Float64's range while the product is not.
  const half = Math.trunc(e / 2);
  return Number(m) * 2 ** half * 2 ** (e - half);
}

/** start + k * step computed exactly, then rounded (Julia computes it in twice the precision). */
function exactStep(start: number, step: number, k: bigint): number {
  const [ms, es] = exactParts(start);
  const [mt, et] = exactParts(step);
  const e = Math.min(es, et);
  return roundScaled((ms << BigInt(es - e)) + k * (mt << BigInt(et - e)), e);
}

/** n * start + step * n(n-1)/2, computed exactly, then rounded. */
function exactSum(start: number, step: number, n: bigint): number {
  const [ms, es] = exactParts(start);
  const [mt, et] = exactParts(step);
  const e = Math.min(es, et);
  return roundScaled(n * (ms << BigInt(es - e)) + ((n * (n - 1n)) / 2n) * (mt << BigInt(et - e)), e);
}

/** num / den (den > 0) rounded once to the nearest Float64. */
function roundRatio(num: bigint, den: bigint): number {
  if (num === 0n) return 0;
  const bits = (x: bigint) => (x < 0n ? -x : x).toString(2).length;
  // Enough quotient bits for a Float64 and its rounding; the remainder is a sticky bit.
  const shift = Math.max(0, 66 - (bits(num) - bits(den)));
  const scaled = (num < 0n ? -num : num) << BigInt(shift);
  const q = ((scaled / den) << 1n) | (scaled % den !== 0n ? 1n : 0n);
  return roundScaled(num < 0n ? -q : q, -shift - 1);
}

/** Julia's `start:step:stop` for Float64 values (Base's `(:)` for IEEE floats). */
function makeRange(start: number, step: number, stop: number): FloatRange {
  if (step === 0) throw new JlError('ArgumentError', 'range step cannot be zero');
  // Endpoints and step that are small fractions: every element is the rounded fraction
  // (start_n + k * step_n) / den, where accumulating floats would drift.
  const [stepN0, stepD] = rat(step);
  if (stepD !== 0 && stepN0 / stepD === step) {
    const [startN0, startD] = rat(start);
    const [stopN, stopD] = rat(stop);
    if (startD !== 0 && stopD !== 0 && startN0 / startD === start && stopN / stopD === stop) {
      const den = startD * (stepD / gcd(startD, stepD));
      if (den !== 0 && Math.abs(start * den) <= EXACT_LIMIT && Math.abs(step * den) <= EXACT_LIMIT && den % startD === 0 && den % stepD === 0) {
        const startN = BigInt(roundEven(start * den));
        const stepN = BigInt(roundEven(step * den));
        const [D, SD] = [BigInt(den), BigInt(stopD)];
        const q = (D * BigInt(stopN) - SD * startN + stepN * SD) / (stepN * SD);
        const len = q > 0n ? q : 0n;
        const n = Number(len);
        if (between(start, start + (n - 1) * step, stop + step / 2) && !between(start, start + n * step, stop)) {
          const at = (k: bigint) => {
            const num = startN + k * stepN;
            // Julia's twice-precision sum makes a zero element 0.0 whatever the signs (not 0 / -4).
            if (num === 0n) return 0;
            const x = Number(num);
            return Math.abs(x) <= EXACT_LIMIT ? x / den : roundScaled(num, 0) / den;
          };
          // Σ (startN + k stepN) / den over k < len, rounded once.
          const sum = () => roundRatio(len * startN + (stepN * len * (len - 1n)) / 2n, D);
          return { start, step, stop, length: len, at, sum };
        }
      }
    }
  }
  // Otherwise start and step taken literally.
  const lf = (stop - start) / step;
  let len: number;
  if (lf < 0) len = 0;
  else if (lf === 0) len = 1;
  else {
    len = roundEven(lf) + 1;
    const last = start + (len - 1) * step;
    if ((start < stop && stop < last) || (start > stop && stop > last)) len -= 1;
  }
  const n = BigInt(len);
  return { start, step, stop, length: n, at: (k) => exactStep(start, step, k), sum: () => exactSum(start, step, n) };
}

/** The ranges loops asked for last: a loop asks for element after element of the same range. */
export class FloatRanges {
  private readonly recent: FloatRange[] = [];

  private get(start: number, step: number, stop: number): FloatRange {
    const same = (r: FloatRange) => Object.is(r.start, start) && Object.is(r.step, step) && Object.is(r.stop, stop);
    let r = this.recent.find(same);
    if (!r) {
      r = makeRange(start, step, stop);
      this.recent.unshift(r);
      // Enough for loops nested a few deep over different ranges.
      if (this.recent.length > 8) this.recent.pop();
    }
    return r;
  }

  length(start: number, step: number, stop: number): bigint {
    return this.get(start, step, stop).length;
  }

  at(start: number, step: number, stop: number, k: bigint): number {
    return this.get(start, step, stop).at(k);
  }

  sum(start: number, step: number, stop: number): number {
    return this.get(start, step, stop).sum();
  }
}

/** Ranges printing asks for (first and last elements), shared by every session: the results are pure. */
export const sharedFloatRanges = new FloatRanges();
