// A growable byte buffer with the LEB128 and IEEE-754 writers of the wasm binary format.
// Sizes of sections and bodies are written as 5-byte padded LEBs and patched afterwards,
// so a module is produced in one pass without copying nested buffers.

const textEncoder = new TextEncoder();
const f32 = new Float32Array(1);
const f64 = new Float64Array(1);
const f32b = new Uint8Array(f32.buffer);
const f64b = new Uint8Array(f64.buffer);

/**
 * Small outputs (a stage's module is mostly 50 to 500 bytes) are carved out of shared slabs: V8
 * makes a typed array over 64 bytes with a buffer of its own, off the heap, which costs ~0.7 µs
 * against ~0.05 for a view into a slab (docs/performance.md, "A small stage among other work").
 * A slab lives while any view into it does: SLAB_SIZE bounds what one small survivor can hold.
 */
const SLAB_SIZE = 16384;
const SLAB_MAX = 2048;
let slab = new ArrayBuffer(SLAB_SIZE);
let slabAt = 0;

/** `n` zeroed bytes the caller owns (a view into a slab when small). */
function ownedBytes(n: number): Uint8Array {
  if (n > SLAB_MAX) return new Uint8Array(n);
  if (slabAt + n > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    slabAt = 0;
  }
  const b = new Uint8Array(slab, slabAt, n);
  // Views start 8-aligned, so a reader may overlay wider typed arrays if it ever needs to.
  slabAt = (slabAt + n + 7) & ~7;
  return b;
}

/** Bytes `from` to `to` of `src` into `dst` at `at`: short ranges in a loop (a subarray costs more). */
function copy(dst: Uint8Array, at: number, src: Uint8Array, from: number, to: number): void {
  if (to - from > 64) dst.set(src.subarray(from, to), at);
  else for (let i = from; i < to; i++) dst[at + i - from] = src[i]!;
}

/** Write `v` as an unsigned LEB128 into `buf` at `at`, which has room (5 bytes); returns where it ends. */
export function putU32(buf: Uint8Array, at: number, v: number): number {
  v >>>= 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    buf[at++] = b;
  } while (v !== 0);
  return at;
}

/** Write `v` as a signed LEB128 into `buf` at `at`, which has room (5 bytes); returns where it ends. */
export function putS32(buf: Uint8Array, at: number, v: number): number {
  v |= 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      buf[at++] = b;
      return at;
    }
    buf[at++] = b | 0x80;
  }
}

export class ByteWriter {
  buf: Uint8Array;
  len = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  /**
   * Make room for `n` more bytes: the writers below check before each write, and a caller that
   * writes into `buf` from `len` itself (with `putU32`, `putS32`) and moves `len` checks once for an
   * instruction and its immediates.
   */
  room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }

  u8(b: number): this {
    this.room(1);
    this.buf[this.len++] = b;
    return this;
  }

  bytes(src: ArrayLike<number>): this {
    this.room(src.length);
    this.buf.set(src, this.len);
    this.len += src.length;
    return this;
  }

  /** Bytes `from` to `to` of `src`. */
  range(src: Uint8Array, from: number, to: number): this {
    const n = to - from;
    this.room(n);
    copy(this.buf, this.len, src, from, to);
    this.len += n;
    return this;
  }

  u32(v: number): this {
    this.room(5);
    this.len = putU32(this.buf, this.len, v);
    return this;
  }

  s32(v: number): this {
    this.room(5);
    this.len = putS32(this.buf, this.len, v);
    return this;
  }

  s64(value: bigint): this {
    this.room(10);
    let v = BigInt.asIntN(64, value);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
        this.buf[this.len++] = b;
        return this;
      }
      this.buf[this.len++] = b | 0x80;
    }
  }

  f32(v: number): this {
    f32[0] = v;
    return this.bytes(f32b);
  }

  f64(v: number): this {
    f64[0] = v;
    return this.bytes(f64b);
  }

  /** Raw IEEE bits (keeps NaN payloads exactly). */
  f32bits(bits: number): this {
    this.room(4);
    const b = this.buf;
    b[this.len++] = bits & 0xff;
    b[this.len++] = (bits >>> 8) & 0xff;
    b[this.len++] = (bits >>> 16) & 0xff;
    b[this.len++] = (bits >>> 24) & 0xff;
    return this;
  }

  name(s: string): this {
    // Most names are ASCII: write them directly, without TextEncoder's allocation.
    const n = s.length;
    if (n < 128) {
      let ascii = true;
      for (let i = 0; i < n; i++) if (s.charCodeAt(i) > 0x7f) ascii = false;
      if (ascii) {
        this.room(n + 1);
        this.buf[this.len++] = n;
        for (let i = 0; i < n; i++) this.buf[this.len++] = s.charCodeAt(i);
        return this;
      }
    }
    const b = textEncoder.encode(s);
    this.u32(b.length);
    return this.bytes(b);
  }

  /** Reserve a 5-byte u32 to be filled by `patch`. Returns its position. */
  reserve(): number {
    this.room(5);
    const at = this.len;
    this.len += 5;
    return at;
  }

  /** Write the number of bytes written since `at + 5` into the reserved slot at `at`. */
  patch(at: number): void {
    let v = this.len - at - 5;
    for (let i = 0; i < 4; i++) {
      this.buf[at + i] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[at + 4] = v & 0x7f;
  }

  /** Empty the writer, keeping its buffer (writers are reused to spare allocation). */
  reset(): this {
    this.len = 0;
    return this;
  }

  /** The written bytes (a copy the caller owns). */
  finish(): Uint8Array {
    const out = ownedBytes(this.len);
    copy(out, 0, this.buf, 0, this.len);
    return out;
  }
}

/** Write `T.const v`: the one place constants are encoded. */
export function writeConst(w: ByteWriter, t: 'i32' | 'i64' | 'f32' | 'f64', v: number | bigint): void {
  switch (t) {
    case 'i32':
      w.u8(0x41).s32(Number(v));
      return;
    case 'i64':
      w.u8(0x42).s64(BigInt(v));
      return;
    case 'f32':
      w.u8(0x43).f32(Number(v));
      return;
    case 'f64':
      w.u8(0x44).f64(Number(v));
  }
}
