// Linking foreign modules by binary rewriting: rewritten modules are instantiated against a real
// memory and shared table and a fake LinkEnv, so each lowering is checked by what the code does.

import assert from 'node:assert/strict';
import { AccreteError } from '../runtime/errors.js';
import type { SymbolInfo } from '../codegen/ir/symbols.js';
import type { CallLinking } from '../codegen/lower/encode.js';
import { describeModule, rewriteModule, type LinkEnv, type RewrittenModule } from '../codegen/link/rewrite.js';
import { bodyInstructions, parseModule } from '../codegen/wasm/decoder.js';
import { watToBinary } from './helpers.js';

const wasm = (text: string, validate = true): Uint8Array => watToBinary(text, { validate });

const SYMBOLS: Record<string, SymbolInfo> = {
  add: { kind: 'func', name: 'add', sig: { params: ['i32', 'i32'], results: ['i32'] }, inline: false },
  neg: { kind: 'func', name: 'neg', sig: { params: ['i32'], results: ['i32'] }, inline: false },
  tick: { kind: 'func', name: 'tick', sig: { params: [], results: [] }, inline: false },
  negAlias: { kind: 'func', name: 'negAlias', sig: { params: ['i32'], results: ['i32'] }, inline: false },
  counter: { kind: 'global', name: 'counter', type: 'i32', mutable: true },
  ro: { kind: 'global', name: 'ro', type: 'f64', mutable: false },
  K: { kind: 'constant', name: 'K', type: 'i32', value: 42 },
  big: { kind: 'constant', name: 'big', type: 'i64', value: -(2n ** 40n) },
  ratio: { kind: 'constant', name: 'ratio', type: 'f64', value: 0.25 },
  Point: { kind: 'rtt', name: 'Point', id: 1000, depth: 0, size: 12, fields: [] },
  Boom: { kind: 'tag', name: 'Boom', id: 2000, params: [] },
};
const SLOTS: Record<string, number> = { add: 5, neg: 6, tick: 7, negAlias: 6 };
const CELLS: Record<string, number> = { counter: 64, ro: 72 };

function makeEnv(opts: { calls?: CallLinking; tailCalls?: boolean; shared?: boolean } = {}): LinkEnv & { exported: string[] } {
  const exported: string[] = [];
  return {
    exported,
    resolve: (n) => SYMBOLS[n],
    slotOf: (n) => SLOTS[n]!,
    globalAddress: (n) => CELLS[n]!,
    exportedGlobalAddress: (n) => 128 + 8 * (exported.push(n) - 1),
    calls: opts.calls ?? 'shared-table',
    tailCalls: opts.tailCalls ?? true,
    memory: { shared: opts.shared ?? false, maximum: opts.shared ? 10 : undefined },
  };
}

const helpers = new WebAssembly.Instance(
  new WebAssembly.Module(
    wasm(`(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
      (func (export "neg") (param i32) (result i32) i32.const 0 local.get 0 i32.sub))`) as BufferSource,
  ),
).exports as Record<string, WebAssembly.ExportValue>;

interface Linked {
  exports: Record<string, (...a: unknown[]) => unknown>;
  view: DataView;
  table: WebAssembly.Table;
}

/** Instantiate with exactly the imports the result says it needs. */
function instantiate(r: RewrittenModule, shared = false): Linked {
  const memory = new WebAssembly.Memory(shared ? { initial: 1, maximum: 10, shared: true } : { initial: 1 });
  const table = new WebAssembly.Table({ initial: 64, element: 'anyfunc' });
  table.set(SLOTS['add']!, helpers['add']);
  table.set(SLOTS['neg']!, helpers['neg']);
  const accrete: Record<string, WebAssembly.ImportValue> = {};
  if (r.imports.memory) accrete['memory'] = memory;
  if (r.imports.table) accrete['table'] = table;
  const inst = new WebAssembly.Instance(new WebAssembly.Module(r.bytes as BufferSource), { accrete });
  if (r.imports.link.length) {
    const link = inst.exports['accrete:link'] as WebAssembly.Table;
    assert.equal(link.length, r.imports.link.length);
    r.imports.link.forEach((slot, k) => link.set(k, table.get(slot)));
  }
  // The start function is the runtime's to call, once the link table is filled.
  (inst.exports['accrete:start'] as (() => void) | undefined)?.();
  return { exports: inst.exports as Linked['exports'], view: new DataView(memory.buffer), table };
}

function link(text: string, env: LinkEnv = makeEnv()): RewrittenModule {
  return rewriteModule(parseModule(wasm(text)), env);
}

function linkError(f: () => unknown, re: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof AccreteError && e.code === 'LinkError' && re.test(e.message), `expected a LinkError matching ${re}`);
}

const instrNames = (bytes: Uint8Array) => {
  const m = parseModule(bytes);
  return m.codes.flatMap((c) => [...bodyInstructions(m, c)].map((i) => i.info.name));
};

const FOREIGN = `(module $foreign
  (import "accrete" "add" (func $add (param i32 i32) (result i32)))
  (import "accrete" "counter" (global $counter (mut i32)))
  (import "accrete" "K" (global $K i32))
  (import "accrete" "memory" (memory 1))
  (func $run (param $x i32) (result i32)
    global.get $counter i32.const 1 i32.add global.set $counter
    local.get $x global.get $K call $add)
  (func $tail (param $x i32) (result i32) local.get $x i32.const 100 return_call $add)
  (export "run" (func $run)) (export "tail" (func $tail)))`;

describe('rewriteModule: end to end', () => {
  it('calls runtime functions through their shared-table slots, uses global cells and folds constants', () => {
    const r = link(FOREIGN);
    assert.deepEqual(r.imports, { memory: true, table: true, link: [], exn: false });
    assert.deepEqual(r.uses, { slotCalls: new Set(['add']), globals: new Set(['counter']), constants: new Set(['K']), directCalls: new Set() });
    const { exports, view } = instantiate(r);
    view.setInt32(64, 10, true);
    assert.equal(exports['run']!(1), 43);
    assert.equal(view.getInt32(64, true), 11);
    assert.equal(exports['tail']!(1), 101);
    const imports = parseModule(r.bytes).imports.map((i) => `${i.module}.${i.name}`);
    assert.deepEqual(imports, ['accrete.table', 'accrete.memory']);
    assert.ok(!instrNames(r.bytes).includes('global.get') && !instrNames(r.bytes).includes('call'));
  });

  it('calls through a private link table holding each called slot once', () => {
    const r = link(
      `(module (import "accrete" "neg" (func $n1 (param i32) (result i32))) (import "accrete" "add" (func $a (param i32 i32) (result i32)))
        (import "accrete" "negAlias" (func $n2 (param i32) (result i32)))
        (func (export "f") (param i32) (result i32) local.get 0 call $n1 call $n2 local.get 0 call $a call $n1))`,
      makeEnv({ calls: 'link-table' }),
    );
    assert.deepEqual(r.imports, { memory: false, table: false, link: [6, 5], exn: false });
    const m = parseModule(r.bytes);
    assert.deepEqual(m.imports, []);
    assert.deepEqual(m.tables, [{ elem: 'funcref', limits: { min: 2, max: undefined, shared: false } }]);
    assert.deepEqual(m.exports.filter((e) => e.kind === 'table'), [{ name: 'accrete:link', kind: 'table', index: 0 }]);
    assert.equal(instantiate(r).exports['f']!(7), -14);
  });

  it('numbers its own link table after the imported accrete.table', () => {
    const r = link(
      `(module (import "accrete" "table" (table 1 funcref)) (import "accrete" "neg" (func $n (param i32) (result i32)))
        (type $un (func (param i32) (result i32)))
        (func (export "f") (param i32 i32) (result i32) local.get 0 call $n local.get 1 call_indirect 0 (type $un)))`,
      makeEnv({ calls: 'link-table' }),
    );
    assert.deepEqual(r.imports, { memory: false, table: true, link: [6], exn: false });
    const m = parseModule(r.bytes);
    assert.deepEqual(m.imports.map((i) => i.name), ['table']);
    assert.deepEqual(m.exports.filter((e) => e.kind === 'table'), [{ name: 'accrete:link', kind: 'table', index: 1 }]);
    assert.equal(instantiate(r).exports['f']!(3, SLOTS['neg']!), 3, 'neg(3) through the link table, then neg(-3) through slot 6 of the shared table');
  });

  it('lowers tail calls to call and return where the engine has none', () => {
    const text = FOREIGN.replace('(export "run"', '(func $self (param i32) (result i32) local.get 0 i32.eqz if (result i32) i32.const 9 else i32.const 0 return_call $self end) (export "self" (func $self)) (export "run"');
    const r = link(text, makeEnv({ tailCalls: false }));
    const names = instrNames(r.bytes);
    assert.ok(!names.includes('return_call') && !names.includes('return_call_indirect'));
    assert.ok(names.includes('call_indirect') && names.includes('return'));
    const { exports } = instantiate(r);
    assert.equal(exports['tail']!(2), 102);
    assert.equal(exports['self']!(3), 9);
    assert.ok(instrNames(link(text).bytes).includes('return_call'));
  });

  it('copies the instructions it does not rewrite byte for byte', () => {
    const text = `(module (import "accrete" "add" (func $add (param i32 i32) (result i32)))
      (func $pure (param f64) (result f64) local.get 0 f64.const nan:0x1234 f64.add f64.sqrt)
      (func $user (result i32) i32.const 1 i32.const 2 call $add)
      (export "pure" (func $pure)) (export "user" (func $user)))`;
    const before = parseModule(wasm(text));
    const after = parseModule(rewriteModule(before, makeEnv()).bytes);
    const raw = (m: typeof before, i: number) => [...m.bytes.subarray(m.codes[i]!.start, m.codes[i]!.end)];
    assert.deepEqual(raw(after, 0), raw(before, 0));
    assert.notDeepEqual(raw(after, 1), raw(before, 1));
  });
});

describe('rewriteModule: imports', () => {
  it('folds immutable imports: constants, RTT and tag ids, in code and constant expressions', () => {
    const r = link(`(module (import "accrete" "K" (global $K i32)) (import "accrete" "big" (global $big i64))
      (import "accrete" "ratio" (global $ratio f64)) (import "accrete" "Point" (global $P i32)) (import "accrete" "Boom" (global $B i32))
      (import "accrete" "memory" (memory 1)) (table $own 64 funcref)
      (global $derived i32 (i32.add (global.get $K) (i32.const 1)))
      (func $k (result i32) global.get $derived)
      (func (export "big") (result i64) global.get $big)
      (func (export "ratio") (result f64) global.get $ratio)
      (func (export "ids") (result i32) global.get $P global.get $B i32.add)
      (func (export "byte") (result i32) global.get $K i32.load8_u)
      (func (export "slot") (result i32) global.get $K call_indirect (result i32))
      (export "k" (func $k))
      (elem (table $own) (offset (global.get $K)) func $k)
      (data (offset (global.get $K)) "\\07"))`);
    assert.deepEqual(r.uses.constants, new Set(['K', 'big', 'ratio', 'Point', 'Boom']));
    assert.deepEqual(parseModule(r.bytes).globals[0]!.init.ops, [{ op: 'i32.const', value: 43 }], 'the initialiser is folded to one constant');
    const { exports } = instantiate(r);
    assert.equal(exports['k']!(), 43);
    assert.equal(exports['big']!(), -(2n ** 40n));
    assert.equal(exports['ratio']!(), 0.25);
    assert.equal(exports['ids']!(), 3000);
    assert.equal(exports['byte']!(), 7, 'the data segment landed at K');
    assert.equal(exports['slot']!(), 43, 'the element segment landed at K in the module\'s own table');
  });

  it('reads an immutable import of a runtime global from its cell', () => {
    const r = link(`(module (import "accrete" "ro" (global $ro f64)) (func (export "get") (result f64) global.get $ro))`);
    assert.deepEqual(r.uses.globals, new Set(['ro']));
    assert.equal(r.imports.memory, true);
    const { exports, view } = instantiate(r);
    view.setFloat64(72, 6.5, true);
    assert.equal(exports['get']!(), 6.5);
  });

  it('writes mutable globals of every type through scratch locals', () => {
    const r = link(`(module (import "accrete" "counter" (global $c (mut i32)))
      (func (export "swap") (param i32) (result i32) (local $old i32)
        global.get $c local.set $old local.get 0 global.set $c local.get $old))`);
    const { exports, view } = instantiate(r);
    view.setInt32(64, 5, true);
    assert.equal(exports['swap']!(8), 5);
    assert.equal(view.getInt32(64, true), 8);
    const m = parseModule(r.bytes);
    assert.deepEqual(m.codes[0]!.locals.map((d) => [d.count, d.type]), [[1, 'i32'], [1, 'i32']], 'one scratch local after the declared one');
  });

  it('names the import in every error', () => {
    const cases: Array<[string, RegExp]> = [
      ['(import "env" "f" (func))', /^LinkError: import env\.f: only imports from "accrete" \(runtime symbols\) can be linked$/],
      ['(import "accrete" "nope" (func))', /import accrete\.nope: no runtime symbol named 'nope'/],
      ['(import "accrete" "add" (func (param i32) (result i32)))', /import accrete\.add: signature mismatch: the module expects \(i32\) -> i32 but the runtime function has \(i32, i32\) -> i32/],
      ['(import "accrete" "counter" (func))', /import accrete\.counter: 'counter' is a global, not a function/],
      ['(import "accrete" "add" (global i32))', /import accrete\.add: 'add' is a func, not a global or constant/],
      ['(import "accrete" "K" (global (mut i32)))', /import accrete\.K: a mutable global import needs a runtime global, but 'K' is a constant/],
      ['(import "accrete" "ro" (global (mut f64)))', /import accrete\.ro: 'ro' is an immutable runtime global; import it without mut/],
      ['(import "accrete" "counter" (global (mut i64)))', /import accrete\.counter: type mismatch: the module expects i64 but 'counter' is i32/],
      ['(import "accrete" "K" (global f32))', /import accrete\.K: type mismatch: the module expects f32 but 'K' is i32/],
      ['(import "accrete" "Point" (global i64))', /import accrete\.Point: type mismatch: the module expects i64 but 'Point' is i32/],
      ['(import "accrete" "exn" (tag (param i32)))', /import accrete\.exn: tags cannot be imported/],
      ['(import "accrete" "link" (table 1 funcref))', /import accrete\.link: the only table a module may import is accrete\.table/],
      ['(import "accrete" "table" (table 1 externref))', /import accrete\.table: accrete\.table is a funcref table, not externref/],
      ['(import "accrete" "heap" (memory 1))', /import accrete\.heap: the runtime has one memory, accrete\.memory/],
      ['(import "accrete" "memory" (memory 1 2 shared))', /import accrete\.memory: the module wants a shared memory but the runtime memory is not shared/],
    ];
    for (const [imp, re] of cases) linkError(() => link(`(module ${imp})`), re);
  });

  it('rejects export names the runtime keeps for its own tables', () => {
    for (const calls of ['shared-table', 'link-table'] as const) {
      for (const name of ['accrete:link', 'accrete:funcs', 'accrete:']) {
        linkError(() => link(`(module (func (export "${name}") (result i32) i32.const 1))`, makeEnv({ calls })), new RegExp(`export '${name}': names starting with 'accrete:' are reserved`));
      }
    }
    assert.equal(link(`(module (func (export "accrete") (result i32) i32.const 1))`).exports[0]!.name, 'accrete');
  });

  it('rejects what cannot be lowered: ref.func of an import, writes to immutable imports, cells in initialisers', () => {
    linkError(
      () => link(`(module (import "accrete" "neg" (func $n (param i32) (result i32))) (func $f (result funcref) ref.func $n) (elem declare func $n))`),
      /function 'f': ref\.func of the import accrete\.neg is not supported/,
    );
    linkError(
      () => rewriteModule(parseModule(wasm(`(module (import "accrete" "ro" (global $ro f64)) (func $w f64.const 1 global.set $ro))`, false)), makeEnv()),
      /function 'w': global\.set of immutable global 0/,
    );
    linkError(
      () => link(`(module (import "accrete" "ro" (global $ro f64)) (global $copy f64 (global.get $ro)) (func (export "f") (result f64) global.get $copy))`),
      /constant expression at byte offset \d+ reads 'ro', which lives in memory; not supported/,
    );
    linkError(() => link(`(module (import "accrete" "neg" (func $n (param i32) (result i32))) (export "n" (func $n)))`), /export 'n' re-exports the import accrete\.neg; not supported/);
    linkError(() => link(`(module (import "accrete" "K" (global $k i32)) (export "k" (global $k)))`), /export 'k' re-exports an imported global; not supported/);
    linkError(() => link(`(module (import "accrete" "tick" (func $t)) (start $t))`), /the start function refers to the import accrete\.tick; not supported/);
    linkError(
      () => link(`(module (import "accrete" "neg" (func $n (param i32) (result i32))) (table 1 funcref) (elem (i32.const 0) func $n))`),
      /an element segment refers to the import accrete\.neg; not supported/,
    );
  });

  it('rejects a module with its own memory when its globals need the runtime memory', () => {
    linkError(
      () => link(`(module (import "accrete" "counter" (global $c (mut i32))) (memory 1) (func (export "f") (result i32) global.get $c))`),
      /the module defines its own memory, but its globals must live in the runtime memory; import accrete\.memory instead/,
    );
    const twoMemories = wasm(`(module (import "accrete" "memory" (memory 1)) (memory $own 1))`, false);
    linkError(() => rewriteModule(parseModule(twoMemories), makeEnv()), /imports accrete\.memory and defines a memory of its own/);
    const r = link(`(module (memory 1) (data (i32.const 0) "\\05") (func (export "f") (result i32) i32.const 0 i32.load8_u))`);
    assert.equal(r.imports.memory, false);
    assert.equal(instantiate(r).exports['f']!(), 5, 'a private memory is kept when nothing needs the runtime one');
  });
});

describe('rewriteModule: index shifting', () => {
  const TEXT = `(module $shift
    (import "accrete" "neg" (func $neg (param i32) (result i32)))
    (import "accrete" "add" (func $add (param i32 i32) (result i32)))
    (import "accrete" "memory" (memory 1))
    (type $un (func (param i32) (result i32)))
    (table $own 4 funcref)
    (global $hits (mut i32) (i32.const 0))
    (func $double (param $v i32) (result i32) global.get $hits i32.const 1 i32.add global.set $hits local.get $v local.get $v call $add)
    (func $triple (param i32) (result i32) local.get 0 call $double local.get 0 call $add)
    (func $init i32.const 0 i32.const 77 i32.store)
    (func (export "viaOwn") (param i32 i32) (result i32) local.get 0 local.get 1 call_indirect $own (type $un))
    (func (export "viaRef") (param i32) (result i32) i32.const 3 ref.func $triple table.set $own local.get 0 i32.const 3 call_indirect $own (type $un))
    (func (export "initAgain") (param i32) i32.const 2 i32.const 0 i32.const 1 table.init $own $later local.get 0 drop)
    (func (export "size") (result i32) ref.null func i32.const 1 table.grow $own drop table.size $own)
    (func (export "hits") (result i32) global.get $hits)
    (func (export "neg") (param i32) (result i32) local.get 0 call $neg)
    (start $init)
    (export "triple" (func $triple))
    (elem (table $own) (i32.const 0) func $double $triple)
    (elem $later func $double))`;

  for (const calls of ['shared-table', 'link-table'] as const) {
    it(`renumbers functions, tables and globals consistently (${calls})`, () => {
      const r = link(TEXT, makeEnv({ calls }));
      const m = parseModule(r.bytes);
      assert.deepEqual(m.imports.map((i) => i.name), calls === 'shared-table' ? ['table', 'memory'] : ['memory']);
      assert.equal(m.start, undefined, 'the runtime calls the start function');
      assert.ok(m.exports.some((e) => e.name === 'accrete:start'));
      assert.equal(m.elems[0]!.table, 1, 'the own table follows the imported one');
      const { exports, view } = instantiate(r);
      assert.equal(view.getInt32(0, true), 77, 'the start function ran');
      assert.equal(exports['triple']!(5), 15);
      assert.equal(exports['viaOwn']!(4, 0), 8);
      assert.equal(exports['viaOwn']!(4, 1), 12);
      assert.equal(exports['viaRef']!(2), 6);
      exports['initAgain']!(0);
      assert.equal(exports['viaOwn']!(9, 2), 18);
      assert.equal(exports['size']!(), 5);
      assert.equal(exports['neg']!(4), -4);
      assert.ok((exports['hits']!() as number) >= 4);
    });
  }

  it('keeps function, local and global names at their new indices and drops names of removed imports', () => {
    const m = parseModule(link(TEXT).bytes);
    assert.equal(m.names.module, 'shift');
    assert.equal(m.names.funcs.get(0), 'double');
    assert.equal(m.names.funcs.get(1), 'triple');
    assert.equal(m.names.funcs.get(2), 'init');
    assert.ok(![...m.names.funcs.values()].includes('neg') && ![...m.names.funcs.values()].includes('add'));
    assert.deepEqual([...m.names.locals.get(0)!], [[0, 'v']]);
    assert.deepEqual([...m.names.globals], [[0, 'hits']]);
    assert.equal(m.names.elems.get(1), 'later');
  });
});

describe('rewriteModule: exports', () => {
  const TEXT = `(module (import "accrete" "memory" (memory 1)) (import "accrete" "K" (global $K i32))
    (global $count (mut i64) (i64.const 7))
    (global $flag (mut f32) (f32.const 1.5))
    (global $answer i32 (i32.add (global.get $K) (i32.const 1)))
    (global $wide i64 (i64.const -3))
    (global $half f32 (f32.const 0.5))
    (table $t 1 funcref) (tag $e)
    (func $bump (result i64) global.get $count i64.const 1 i64.add global.set $count global.get $count)
    (func $answer (result i32) global.get $answer)
    (func $flag (result f32) global.get $flag)
    (export "bump" (func $bump)) (export "count" (global $count)) (export "flag" (global $flag))
    (export "answer" (global $answer)) (export "wide" (global $wide)) (export "half" (global $half))
    (export "getAnswer" (func $answer)) (export "getFlag" (func $flag))
    (export "mem" (memory 0)) (export "t" (table $t)) (export "e" (tag $e)))`;

  it('turns exported globals into runtime globals (cells) and constants, in export order', () => {
    const env = makeEnv();
    const r = link(TEXT, env);
    assert.deepEqual(r.exports, [
      { kind: 'func', name: 'bump', sig: { params: [], results: ['i64'] }, exportName: 'bump' },
      { kind: 'global', name: 'count', type: 'i64', init: 7n },
      { kind: 'global', name: 'flag', type: 'f32', init: 1.5 },
      { kind: 'constant', name: 'answer', type: 'i32', value: 43 },
      { kind: 'constant', name: 'wide', type: 'i64', value: -3n },
      { kind: 'constant', name: 'half', type: 'f32', value: 0.5 },
      { kind: 'func', name: 'getAnswer', sig: { params: [], results: ['i32'] }, exportName: 'getAnswer' },
      { kind: 'func', name: 'getFlag', sig: { params: [], results: ['f32'] }, exportName: 'getFlag' },
    ]);
    assert.deepEqual(env.exported, ['count', 'flag']);
    const m = parseModule(r.bytes);
    // Its tag is its state (kept when it is linked again), not a symbol.
    assert.deepEqual(m.exports.map((e) => [e.name, e.kind]), [['bump', 'func'], ['getAnswer', 'func'], ['getFlag', 'func'], ['accrete:state:tag:0', 'tag']]);
    assert.deepEqual(m.globals.map((g) => g.type.type), ['i32', 'i64', 'f32'], 'immutable globals stay; mutable exported ones moved to cells');
    const { exports, view } = instantiate(r);
    view.setBigInt64(128, 7n, true); // the runtime writes `init` into the cell
    view.setFloat32(136, 2.25, true);
    assert.equal(exports['bump']!(), 8n);
    assert.equal(view.getBigInt64(128, true), 8n);
    assert.equal(exports['getFlag']!(), 2.25);
    assert.equal(exports['getAnswer']!(), 43);
  });

  it('rejects exports that cannot become runtime definitions', () => {
    linkError(() => link(`(module (func (export "two") (result i32 i32) i32.const 1 i32.const 2))`), /export 'two': signature \(\) -> i32, i32 cannot be a runtime function/);
    linkError(() => link(`(module (func (export "ext") (param externref)))`), /export 'ext': signature \(externref\) -> \(\) cannot be a runtime function/);
    linkError(() => link(`(module (global $r (mut funcref) (ref.null func)) (export "r" (global $r)))`), /export 'r': a funcref global cannot become a runtime global/);
    linkError(() => link(`(module (global $g (mut i32) (i32.const 0)) (export "a" (global $g)) (export "b" (global $g)))`), /export 'b': global 0 is already exported as 'a'/);
  });
});

describe('rewriteModule: the memory import', () => {
  it('imports the shared runtime memory with its maximum', () => {
    const r = link(FOREIGN.replace('(memory 1)', '(memory 1 4 shared)'), makeEnv({ shared: true }));
    const mem = parseModule(r.bytes).imports.find((i) => i.name === 'memory')!;
    assert.deepEqual(mem.desc, { kind: 'memory', limits: { min: 0, max: 10, shared: true } });
    const { exports, view } = instantiate(r, true);
    assert.equal(exports['run']!(2), 44);
    assert.equal(view.getInt32(64, true), 1);
  });

  it('imports an unshared memory with minimum 0 and no maximum, and only when needed', () => {
    const mem = parseModule(link(FOREIGN).bytes).imports.find((i) => i.name === 'memory')!;
    assert.deepEqual(mem.desc, { kind: 'memory', limits: { min: 0, max: undefined, shared: false } });
    const r = link(`(module (import "accrete" "K" (global $K i32)) (func (export "k") (result i32) global.get $K))`);
    assert.deepEqual(r.imports, { memory: false, table: false, link: [], exn: false });
    assert.equal(parseModule(r.bytes).imports.length, 0);
    assert.equal(instantiate(r).exports['k']!(), 42);
  });
});

describe('describeModule', () => {
  it('lists imports and exports with their types', () => {
    const d = describeModule(
      parseModule(
        wasm(`(module (import "accrete" "add" (func (param i32 i32) (result i32))) (import "x" "g" (global (mut i64)))
          (import "accrete" "memory" (memory 1)) (import "y" "r" (func (param externref)))
          (global $c f32 (f32.const 1)) (func $f) (export "f" (func $f)) (export "c" (global $c)) (export "m" (memory 0)))`),
      ),
    );
    const byName = (n: string) => d.imports.find((i) => i.name === n);
    assert.deepEqual(byName('add'), { module: 'accrete', name: 'add', kind: 'func', sig: { params: ['i32', 'i32'], results: ['i32'] } });
    assert.deepEqual(byName('g'), { module: 'x', name: 'g', kind: 'global', type: 'i64', mutable: true });
    assert.deepEqual(byName('memory'), { module: 'accrete', name: 'memory', kind: 'memory' });
    assert.deepEqual(byName('r'), { module: 'y', name: 'r', kind: 'func' });
    assert.deepEqual(d.exports, [
      { name: 'f', kind: 'func' },
      { name: 'c', kind: 'global', mutable: false, type: 'f32' },
      { name: 'm', kind: 'memory' },
    ]);
  });
});
