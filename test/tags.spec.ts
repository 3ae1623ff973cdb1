// Tags: generative ids; an exception thrown with a tag in one stage is caught by tag in another;
// payloads travel with it; uncaught ones reach JS as AccreteException; hosts can throw them.

import assert from 'node:assert/strict';
import { AccreteException } from '../runtime/index.js';
import { LINKINGS, assertUnchanged, newRuntime, snapshot, throwsCode } from './helpers.js';
import { MAX_LOCALS, type Node } from '../codegen/ir/builder.js';

const modes = [...LINKINGS.map((linking) => ({ linking, exceptions: 'auto' as const })), { linking: 'shared-table' as const, exceptions: 'final' as const }];

for (const { linking, exceptions } of modes) {
  describe(`tags and exceptions (${linking}, ${exceptions} encoding)`, function () {
    before(async function () {
      if (exceptions === 'final' && !(await newRuntime()).features.exceptionsFinal) this.skip();
    });

    it('keeps an exception catchable by its tag when it passes through a host function', async () => {
      const rt = await newRuntime({ linking, exceptions });
      rt.stage('t').tag('E', ['i32', 'i64']).commitSync();
      rt.stage('a').func('thrower', '-> i32', (b) => b.throw('E', b.i32(7), b.i64(-3n))).commitSync();
      rt.stage('in').func('inner', '-> i32', (b) => b.try(b.throw('E', b.i32(99), b.i64(0n)), [{ tag: 'E', body: ([x]) => x! }])).commitSync();
      // Re-entering wasm through rt.fn: the exception comes back to the host as an AccreteException.
      rt.stage('h')
        .host('reenter', '-> i32', () => rt.fn('thrower')())
        // Made first, thrown after wasm that throws and catches with the same buffer.
        .host('late', '-> i32', () => {
          const e = rt.exception('E', 5, 6n);
          rt.fn('inner')();
          throw e;
        })
        .commitSync();
      const catching = (callee: string) => (b: Parameters<Parameters<ReturnType<typeof rt.stage>['func']>[2]>[0]) =>
        b.try(b.call(callee), [{ tag: 'E', body: ([x, y]) => b.i32.add(b.i32.mul(x!, b.i32(100)), b.i32.wrap_i64(y!)) }], b.i32(-1));
      rt.stage('b').func('viaReenter', '-> i32', catching('reenter')).func('viaLate', '-> i32', catching('late')).commitSync();
      assert.equal(rt.fn('viaReenter')(), 697, 'caught by tag E with payload (7, -3), not by catch_all');
      assert.equal(rt.fn('viaLate')(), 506, 'the payload given to rt.exception');
    });

    it('keeps an exception its own tag through a host function once the tag is retired, or its name reused', async () => {
      let rt: Awaited<ReturnType<typeof newRuntime>>;
      rt = await newRuntime({ linking, exceptions, host: { viaJs: { sig: 'i32 -> i32', fn: (x: number) => rt.fn('thrower')(x) } } });
      rt.stage('T').tag('E', ['i32']).commitSync();
      const catching = (callee: string, add: number) => (b: Parameters<Parameters<ReturnType<typeof rt.stage>['func']>[2]>[0]) =>
        b.try([b.call(callee, b.param(0))], [{ tag: 'E', body: (p) => [b.i32.add(p[0]!, b.i32(add))] }], undefined, 'i32');
      rt.stage('A').func('thrower', 'i32 -> i32', (b) => b.throw('E', b.param(0))).func('direct', 'i32 -> i32', catching('thrower', 1000)).func('viaHost', 'i32 -> i32', catching('viaJs', 1000)).commitSync();
      assert.deepEqual([rt.fn('direct')(5), rt.fn('viaHost')(5)], [1005, 1005]);
      rt.retire('T');
      assert.deepEqual([rt.fn('direct')(5), rt.fn('viaHost')(5)], [1005, 1005], 'the retired tag');
      // A new tag that happens to be named E is another tag: its catch lets the old exception pass.
      rt.stage('T2').tag('E', ['i32']).commitSync();
      rt.stage('C').func('newCatcher', 'i32 -> i32', catching('viaJs', 2000)).commitSync();
      assert.deepEqual([rt.fn('direct')(5), rt.fn('viaHost')(5)], [1005, 1005]);
      assert.throws(() => rt.fn('newCatcher')(5), (e: unknown) => e instanceof AccreteException && e.tag === 'E' && e.values[0] === 5);
    });

    it('writes a catch_all body once, so tries nested in catch_all bodies grow the code linearly', async () => {
      const rt = await newRuntime({ linking, exceptions });
      rt.stage('t').tag('E', ['i32']).tag('F', ['i32']).commitSync();
      const D = 30;
      type B = Parameters<Parameters<ReturnType<typeof rt.stage>['func']>[2]>[0];
      // Level d throws E, which its clause (F) does not catch: its catch_all body runs level d - 1.
      const nest = (b: B, d: number): ReturnType<B['i32']> =>
        d === 0 ? b.i32(1000) : (b.try([b.throw('E', b.i32(d))], [{ tag: 'F', body: ([x]) => [x!] }], b.i32.add(nest(b, d - 1), b.i32(d)), 'i32') as ReturnType<B['i32']>);
      rt.stage('deep').func('f', '-> i32', (b) => nest(b, D)).commitSync();
      assert.equal(rt.fn('f')(), 1000 + (D * (D + 1)) / 2);
      assert.ok(rt.stats('deep').bytes < 4000, `${rt.stats('deep').bytes} bytes for ${D} levels`);
    });

    it('catches in one stage what another stage throws, with its payload', async () => {
      const rt = await newRuntime({ linking, exceptions });
      rt.stage('tags').tag('Err', ['i32', 'f64']).tag('Other', ['i64']).commitSync();
      rt.stage('thrower').func('risky', 'i32 -> i32', (b) => b.if(b.i32.gt_s(b.param(0), b.i32(10)), b.throw('Err', b.param(0), b.f64(0.5)), b.param(0))).commitSync();
      rt.stage('catcher').func('safe', 'i32 -> f64', (b) =>
        b.try(b.f64.convert_i32_s(b.call('risky', b.param(0))), [{ tag: 'Err', body: ([code, frac]) => b.f64.add(b.f64.convert_i32_s(b.i32.mul(code!, b.i32(-1))), frac!) }]),
      ).commitSync();
      assert.equal(rt.fn('safe')(3), 3);
      assert.equal(rt.fn('safe')(42), -41.5);
    });

    it('lets an exception with another tag pass through a catch', async () => {
      const rt = await newRuntime({ linking, exceptions });
      rt.stage().tag('A', ['i32']).tag('B', ['i64']).commitSync();
      rt.stage().func('throwB', '->', (b) => b.throw('B', b.i64(99n))).commitSync();
      rt.stage().func('catchA', '-> i32', (b) => b.try([b.call('throwB'), b.i32(0)], [{ tag: 'A', body: ([x]) => x! }])).commitSync();
      rt.stage().func('catchB', '-> i64', (b) => b.try(b.i64.extend_i32_s(b.call('catchA')), [{ tag: 'B', body: ([x]) => x! }])).commitSync();
      assert.equal(rt.fn('catchB')(), 99n);
      assert.throws(() => rt.fn('catchA')(), (e: unknown) => e instanceof AccreteException && e.tag === 'B' && e.values[0] === 99n);
    });

    it('catch_all catches other tags and JS exceptions', async () => {
      const rt = await newRuntime({ linking, exceptions });
      rt.stage().tag('A').host('boom', '->', () => {
        throw new Error('from JS');
      }).commitSync();
      rt.stage().func('guard', 'i32 -> i32', (b) =>
        b.try([b.if(b.param(0), b.call('boom'), b.throw('A')), b.i32(0)], [], b.i32(7)),
      ).commitSync();
      assert.equal(rt.fn('guard')(0), 7);
      assert.equal(rt.fn('guard')(1), 7);
    });

    it('lets a host function throw a tagged exception into wasm', async () => {
      const rt = await newRuntime({ linking, exceptions });
      rt.stage().tag('Fail', ['i32']).commitSync();
      rt.stage().host('check', 'i32 ->', (x: number) => {
        if (x < 0) throw rt.exception('Fail', x * 2);
      }).commitSync();
      rt.stage().func('validate', 'i32 -> i32', (b) => b.try([b.call('check', b.param(0)), b.i32(1)], [{ tag: 'Fail', body: ([v]) => v! }])).commitSync();
      assert.equal(rt.fn('validate')(5), 1);
      assert.equal(rt.fn('validate')(-4), -8);
    });

    it('keeps the payload intact when an argument throws and catches internally', async () => {
      const rt = await newRuntime({ linking, exceptions });
      rt.stage().tag('T', ['i32', 'i32']).commitSync();
      rt.stage().func('inner', '-> i32', (b) => b.try(b.throw('T', b.i32(1), b.i32(2)), [{ tag: 'T', body: ([x, y]) => b.i32.add(x!, y!) }])).commitSync();
      rt.stage().func('outer', '-> i32', (b) =>
        b.try(b.throw('T', b.i32(100), b.call('inner')), [{ tag: 'T', body: ([x, y]) => b.i32.add(b.i32.mul(x!, b.i32(1000)), y!) }]),
      ).commitSync();
      assert.equal(rt.fn('outer')(), 100003);
    });

    it("shares its scratch locals between throws and tries, within the engine's locals", async () => {
      const rt = await newRuntime({ linking, exceptions });
      rt.stage().tag('P', ['i32', 'i64', 'f64', 'i32']).commitSync();
      // The builder lets a body declare locals up to MAX_LOCALS; what lowering adds must fit in what is left.
      rt.stage().func('f', 'i32 -> i64', (b) => {
        // The parameter, and the catch clause's four payload locals.
        for (let i = 5; i < MAX_LOCALS; i++) b.local('i32');
        const body = [];
        for (let i = 0; i < 100; i++) body.push(b.try([b.if(b.i32.eq(b.param(0), b.i32(1000 + i)), b.throw('P', b.i32(i), b.i64(0), b.f64(0), b.i32(0)))], [], [b.nop()]));
        for (let i = 0; i < 200; i++) body.push(b.if(b.i32.eq(b.param(0), b.i32(i)), b.throw('P', b.i32(i), b.i64(BigInt(i) * 3n), b.f64(i / 2), b.i32(-i))));
        body.push(b.throw('P', b.i32(1), b.i64(2), b.f64(3), b.i32(4)));
        const sum = ([a, c, d, e]: Node[]) => b.i64.add(b.i64.add(b.i64.extend_i32_s(b.i32.add(a!, e!)), c!), b.i64.trunc_f64_s(d!));
        return b.try(body, [{ tag: 'P', body: sum }]);
      }).commitSync();
      // i - i + 3i + i/2, truncated; what a try's catch_all catches goes no further.
      assert.deepEqual([-1, 1000, 7, 199].map((x) => rt.fn('f')(x)), [10n, 10n, 24n, 696n]);
    });

    it("refuses a function whose lowering would pass the engine's locals with ResourceExhausted, not a compile error", async () => {
      const rt = await newRuntime({ linking, exceptions });
      rt.stage('t').tag('E', []).commitSync();
      const before = snapshot(rt);
      // Each try nested in a catch body holds the tag it caught while that body runs: 70 deep, 70 locals.
      throwsCode(
        () =>
          rt.stage('deep').func('f', '-> i32', (b) => {
            for (let i = 0; i < MAX_LOCALS; i++) b.local('i32');
            let x: Node = b.nop();
            for (let i = 0; i < 70; i++) {
              const inner = x;
              x = b.try([b.nop()], [{ tag: 'E', body: () => inner }]);
            }
            return [x, b.i32(1)];
          }).commitSync(),
        'ResourceExhausted',
        /needs 50,006 locals .*70 of them holding exception payloads and caught tags.*\(50,000\)/,
      );
      assertUnchanged(before, rt);
    });
  });
}
