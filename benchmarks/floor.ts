// Hand-encoded modules for the "floor" strategies: the engine's own cost, with no runtime
// between the caller and V8 (bytes by a few direct writes, then compile, instantiate, table.set).

import { WASM_HEADER as HEADER, section as rawSection, writeElementRun, writeFuncrefTable, writeTableExport } from '../codegen/wasm/sections.js';
import { ByteWriter } from '../codegen/wasm/writer.js';

const section = (w: ByteWriter, id: number, fill: () => void): void => rawSection(w, id, fill);
/** A type section holding one type, (i32) -> i32. */
const i32ToI32Types = (w: ByteWriter): void => section(w, 1, () => w.bytes([0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f]));
/** A type section holding type 0, (i32) -> i32 (the callees), and type 1, () -> i32 ("run"). */
const calleeAndRunTypes = (w: ByteWriter): void => section(w, 1, () => w.bytes([0x02, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f]));

/** The code section of n functions (param i32) (result i32) `local.get 0; i32.const k+j; i32.add`, all of type 0. */
function addKCode(w: ByteWriter, k: number, n: number): void {
  section(w, 10, () => {
    w.u32(n);
    for (let j = 0; j < n; j++) {
      const at = w.reserve();
      w.u8(0x00).u8(0x20).u8(0x00).u8(0x41).s32(k + j).u8(0x6a).u8(0x0b);
      w.patch(at);
    }
  });
}

/** n functions (param i32) (result i32) `local.get 0; i32.const k+j; i32.add`, exported as "0".."n-1". */
export const floorModule = (k: number, n = 1): Uint8Array => libraryModule(k, n, false);

/**
 * The functions of `floorModule(k, n)` handed over as Accrete's library stage hands them over on
 * engines before V8 13: in a table of the module's own, exported as "t", filled by an element segment, and no
 * function exported. The engine makes a function's JavaScript object only when it is first taken
 * out of the table.
 */
export const floorTableModule = (k: number, n: number): Uint8Array => libraryModule(k, n, true);

/** The two above: the same functions, exported one by one or handed over in a table. */
function libraryModule(k: number, n: number, inTable: boolean): Uint8Array {
  const w = new ByteWriter(64 + n * 16);
  w.bytes(HEADER);
  i32ToI32Types(w);
  section(w, 3, () => w.u32(n).bytes(new Uint8Array(n)));
  if (inTable) {
    section(w, 4, () => writeFuncrefTable(w.u32(1), n));
    section(w, 7, () => writeTableExport(w.u32(1), 't', 0));
    section(w, 9, () => writeElementRun(w.u32(1), 0, 0, 0, n));
  } else {
    section(w, 7, () => {
      w.u32(n);
      for (let j = 0; j < n; j++) w.name(String(j)).u8(0).u32(j);
    });
  }
  addKCode(w, k, n);
  return w.finish();
}

/**
 * Import matching: a module importing K functions `lib.f<k>` (i32 → i32) and K mutable globals
 * `lib.g<k>` (i32), whose one export "run" sums f_k(g_k) over k, plus `salt`.
 */
export function importingModule(k: number, salt: number): Uint8Array {
  const w = new ByteWriter(64 + k * 24);
  w.bytes(HEADER);
  calleeAndRunTypes(w);
  section(w, 2, () => {
    w.u32(2 * k);
    for (let i = 0; i < k; i++) w.name('lib').name(`f${i}`).u8(0x00).u32(0);
    for (let i = 0; i < k; i++) w.name('lib').name(`g${i}`).u8(0x03).u8(0x7f).u8(0x01);
  });
  section(w, 3, () => w.u32(1).u32(1));
  section(w, 7, () => w.u32(1).name('run').u8(0).u32(k));
  section(w, 10, () => {
    w.u32(1);
    const at = w.reserve();
    w.u8(0x00).u8(0x41).s32(salt);
    for (let i = 0; i < k; i++) w.u8(0x23).u32(i).u8(0x10).u32(i).u8(0x6a); // global.get i; call i; i32.add
    w.u8(0x0b);
    w.patch(at);
  });
  return w.finish();
}

/**
 * The floor for link-scaling: the module Accrete's lowering makes, by hand. It imports the memory
 * `m.mem`; its export "run" sums f_k(load(4k)) over k, plus `salt`, calling f_k through entry k of
 * a table: its own link table of K entries, exported as "t" (`link-table`), or the imported table
 * `m.t` that already holds every f_k (`shared-table`). Accrete's own module adds a name section.
 */
export function linkScalingModule(how: 'link-table' | 'shared-table', k: number, salt: number): Uint8Array {
  const w = new ByteWriter(64 + k * 16);
  w.bytes(HEADER);
  calleeAndRunTypes(w);
  section(w, 2, () => {
    w.u32(how === 'shared-table' ? 2 : 1);
    if (how === 'shared-table') w.name('m').name('t').u8(0x01).u8(0x70).u8(0x00).u32(k);
    w.name('m').name('mem').u8(0x02).u8(0x00).u32(1);
  });
  section(w, 3, () => w.u32(1).u32(1));
  if (how === 'link-table') section(w, 4, () => writeFuncrefTable(w.u32(1), k));
  section(w, 7, () => {
    w.u32(how === 'link-table' ? 2 : 1).name('run').u8(0).u32(0);
    if (how === 'link-table') writeTableExport(w, 't', 0);
  });
  section(w, 10, () => {
    w.u32(1);
    const at = w.reserve();
    w.u8(0x00).u8(0x41).s32(salt);
    // i32.const 4k; i32.load; i32.const k; call_indirect (type 0) (table 0); i32.add
    for (let i = 0; i < k; i++) w.u8(0x41).s32(4 * i).u8(0x28).u8(0x02).u8(0x00).u8(0x41).s32(i).u8(0x11).u32(0).u32(0).u8(0x6a);
    w.u8(0x0b);
    w.patch(at);
  });
  return w.finish();
}

/** How a module gets K function references it can call and that can be redirected later. */
export type LinkMechanism = 'link-table' | 'own-table' | 'func-imports' | 'shared-table';

/**
 * A module whose export "run" (→ i32) calls reference K-1 (i32 → i32) with 1 through
 * `call_indirect`. `link-table` and `shared-table` import the table `l.t` (K, or `shared` slots);
 * `own-table` defines and exports it as "t"; `func-imports` imports K functions `l.0`…
 * and puts them in its own table with an active element segment.
 */
export function linkingModule(how: LinkMechanism, k: number, shared = 0): Uint8Array {
  const w = new ByteWriter(64 + k * 8);
  const imported = how === 'func-imports' ? k : 0;
  w.bytes(HEADER);
  calleeAndRunTypes(w);
  if (how !== 'own-table') {
    section(w, 2, () => {
      if (how === 'func-imports') {
        w.u32(k);
        for (let i = 0; i < k; i++) w.name('l').name(String(i)).u8(0x00).u32(0);
      } else w.u32(1).name('l').name('t').u8(0x01).u8(0x70).u8(0x00).u32(how === 'shared-table' ? shared : k);
    });
  }
  section(w, 3, () => w.u32(1).u32(1));
  const ownTable = how === 'own-table' || how === 'func-imports';
  if (ownTable) section(w, 4, () => writeFuncrefTable(w.u32(1), k));
  section(w, 7, () => {
    w.u32(ownTable ? 2 : 1).name('run').u8(0).u32(imported);
    if (ownTable) writeTableExport(w, 't', 0);
  });
  if (how === 'func-imports') section(w, 9, () => writeElementRun(w.u32(1), 0, 0, 0, k));
  section(w, 10, () => {
    w.u32(1);
    const at = w.reserve();
    w.u8(0x00).u8(0x41).s32(1).u8(0x41).s32(k - 1).u8(0x11).u32(0).u32(0).u8(0x0b);
    w.patch(at);
  });
  return w.finish();
}

/** How a hand-encoded loop reaches `inc` (x + 1): the engine's own cost of each kind of call. */
export type CallKind = 'direct' | 'indirect, same module' | 'indirect, other module' | 'imported';

/**
 * Loops `acc = inc(acc)` n times, exported as `run(n) → n`, one per kind of call: a direct call,
 * a `call_indirect` through the module's own table, one through an imported table whose entry is
 * another module's function (what a cross-stage call is, minus Accrete), and a call to another
 * module's function imported by name (what a cross-stage call is under import matching).
 */
export function callLoops(): Record<CallKind, (n: number) => number> {
  const inc = [0x00, 0x20, 0x00, 0x41, 0x01, 0x6a, 0x0b];
  const lib = new ByteWriter(64);
  lib.bytes(HEADER);
  i32ToI32Types(lib);
  section(lib, 3, () => lib.u32(1).u8(0));
  section(lib, 7, () => lib.u32(1).name('inc').u8(0).u32(0));
  section(lib, 10, () => lib.u32(1).u32(inc.length).bytes(inc));
  const other = new WebAssembly.Instance(new WebAssembly.Module(lib.finish() as BufferSource), {});
  const shared = new WebAssembly.Table({ initial: 1, element: 'anyfunc' });
  shared.set(0, other.exports['inc'] as never);

  // Imported table 0 (other's inc), own table 1 (own inc); functions: 0 other's inc (imported),
  // 1 own inc, 2–5 the loops.
  const calls: Record<CallKind, number[]> = {
    direct: [0x10, 0x01],
    'indirect, same module': [0x41, 0x00, 0x11, 0x00, 0x01],
    'indirect, other module': [0x41, 0x00, 0x11, 0x00, 0x00],
    imported: [0x10, 0x00],
  };
  const kinds = Object.keys(calls) as CallKind[];
  const w = new ByteWriter(256);
  w.bytes(HEADER);
  i32ToI32Types(w);
  section(w, 2, () => {
    w.u32(2);
    w.name('l').name('t').u8(0x01).u8(0x70).u8(0x00).u32(1);
    w.name('l').name('inc').u8(0x00).u32(0);
  });
  section(w, 3, () => {
    w.u32(1 + kinds.length);
    for (let i = 0; i <= kinds.length; i++) w.u8(0);
  });
  section(w, 4, () => writeFuncrefTable(w.u32(1), 1));
  section(w, 7, () => {
    w.u32(kinds.length);
    kinds.forEach((k, i) => w.name(k).u8(0).u32(i + 2));
  });
  section(w, 9, () => writeElementRun(w.u32(1), 1, 0, 1, 2));
  section(w, 10, () => {
    w.u32(1 + kinds.length);
    w.u32(inc.length).bytes(inc);
    for (const k of kinds) {
      // (local $acc i32) loop: acc = call(acc); n -= 1; br_if n; end; acc
      const body = [0x01, 0x01, 0x7f, 0x03, 0x40, 0x20, 0x01, ...calls[k], 0x21, 0x01, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b, 0x20, 0x01, 0x0b];
      w.u32(body.length).bytes(body);
    }
  });
  const inst = new WebAssembly.Instance(new WebAssembly.Module(w.finish() as BufferSource), { l: { t: shared, inc: other.exports['inc'] } });
  return inst.exports as unknown as Record<CallKind, (n: number) => number>;
}
