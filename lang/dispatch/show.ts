// How values print (println, string interpolation, the REPL), following Julia's conventions:
// `1.0` keeps its `.0`, large and tiny floats use `e` notation, structs print as constructor calls.

import type { ObjectModel } from './values.js';
import { ELEM_SIZE } from './values.js';
import { Bool, Float64, Int64, Nothing, String_, reprOf, type JType } from './types.js';

export function showFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  if (Object.is(x, -0)) return '-0.0';
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e16 || a < 1e-4)) {
    const [m, e] = x.toExponential().split('e') as [string, string];
    return `${m.includes('.') ? m : m + '.0'}e${Number(e)}`;
  }
  const s = String(x);
  return /[.e]/.test(s) ? s : s + '.0';
}

/** The text `print` writes for the object at `ptr` (strings without quotes). */
export function show(om: ObjectModel, ptr: number, typeName: (t: JType) => string, nested = false, depth = 0): string {
  if (depth > 8) return '…';
  const t = om.typeAt(ptr);
  const v = om.view();
  if (t === Nothing) return 'nothing';
  if (t === Bool) return om.unbox(ptr) ? 'true' : 'false';
  if (t === Int64) return String(om.unbox(ptr));
  if (t === Float64) return showFloat(om.unbox(ptr) as number);
  if (t === String_) return nested ? JSON.stringify(om.unbox(ptr)) : (om.unbox(ptr) as string);
  if (t.kind === 'vector') {
    const len = v.getInt32(ptr + om.fieldOffset(t, 'length'), true);
    const data = v.getInt32(ptr + om.fieldOffset(t, 'data'), true);
    const r = reprOf(t.element);
    const items: string[] = [];
    for (let i = 0; i < len; i++) {
      const at = data + i * ELEM_SIZE[r];
      items.push(
        r === 'i64' ? String(v.getBigInt64(at, true)) : r === 'f64' ? showFloat(v.getFloat64(at, true)) : r === 'i32' ? (v.getInt32(at, true) ? 'true' : 'false') : show(om, v.getInt32(at, true), typeName, true, depth + 1),
      );
    }
    return `[${items.join(', ')}]`;
  }
  if (t.kind === 'data' && t.name === 'DataType') return typeName(om.typeObjectType(ptr));
  if (t.kind === 'data') {
    const fields = t.fields.map((f) => {
      const at = ptr + om.fieldOffset(t, f.name);
      const r = reprOf(f.type);
      return r === 'i64' ? String(v.getBigInt64(at, true)) : r === 'f64' ? showFloat(v.getFloat64(at, true)) : r === 'i32' ? (v.getInt32(at, true) ? 'true' : 'false') : show(om, v.getInt32(at, true), typeName, true, depth + 1);
    });
    return `${t.name}(${fields.join(', ')})`;
  }
  return String(t);
}
