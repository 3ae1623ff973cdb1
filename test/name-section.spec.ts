// The name section every module ends with gives the bytes an independent encoding of the format
// gives: ASCII and other names, long ones, local names, a writer that must grow.

import assert from 'node:assert/strict';
import { writeNameSection } from '../codegen/wasm/sections.js';
import { ByteWriter } from '../codegen/wasm/writer.js';

const utf8 = new TextEncoder();
const leb = (v: number): number[] => {
  const out: number[] = [];
  do {
    out.push((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
    v = Math.floor(v / 128);
  } while (v > 0);
  return out;
};
// Sizes are written 5 bytes wide, patched in once their content is written.
const leb5 = (v: number): number[] => [0, 7, 14, 21].map((s) => ((v >>> s) & 0x7f) | 0x80).concat([(v >>> 28) & 0x7f]);
const str = (s: string): number[] => {
  const b = [...utf8.encode(s)];
  return [...leb(b.length), ...b];
};
const sub = (id: number, content: number[]): number[] => [id, ...leb5(content.length), ...content];

function expected(module: string, funcs: string[], locals: Array<[number, Array<string | undefined>]> | undefined, first: number): number[] {
  const body = [...str('name'), ...sub(0, str(module)), ...sub(1, [...leb(funcs.length), ...funcs.flatMap((f, i) => [...leb(first + i), ...str(f)])])];
  if (locals?.length) {
    const named = locals.flatMap(([i, ns]) => [...leb(i), ...leb(ns.filter((n) => n !== undefined).length), ...ns.flatMap((n, j) => (n === undefined ? [] : [...leb(j), ...str(n)]))]);
    body.push(...sub(2, [...leb(locals.length), ...named]));
  }
  return [0, ...leb5(body.length), ...body];
}

/** Write the section after `before` bytes already in a writer of `capacity`; the section's bytes. */
function written(module: string, funcs: string[], opts: { locals?: Array<[number, Array<string | undefined>]>; first?: number; before?: number; capacity?: number } = {}): number[] {
  const w = new ByteWriter(opts.capacity ?? 256);
  const before = opts.before ?? 0;
  for (let i = 0; i < before; i++) w.u8(0xaa);
  writeNameSection(
    w,
    module,
    funcs.map((name) => ({ name })),
    opts.locals,
    opts.first,
  );
  const out = [...w.buf.subarray(0, w.len)];
  assert.deepEqual(out.slice(0, before), new Array(before).fill(0xaa), 'the bytes before the section are kept');
  return out.slice(before);
}

describe('name section', () => {
  const cases: Array<[string, string, string[], Parameters<typeof written>[2]]> = [
    ['ASCII names', 'stage3', ['f2'], {}],
    ['several functions after imported ones, past bytes already written', 'lib', ['a', 'bb', 'ccc'], { first: 4, before: 13 }],
    ['a writer that must grow', 'stage12345', Array.from({ length: 40 }, (_, i) => `function_${i}`), { capacity: 8 }],
    ['indices and a count over one byte', 'big', Array.from({ length: 200 }, (_, i) => `f${i}`), { first: 100 }],
    ['a non-ASCII module name', 'étape', ['f'], {}],
    ['a non-ASCII function name, after ASCII ones', 'm', ['ok', 'λ', 'after'], {}],
    ['a name of 128 characters', 'm', ['x'.repeat(128)], {}],
    ['a name of 127 characters', 'm', ['y'.repeat(127)], {}],
    ['local names', 'm', ['f', 'g'], { locals: [[1, ['a', undefined, 'c']]] }],
    ['no functions', 'empty', [], {}],
  ];
  for (const [what, module, funcs, opts] of cases) {
    it(`encodes ${what}`, () => {
      assert.deepEqual(written(module, funcs, opts), expected(module, funcs, opts?.locals, opts?.first ?? 0));
    });
  }
});
