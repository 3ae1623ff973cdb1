// Calls and globals across stages, under both linking strategies, sync and async commit.

import assert from 'node:assert/strict';
import { LINKINGS, newRuntime } from './helpers.js';

for (const linking of LINKINGS) {
  describe(`cross-stage calls and globals (${linking})`, () => {
    it('calls a function of an earlier stage through its slot', async () => {
      const rt = await newRuntime({ linking });
      await rt.stage('lib').func('sq', 'i32 -> i32', (b) => b.i32.mul(b.param(0), b.param(0))).commit();
      await rt.stage('app').func('sumsq', 'i32 i32 -> i32', (b) => b.i32.add(b.call('sq', b.param(0)), b.call('sq', b.param(1)))).commit();
      assert.equal(rt.fn('sumsq')(3, 4), 25);
    });

    it('chains calls over many stages', async () => {
      const rt = await newRuntime({ linking });
      rt.stage().func('f0', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).commitSync();
      for (let i = 1; i < 30; i++) {
        rt.stage().func(`f${i}`, 'i32 -> i32', (b) => b.i32.add(b.call(`f${i - 1}`, b.param(0)), b.i32(1))).commitSync();
      }
      assert.equal(rt.fn('f29')(0), 30);
    });

    it('shares globals between stages as memory cells', async () => {
      const rt = await newRuntime({ linking });
      rt.stage().global('count', 'i64', 0n).commitSync();
      rt.stage().func('bump', 'i64 ->', (b) => b.setGlobal('count', b.i64.add(b.global('count'), b.param(0)))).commitSync();
      rt.stage().func('read', '-> i64', (b) => b.global('count')).commitSync();
      rt.fn('bump')(5n);
      rt.fn('bump')(7n);
      assert.equal(rt.fn('read')(), 12n);
      assert.equal(rt.getGlobal('count'), 12n);
    });

    it('does tail calls across stages without growing the stack', async () => {
      const rt = await newRuntime({ linking });
      // Mutual recursion across two stages, a million hops deep.
      rt.stage('even').func('isEven', 'i32 -> i32', (b) => b.if(b.i32.eqz(b.param(0)), b.i32(1), b.returnCall('isOdd', b.i32.sub(b.param(0), b.i32(1))))).func(
        'isOdd',
        'i32 -> i32',
        (b) => b.if(b.i32.eqz(b.param(0)), b.i32(0), b.returnCall('isEven', b.i32.sub(b.param(0), b.i32(1)))),
      ).commitSync();
      rt.stage('odd2').func('isEven2', 'i32 -> i32', (b) => b.if(b.i32.eqz(b.param(0)), b.i32(1), b.returnCall('isOdd', b.i32.sub(b.param(0), b.i32(1))))).commitSync();
      assert.equal(rt.fn('isEven2')(1_000_001), 0);
      assert.equal(rt.fn('isEven2')(1_000_000), 1);
    });

    it('calls host functions from any stage without importing them', async () => {
      const seen: number[] = [];
      const rt = await newRuntime({ linking, host: { note: { sig: 'i32 ->', fn: (x: number) => void seen.push(x) } } });
      rt.stage().func('a', '->', (b) => b.call('note', b.i32(1))).commitSync();
      rt.stage().host('twice', 'i32 -> i32', (x: number) => 2 * x).commitSync();
      rt.stage().func('c', 'i32 -> i32', (b) => [b.call('a'), b.call('note', b.call('twice', b.param(0))), b.i32(0)]).commitSync();
      rt.fn('c')(21);
      assert.deepEqual(seen, [1, 42]);
      const c = rt.internals.stages.get(rt.lookup('c')!.stage)!;
      const imports = WebAssembly.Module.imports(c.code!.module);
      assert.ok(imports.every((i) => i.module === 'accrete'), `stage imports ${JSON.stringify(imports)}`);
    });

    it('keeps code that is still running in step when a host call it made rebuilds its stage and redefines what it calls next', async () => {
      const rt = await newRuntime({ linking, compactAfter: 0 });
      let first = true;
      rt.stage('A').func('i', '-> i32', (b) => b.i32(1), { inline: true }).func('g', '-> i32', (b) => b.i32(10)).commitSync();
      rt.stage('H')
        .host('h', '->', () => {
          if (!first) return;
          first = false;
          rt.stage('R1').func('i', '-> i32', (b) => b.i32(2), { inline: true, redefine: true }).commitSync(); // rebuilds S below us
          rt.stage('R2').func('g', '-> i32', (b) => b.i32(20), { redefine: true }).commitSync();
        })
        .commitSync();
      rt.stage('S').func('f', '-> i32', (b) => [b.call('h'), b.i32.add(b.call('i'), b.call('g'))]).commitSync();
      // The running (old) f inlined i = 1 and must reach the new g = 20; a new call runs the rebuilt f.
      assert.equal(rt.fn('f')(), 21);
      assert.equal(rt.fn('f')(), 22);
    });

    it('calls through a computed slot (dynamic dispatch)', async () => {
      const rt = await newRuntime({ linking });
      rt.stage().func('inc', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).func('dbl', 'i32 -> i32', (b) => b.i32.mul(b.param(0), b.i32(2))).commitSync();
      const sig = { params: ['i32'], results: ['i32'] } as const;
      rt.stage().func('apply', 'i32 i32 -> i32', (b) => b.callSlot(sig, b.param(0), b.param(1))).func('slotOfDbl', '-> i32', (b) => b.slotOf('dbl')).commitSync();
      const inc = rt.lookup('inc')!;
      assert.ok(inc.kind === 'func');
      assert.equal(rt.fn('apply')(inc.slot, 10), 11);
      assert.equal(rt.fn('apply')(rt.fn('slotOfDbl')() as number, 10), 20);
    });

    it('imports only what the engine needs', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('pure').func('k', '-> i32', (b) => b.i32(7)).commitSync();
      const pure = rt.internals.stages.get('pure')!.code!.module;
      // Importing the shared table costs O(table size) per instance on V8 11: only callers do.
      // (A stage of installMin fresh functions or more installs them itself: the next test.)
      assert.deepEqual(WebAssembly.Module.imports(pure), []);
      assert.deepEqual(WebAssembly.Module.exports(pure).map((e) => e.name), ['0']);
      // A redefinition's slot is reachable already: the runtime writes it, from an export.
      rt.stage('again').func('k', '-> i32', (b) => b.i32(8), { redefine: true }).commitSync();
      const again = rt.internals.stages.get('again')!.code!.module;
      assert.deepEqual(WebAssembly.Module.imports(again), []);
      assert.deepEqual(WebAssembly.Module.exports(again).map((e) => e.name), ['0']);
      rt.stage('caller').func('k2', '-> i32', (b) => b.call('k')).commitSync();
      const caller = rt.internals.stages.get('caller')!.code!.module;
      // A link table is the module's own (cheaper than importing one on V8 11), exported for filling.
      assert.deepEqual(WebAssembly.Module.imports(caller).map((i) => i.name), linking === 'link-table' ? [] : ['table']);
      const tables = WebAssembly.Module.exports(caller).filter((e) => e.kind === 'table').map((e) => e.name);
      assert.deepEqual(tables, linking === 'link-table' ? ['accrete:link'] : []);
    });

    it('lets a module with many functions hand them over in bulk: into their slots (shared table) or in a table of its own (link tables)', async () => {
      const rt = await newRuntime({ linking });
      const s = rt.stage('many');
      const n = rt.internals.installMin;
      for (let i = 0; i < n; i++) s.func(`m${i}`, '-> i32', (b) => b.i32(i));
      s.commitSync();
      const mod = rt.internals.stages.get('many')!.code!.module;
      const installs = linking === 'shared-table';
      assert.deepEqual(WebAssembly.Module.imports(mod).map((i) => i.name), installs ? ['table'] : []);
      assert.deepEqual(WebAssembly.Module.exports(mod).map((e) => `${e.kind} ${e.name}`), installs ? [] : ['table accrete:funcs']);
      for (let i = 0; i < n; i++) assert.equal(rt.fn(`m${i}`)(), i);
      rt.stage('caller').func('sum', '-> i32', (b) => b.i32.add(b.call('m1'), b.call(`m${n - 1}`))).commitSync();
      assert.equal(rt.fn('sum')(), n);
    });

    it('installs fresh functions around redefined ones and host functions, each into its own slot', async () => {
      const rt = await newRuntime({ linking });
      rt.internals.installMin = 1;
      rt.stage('old').func('r', '-> i32', (b) => b.i32(-1)).commitSync();
      rt.stage('mix')
        .func('a', '-> i32', (b) => b.i32(1))
        .func('r', '-> i32', (b) => b.i32(2), { redefine: true })
        .host('h', '-> i32', () => 3)
        .func('c', '-> i32', (b) => b.i32(4))
        .func('d', '-> i32', (b) => b.i32(5))
        .commitSync();
      const names = ['a', 'r', 'h', 'c', 'd'];
      assert.deepEqual(names.map((n) => rt.fn(n)()), [1, 2, 3, 4, 5]);
      rt.stage('calls').func('all', '-> i32', (b) => names.map((n) => b.call(n)).reduce((x, y) => b.i32.add(b.i32.mul(x, b.i32(10)), y))).commitSync();
      assert.equal(rt.fn('all')(), 12345);
      const mod = rt.internals.stages.get('mix')!.code!.module;
      // Only the redefined function (its slot is live) is exported for the runtime to write, or
      // all four are, in one table.
      assert.deepEqual(WebAssembly.Module.exports(mod).map((e) => e.name), linking === 'shared-table' ? ['1'] : ['accrete:funcs']);
    });
  });
}
