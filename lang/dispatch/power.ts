// Float64 ^ Float64 (and every float power the prelude makes of it): an integral exponent as
// Julia's power by squaring with error compensation, so x^3 is x*x*x and x^-2 is (1/x)*(1/x)
// bit for bit as in Julia; any other exponent through the host's pow.

import { JlError } from './errors.js';
import { showFloat } from './show.js';

/** Exponents this large always overflow or underflow: Julia clamps them (keeping them even). */
const MAX_EXPONENT = 1.5 * 2 ** 62;
/** Dekker's splitter for Float64 (2^27 + 1): a product's exact rounding error without fma. */
const SPLIT = 134217729;

/** a*b as an unevaluated sum hi + lo, exactly (Julia's two_mul). */
function twoMul(a: number, b: number): [number, number] {
  const hi = a * b;
  if (!Number.isFinite(hi)) return [hi, 0];
  // Splitting a huge factor would overflow: compute on a scaled copy (scaling by 2^k is exact).
  if (Math.abs(a) > 2 ** 995 || Math.abs(b) > 2 ** 995) {
    const [h, l] = twoMul(Math.abs(a) > 2 ** 995 ? a * 2 ** -53 : a, Math.abs(a) > 2 ** 995 ? b : b * 2 ** -53);
    return [h * 2 ** 53, l * 2 ** 53];
  }
  const ta = SPLIT * a;
  const ah = ta - (ta - a);
  const al = a - ah;
  const tb = SPLIT * b;
  const bh = tb - (tb - b);
  const bl = b - bh;
  return [hi, ah * bh - hi + ah * bl + al * bh + al * bl];
}

/** a*b + c rounded once, as fma does, but for the rare case where the sum of the parts rounds twice. */
function fusedMultiplyAdd(a: number, b: number, c: number): number {
  const [hi, lo] = twoMul(a, b);
  return hi + (lo + c);
}

/** x^n for an integer n: Julia's pow_body for Float64. */
function integerPower(x: number, n: bigint): number {
  if (n === 0n) return 1;
  // As Julia's literal powers, which it keeps these equal to.
  if (n === 3n) return x * x * x;
  let y = 1;
  let xnlo = 0;
  let ynlo = 0;
  if (n < 0n) {
    const rx = 1 / x;
    if (n === -2n) return rx * rx;
    if (Number.isFinite(x)) xnlo = -fusedMultiplyAdd(x, rx, -1) * rx;
    x = rx;
    n = -n;
  }
  while (n > 1n) {
    if (n & 1n) {
      const err = y * xnlo + x * ynlo;
      [y, ynlo] = twoMul(x, y);
      ynlo += err;
    }
    const err = x * 2 * xnlo;
    [x, xnlo] = twoMul(x, x);
    xnlo += err;
    n >>= 1n;
  }
  const err = y * xnlo + x * ynlo;
  return Number.isFinite(x) && Number.isFinite(err) ? fusedMultiplyAdd(x, y, err) : x * y;
}

/** Float64 ^ Float64: a negative number to a non-integer power has no real result (Julia's DomainError). */
export function floatPower(x: number, y: number): number {
  if (x === 1) return 1;
  if (Number.isNaN(y)) return y;
  const clamped = Math.abs(y) < MAX_EXPONENT ? y : Math.sign(y) * MAX_EXPONENT;
  if (Number.isInteger(clamped)) return integerPower(x, BigInt(clamped));
  if (x < 0 && Number.isFinite(y)) {
    throw new JlError('DomainError', `with ${showFloat(x)}: Exponentiation yielding a complex result requires a complex argument. Replace x^y with (x+0im)^y, Complex(x)^y, or similar.`);
  }
  return x ** y;
}
