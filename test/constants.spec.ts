// Compile-time constants become immediates; redefining one rebuilds the code that folded it.

import assert from 'node:assert/strict';
import { newRuntime, throwsCode } from './helpers.js';

describe('compile-time constants', () => {
  it('folds constants into the code as immediates (no memory, no import)', async () => {
    const rt = await newRuntime();
    rt.stage('c').constant('WIDTH', 'i32', 640).constant('SCALE', 'f64', 2.5).constant('BIG', 'i64', 1n << 50n).commitSync();
    rt.stage('use').func('area', 'i32 -> f64', (b) => b.f64.mul(b.f64.convert_i32_s(b.i32.mul(b.param(0), b.constant('WIDTH'))), b.constant('SCALE'))).func('big', '-> i64', (b) => b.constant('BIG')).commitSync();
    assert.equal(rt.fn('area')(2), 3200);
    assert.equal(rt.fn('big')(), 1n << 50n);
    // (Where importing the shared table is free, the module imports it to install its functions.)
    const imports = WebAssembly.Module.imports(rt.internals.stages.get('use')!.code!.module).filter((i) => i.kind !== 'table');
    assert.deepEqual(imports, []);
    assert.doesNotMatch(rt.toText('use'), /load/);
  });

  it('recompiles users when a constant is redefined', async () => {
    const rt = await newRuntime();
    rt.stage('c1').constant('N', 'i32', 1).commitSync();
    rt.stage('user').func('n', '-> i32', (b) => b.constant('N')).commitSync();
    assert.equal(rt.fn('n')(), 1);
    const info = rt.stage('c2').constant('N', 'i32', 2, { redefine: true }).commitSync();
    assert.deepEqual(info.recompiled, ['user']);
    assert.equal(rt.fn('n')(), 2);
    throwsCode(() => rt.stage().constant('N', 'f64', 2, { redefine: true }).commitSync(), 'BadRedefinition', /type/);
  });

  it('rejects values that do not fit the type', async () => {
    const rt = await newRuntime();
    throwsCode(() => rt.stage().constant('X', 'i32', 1.5), 'TypeMismatch');
    throwsCode(() => rt.stage().constant('Y', 'i64', 0.5), 'TypeMismatch');
    throwsCode(() => rt.stage().constant('Z', 'f64', 1n as never), 'TypeMismatch');
  });
});
