// One-function modules reuse the bytes before their code (codegen/lower/encode.ts, prefixOf): the
// reuse must follow the signature and every import, across stages and runtimes.

import assert from 'node:assert/strict';
import { LINKINGS, newRuntime } from './helpers.js';

describe('the bytes before a one-function module’s code', () => {
  for (const linking of LINKINGS) {
    it(`follow the imports, stage after stage and runtime after runtime (${linking})`, async () => {
      // Different memory sizes: a prefix made for one runtime's memory does not fit the other's.
      const small = await newRuntime({ linking, initialPages: 24 });
      const big = await newRuntime({ linking, initialPages: 40 });
      for (const rt of [small, big]) rt.stage('lib').global('g', 'i32', 5).func('one', '-> i32', (b) => b.i32(1)).commitSync();
      const kinds = {
        pure: { body: (b: any) => b.i32.add(b.param(0), b.i32(2)), imports: [] as string[], result: (x: number) => x + 2 },
        global: { body: (b: any) => b.i32.add(b.param(0), b.global('g')), imports: ['memory'], result: (x: number) => x + 5 },
        call: { body: (b: any) => b.i32.add(b.param(0), b.call('one')), imports: linking === 'shared-table' ? ['table'] : [], result: (x: number) => x + 1 },
      };
      let n = 0;
      for (let round = 0; round < 3; round++) {
        for (const rt of [small, big, small]) {
          for (const [kind, k] of Object.entries(kinds)) {
            const name = `${kind}${n++}`;
            rt.stage(name).func(name, 'i32 -> i32', k.body).commitSync();
            assert.equal(rt.fn(name)(10), k.result(10), `${name}: result`);
            const mod = rt.internals.stages.get(name)!.code!.module;
            assert.deepEqual(WebAssembly.Module.imports(mod).map((i) => i.name), k.imports, `${name}: imports`);
            assert.deepEqual(WebAssembly.Module.exports(mod).map((e) => e.name), linking === 'link-table' && kind === 'call' ? ['0', 'accrete:link'] : ['0'], `${name}: exports`);
          }
          // Another signature in between: its own prefix.
          const other = `other${n++}`;
          rt.stage(other).func(other, 'i32 i32 -> i32', (b) => b.i32.sub(b.param(0), b.param(1))).commitSync();
          assert.equal(rt.fn(other)(9, 4), 5);
        }
      }
    });
  }
});
