// Retiring a stage: its symbols disappear, callers get a clear error (never a wrong function),
// and its slots and cells are reused once nothing refers to them.

import assert from 'node:assert/strict';
import { LINKINGS, newRuntime, throwsCode } from './helpers.js';

for (const linking of LINKINGS) {
  describe(`retire (${linking})`, () => {
    it('removes the stage and its symbols', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('tmp').func('f', '-> i32', (b) => b.i32(1)).global('g', 'i32', 0).constant('K', 'i32', 1).commitSync();
      const info = rt.retire('tmp');
      assert.deepEqual([...info.symbols].sort(), ['K', 'f', 'g']);
      assert.equal(rt.lookup('f'), undefined);
      assert.ok(!rt.stages().some((s) => s.name === 'tmp'));
      throwsCode(() => rt.retire('tmp'), 'UnknownStage');
      throwsCode(() => rt.stage().func('x', '-> i32', (b) => b.call('f')).commitSync(), 'UnknownSymbol');
    });

    it('makes callers fail clearly, from wasm and from rt.fn', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('lib').func('f', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).commitSync();
      rt.stage('app').func('g', 'i32 -> i32', (b) => b.call('f', b.param(0))).commitSync();
      const f = rt.fn('f');
      assert.equal(rt.fn('g')(1), 2);
      rt.retire('lib');
      throwsCode(() => rt.fn('g')(1), 'RetiredSymbol', /'f' was retired/);
      throwsCode(() => f(1), 'RetiredSymbol');
    });

    it('rebuilds code that inlined a retired function so it fails too', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('lib').func('one', '-> i32', (b) => b.i32(1), { inline: true }).commitSync();
      rt.stage('app').func('two', '-> i32', (b) => b.i32.add(b.call('one'), b.call('one'))).commitSync();
      assert.equal(rt.fn('two')(), 2);
      const info = rt.retire('lib');
      assert.deepEqual(info.recompiled, ['app']);
      throwsCode(() => rt.fn('two')(), 'RetiredSymbol');
    });

    it('reuses slots and cells only once no live stage refers to them', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('lib').func('f', '-> i32', (b) => b.i32(1)).global('g', 'i32', 5).commitSync();
      const slot = (rt.lookup('f') as { slot: number }).slot;
      const cell = (rt.lookup('g') as { address: number }).address;
      rt.stage('user').func('u', '-> i32', (b) => b.i32.add(b.call('f'), b.global('g'))).commitSync();
      rt.retire('lib');
      rt.stage('other').func('x', '-> i32', (b) => b.i32(9)).global('h', 'i32', 0).commitSync();
      assert.notEqual((rt.lookup('x') as { slot: number }).slot, slot, 'a slot still called by a live stage is not reused');
      assert.notEqual((rt.lookup('h') as { address: number }).address, cell, 'a cell still read by a live stage is not reused');
      const uSlot = (rt.lookup('u') as { slot: number }).slot;
      rt.retire('user');
      rt.stage('again').func('y', '-> i32', (b) => b.i32(3)).func('z', '-> i32', (b) => b.i32(4)).global('k', 'i32', 0).commitSync();
      const reused = ['y', 'z'].map((n) => (rt.lookup(n) as { slot: number }).slot).sort();
      assert.deepEqual(reused, [slot, uSlot].sort(), 'the freed slots are reused');
      assert.equal((rt.lookup('k') as { address: number }).address, cell, 'the freed cell is reused');
      assert.equal(rt.fn('y')(), 3);
      assert.equal(rt.getGlobal('k'), 0, 'a reused cell is initialised afresh');
    });

    it('counts, at the first retirement, references made before it (compacted and recompiled stages too)', async () => {
      // References are counted only once something is retired: the count must then cover
      // everything live, whatever path made it live.
      const rt = await newRuntime({ linking, compactAfter: 0 });
      rt.stage('lib').func('f', '-> i32', (b) => b.i32(1)).global('g', 'i32', 2).constant('K', 'i32', 3).commitSync();
      const slot = (rt.lookup('f') as { slot: number }).slot;
      const cell = (rt.lookup('g') as { address: number }).address;
      rt.stage('a').func('ua', '-> i32', (b) => b.call('f')).commitSync();
      rt.stage('b').func('ub', '-> i32', (b) => b.i32.add(b.global('g'), b.constant('K'))).commitSync();
      rt.compact(['a', 'b']);
      rt.stage('k2').constant('K', 'i32', 4, { redefine: true }).commitSync(); // recompiles 'b'
      assert.equal(rt.fn('ub')(), 6);
      rt.stage('tmp').func('t', '-> i32', (b) => b.i32(0)).commitSync();
      rt.retire('tmp');
      rt.retire('lib');
      rt.stage('n1').func('x', '-> i32', (b) => b.i32(9)).global('h', 'i32', 0).commitSync();
      assert.notEqual((rt.lookup('x') as { slot: number }).slot, slot, 'f is still called by compacted stage a');
      assert.notEqual((rt.lookup('h') as { address: number }).address, cell, 'g is still read by recompiled stage b');
      rt.retire('a');
      rt.retire('b');
      const n2 = rt.stage('n2').global('k', 'i32', 0);
      for (let i = 0; i < 4; i++) n2.func(`y${i}`, '-> i32', (b) => b.i32(i));
      n2.commitSync();
      const slots = [0, 1, 2, 3].map((i) => (rt.lookup(`y${i}`) as { slot: number }).slot);
      assert.ok(slots.includes(slot), `f's slot ${slot} is free again once its users are gone (got ${slots})`);
      assert.equal((rt.lookup('k') as { address: number }).address, cell, "g's cell is free again once its users are gone");
    });

    it('keeps a retired slot from reuse while only code rebuilt by a later retirement calls it', async () => {
      const rt = await newRuntime({ linking, compactAfter: 0 });
      rt.stage('L').func('f', '-> i32', (b) => b.i32(1)).commitSync();
      rt.stage('I').func('k', '-> i32', (b) => b.i32(10), { inline: true }).commitSync();
      rt.stage('C').func('c', 'i32 -> i32', (b) => b.if(b.param(0), b.call('f'), b.call('k'), 'i32')).commitSync();
      const slot = (rt.lookup('f') as { slot: number }).slot;
      rt.retire('L');
      const info = rt.retire('I'); // rebuilds C, which inlined k and still calls f's slot
      assert.deepEqual(info.recompiled, ['C']);
      const s = rt.stage('N');
      for (let i = 0; i < 4; i++) s.func(`x${i}`, '-> i32', (b) => b.i32(1000 + i));
      s.commitSync();
      const slots = [0, 1, 2, 3].map((i) => (rt.lookup(`x${i}`) as { slot: number }).slot);
      assert.ok(!slots.includes(slot), `f's slot ${slot} is still called by C (new slots ${slots})`);
      throwsCode(() => rt.fn('c')(1), 'RetiredSymbol', /'f' was retired/);
    });

    it('rebuilds code that reads a retired global or folded a retired constant', async () => {
      const rt = await newRuntime({ linking, compactAfter: 0 });
      rt.stage('G').global('g', 'i32', 5).constant('K', 'i32', 100).commitSync();
      rt.stage('I').func('k', '-> i32', (b) => b.i32(1), { inline: true }).commitSync();
      rt.stage('C').func('c', '-> i32', (b) => b.i32.add(b.i32.add(b.global('g'), b.constant('K')), b.call('k'))).commitSync();
      rt.retire('G');
      assert.equal(rt.fn('c')(), 106);
      rt.retierSync('C', 'baseline');
      assert.equal(rt.fn('c')(), 106, 'after re-tiering');
      const info = rt.stage('I2').func('k', '-> i32', (b) => b.i32(2), { redefine: true, inline: true }).commitSync();
      assert.deepEqual(info.recompiled, ['C']);
      assert.equal(rt.fn('c')(), 107, 'after a redefinition rebuilt it');
    });

    it('gives a global defined again with the same type its old cell, so its readers see it', async () => {
      const rt = await newRuntime({ linking, compactAfter: 0 });
      rt.stage('G').global('g', 'i32', 5).global('h', 'i32', 6).commitSync();
      rt.stage('C').func('c', '-> i32', (b) => b.i32.add(b.global('g'), b.i32.mul(b.global('h'), b.i32(10)))).commitSync();
      const [g, h] = ['g', 'h'].map((n) => (rt.lookup(n) as { address: number }).address);
      rt.retire('G');
      rt.stage('G2').global('g', 'i32', 9).global('h', 'f64', 1.5).commitSync();
      assert.equal((rt.lookup('g') as { address: number }).address, g);
      assert.notEqual((rt.lookup('h') as { address: number }).address, h, 'another type gets another cell');
      assert.equal(rt.fn('c')(), 9 + 60, 'C reads the new g and the old h');
    });

    it('gives a retired mutable global\'s cell to no immutable global, which its old writers would change', async () => {
      const rt = await newRuntime({ linking, compactAfter: 0 });
      rt.stage('A').global('G', 'i32', 1).global('R', 'i32', 2, { mutable: false }).commitSync();
      rt.stage('W').func('bump', 'i32 -> i32', (b) => [b.setGlobal('G', b.i32.add(b.global('G'), b.param(0))), b.i32.add(b.global('G'), b.global('R'))]).commitSync();
      const [g, r] = ['G', 'R'].map((n) => (rt.lookup(n) as { address: number }).address);
      rt.retire('A');
      rt.stage('A2').global('G', 'i32', 100, { mutable: false }).global('R', 'i32', 20).commitSync();
      assert.notEqual((rt.lookup('G') as { address: number }).address, g);
      assert.equal((rt.lookup('R') as { address: number }).address, r, 'an immutable global may come back mutable: its readers see it');
      assert.equal(rt.fn('bump')(7), 8 + 20);
      assert.equal(rt.getGlobal('G'), 100, 'the immutable G is unchanged');
    });

    it('points a handle taken before retirement at the function defined again, in stages of one or ten', async () => {
      for (const n of [1, 10]) {
        const rt = await newRuntime({ linking });
        rt.stage('lib').func('f', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).commitSync();
        const f = rt.fn('f');
        assert.equal(f(1), 2);
        rt.retire('lib');
        throwsCode(() => f(1), 'RetiredSymbol');
        // Fresh names beside it: the stage still looks up the cell of the one name defined before.
        const again = rt.stage('lib2');
        for (let i = 1; i < n; i++) again.func(`other${i}`, 'i32 -> i32', (b) => b.param(0));
        again.func('f', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(100))).commitSync();
        assert.equal(f(1), 101, `stage of ${n}`);
        // And a redefinition of a live function with a handle.
        const next = rt.stage('lib3');
        for (let i = 1; i < n; i++) next.func(`more${i}`, 'i32 -> i32', (b) => b.param(0));
        next.func('f', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1000)), { redefine: true }).commitSync();
        assert.equal(f(1), 1001, `stage of ${n}, redefined`);
      }
    });

    it('gives a name defined again with the same signature its old slot, reviving its callers', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('lib').func('f', '-> i32', (b) => b.i32(1)).commitSync();
      rt.stage('app').func('g', '-> i32', (b) => b.call('f')).commitSync();
      rt.retire('lib');
      throwsCode(() => rt.fn('g')(), 'RetiredSymbol');
      rt.stage('lib2').func('f', '-> i32', (b) => b.i32(2)).commitSync();
      assert.equal(rt.fn('g')(), 2);
    });

    it('does not give a name defined again its old slot or cell once another name has had it', async () => {
      // f's slot goes to g; g retires while h still calls it. Defining f again must not take that
      // slot (h would call the new f), nor x a cell that y had (r would read x's value).
      const rt = await newRuntime({ linking, compactAfter: 0 });
      rt.stage('A').func('f', '-> i32', (b) => b.i32(1)).global('x', 'i32', 5).commitSync();
      const [fSlot, xCell] = [(rt.lookup('f') as { slot: number }).slot, (rt.lookup('x') as { address: number }).address];
      rt.retire('A');
      rt.stage('G').func('g', '-> i32', (b) => b.i32(2)).global('y', 'i32', 7).commitSync();
      assert.equal((rt.lookup('g') as { slot: number }).slot, fSlot, 'g reuses the free slot');
      assert.equal((rt.lookup('y') as { address: number }).address, xCell, 'y reuses the free cell');
      rt.stage('X').func('h', '-> i32', (b) => b.call('g')).func('r', '-> i32', (b) => b.global('y')).commitSync();
      rt.retire('G');
      rt.stage('A2').func('f', '-> i32', (b) => b.i32(99)).global('x', 'i32', 123).commitSync();
      assert.notEqual((rt.lookup('f') as { slot: number }).slot, fSlot);
      assert.notEqual((rt.lookup('x') as { address: number }).address, xCell);
      throwsCode(() => rt.fn('h')(), 'RetiredSymbol');
      assert.equal(rt.fn('r')(), 7, "r still reads retired y's kept cell");
      assert.equal(rt.fn('f')(), 99);
      assert.equal(rt.getGlobal('x'), 123);
    });

    it('keeps a retired name\'s claim on its slot and cell through a failed commit that briefly took them', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('A').func('f', '-> i32', (b) => b.i32(1)).func('g', '-> i32', (b) => b.i32(2)).global('G', 'i32', 1).global('H', 'i32', 2).commitSync();
      const before = ['f', 'g', 'G', 'H'].map((n) => JSON.stringify(rt.lookup(n)).match(/"(slot|address)":(\d+)/)![2]);
      rt.retire('A');
      throwsCode(
        () => rt.stage('X').func('p', '-> i32', (b) => b.i32(0)).func('q', '-> i32', (b) => b.i32(0)).global('P', 'i32', 0).global('Q', 'i32', 0).func('bad', '-> i32', (b) => b.call('nope')).commitSync(),
        'UnknownSymbol',
      );
      rt.stage('A2').func('f', '-> i32', (b) => b.i32(10)).func('g', '-> i32', (b) => b.i32(20)).global('G', 'i32', 1).global('H', 'i32', 2).commitSync();
      const after = ['f', 'g', 'G', 'H'].map((n) => JSON.stringify(rt.lookup(n)).match(/"(slot|address)":(\d+)/)![2]);
      assert.deepEqual(after, before);
    });

    it('never reuses a slot taken as a value with slotOf, which may be stored anywhere', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('G').global('cache', 'i32', -1, { mutable: true }).commitSync();
      rt.stage('A').func('f', '-> i32', (b) => b.i32(1)).commitSync();
      rt.stage('B').func('remember', '->', (b) => b.setGlobal('cache', b.slotOf('f'))).commitSync();
      rt.stage('C').func('viaCache', '-> i32', (b) => b.callSlot('-> i32', b.global('cache'))).commitSync();
      rt.fn('remember')();
      assert.equal(rt.fn('viaCache')(), 1);
      rt.retire('A');
      rt.retire('B');
      // Nothing that reference counts see still names f's slot; the stored value still does.
      rt.stage('D').func('other', '-> i32', (b) => b.i32(5)).func('stranger', '-> i32', (b) => b.i32(666)).commitSync();
      throwsCode(() => rt.fn('viaCache')(), 'RetiredSymbol', /'f'/);
      // The name defined again with its signature takes the slot back, as for callers.
      rt.stage('A2').func('f', '-> i32', (b) => b.i32(2)).commitSync();
      assert.equal(rt.fn('viaCache')(), 2);
    });

    it('keeps code that named a retired symbol on the retired one when the name is defined anew, through any rebuild', async () => {
      const rt = await newRuntime({ linking, compactAfter: 0 });
      rt.stage('A').global('G', 'i32', 1).func('f', '-> i32', (b) => b.i32(1)).constant('K', 'i32', 1).commitSync();
      rt.stage('K2').constant('K', 'i32', 2, { redefine: true }).commitSync();
      rt.stage('C')
        .func('bump', '-> i32', (b) => [b.setGlobal('G', b.i32.add(b.global('G'), b.i32(1))), b.global('G')])
        .func('g', '-> i32', (b) => b.call('f'))
        .func('k', '-> i32', (b) => b.constant('K'))
        .commitSync();
      rt.retire('A');
      rt.retire('K2');
      // Defined anew with another type, signature or value: C is not theirs.
      rt.stage('D').global('G', 'f64', 0.5).func('f', 'i32 -> i32', (b) => b.param(0)).constant('K', 'i32', 3).commitSync();
      await rt.loadOptimizer();
      for (const tier of ['baseline', 'optimizing', 'baseline'] as const) {
        rt.retierSync('C', tier);
        assert.equal(rt.fn('k')(), 2, `${tier}: k keeps K's last value`);
        throwsCode(() => rt.fn('g')(), 'RetiredSymbol', /'f'/);
        assert.equal(rt.getGlobal('G'), 0.5, `${tier}: the new G is untouched`);
      }
      assert.equal(rt.fn('bump')(), 2, 'bump still writes the retired i32 cell');
    });

    it('hands no slot or cell that code still running below a host call uses to a definition made in that call', async () => {
      // `run` calls the host, then sq and counter through the inlined helper. Inside the host call
      // the helper is redefined (run's stage is rebuilt without them) and their stages retired:
      // the old code, running again once the host returns, must not reach what is defined next.
      let rt: Awaited<ReturnType<typeof newRuntime>>;
      let made: { slot: number; cell: number } | undefined;
      const hook = () => {
        if (made) return 0;
        rt.stage('v2').func('helper', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1)), { inline: true, redefine: true }).commitSync();
        rt.retire('h');
        rt.retire('lib');
        rt.stage('new').func('stranger', 'i32 -> i32', (b) => b.i32(-777)).global('balance', 'i32', 5).commitSync();
        made = { slot: (rt.lookup('stranger') as { slot: number }).slot, cell: (rt.lookup('balance') as { address: number }).address };
        return 0;
      };
      rt = await newRuntime({ linking, host: { hook: { sig: '-> i32', fn: hook } } });
      rt.stage('lib').func('sq', 'i32 -> i32', (b) => b.i32.mul(b.param(0), b.param(0))).global('counter', 'i32', 0).commitSync();
      const old = { slot: (rt.lookup('sq') as { slot: number }).slot, cell: (rt.lookup('counter') as { address: number }).address };
      rt.stage('h').func('helper', 'i32 -> i32', (b) => [b.setGlobal('counter', b.param(0)), b.call('sq', b.param(0))], { inline: true }).commitSync();
      rt.stage('app').func('run', 'i32 -> i32', (b) => b.i32.add(b.call('hook'), b.call('helper', b.param(0)))).commitSync();
      throwsCode(() => rt.fn('run')(3), 'RetiredSymbol', /'sq' was retired/);
      assert.notEqual(made!.slot, old.slot, 'the new function got the slot the running code called');
      assert.notEqual(made!.cell, old.cell, 'the new global got the cell the running code wrote');
      assert.equal(rt.getGlobal('balance'), 5);
      assert.equal(rt.fn('run')(3), 4, 'the rebuilt code');
      // Once no host call is running, the next commit frees them: the names' claims still hold.
      rt.stage('later').func('sq', 'i32 -> i32', (b) => b.i32.mul(b.param(0), b.i32(3))).commitSync();
      assert.equal((rt.lookup('sq') as { slot: number }).slot, old.slot, 'sq defined again revives its slot');
      assert.deepEqual(rt.internals.slots.mismatches(), []);
    });

    it('counts the references of a unit dropped in a host call before the first retirement, until it is settled', async () => {
      let rt: Awaited<ReturnType<typeof newRuntime>>;
      const hook = () => {
        rt.stage('k2').constant('K', 'i32', 2, { redefine: true }).commitSync();
        return 0;
      };
      rt = await newRuntime({ linking, compactAfter: 0, host: { hook: { sig: '-> i32', fn: hook } } });
      rt.stage('A').func('f', '-> i32', (b) => b.i32(1)).commitSync();
      rt.stage('KS').constant('K', 'i32', 1).commitSync();
      rt.stage('B').func('g', '-> i32', (b) => b.i32.add(b.call('f'), b.constant('K'))).commitSync();
      rt.stage('C').func('run', '-> i32', (b) => b.call('hook')).commitSync();
      rt.stage('T').func('t', '-> i32', (b) => b.i32(0)).commitSync();
      rt.fn('run')(); // B is rebuilt inside the host call: its old unit's drop waits
      const slot = (rt.lookup('f') as { slot: number }).slot;
      rt.retire('T'); // the first retirement: counting starts, then the waiting drop is settled
      assert.equal(rt.internals.slots.pool.refCount(slot), 1, "B's rebuilt unit calls f");
      rt.retire('A');
      rt.stage('N').func('stranger', '-> i32', (b) => b.i32(-777)).func('s2', '-> i32', (b) => b.i32(-778)).commitSync();
      assert.ok(![(rt.lookup('stranger') as { slot: number }).slot, (rt.lookup('s2') as { slot: number }).slot].includes(slot));
      throwsCode(() => rt.fn('g')(), 'RetiredSymbol', /'f' was retired/);
    });

    it('keeps an inlined call of a retired function on its stub in a stage that defines the name anew', async () => {
      for (const sig of ['i32 i32 -> i32', 'i32 -> i32'] as const) {
        const rt = await newRuntime({ linking, compactAfter: 0 });
        rt.stage('A').func('f', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1))).commitSync();
        rt.stage('B').func('g', 'i32 -> i32', (b) => b.call('f', b.param(0)), { inline: true }).commitSync();
        rt.retire('A');
        // With the first signature the old slot would be revived: take it away first.
        if (sig === 'i32 -> i32') {
          rt.stage('D').func('f', 'i32 i32 -> i32', (b) => b.param(0)).commitSync();
          rt.retire('D');
        }
        const fresh = sig === 'i32 -> i32' ? (b: Parameters<Parameters<ReturnType<typeof rt.stage>['func']>[2]>[0]) => b.i32.mul(b.param(0), b.i32(100)) : (b: Parameters<Parameters<ReturnType<typeof rt.stage>['func']>[2]>[0]) => b.param(1);
        rt.stage('C').func('f', sig, fresh).func('h', 'i32 -> i32', (b) => b.call('g', b.param(0))).commitSync();
        // h inlined g's call of the retired f: not a call of C's f, which has its name now.
        throwsCode(() => rt.fn('h')(5), 'RetiredSymbol', /'f' was retired/);
        await rt.retier('C', 'optimizing');
        throwsCode(() => rt.fn('h')(5), 'RetiredSymbol', /'f' was retired/);
      }
    });

    it('keeps a function redefined elsewhere when its first stage retires', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('v1').func('f', '-> i32', (b) => b.i32(1)).func('other', '-> i32', (b) => b.i32(0)).commitSync();
      rt.stage('v2').func('f', '-> i32', (b) => b.i32(2), { redefine: true }).commitSync();
      const info = rt.retire('v1');
      assert.deepEqual(info.symbols, ['other']);
      assert.equal(rt.fn('f')(), 2);
    });
  });
}

describe('retire: link-table copies', () => {
  it('stops updating the link tables of retired callers and sweeps their entries', async () => {
    const rt = await newRuntime({ linking: 'link-table', compactAfter: 0 });
    rt.stage('lib').func('f', '-> i32', (b) => b.i32(1)).commitSync();
    const slot = (rt.lookup('f') as { slot: number }).slot;
    const slots = rt.internals.slots;
    const n = 200;
    for (let i = 0; i < n; i++) rt.stage(`c${i}`).func(`c${i}`, '-> i32', (b) => b.call('f')).commitSync();
    assert.equal(slots.copiesOf(slot), n);
    for (let i = 0; i < n - 4; i++) rt.retire(`c${i}`);
    assert.equal(slots.copiesOf(slot), 4);
    assert.ok(slots.listedCopies(slot) < n / 2, `detached copies are swept: ${slots.listedCopies(slot)} listed for 4 live`);
    rt.stage('v2').func('f', '-> i32', (b) => b.i32(2), { redefine: true }).commitSync();
    for (let i = n - 4; i < n; i++) assert.equal(rt.fn(`c${i}`)(), 2, `c${i} sees the redefinition through its link table`);
    for (let i = n - 4; i < n; i++) rt.retire(`c${i}`);
    assert.equal(slots.copiesOf(slot), 0);
  });
});
