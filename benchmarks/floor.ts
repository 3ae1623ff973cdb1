// Hand-encoded modules for the "floor" strategies: the engine's own cost, with no runtime
// between the caller and V8 (bytes by a few direct writes, then compile, instantiate, table.set).

import { WASM_HEADER as HEADER, section as rawSection } from '../codegen/wasm/sections.js';
import { ByteWriter } from '../codegen/wasm/writer.js';

const section = (w: ByteWriter, id: number, fill: () => void): void => rawSection(w, id, fill);

/** n functions (param i32) (result i32) `local.get 0; i32.const k+j; i32.add`, exported as "0".."n-1". */
export function floorModule(k: number, n = 1): Uint8Array {
  const w = new ByteWriter(32 + n * 16);
  w.bytes(HEADER);
  section(w, 1, () => w.bytes([0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f]));
  section(w, 3, () => {
    w.u32(n);
    for (let j = 0; j < n; j++) w.u8(0);
  });
  section(w, 7, () => {
    w.u32(n);
    for (let j = 0; j < n; j++) w.name(String(j)).u8(0).u32(j);
  });
  section(w, 10, () => {
    w.u32(n);
    for (let j = 0; j < n; j++) {
      const at = w.reserve();
      w.u8(0x00).u8(0x20).u8(0x00).u8(0x41).s32(k + j).u8(0x6a).u8(0x0b);
      w.patch(at);
    }
  });
  return w.finish();
}

/**
 * Import matching: a module importing K functions `lib.f<k>` (i32 → i32) and K mutable globals
 * `lib.g<k>` (i32), whose one export "run" sums f_k(g_k) over k, plus `salt`.
 */
export function importingModule(k: number, salt: number): Uint8Array {
  const w = new ByteWriter(64 + k * 24);
  w.bytes(HEADER);
  section(w, 1, () => w.bytes([0x02, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f]));
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
