// Small modules made without IR: host thunks (a wasm function forwarding to an imported JS
// function, so the table can hold it and stages need not import JS), retirement stubs (a
// function of the right type that reports which retired slot was called) and dispatchers.

import type { Sig } from '../ir/nodes.js';
import { sigKey } from '../ir/nodes.js';
import { ByteWriter } from '../wasm/writer.js';
import { WASM_HEADER, section as rawSection, vecSection, writeFuncType, writeNameSection, writeTableImport } from '../wasm/sections.js';

export type ThunkSpec =
  /** Forward to import `h<i>` (module "host"), which has the same signature. */
  | { kind: 'forward'; name: string; sig: Sig }
  /** Call import "host" "retired" with `slot`, then trap. */
  | { kind: 'retired'; name: string; sig: Sig; slot: number };

/** Encode a module exporting one function per spec as `String(i)`. */
export function encodeThunks(moduleName: string, specs: readonly ThunkSpec[]): Uint8Array {
  const types: Sig[] = [];
  const typeIdx = new Map<string, number>();
  const typeOf = (s: Sig) => {
    const k = sigKey(s);
    let i = typeIdx.get(k);
    if (i === undefined) typeIdx.set(k, (i = types.push(s) - 1));
    return i;
  };
  const retiredSig: Sig = { params: ['i32'], results: [] };
  const imports: Array<{ field: string; type: number }> = [];
  specs.forEach((s, i) => {
    if (s.kind === 'forward') imports.push({ field: `h${i}`, type: typeOf(s.sig) });
  });
  const retiredImport = specs.some((s) => s.kind === 'retired') ? imports.push({ field: 'retired', type: typeOf(retiredSig) }) - 1 : -1;
  const funcTypes = specs.map((s) => typeOf(s.sig));

  const w = new ByteWriter(256 + specs.length * 32);
  w.bytes(WASM_HEADER);
  const section = (id: number, fill: () => void) => rawSection(w, id, fill);
  vecSection(w, 1, types.length, () => types.forEach((t) => writeFuncType(w, t)));
  section(2, () => {
    w.u32(imports.length);
    for (const imp of imports) w.name('host').name(imp.field).u8(0x00).u32(imp.type);
  });
  section(3, () => {
    w.u32(funcTypes.length);
    for (const t of funcTypes) w.u32(t);
  });
  section(7, () => {
    w.u32(specs.length);
    specs.forEach((_, i) => w.name(String(i)).u8(0x00).u32(imports.length + i));
  });
  let forwardIdx = 0;
  section(10, () => {
    w.u32(specs.length);
    for (const s of specs) {
      const at = w.reserve();
      w.u32(0); // no locals
      if (s.kind === 'forward') {
        s.sig.params.forEach((_, p) => w.u8(0x20).u32(p));
        w.u8(0x10).u32(forwardIdx++);
      } else {
        w.u8(0x41).s32(s.slot).u8(0x10).u32(retiredImport).u8(0x00);
      }
      w.u8(0x0b);
      w.patch(at);
    }
  });
  // Module and function names, so stack traces say which host function ran.
  const names = specs.map((s) => ({ name: s.kind === 'forward' ? s.name : `${s.name} (retired)` }));
  writeNameSection(w, moduleName, names, undefined, imports.length);
  return w.finish();
}

/** Dispatcher signatures by the signature they dispatch: one object each (module prefixes are kept by signature object). */
const dispatcherSigs = new WeakMap<Sig, Sig>();

/** A dynamic call's signature with the slot as a last i32 parameter: the dispatcher's type. */
export function dispatcherSig(sig: Sig): Sig {
  let d = dispatcherSigs.get(sig);
  if (!d) dispatcherSigs.set(sig, (d = { params: [...sig.params, 'i32'], results: sig.results }));
  return d;
}

/**
 * A dispatcher: one function of type `dispatcherSig(sig)` that calls slot (its last parameter)
 * of the shared table with the other parameters, as a tail call when the engine has them. Under
 * link-table linking a stage reaches a slot computed at run time through one of these in its
 * link table: on V8 11 and 12 a module that imports the shared table pays O(table size) to
 * instantiate and is kept alive by the table for good (docs/linking.md, "Dynamic calls").
 */
export function encodeDispatcher(sig: Sig, tailCalls: boolean): Uint8Array {
  const outer = dispatcherSig(sig);
  const w = new ByteWriter(96);
  w.bytes(WASM_HEADER);
  vecSection(w, 1, 2, () => {
    writeFuncType(w, outer);
    writeFuncType(w, sig);
  });
  vecSection(w, 2, 1, () => writeTableImport(w));
  vecSection(w, 3, 1, () => w.u32(0));
  vecSection(w, 7, 1, () => w.name('0').u8(0x00).u32(0));
  vecSection(w, 10, 1, () => {
    const at = w.reserve();
    w.u32(0); // no locals
    for (let p = 0; p < outer.params.length; p++) w.u8(0x20).u32(p);
    w.u8(tailCalls ? 0x13 : 0x11).u32(1).u32(0);
    w.u8(0x0b);
    w.patch(at);
  });
  return w.finish();
}
