// The main demo: grows one extensible module stage by stage, redefines a function in place and
// prints what happened (stages, symbols, where the time went).

import { Runtime, type StageInfo } from '../runtime/index.js';

const ms = (x: number) => `${(x * 1000).toFixed(0).padStart(5)} µs`;
function report(info: StageInfo): void {
  const s = info.stats;
  console.log(
    `  stage ${info.name.padEnd(10)} ${info.symbols.join(', ').padEnd(28)} ${String(s.bytes).padStart(4)} B  ` +
      `build ${ms(s.build)}  compile ${ms(s.compile)}  instantiate ${ms(s.instantiate)}  wire ${ms(s.wire)}` +
      (info.recompiled.length ? `  (recompiled: ${info.recompiled.join(', ')})` : ''),
  );
}

const out: string[] = [];
const rt = await Runtime.create({ host: { print: { sig: 'i64 ->', fn: (x: bigint) => void out.push(String(x)) } } });
console.log(`Accrete on Node ${rt.engine.node} (V8 ${rt.engine.v8}): linking=${rt.engine.linking}, tail calls=${rt.engine.tailCalls}, exceptions=${rt.engine.exceptions}`);

console.log('\nCommitting stages:');
report(rt.stage('prelude').constant('LIMIT', 'i64', 1000n).global('calls', 'i64', 0n).tag('TooBig', ['i64']).commitSync());
report(
  rt
    .stage('math')
    .func('square', 'i64 -> i64', (b) => b.i64.mul(b.param(0), b.param(0)), { inline: true })
    .func('count', '->', (b) => b.setGlobal('calls', b.i64.add(b.global('calls'), b.i64(1))))
    .commitSync(),
);
report(
  await rt
    .stage('app')
    .func('sumSquares', 'i64 -> i64', (b) => {
      const i = b.local('i64', 'i');
      const acc = b.local('i64', 'acc');
      return [
        b.call('count'),
        b.if(b.i64.gt_s(b.param(0), b.constant('LIMIT')), b.throw('TooBig', b.param(0))),
        b.loop('next', [
          b.set(acc, b.i64.add(b.get(acc), b.call('square', b.get(i)))),
          b.set(i, b.i64.add(b.get(i), b.i64(1))),
          b.brIf('next', b.i64.le_s(b.get(i), b.param(0))),
        ]),
        b.call('print', b.get(acc)),
        b.get(acc),
      ];
    })
    .commit(),
);

const sumSquares = rt.fn('sumSquares');
console.log(`\nsumSquares(10) = ${sumSquares(10n)}`);
try {
  sumSquares(5000n);
} catch (e) {
  console.log(`sumSquares(5000) threw ${(e as Error).name}: ${(e as Error).message}`);
}

console.log('\nRedefining square (inline) as cube, in its slot:');
report(rt.stage('cube').func('square', 'i64 -> i64', (b) => b.i64.mul(b.param(0), b.i64.mul(b.param(0), b.param(0))), { inline: true, redefine: true }).commitSync());
console.log(`sumSquares(10) = ${sumSquares(10n)}  (same rt.fn handle, new code)`);
console.log(`calls = ${rt.getGlobal('calls')}, printed: ${out.join(', ')}`);

console.log('\nSymbols:');
for (const s of rt.symbols()) {
  const where = s.kind === 'func' ? `slot ${s.slot} ${s.signature}` : s.kind === 'global' ? `cell @${s.address}` : s.kind === 'rtt' || s.kind === 'tag' ? `id ${s.id}` : `= ${s.value}`;
  console.log(`  ${s.kind.padEnd(8)} ${s.name.padEnd(12)} ${where}  (stage ${s.stage})`);
}
