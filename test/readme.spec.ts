// The README's example, run as written (with its results asserted), so the front page cannot rot.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Runtime } from '../runtime/index.js';

describe('README example', () => {
  it('runs and gives the results the README states', async () => {
    const logged: number[] = [];
    const rt = await Runtime.create({ host: { log: { sig: 'i32 ->', fn: (x: number) => void logged.push(x) } } });
    rt.stage('lib')
      .constant('SCALE', 'i32', 10)
      .global('hits', 'i32', 0)
      .func('scale', 'i32 -> i32', (b) => b.i32.mul(b.param(0), b.constant('SCALE')), { inline: true })
      .commitSync();
    await rt
      .stage('app')
      .func('run', 'i32 -> i32', (b) => [b.setGlobal('hits', b.i32.add(b.global('hits'), b.i32(1))), b.call('log', b.param(0)), b.call('scale', b.param(0))])
      .commit();
    const run = rt.fn('run');
    assert.equal(run(4), 40);
    const info = rt.stage('v2').func('scale', 'i32 -> i32', (b) => b.i32.add(b.param(0), b.i32(1)), { inline: true, redefine: true }).commitSync();
    assert.equal(run(4), 5);
    assert.deepEqual(info.recompiled, ['app']);
    assert.deepEqual(logged, [4, 4]);
    assert.equal(rt.getGlobal('hits'), 2);
  });

  it('still matches the README text', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const line of ["run(4); // 40", "run(4); // 5", "npm ci", "npm test", "npm start"]) assert.ok(readme.includes(line), line);
  });
});
