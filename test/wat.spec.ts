// The WAT printer: layout, names, constants and the comment hook, and above all that the text
// parses back (binaryen) into the same module, for binaryen-built and encoder-built modules.

import assert from 'node:assert/strict';
import binaryen from 'binaryen';
import type { FuncIR, Sig } from '../codegen/ir/nodes.js';
import type { SymbolInfo } from '../codegen/ir/symbols.js';
import { encodeModule, type CallLinking, type LowerContext } from '../codegen/lower/encode.js';
import { bodyInstructions, parseModule } from '../codegen/wasm/decoder.js';
import { INSTR, NUMERIC } from '../codegen/wasm/instructions.js';
import { disassemble, sanitizeId } from '../codegen/wasm/wat.js';
import { ByteWriter } from '../codegen/wasm/writer.js';
import { TEST_FEATURES, testBuilder, watToBinary } from './helpers.js';

function load(make: () => binaryen.Module): binaryen.Module {
  binaryen.setDebugInfo(true);
  const m = make();
  m.setFeatures(TEST_FEATURES);
  return m;
}

const wasm = (text: string): Uint8Array => watToBinary(text);

/** binaryen's view of a module, with type declarations inlined so their order does not matter. */
function canonical(m: binaryen.Module): string {
  const types = new Map<string, string>();
  const lines = m.emitText().split('\n').filter((l) => {
    const t = /^\s*\(type (\$\S+) (\(func.*\))\)$/.exec(l);
    if (t) types.set(t[1]!, t[2]!);
    return !t;
  });
  // Binaryen names a defined table by its index when reading binary and by its rank among
  // defined tables when parsing text: name tables by their order of declaration instead.
  const tables = new Map<string, string>();
  for (const l of lines) {
    const t = /\(table (\$[^\s)]+) \d/.exec(l);
    if (t && !tables.has(t[1]!)) tables.set(t[1]!, `$table${tables.size}`);
  }
  return lines
    .join('\n')
    .replace(/\(type (\$[^\s)]+)\)/g, (_, id: string) => `(type ${types.get(id) ?? id})`)
    .replace(/\$[^\s)]+/g, (id) => tables.get(id) ?? id);
}

/** The text parses back, and binaryen reads the same module from the text as from the binary. */
function assertRoundTrip(bytes: Uint8Array, text = disassemble(bytes)): void {
  const fromText = load(() => binaryen.parseText(text));
  const fromBinary = load(() => binaryen.readBinary(bytes));
  try {
    assert.ok(fromText.validate(), 'the printed text must validate');
    assert.equal(canonical(fromText), canonical(fromBinary));
  } finally {
    fromText.dispose();
    fromBinary.dispose();
  }
}

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const leb = (n: number) => [...new ByteWriter().u32(n).finish()];
const sec = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
/** A module with type 0 = `(i32) -> ()`, a table, a memory and one function with `code`. */
const withBody = (code: number[]) =>
  new Uint8Array([
    ...HEADER,
    ...sec(1, [1, 0x60, 1, 0x7f, 0]),
    ...sec(3, [1, 0]),
    ...sec(4, [1, 0x70, 0, 1]),
    ...sec(5, [1, 0, 1]),
    ...sec(10, [1, ...leb(code.length + 2), 0, ...code, 0x0b]),
  ]);
/** The printed body lines of the only function. */
function bodyLines(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('  (func'));
  return lines.slice(start + 1, lines.indexOf('  )', start));
}

describe('disassemble: module structure', () => {
  const text = `(module $everything
    (type $pair (func (param i32 i64) (result i32)))
    (import "env" "f" (func $imp (type $pair)))
    (import "env" "t" (table $it 1 funcref))
    (import "env" "m" (memory $mem 1 4 shared))
    (import "env" "g" (global $ig (mut f32)))
    (import "env" "e" (tag $ie (param i64)))
    (import "env" "base" (global $base i32))
    (table $own 4 8 funcref)
    (tag $mine (param i32))
    (global $k i32 (i32.const -7))
    (global $sum i32 (i32.add (i32.const 1) (i32.const 2)))
    (global $big i64 (i64.const -9223372036854775808))
    (func $f (type $pair) (param $a i32) (param $b i64) (result i32)
      local.get $a local.get $b call $imp)
    (func $start global.get $ig drop)
    (start $start)
    (export "f" (func $f)) (export "own" (table $own)) (export "mem" (memory $mem)) (export "k" (global $k)) (export "mine" (tag $mine))
    (elem $act (table $own) (i32.const 1) func $f $start)
    (elem $pass func $f)
    (elem $exprs funcref (item ref.func $start) (item ref.null func))
    (elem $ext (table $own) (offset (global.get $base) (i32.const 10) (i32.add)) funcref (item ref.func $f))
    (data $act (i32.const 8) "hi\\00\\"\\\\")
    (data $p "passive"))`;

  it('prints every section with ids from the name section', () => {
    const out = disassemble(wasm(text));
    for (const line of [
      '(module $everything',
      '  (type $pair (;0;) (func (param i32 i64) (result i32)))',
      '  (import "env" "f" (func $imp (;0;) (type $pair) (param i32 i64) (result i32)))',
      '  (import "env" "t" (table $it 1 funcref))',
      '  (import "env" "m" (memory $mem 1 4 shared))',
      '  (import "env" "g" (global $ig (mut f32)))',
      '  (func $f (;1;) (type $pair) (param $a i32) (param $b i64) (result i32)',
      '    call $imp',
      '  (global $k i32 (i32.const -7))',
      '  (global $big i64 (i64.const -9223372036854775808))',
      '  (export "f" (func $f))',
      '  (export "k" (global $k))',
      '  (start $start)',
      '  (elem $act (table $own) (i32.const 1) func $f $start)',
      '  (elem $pass func $f)',
      '  (elem $exprs funcref (item ref.func $start) (item ref.null func))',
      '  (elem $ext (table $own) (offset global.get $base i32.const 10 i32.add) func $f)',
      '  (data $act (i32.const 8) "hi\\00\\22\\5c")',
      '  (data $p "passive")',
    ]) {
      assert.ok(out.split('\n').includes(line), `missing line: ${line}\n${out}`);
    }
    assert.match(out, /\(global \$sum i32 i32\.const 1 i32\.const 2 i32\.add\)|\(global \$sum i32 \(i32\.const 3\)\)/);
    assert.match(out, /\(import "env" "e" \(tag \$ie \(type \d+\) \(param i64\)\)\)/);
    assert.match(out, /\n {2}\(table \$own 4 8 funcref\)\n/);
    assert.match(out, /\n {2}\(tag \$mine \(type \d+\) \(param i32\)\)\n/);
    assert.ok(out.endsWith(')\n'));
  });

  it('round-trips through binaryen.parseText to the same module', () => {
    assertRoundTrip(wasm(text));
  });

  it('notes custom sections it cannot print', () => {
    const bytes = new Uint8Array([...HEADER, ...sec(0, [4, 0x64, 0x61, 0x74, 0x61, 1, 2, 3])]);
    assert.equal(disassemble(bytes), '(module\n  ;; custom section "data", 3 bytes\n)\n');
  });
});

describe('disassemble: names', () => {
  it('sanitises names into valid ids and keeps them unique', () => {
    assert.equal(sanitizeId('weird name'), 'weird_name');
    assert.equal(sanitizeId('a(b)"c";'), 'a_b__c__');
    assert.equal(sanitizeId('ünï'), '_n_');
    assert.equal(sanitizeId('ok.$name/1'), 'ok.$name/1');
    assert.equal(sanitizeId(''), undefined);
    const sig: Sig = { params: ['i32', 'i32'], results: [] };
    const fn = (name: string, params: string[]): FuncIR => testBuilder({ resolve: () => undefined }, name, sig, params).finish([]);
    const ctx: LowerContext = { slotOf: () => 0, globalAddress: () => 0, constantValue: () => 0, exnBuffer: 0, calls: 'shared-table', tailCalls: true, memory: { shared: false, maximum: undefined } };
    const enc = encodeModule({ name: 'my "stage"', funcs: [fn('weird name', ['x', 'x']), fn('weird_name', ['a b', '']), fn('(', [])], ctx });
    const out = disassemble(enc.bytes);
    assert.match(out, /^\(module \$my__stage_\n/);
    assert.match(out, /\(func \$weird_name \(;0;\) \(type 0\) \(param \$x i32\) \(param \$x_1 i32\)\n/);
    assert.match(out, /\(func \$weird_name_1 \(;1;\) \(type 0\) \(param \$a_b i32\) \(param i32\)\n/);
    assert.match(out, /\(func \$_ \(;2;\) \(type 0\) \(param i32\) \(param i32\)\n/);
    assert.match(out, /\(export "0" \(func \$weird_name\)\)\n {2}\(export "1" \(func \$weird_name_1\)\)/);
    const back = load(() => binaryen.parseText(out));
    try {
      assert.ok(back.validate());
      assert.deepEqual([0, 1, 2].map((i) => binaryen.getFunctionInfo(back.getFunctionByIndex(i)).name), ['weird_name', 'weird_name_1', '_']);
    } finally {
      back.dispose();
    }
  });

  it('prints indices where there is no name section', () => {
    const out = disassemble(withBody([0x20, 0x00, 0x1a]));
    assert.match(out, /^\(module\n {2}\(type \(;0;\) \(func \(param i32\)\)\)\n {2}\(func \(;0;\) \(type 0\) \(param i32\)\n {4}local\.get 0\n {4}drop\n {2}\)\n/);
  });
});

describe('disassemble: instructions', () => {
  it('indents nested blocks, loops, ifs and trys, closing each with end', () => {
    const code = [0x02, 0x40, 0x03, 0x40, 0x20, 0x00, 0x04, 0x40, 0x01, 0x05, 0x0c, 0x02, 0x0b, 0x0c, 0x00, 0x0b, 0x0b];
    code.push(0x06, 0x40, 0x06, 0x40, 0x01, 0x18, 0x00, 0x19, 0x01, 0x0b);
    assert.deepEqual(bodyLines(disassemble(withBody(code))), [
      '    block',
      '      loop',
      '        local.get 0',
      '        if',
      '          nop',
      '        else',
      '          br 2',
      '        end',
      '        br 0',
      '      end',
      '    end',
      '    try',
      '      try',
      '        nop',
      '      delegate 0',
      '    catch_all',
      '      nop',
      '    end',
    ]);
  });

  it('prints memargs, block results, br_table and bulk instructions as binaryen reads them', () => {
    const bytes = wasm(`(module (memory 1) (table 2 funcref) (data $d "x") (elem $e func)
      (func $f (param i32) (result i64)
        local.get 0 i64.load32_u offset=12 align=2 drop
        local.get 0 i64.load offset=4 align=1 drop
        i32.const 0 i32.const 0 i32.const 1 memory.init $d
        i32.const 0 i32.const 0 i32.const 1 memory.copy
        i32.const 0 i32.const 0 i32.const 0 table.init 0 $e
        data.drop $d elem.drop $e
        block (result i64)
          i64.const 1 local.get 0 br_table 0 0 0
        end))`);
    const out = disassemble(bytes);
    for (const l of ['i64.load32_u offset=12', 'i64.load offset=4 align=1', 'memory.init $d', 'memory.copy', 'table.init 0 $e', 'data.drop $d', 'elem.drop $e', 'block (result i64)', 'br_table 0 0 0']) {
      assert.ok(out.includes(l), `missing ${l}\n${out}`);
    }
    assertRoundTrip(bytes, out);
  });

  it('prints float constants exactly: NaN payloads, signed zeros, infinities, subnormals', () => {
    const f32s = [0x7fc00000, 0xffc00000, 0x7fa00001, 0x80000000, 0x7f800000, 0xff800000, 0x00000001, 0x7f7fffff, 0x3dcccccd];
    const f64s = [0x7ff8000000000000n, 0x7ff0000000000001n, 0x8000000000000000n, 0xfff0000000000000n, 0x0000000000000001n, 0x3fb999999999999an, 0x44b52d02c7e14af6n];
    const w = new ByteWriter();
    for (const b of f32s) w.u8(0x43).f32bits(b).u8(0x1a);
    for (const b of f64s) w.u8(0x44).f32bits(Number(b & 0xffffffffn)).f32bits(Number(b >> 32n)).u8(0x1a);
    const bytes = withBody([...w.finish()]);
    const out = disassemble(bytes);
    assert.deepEqual(bodyLines(out).filter((l) => l.includes('const')), [
      ...['nan', '-nan', 'nan:0x200001', '-0', 'inf', '-inf', '1.401298464324817e-45', '3.4028234663852886e+38', '0.10000000149011612'].map((v) => `    f32.const ${v}`),
      ...['nan', 'nan:0x1', '-0', '-inf', '5e-324', '0.1', '1e+23'].map((v) => `    f64.const ${v}`),
    ]);
    const back = load(() => binaryen.parseText(out));
    try {
      const m = parseModule(back.emitBinary());
      const consts = [...bodyInstructions(m, m.codes[0]!)].flatMap((i) => (i.immediates.kind === 'f32' || i.immediates.kind === 'f64' ? [i.immediates.bits] : []));
      assert.deepEqual(consts, [...f32s, ...f64s]);
    } finally {
      back.dispose();
    }
  });

  it('prints every numeric and memory instruction of the table so that binaryen reads it back', () => {
    const r = { resolve: () => undefined };
    const funcs: FuncIR[] = [];
    for (const [name, info] of NUMERIC) {
      const b = testBuilder(r, name, { params: info.params!, results: [info.result!] });
      funcs.push(b.finish(b.op(name, ...info.params!.map((_, i) => b.param(i)))));
    }
    for (const [name, info] of INSTR) {
      if (info.memType === undefined) continue;
      const isLoad = name.includes('.load');
      const b = testBuilder(r, name, { params: ['i32', info.memType], results: isLoad ? [info.memType] : [] });
      funcs.push(b.finish(isLoad ? b.load(name, b.param(0), 3) : b.store(name, b.param(0), b.param(1), 1 << 20)));
    }
    const ctx: LowerContext = { slotOf: () => 0, globalAddress: () => 0, constantValue: () => 0, exnBuffer: 0, calls: 'shared-table', tailCalls: true, memory: { shared: false, maximum: undefined } };
    const enc = encodeModule({ name: 'ops', funcs, ctx });
    const out = disassemble(enc.bytes);
    assert.ok(out.includes('    i64.trunc_sat_f64_u\n') && out.includes('    i64.store32 offset=1048576\n') && out.includes('    f32.demote_f64\n'));
    assertRoundTrip(enc.bytes, out);
  });
});

describe('disassemble: comment hook', () => {
  const bytes = wasm(`(module (type $t (func (param i32))) (table 8 funcref) (memory 1)
    (func $f (param i32)
      local.get 0 i32.const 7 call_indirect (type $t)
      i32.const 8 i32.load drop
      i32.const 16 i32.const 5 i32.store
      i32.const 24 local.get 0 i64.extend_i32_u i64.store
      i32.const 3 drop
      local.get 0 i32.const 6 return_call_indirect (type $t)))`);

  it('annotates slots before call_indirect and addresses of loads and stores', () => {
    const seen: string[] = [];
    const out = disassemble(bytes, {
      comment: (kind, value) => {
        seen.push(`${kind} ${value}`);
        return value === 16 ? undefined : `${kind} #${value}\nsecond line`;
      },
    });
    assert.deepEqual(seen, ['slot 7', 'address 8', 'address 16', 'slot 6']);
    assert.deepEqual(
      bodyLines(out).filter((l) => l.includes(';;')),
      ['    i32.const 7 ;; slot #7 second line', '    i32.const 8 ;; address #8 second line', '    i32.const 6 ;; slot #6 second line'],
    );
    assert.ok(bodyLines(out).includes('    i32.const 16'));
    assertRoundTrip(bytes, out);
  });

  it('prints no comments without a hook', () => {
    assert.ok(!disassemble(bytes).includes(';;'));
  });
});

describe('disassemble: modules from the baseline encoder', () => {
  const syms: Record<string, SymbolInfo> = {
    ext: { kind: 'func', name: 'ext', sig: { params: ['i32'], results: ['i32'] }, inline: false },
    main: { kind: 'func', name: 'main', sig: { params: ['i32'], results: ['i32'] }, inline: false },
    g: { kind: 'global', name: 'g', type: 'i64', mutable: true },
    K: { kind: 'constant', name: 'K', type: 'f64', value: 1.5 },
    Oops: { kind: 'tag', name: 'Oops', id: 77, params: ['i32', 'f64'] },
  };
  const resolver = { resolve: (n: string) => syms[n] };

  function mainFunc(): FuncIR {
    const b = testBuilder(resolver, 'main', { params: ['i32'], results: ['i32'] }, ['n']);
    const acc = b.local('i32', 'acc');
    return b.finish([
      b.setGlobal('g', b.i64.add(b.global('g'), b.i64(5))),
      b.block(
        b.loop('top', [b.set(acc, b.i32.add(b.get(acc), b.call('ext', b.param(0)))), b.brIf('top', b.i32.lt_s(b.get(acc), b.i32(100)))]),
        { label: 'out' },
      ),
      b.drop(b.f64.add(b.constant('K'), b.f64(-0))),
      b.i32.store(b.i32(16), b.get(acc), 4),
      b.drop(b.callSlot({ params: [], results: ['i32'] }, b.i32(3))),
      b.try(b.throw('Oops', b.i32(1), b.f64(2)), [{ tag: 'Oops', body: (p) => b.drop(p[0]!) }], b.nop(), 'none'),
      b.if(b.i32.eqz(b.get(acc)), b.returnCall('ext', b.i32(3))),
      b.block(b.brTable(['x', 'x'], 'x', b.get(acc)), { label: 'x' }),
      b.memory.fill(b.i32(0), b.i32(0), b.memory.size()),
      b.i32.add(b.call('main', b.i32(1)), b.i32.load(b.i32(8))),
    ]);
  }

  const configs: Array<[CallLinking, boolean, boolean]> = [
    ['shared-table', false, true],
    ['shared-table', true, false],
    ['link-table', false, false],
    ['link-table', true, true],
  ];
  for (const [calls, shared, tailCalls] of configs) {
    it(`round-trips a ${calls} module (${shared ? 'shared' : 'unshared'} memory, tail calls ${tailCalls ? 'on' : 'off'})`, () => {
      const ctx: LowerContext = { slotOf: () => 9, globalAddress: () => 256, constantValue: (n) => (syms[n] as { value: number }).value, exnBuffer: 1024, calls, tailCalls, memory: { shared, maximum: shared ? 100 : undefined }, dispatcher: () => -1 };
      const enc = encodeModule({ name: 'stage1', funcs: [mainFunc()], ctx });
      const out = disassemble(enc.bytes, { comment: (k, v) => (k === 'slot' ? `slot ${v}` : undefined) });
      // Link-table modules import no table: the dynamic call goes through the dispatcher in entry 1.
      assert.match(out, calls === 'link-table' ? /\(table 2 funcref\)\n {2}\(export "0" \(func \$main\)\)\n {2}\(export "accrete:link" \(table 0\)\)/ : /\(import "accrete" "table" \(table 0 funcref\)\)/);
      assert.equal(out.includes('(import "accrete" "table"'), calls !== 'link-table');
      if (calls === 'link-table') assert.deepEqual(enc.imports.link, [9, -1]);
      assert.ok(out.includes(shared ? '(import "accrete" "memory" (memory 0 100 shared))' : '(import "accrete" "memory" (memory 0))'));
      assert.ok(out.includes(`i32.const ${calls === 'link-table' ? 0 : 9} ;; slot ${calls === 'link-table' ? 0 : 9}\n`));
      assert.ok(out.includes(tailCalls ? 'return_call_indirect' : '      call_indirect'));
      // The catch_all body is written once, after the try: a foreign exception and an uncaught tag branch to it.
      assert.ok(/\n {4}block\n {6}block\n {8}try\n[^]*\n {8}catch 0\n[^]*\n {12}br 2\n {10}end\n {8}catch_all\n {10}br 1\n {8}end\n {8}br 1\n {6}end\n {4}end\n/.test(out), out);
      assertRoundTrip(enc.bytes, out);
    });
  }
});
