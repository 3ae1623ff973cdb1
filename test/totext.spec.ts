// rt.toText: a stage's WAT with names, and comments naming the symbols behind slots and cells.

import assert from 'node:assert/strict';
import binaryen from 'binaryen';
import { LINKINGS, newRuntime, throwsCode } from './helpers.js';

for (const linking of LINKINGS) {
  describe(`toText (${linking})`, () => {
    it('prints the stage with function names and symbol comments', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('lib').func('callee', 'i32 -> i32', (b) => b.param(0)).global('total', 'i32', 0).commitSync();
      rt.stage('user').func('caller', 'i32 -> i32', (b) => [b.setGlobal('total', b.param(0)), b.call('callee', b.param(0))], { params: ['x'] }).commitSync();
      const text = rt.toText('user');
      assert.match(text, /\(module \$user/);
      assert.match(text, /\(func \$caller/);
      assert.match(text, /\$x/);
      assert.match(text, /call_indirect/);
      assert.match(text, /;; → callee/);
      assert.match(text, /;; global total/);
    });

    it('prints text binaryen parses back', async () => {
      const rt = await newRuntime({ linking });
      rt.stage('s').tag('E', ['i32']).func('f', 'i32 -> i32', (b) => b.try(b.if(b.param(0), b.throw('E', b.i32(3)), b.i32(1)), [{ tag: 'E', body: ([x]) => x! }])).commitSync();
      const m = binaryen.parseText(rt.toText('s'));
      m.setFeatures(binaryen.Features.All);
      assert.ok(m.validate());
      m.dispose();
    });

    it('names an unknown stage', async () => {
      const rt = await newRuntime({ linking });
      throwsCode(() => rt.toText('nope'), 'UnknownStage');
    });
  });
}
