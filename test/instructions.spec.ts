// The instruction table against known opcodes of the wasm spec, and the LEB writers.

import assert from 'node:assert/strict';
import { INSTR, NUMERIC, instr } from '../codegen/wasm/instructions.js';
import { ByteWriter } from '../codegen/wasm/writer.js';

describe('instruction table', () => {
  const known: Array<[string, number, number]> = [
    ['i32.eqz', 0, 0x45],
    ['i64.ge_u', 0, 0x5a],
    ['f64.ge', 0, 0x66],
    ['i32.rotr', 0, 0x78],
    ['i64.rotr', 0, 0x8a],
    ['f32.copysign', 0, 0x98],
    ['f64.copysign', 0, 0xa6],
    ['i32.wrap_i64', 0, 0xa7],
    ['f64.reinterpret_i64', 0, 0xbf],
    ['i64.extend32_s', 0, 0xc4],
    ['i64.trunc_sat_f64_u', 0xfc, 7],
    ['memory.fill', 0xfc, 11],
    ['i64.store32', 0, 0x3e],
    ['return_call_indirect', 0, 0x13],
  ];
  for (const [name, prefix, code] of known) {
    it(`encodes ${name} as ${prefix ? prefix.toString(16) + ' ' : ''}${code.toString(16)}`, () => {
      const i = instr(name);
      assert.equal(i.prefix, prefix);
      assert.equal(i.code, code);
    });
  }

  it('types numeric instructions', () => {
    assert.deepEqual(NUMERIC.get('i64.extend_i32_u')!.params, ['i32']);
    assert.equal(NUMERIC.get('i64.extend_i32_u')!.result, 'i64');
    assert.equal(NUMERIC.get('f32.lt')!.result, 'i32');
    assert.equal(INSTR.get('i64.load32_s')!.align, 2);
    assert.equal(NUMERIC.size, 8 + (0xc4 - 0x45 + 1));
  });
});

describe('byte writer', () => {
  const enc = (f: (w: ByteWriter) => void) => [...(() => { const w = new ByteWriter(1); f(w); return w.finish(); })()];
  it('writes LEB128', () => {
    assert.deepEqual(enc((w) => w.u32(624485)), [0xe5, 0x8e, 0x26]);
    assert.deepEqual(enc((w) => w.u32(0xffffffff)), [0xff, 0xff, 0xff, 0xff, 0x0f]);
    assert.deepEqual(enc((w) => w.s32(-123456)), [0xc0, 0xbb, 0x78]);
    assert.deepEqual(enc((w) => w.s32(63)), [0x3f]);
    assert.deepEqual(enc((w) => w.s32(64)), [0xc0, 0x00]);
    assert.deepEqual(enc((w) => w.s64(-1n)), [0x7f]);
    assert.deepEqual(enc((w) => w.s64(-(1n << 63n))), [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]);
  });
  it('patches reserved sizes as 5-byte LEBs', () => {
    assert.deepEqual(enc((w) => { const at = w.reserve(); w.u8(1).u8(2).u8(3); w.patch(at); }), [0x83, 0x80, 0x80, 0x80, 0x00, 1, 2, 3]);
  });
});
