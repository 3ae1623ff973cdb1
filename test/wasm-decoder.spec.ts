// The wasm decoder: sections, the instruction reader and its immediates, and the errors it gives
// for malformed or unsupported input (always a LinkError naming the byte offset).

import assert from 'node:assert/strict';
import binaryen from 'binaryen';
import { AccreteError } from '../runtime/errors.js';
import type { SymbolInfo } from '../codegen/ir/symbols.js';
import { encodeModule, type LowerContext } from '../codegen/lower/encode.js';
import { bodyInstructions, instructions, parseModule, type Immediates } from '../codegen/wasm/decoder.js';
import { ByteWriter } from '../codegen/wasm/writer.js';
import { TEST_FEATURES, testBuilder, watToBinary } from './helpers.js';

const F = binaryen.Features;
const wasm = (text: string, features = TEST_FEATURES): Uint8Array => watToBinary(text, { features });

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const leb = (n: number) => [...new ByteWriter().u32(n).finish()];
const str = (s: string) => [...new ByteWriter().name(s).finish()];
const sec = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
const mod = (...sections: number[][]) => new Uint8Array([...HEADER, ...sections.flat()]);
/** A module with one `() -> ()` function whose body (after the locals vector) is `code`. */
const withBody = (code: number[]) => mod(sec(1, [1, 0x60, 0, 0]), sec(3, [1, 0]), sec(10, [1, ...leb(code.length + 1), 0, ...code]));

function linkError(f: () => unknown, re: RegExp): AccreteError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof AccreteError, `expected an AccreteError, got ${String(e)}`);
    assert.equal(e.code, 'LinkError');
    assert.match(e.message, re);
    return e;
  }
  assert.fail(`expected a LinkError matching ${re}`);
}

/** Every instruction of every body: bodies are decoded when iterated, not by parseModule. */
function allInstructions(bytes: Uint8Array): number {
  const m = parseModule(bytes);
  return m.codes.reduce((n, c) => n + [...bodyInstructions(m, c)].length, 0);
}

/** Names and immediates of an instruction sequence. */
function ops(bytes: number[]): Array<[string, Immediates]> {
  return [...instructions(new Uint8Array(bytes), 0, bytes.length)].map((i) => [i.info.name, i.immediates]);
}

describe('parseModule: sections', () => {
  it('reads every standard section of a binaryen-built module', () => {
    const bytes = wasm(`(module $all
      (import "env" "f" (func $imp (param i32) (result i32)))
      (import "env" "t" (table $it 1 10 funcref))
      (import "env" "m" (memory $im 1 2 shared))
      (import "env" "g" (global $ig (mut i64)))
      (import "env" "e" (tag $ie (param f32)))
      (table $t 3 funcref)
      (tag $e (param i32))
      (global $g i32 (i32.const 42))
      (func $f (param $a i32) (result i32) local.get $a call $imp)
      (func $s)
      (start $s)
      (export "f" (func $f)) (export "g" (global $g)) (export "t" (table $t)) (export "e" (tag $e))
      (elem (table $t) (i32.const 1) func $f $s)
      (data (i32.const 8) "hi")
      (data "passive"))`);
    const m = parseModule(bytes);
    const imp = (name: string) => m.imports.find((i) => i.name === name)!.desc;
    assert.deepEqual(m.types[(imp('f') as { type: number }).type], { params: ['i32'], results: ['i32'] });
    assert.deepEqual(imp('t'), { kind: 'table', table: { elem: 'funcref', limits: { min: 1, max: 10, shared: false } } });
    assert.deepEqual(imp('m'), { kind: 'memory', limits: { min: 1, max: 2, shared: true } });
    assert.deepEqual(imp('g'), { kind: 'global', global: { type: 'i64', mutable: true } });
    assert.deepEqual(m.types[(imp('e') as { type: number }).type], { params: ['f32'], results: [] });
    assert.equal(m.funcs.length, 2);
    assert.equal(m.codes.length, 2);
    assert.deepEqual(m.tables, [{ elem: 'funcref', limits: { min: 3, max: undefined, shared: false } }]);
    assert.equal(m.tags.length, 1);
    assert.deepEqual(m.types[m.tags[0]!], { params: ['i32'], results: [] });
    assert.deepEqual(m.globals, [{ type: { type: 'i32', mutable: false }, init: m.globals[0]!.init }]);
    assert.deepEqual(m.globals[0]!.init.ops, [{ op: 'i32.const', value: 42 }]);
    assert.deepEqual(
      m.exports.map((e) => [e.name, e.kind, e.index]).sort(),
      [['e', 'tag', 1], ['f', 'func', 1], ['g', 'global', 1], ['t', 'table', 1]],
    );
    assert.equal(m.start, 2);
    assert.equal(m.elems.length, 1);
    assert.deepEqual({ ...m.elems[0]!, offset: m.elems[0]!.offset!.ops }, { mode: 'active', table: 1, offset: [{ op: 'i32.const', value: 1 }], type: 'funcref', funcs: [1, 2], exprs: undefined });
    assert.equal(m.dataCount, 2);
    assert.deepEqual(m.datas.map((d) => [d.mode, new TextDecoder().decode(d.bytes), d.offset?.ops]), [
      ['active', 'hi', [{ op: 'i32.const', value: 8 }]],
      ['passive', 'passive', undefined],
    ]);
    assert.deepEqual([...bodyInstructions(m, m.codes[0]!)].map((i) => i.info.name), ['local.get', 'call', 'end']);
  });

  it('reads all eight element segment encodings', () => {
    const off = [0x41, 0x02, 0x0b]; // i32.const 2
    const item = [0xd2, 0x00, 0x0b]; // ref.func 0
    const elems = [
      [0, ...off, 1, 0],
      [1, 0x00, 1, 0],
      [2, 1, ...off, 0x00, 1, 0],
      [3, 0x00, 1, 0],
      [4, ...off, 1, ...item],
      [5, 0x70, 2, ...item, 0xd0, 0x70, 0x0b],
      [6, 1, ...off, 0x70, 1, ...item],
      [7, 0x70, 1, ...item],
    ];
    const m = parseModule(mod(sec(1, [1, 0x60, 0, 0]), sec(3, [1, 0]), sec(4, [2, 0x70, 0, 1, 0x70, 0, 1]), sec(9, [8, ...elems.flat()]), sec(10, [1, 2, 0, 0x0b])));
    assert.deepEqual(m.elems.map((e) => [e.mode, e.table, e.offset?.ops[0], e.funcs, e.exprs?.map((x) => x.ops)]), [
      ['active', 0, { op: 'i32.const', value: 2 }, [0], undefined],
      ['passive', 0, undefined, [0], undefined],
      ['active', 1, { op: 'i32.const', value: 2 }, [0], undefined],
      ['declarative', 0, undefined, [0], undefined],
      ['active', 0, { op: 'i32.const', value: 2 }, undefined, [[{ op: 'ref.func', func: 0 }]]],
      ['passive', 0, undefined, undefined, [[{ op: 'ref.func', func: 0 }], [{ op: 'ref.null', heap: 'func' }]]],
      ['active', 1, { op: 'i32.const', value: 2 }, undefined, [[{ op: 'ref.func', func: 0 }]]],
      ['declarative', 0, undefined, undefined, [[{ op: 'ref.func', func: 0 }]]],
    ]);
  });

  it('reads data segments of all three encodings and checks the data count', () => {
    const m = parseModule(mod(sec(5, [1, 0, 1]), sec(12, [3]), sec(11, [3, 0, 0x41, 4, 0x0b, 1, 0x61, 1, 2, 0x62, 0x63, 2, 0, 0x41, 8, 0x0b, 0])));
    assert.deepEqual(m.datas.map((d) => [d.mode, d.memory, d.offset?.ops, [...d.bytes]]), [
      ['active', 0, [{ op: 'i32.const', value: 4 }], [0x61]],
      ['passive', 0, undefined, [0x62, 0x63]],
      ['active', 0, [{ op: 'i32.const', value: 8 }], []],
    ]);
    linkError(() => parseModule(mod(sec(5, [1, 0, 1]), sec(12, [2]), sec(11, [1, 1, 0]))), /data count 2 does not match 1 data segments at byte offset 21/);
  });

  it('reads compact import groups as binaryen emits them', () => {
    const text = `(module (import "accrete" "memory" (memory 0)) (import "accrete" "table" (table 0 funcref)) (import "accrete" "f" (func (param i32))) (import "other" "g" (global i32)))`;
    const compact = wasm(text, TEST_FEATURES | (F as unknown as Record<string, number>)['CompactImports']!);
    const plain = wasm(text);
    assert.notDeepEqual(compact, plain, 'binaryen should use the compact encoding');
    assert.deepEqual(parseModule(compact).imports, parseModule(plain).imports);
    assert.deepEqual(parseModule(compact).imports.map((i) => `${i.module}.${i.name}:${i.desc.kind}`).sort(), ['accrete.f:func', 'accrete.memory:memory', 'accrete.table:table', 'other.g:global']);
    // The 0x7e form: one type shared by several names.
    const shared = parseModule(mod(sec(2, [1, ...str('m'), 0, 0x7e, 0x03, 0x7f, 0x00, 2, ...str('a'), ...str('b')])));
    assert.deepEqual(shared.imports, [
      { module: 'm', name: 'a', desc: { kind: 'global', global: { type: 'i32', mutable: false } } },
      { module: 'm', name: 'b', desc: { kind: 'global', global: { type: 'i32', mutable: false } } },
    ]);
  });

  it('keeps custom sections raw, with the section they follow', () => {
    const m = parseModule(mod(sec(0, [...str('first'), 1, 2]), sec(1, [0]), sec(0, [...str('second'), 9])));
    assert.deepEqual(m.customs.map((c) => [c.name, [...c.bytes], c.after]), [
      ['first', [1, 2], 0],
      ['second', [9], 1],
    ]);
  });

  it('decodes module, function, local, type, global and tag names', () => {
    const m = parseModule(wasm(`(module $mod (type $sig (func (param i32)))
      (global $gl (mut i32) (i32.const 0)) (tag $tg (param i32))
      (func $first (type $sig) (param $p i32) (local $l i64) global.get $gl local.get $p i32.add global.set $gl)
      (export "first" (func $first)) (export "gl" (global $gl)) (export "tg" (tag $tg)))`));
    assert.equal(m.names.module, 'mod');
    assert.deepEqual([...m.names.funcs], [[0, 'first']]);
    assert.deepEqual([...m.names.locals.get(0)!], [[0, 'p'], [1, 'l']]);
    assert.deepEqual([...m.names.globals], [[0, 'gl']]);
    assert.deepEqual([...m.names.tags], [[0, 'tg']]);
    assert.ok([...m.names.types.values()].includes('sig'));
  });

  it('keeps the names read before a name section breaks, without failing', () => {
    const broken = [...str('name'), 0, ...leb(str('ok').length), ...str('ok'), 1, 10, 2, 0, ...str('f'), 1];
    const m = parseModule(mod(sec(1, [1, 0x60, 0, 0]), sec(3, [2, 0, 0]), sec(10, [2, 2, 0, 0x0b, 2, 0, 0x0b]), sec(0, broken)));
    assert.equal(m.names.module, 'ok');
    assert.equal(m.names.funcs.get(0), undefined, 'the damaged function-name map is dropped');
    assert.equal(m.codes.length, 2);
  });

  it('reads a module made by the baseline encoder, names included', () => {
    const syms: Record<string, SymbolInfo> = {
      ext: { kind: 'func', name: 'ext', sig: { params: ['i32'], results: ['i32'] }, inline: false },
      cell: { kind: 'global', name: 'cell', type: 'i32', mutable: true },
    };
    const b = testBuilder({ resolve: (n) => syms[n] }, 'twice', { params: ['i32'], results: ['i32'] }, ['x']);
    const t = b.local('i32', 'tmp');
    const f = b.finish([b.set(t, b.call('ext', b.param(0))), b.setGlobal('cell', b.get(t)), b.i32.add(b.get(t), b.global('cell'))]);
    const ctx: LowerContext = { slotOf: () => 17, globalAddress: () => 64, constantValue: () => 0, exnBuffer: 0, calls: 'link-table', tailCalls: true, memory: { shared: false, maximum: undefined } };
    const enc = encodeModule({ name: 'stage-a', funcs: [f], ctx });
    const m = parseModule(enc.bytes);
    assert.deepEqual(m.imports.map((i) => [i.module, i.name, i.desc.kind]), [['accrete', 'memory', 'memory']]);
    assert.deepEqual(m.exports, [
      { name: '0', kind: 'func', index: 0 },
      { name: 'accrete:link', kind: 'table', index: 0 },
    ]);
    assert.equal(m.names.module, 'stage-a');
    assert.equal(m.names.funcs.get(0), 'twice');
    assert.deepEqual([...m.names.locals.get(0)!], [[0, 'x'], [1, 'tmp']]);
    const body = [...bodyInstructions(m, m.codes[0]!)];
    const ci = body.findIndex((i) => i.info.name === 'call_indirect');
    assert.deepEqual(body[ci - 1]!.immediates, { kind: 'i32', value: 0 }, 'link index 0 holds slot 17');
    assert.deepEqual(body.filter((i) => i.info.name === 'i32.store' || i.info.name === 'i32.load').map((i) => i.immediates), [
      { kind: 'memarg', align: 2, offset: 0, memory: 0 },
      { kind: 'memarg', align: 2, offset: 0, memory: 0 },
    ]);
  });

  it('rejects GC type definitions and typed references as unsupported', () => {
    linkError(() => parseModule(mod(sec(1, [1, 0x5f, 0]))), /unsupported type form 0x5f \(GC\) at byte offset 11/);
    linkError(() => parseModule(mod(sec(1, [1, 0x60, 1, 0x64, 0x70, 0]))), /unsupported typed reference type 0x64 .* at byte offset 13/);
  });
});

describe('parseModule: malformed input', () => {
  it('rejects a bad magic number, a short header and a wrong version', () => {
    linkError(() => parseModule(new Uint8Array([0x00, 0x61, 0x73, 0x6e, 1, 0, 0, 0])), /^LinkError: malformed wasm: bad magic number \(not a wasm module\) at byte offset 0$/);
    linkError(() => parseModule(new Uint8Array([0x00, 0x61, 0x73])), /malformed wasm: unexpected end in the header at byte offset 3/);
    linkError(() => parseModule(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 2, 0, 0, 0])), /malformed wasm: unsupported version \(expected 1\) at byte offset 4/);
  });

  it('rejects a truncated section and a section longer than its contents', () => {
    linkError(() => parseModule(mod([0x01, 0x05, 0x01, 0x60])), /section 1 of 5 bytes is truncated at byte offset 8/);
    linkError(() => parseModule(mod([0x01, 0x02, 0x00, 0x00])), /section 1 is longer than its contents at byte offset 11/);
    linkError(() => parseModule(mod(sec(1, [1, 0x60, 0, 0]), sec(3, [1, 0]), [0x0a, 0x04, 0x01, 0x09, 0x00, 0x0b])), /function body of 9 bytes is truncated at byte offset 21/);
  });

  it('rejects LEB integers that overflow', () => {
    linkError(() => parseModule(mod(sec(1, [0x80, 0x80, 0x80, 0x80, 0x80, 0x00]))), /integer too large \(LEB overflow\) at byte offset 10/);
    linkError(() => parseModule(mod(sec(1, [0x80, 0x80, 0x80, 0x80, 0x10]))), /LEB overflow\) at byte offset 10/);
    assert.throws(() => ops([0x41, 0xff, 0xff, 0xff, 0xff, 0x4f, 0x0b]), /LEB overflow\) at byte offset 1/);
    assert.throws(() => ops([0x42, ...Array(9).fill(0xff), 0x01, 0x0b]), /LEB overflow\) at byte offset 1/);
  });

  it('rejects sections out of order, repeated, or unknown', () => {
    linkError(() => parseModule(mod(sec(3, [0]), sec(1, [0]))), /section 1 is out of order or repeated at byte offset 11/);
    linkError(() => parseModule(mod(sec(1, [0]), sec(1, [0]))), /section 1 is out of order or repeated at byte offset 11/);
    linkError(() => parseModule(mod(sec(14, [0]))), /unknown section id 14 at byte offset 8/);
  });

  it('rejects counts that do not match or exceed the bytes', () => {
    linkError(() => parseModule(mod(sec(1, [1, 0x60, 0, 0]), sec(3, [1, 0]))), /1 functions declared but 0 bodies given at byte offset 18/);
    linkError(() => parseModule(mod(sec(1, [0xe8, 0x07, 0x60]))), /count 1000 exceeds the bytes left at byte offset 10/);
  });

  it('rejects invalid UTF-8 in names and duplicate export names', () => {
    linkError(() => parseModule(mod(sec(7, [1, 1, 0xff, 0, 0]))), /invalid UTF-8 in name at byte offset 11/);
    linkError(() => parseModule(mod(sec(4, [1, 0x70, 0, 0]), sec(7, [2, ...str('t'), 1, 0, ...str('t'), 1, 0]))), /duplicate export name "t" at byte offset 21/);
  });

  it('rejects non-constant instructions in constant expressions', () => {
    linkError(() => parseModule(mod(sec(6, [1, 0x7f, 0, 0x20, 0, 0x0b]))), /instruction local.get is not allowed in a constant expression at byte offset 13/);
  });

  it('rejects bodies not closed by their final end, or with bytes after it', () => {
    linkError(() => allInstructions(withBody([0x02, 0x40, 0x0b])), /body is not terminated by end at byte offset 26/);
    linkError(() => allInstructions(withBody([0x0b, 0x01])), /bytes after the end of the body at byte offset 24/);
    assert.throws(() => ops([0x18, 0x00]), /delegate outside a try at byte offset 0/);
  });

  it('rejects too many locals before allocating them', () => {
    linkError(() => parseModule(mod(sec(1, [1, 0x60, 0, 0]), sec(3, [1, 0]), sec(10, [1, 8, 1, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x0b]))), /more than 50000 locals at byte offset 23/);
  });
});

describe('instruction reader', () => {
  it('reads MVP control, memory and numeric instructions with their immediates', () => {
    const code = [0x02, 0x7f, 0x03, 0x40, 0x41, 0x7f, 0x0d, 0x00, 0x0b, 0x41, 0x00, 0x0e, 0x02, 0x00, 0x01, 0x00, 0x0b, 0x04, 0x40, 0x05, 0x0b];
    code.push(0x20, 0x01, 0x2d, 0x00, 0x10, 0x36, 0x02, 0xff, 0xff, 0x03, 0x10, 0x05, 0x11, 0x01, 0x00, 0x3f, 0x00, 0x40, 0x00, 0x6a, 0x0b);
    assert.deepEqual(ops(code), [
      ['block', { kind: 'blocktype', block: 'i32' }],
      ['loop', { kind: 'blocktype', block: 'empty' }],
      ['i32.const', { kind: 'i32', value: -1 }],
      ['br_if', { kind: 'label', depth: 0 }],
      ['end', { kind: 'none' }],
      ['i32.const', { kind: 'i32', value: 0 }],
      ['br_table', { kind: 'br_table', depths: [0, 1], fallback: 0 }],
      ['end', { kind: 'none' }],
      ['if', { kind: 'blocktype', block: 'empty' }],
      ['else', { kind: 'none' }],
      ['end', { kind: 'none' }],
      ['local.get', { kind: 'local', local: 1 }],
      ['i32.load8_u', { kind: 'memarg', align: 0, offset: 16, memory: 0 }],
      ['i32.store', { kind: 'memarg', align: 2, offset: 65535, memory: 0 }],
      ['call', { kind: 'func', func: 5 }],
      ['call_indirect', { kind: 'call_indirect', type: 1, table: 0 }],
      ['memory.size', { kind: 'mem', memory: 0 }],
      ['memory.grow', { kind: 'mem', memory: 0 }],
      ['i32.add', { kind: 'none' }],
      ['end', { kind: 'none' }],
    ]);
  });

  it('reports the byte offset and extent of each instruction', () => {
    const list = [...instructions(new Uint8Array([0x41, 0x80, 0x01, 0x1a, 0x0b]), 0, 5)];
    assert.deepEqual(list.map((i) => [i.offset, i.end]), [[0, 3], [3, 4], [4, 5]]);
    assert.deepEqual(list[0]!.immediates, { kind: 'i32', value: 128 });
  });

  it('reads sign-extension and saturating truncation', () => {
    assert.deepEqual(ops([0xc0, 0xc4, 0xfc, 0x00, 0xfc, 0x07, 0x0b]).map(([n]) => n), ['i32.extend8_s', 'i64.extend32_s', 'i32.trunc_sat_f32_s', 'i64.trunc_sat_f64_u', 'end']);
  });

  it('reads bulk memory and table instructions', () => {
    const code = [0xfc, 8, 3, 0, 0xfc, 9, 3, 0xfc, 10, 0, 0, 0xfc, 11, 0, 0xfc, 12, 2, 1, 0xfc, 13, 2, 0xfc, 14, 1, 0, 0xfc, 15, 1, 0xfc, 16, 0, 0xfc, 17, 1, 0x0b];
    assert.deepEqual(ops(code).slice(0, -1), [
      ['memory.init', { kind: 'data_mem', data: 3, memory: 0 }],
      ['data.drop', { kind: 'data', data: 3 }],
      ['memory.copy', { kind: 'mem_mem', dst: 0, src: 0 }],
      ['memory.fill', { kind: 'mem', memory: 0 }],
      ['table.init', { kind: 'elem_table', elem: 2, table: 1 }],
      ['elem.drop', { kind: 'elem', elem: 2 }],
      ['table.copy', { kind: 'table_table', dst: 1, src: 0 }],
      ['table.grow', { kind: 'table', table: 1 }],
      ['table.size', { kind: 'table', table: 0 }],
      ['table.fill', { kind: 'table', table: 1 }],
    ]);
  });

  it('reads reference-type instructions and typed select', () => {
    assert.deepEqual(ops([0xd0, 0x70, 0xd1, 0xd0, 0x6f, 0xd2, 0x04, 0x25, 0x01, 0x26, 0x00, 0x1c, 0x01, 0x7e, 0x0b]).slice(0, -1), [
      ['ref.null', { kind: 'heaptype', heap: 'func' }],
      ['ref.is_null', { kind: 'none' }],
      ['ref.null', { kind: 'heaptype', heap: 'extern' }],
      ['ref.func', { kind: 'func', func: 4 }],
      ['table.get', { kind: 'table', table: 1 }],
      ['table.set', { kind: 'table', table: 0 }],
      ['select_t', { kind: 'select_t', types: ['i64'] }],
    ]);
  });

  it('reads multi-value block types given by type index', () => {
    assert.deepEqual(ops([0x02, 0x03, 0x0b, 0x04, 0x80, 0x01, 0x0b, 0x0b]).filter(([n]) => n !== 'end'), [
      ['block', { kind: 'blocktype', block: 3 }],
      ['if', { kind: 'blocktype', block: 128 }],
    ]);
  });

  it('reads tail calls', () => {
    assert.deepEqual(ops([0x12, 0x02, 0x13, 0x01, 0x03, 0x0b]).slice(0, -1), [
      ['return_call', { kind: 'func', func: 2 }],
      ['return_call_indirect', { kind: 'call_indirect', type: 1, table: 3 }],
    ]);
  });

  it('reads legacy exception handling, delegate closing its try', () => {
    const code = [0x06, 0x40, 0x08, 0x00, 0x07, 0x00, 0x09, 0x00, 0x19, 0x0b, 0x06, 0x40, 0x18, 0x00, 0x0b];
    assert.deepEqual(ops(code), [
      ['try', { kind: 'blocktype', block: 'empty' }],
      ['throw', { kind: 'tag', tag: 0 }],
      ['catch', { kind: 'tag', tag: 0 }],
      ['rethrow', { kind: 'label', depth: 0 }],
      ['catch_all', { kind: 'none' }],
      ['end', { kind: 'none' }],
      ['try', { kind: 'blocktype', block: 'empty' }],
      ['delegate', { kind: 'label', depth: 0 }],
      ['end', { kind: 'none' }],
    ]);
  });

  it('reads try_table with its catch clauses', () => {
    assert.deepEqual(ops([0x1f, 0x7f, 0x02, 0x00, 0x01, 0x00, 0x02, 0x01, 0x0b, 0x0b])[0], [
      'try_table',
      { kind: 'try_table', block: 'i32', catches: [{ kind: 0, tag: 1, depth: 0 }, { kind: 2, tag: undefined, depth: 1 }] },
    ]);
  });

  it('reads signed immediates at their limits and float bit patterns exactly', () => {
    const w = new ByteWriter();
    w.u8(0x41).s32(-0x80000000).u8(0x41).s32(0x7fffffff);
    w.u8(0x42).s64(-(2n ** 63n)).u8(0x42).s64(2n ** 63n - 1n);
    w.u8(0x43).f32bits(0x7fa00001).u8(0x44).f32bits(0x1).f32bits(0xfff80000).u8(0x0b);
    const bytes = [...w.finish()];
    assert.deepEqual(ops(bytes).slice(0, -1).map(([, im]) => im), [
      { kind: 'i32', value: -0x80000000 },
      { kind: 'i32', value: 0x7fffffff },
      { kind: 'i64', value: -(2n ** 63n) },
      { kind: 'i64', value: 2n ** 63n - 1n },
      { kind: 'f32', bits: 0x7fa00001 },
      { kind: 'f64', bits: 0xfff8000000000001n },
    ]);
  });

  it('reads a memory index in a memarg (multi-memory)', () => {
    assert.deepEqual(ops([0x28, 0x42, 0x01, 0x08, 0x0b])[0], ['i32.load', { kind: 'memarg', align: 2, offset: 8, memory: 1 }]);
  });

  it('rejects SIMD, GC and atomic opcodes as unsupported, naming the byte offset', () => {
    linkError(() => allInstructions(withBody([0x01, 0xfd, 0x0c])), /^LinkError: unsupported opcode 0xfd \(SIMD\) at byte offset 24$/);
    linkError(() => ops([0xfb, 0x00]), /unsupported opcode 0xfb \(GC\) at byte offset 0/);
    linkError(() => ops([0x01, 0x01, 0xfe, 0x00]), /unsupported opcode 0xfe \(threads\/atomics\) at byte offset 2/);
    linkError(() => ops([0xd0, 0x6e]), /unsupported heap type 0x6e .* at byte offset 1/);
  });

  it('rejects unknown opcodes as malformed', () => {
    linkError(() => ops([0x01, 0x27]), /malformed wasm: unknown opcode 0x27 at byte offset 1/);
    linkError(() => ops([0xfc, 0x30]), /malformed wasm: unknown opcode 0xfc 48 at byte offset 0/);
  });
});

describe('constant expressions', () => {
  it('parses extended constant expressions and folds nothing on its own', () => {
    const m = parseModule(wasm(`(module (import "env" "b" (global $b i32))
      (global $x i32 (i32.add (global.get $b) (i32.mul (i32.const 4) (i32.const 8))))
      (global $y i64 (i64.sub (i64.const -1) (i64.const 2)))
      (global $z f64 (f64.const -0.5)) (global $r funcref (ref.null func))
      (export "x" (global $x)) (export "y" (global $y)) (export "z" (global $z)) (export "r" (global $r)))`));
    assert.deepEqual(m.globals.map((g) => g.init.ops), [
      [{ op: 'global.get', global: 0 }, { op: 'i32.const', value: 4 }, { op: 'i32.const', value: 8 }, { op: 'i32.mul' }, { op: 'i32.add' }],
      [{ op: 'i64.const', value: -1n }, { op: 'i64.const', value: 2n }, { op: 'i64.sub' }],
      [{ op: 'f64.const', bits: 0xbfe0000000000000n }],
      [{ op: 'ref.null', heap: 'func' }],
    ]);
  });
});
