// How values print (println, string interpolation, the REPL), following Julia's `print` and
// `show`: floats in the shortest form that reads back, in e-notation outside 1e-4 ≤ |x| < 1e6;
// strings quoted and escaped inside containers; vectors with their element type in front unless
// the elements imply it; structs as constructor calls, cycles marked as Julia marks them.

import type { ObjectModel } from './values.js';
import { ELEM_SIZE } from './values.js';
import { sharedFloatRanges } from './ranges.js';
import { Bool, Float64, FloatRangeT, Int64, Nothing, StepRangeT, String_, UnitRangeT, isSingleton, isTypeObjectType, reprOf, type JType, type VectorType } from './types.js';

export function showFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // The shortest digits that read back, and where the decimal point goes after the first `pt` of them.
  const [m, e] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = m.replace('.', '');
  const pt = Number(e) + 1;
  const sign = x < 0 ? '-' : '';
  if (pt > -4 && pt <= 6) {
    if (pt <= 0) return `${sign}0.${'0'.repeat(-pt)}${digits}`;
    if (pt < digits.length) return `${sign}${digits.slice(0, pt)}.${digits.slice(pt)}`;
    return `${sign}${digits}${'0'.repeat(pt - digits.length)}.0`;
  }
  return `${sign}${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}e${pt - 1}`;
}

/** A string as Julia's `show` writes it: quoted, with `"`, `\` and `$` escaped and unprintable characters spelt out. */
export function quoteString(s: string): string {
  const cps = [...s];
  let out = '"';
  cps.forEach((c, i) => {
    const code = c.codePointAt(0)!;
    const next = cps[i + 1];
    if (c === '"' || c === '$' || c === '\\') out += '\\' + c;
    else if (code === 0) out += next !== undefined && next >= '0' && next <= '7' ? '\\x00' : '\\0';
    else if (code === 0x1b) out += '\\e';
    else if (code >= 7 && code <= 13) out += '\\' + 'abtnvfr'[code - 7];
    else if (/[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]/u.test(c)) out += c;
    else if (code <= 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else {
      // A short escape is padded when a hex digit follows, so it does not swallow it.
      const full = next !== undefined && /[0-9a-fA-F]/.test(next);
      out += code <= 0xffff ? '\\u' + code.toString(16).padStart(full ? 4 : 2, '0') : '\\U' + code.toString(16).padStart(full ? 8 : 4, '0');
    }
  });
  return out + '"';
}

/** Element types a vector's printed elements imply, so no prefix names them (Julia's typeinfo_implicit). */
function implicitElement(t: JType): boolean {
  return t === Int64 || t === Float64 || t === String_ || isSingleton(t) || (t.kind === 'vector' && implicitElement(t.element));
}

/** What `print` writes for the object at `ptr`: a string as it is, anything else as `show` writes it. */
export function printed(om: ObjectModel, ptr: number, typeName: (t: JType) => string = String): string {
  return om.typeAt(ptr) === String_ ? (om.unbox(ptr) as string) : shown(om, ptr, typeName);
}

/** What `show` writes for the object at `ptr`. */
export function shown(om: ObjectModel, ptr: number, typeName: (t: JType) => string = String): string {
  return new Shower(om, typeName).show(ptr, undefined);
}

/**
 * A range as Julia shows one: `first:last` for a UnitRange, else `first:step:last` (a float
 * range's first and last elements as the range computes them: `1.0:3` shows `1.0:1.0:3.0`).
 */
function showRange(om: ObjectModel, ptr: number): string {
  const t = om.typeAt(ptr);
  const v = om.view();
  const field = (name: string) => ptr + om.fieldOffset(t, name);
  if (t === UnitRangeT) return `${v.getBigInt64(field('start'), true)}:${v.getBigInt64(field('stop'), true)}`;
  if (t === StepRangeT) return `${v.getBigInt64(field('start'), true)}:${v.getBigInt64(field('step'), true)}:${v.getBigInt64(field('stop'), true)}`;
  const [start, step, stop] = ['start', 'step', 'stop'].map((f) => v.getFloat64(field(f), true)) as [number, number, number];
  const len = v.getBigInt64(field('len'), true);
  return [sharedFloatRanges.at(start, step, stop, 0n), step, sharedFloatRanges.at(start, step, stop, len - 1n)].map(showFloat).join(':');
}

class Shower {
  /** The containers being shown, innermost last (Julia's SHOWN_SET). */
  private readonly open: number[] = [];

  constructor(
    private readonly om: ObjectModel,
    private readonly typeName: (t: JType) => string,
  ) {}

  /** `typeinfo`: the type the context already knows the value has (the element type of the vector around it). */
  show(ptr: number, typeinfo: JType | undefined): string {
    const om = this.om;
    const t = om.typeAt(ptr);
    if (t === Nothing) return 'nothing';
    if (t === Bool) return typeinfo === Bool ? (om.unbox(ptr) ? '1' : '0') : om.unbox(ptr) ? 'true' : 'false';
    if (t === Int64) return String(om.unbox(ptr));
    if (t === Float64) return showFloat(om.unbox(ptr) as number);
    if (t === String_) return quoteString(om.unbox(ptr) as string);
    if (isTypeObjectType(t)) return this.typeName(om.typeObjectType(ptr));
    if (t.kind === 'vector') return this.vector(ptr, t, typeinfo);
    if (t === UnitRangeT || t === StepRangeT || t === FloatRangeT) return showRange(om, ptr);
    if (t.kind === 'data') {
      const v = om.view();
      const fields = () =>
        t.fields.map((f) => {
          const at = ptr + om.fieldOffset(t, f.name);
          return this.element(v, at, f.type, undefined);
        });
      return `${t.name}(${this.inside(ptr, fields).join(', ')})`;
    }
    return String(t);
  }

  private vector(ptr: number, t: VectorType, typeinfo: JType | undefined): string {
    const om = this.om;
    const v = om.view();
    const len = v.getInt32(ptr + om.fieldOffset(t, 'length'), true);
    const data = v.getInt32(ptr + om.fieldOffset(t, 'data'), true);
    const el = t.element;
    // Julia's typeinfo_prefix: nothing when the context knows the element type or the elements imply it.
    const known = typeinfo === t ? el : undefined;
    const implicit = known !== el && len > 0 && implicitElement(el);
    const prefix = known === el || implicit ? '' : this.typeName(el);
    const inner = implicit ? typeinfo : el;
    const items = () => Array.from({ length: len }, (_, i) => this.element(om.view(), data + i * ELEM_SIZE[reprOf(el)], el, inner));
    return `${prefix}[${this.inside(ptr, items).join(', ')}]`;
  }

  /** A field or element stored at `at` with static type `t` (unboxed when `t` is a primitive). */
  private element(v: DataView, at: number, t: JType, typeinfo: JType | undefined): string {
    switch (reprOf(t)) {
      case 'i64':
        return String(v.getBigInt64(at, true));
      case 'f64':
        return showFloat(v.getFloat64(at, true));
      case 'i32':
        return typeinfo === Bool ? (v.getInt32(at, true) ? '1' : '0') : v.getInt32(at, true) ? 'true' : 'false';
      default:
        return this.show(v.getInt32(at, true), typeinfo);
    }
  }

  /** The parts of a container, or Julia's mark when it is already being shown further out. */
  private inside(ptr: number, parts: () => string[]): string[] {
    const k = this.open.lastIndexOf(ptr);
    if (k >= 0) return [`#= circular reference @-${this.open.length - k} =#`];
    this.open.push(ptr);
    try {
      return parts();
    } finally {
      this.open.pop();
    }
  }
}
