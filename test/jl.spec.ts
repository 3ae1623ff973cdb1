// The Julia-like language: programs under test/jl/ run as data against their expected output,
// and the dispatch, invalidation, introspection and error behaviour the issue names.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { complete } from '../lang/dispatch/cli.js';
import { JlError } from '../lang/dispatch/errors.js';
import { JuliaLike } from '../lang/dispatch/julia.js';
import { JlSyntaxError } from '../lang/dispatch/syntax/errors.js';

const dir = fileURLToPath(new URL('../../test/jl/', import.meta.url));

/**
 * Run a program as the CLI would: its output, then `ERROR: message` if it stopped on one. A
 * program cut into parts by `#---` lines runs them in turn in one session, as a REPL would, each
 * part's error reported and the next part run.
 */
async function run(source: string, file = 'prog.jl'): Promise<string> {
  let out = '';
  const jl = await JuliaLike.create({ output: (s) => (out += s) });
  let line = 0;
  for (const part of source.split(/^#---.*$/m)) {
    try {
      // Blank lines in front keep the part's line numbers those of the file.
      jl.eval('\n'.repeat(line) + part, file);
    } catch (e) {
      if (!(e instanceof JlError || e instanceof JlSyntaxError)) throw e;
      out += `ERROR: ${e.message}\n`;
    }
    line += part.split('\n').length - 1;
  }
  return out;
}

async function session() {
  let out = '';
  const jl = await JuliaLike.create({ output: (s) => (out += s) });
  return { jl, out: () => out, clear: () => void (out = '') };
}

describe('jl programs', function () {
  this.timeout(60_000);
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.jl')).sort()) {
    it(`runs ${f}`, async () => {
      const source = readFileSync(dir + f, 'utf8');
      const want = readFileSync(dir + f.replace(/\.jl$/, '.out'), 'utf8');
      const got = await run(source, basename(f));
      assert.equal(got, want, `${f}\n--- source ---\n${source}`);
    });
  }
});

describe('jl dispatch and invalidation', () => {
  it('invalidates exactly the affected specialisations, keeping the others', async () => {
    const { jl, out } = await session();
    jl.eval('f(x::Any) = 1\ng(x) = f(x)\nprintln(g(1), g(1.5))');
    const before = jl.specializations().filter((s) => s.fn === 'f' || s.fn === 'g');
    assert.equal(before.length, 4);
    jl.eval('f(x::Int64) = 2\nprintln(g(1), g(1.5))');
    assert.equal(out(), '11\n21\n');
    const dead = jl.invalidated.map((s) => `${s.fn}${s.argTypes.length ? '(' + s.argTypes.join(', ') + ')' : '()'}`).sort();
    assert.deepEqual(dead, ['f(Int64)', 'g(Int64)']);
    const kept = before.filter((s) => s.args === '(Float64)').map((s) => s.stage);
    const after = jl.specializations().filter((s) => s.args === '(Float64)').map((s) => s.stage);
    assert.deepEqual(after, kept, 'the Float64 specialisations of f and g are the same compiled code as before');
  });

  it('binds concrete calls statically and leaves dynamic ones to the dispatch cache', async () => {
    const { jl } = await session();
    jl.eval('sq(x::Int64) = x * x\nh(x::Int64) = sq(x) + 1\nh(3)');
    const text = jl.specializationText('h', ['Int64']);
    assert.ok(!/jl:dyn:/.test(text), 'h(Int64) calls no dispatcher');
    jl.eval('k(x) = sq(x)\nxs = Any[1, 2]\nfunction ks(v::Vector{Any})\n  s = 0\n  for x in v\n    s += k(x)\n  end\n  s\nend');
    assert.equal(jl.eval('ks(xs)'), 5n);
    assert.match(jl.specializationText('ks', ['Vector{Any}']), /jl:dyn:k\/1/, 'k on Any goes through the dispatcher');
  });

  it('answers methods, which and call from JS', async () => {
    const { jl } = await session();
    jl.eval('abstract type S end\nstruct C <: S\n  r::Float64\nend\narea(c::C) = 3.0 * c.r * c.r\narea(s::S) = 0.0');
    assert.deepEqual(jl.methods('area'), ['area(C)', 'area(S)']);
    assert.equal(jl.which('area', ['C']), 'area(C)');
    assert.equal(jl.call('+', 2n, 3n), 5n);
    assert.equal(jl.call('+', 2n, 0.5), 2.5);
    assert.match(jl.specializationText('+', ['Int64', 'Int64']), /\(module/);
  });
});

describe('jl errors', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['syntax error with line and column', 'x = 1\nfunction f(x)\n  x +\n', /^ERROR: prog\.jl:\d+:\d+: syntax error: /m],
    ['undefined name', 'println(nope)', /ERROR: prog\.jl:1:9: UndefVarError: nope not defined/],
    ['no method', 'f(x::Int64) = x\nf("s")', /ERROR: prog\.jl:2:1: MethodError: no method matching f\(String\)/],
    ['ambiguity', 'f(x::Int64, y) = 1\nf(x, y::Int64) = 2\nf(1, 2)', /AmbiguityError: f\(Int64, Int64\) is ambiguous; candidates: f\(Int64, Any\), f\(Any, Int64\)/],
    ['wrong field type', 'mutable struct P\n  x::Int64\nend\np = P(1)\nq = "s"\np.x = q', /ERROR: prog\.jl:6:\d+: TypeError: (in setfield!, )?expected Int64/],
    ['redefining a struct differently', 'struct P\n  x::Int64\nend\nstruct P\n  x::Int64\nend\nstruct P\n  y::Int64\nend', /ERROR: prog\.jl:7:1: ErrorException: invalid redefinition of type P/],
    ['setting a field of an immutable struct', 'struct P\n  x::Int64\nend\np = P(1)\np.x = 2', /ErrorException: setfield!: immutable struct of type P cannot be changed/],
  ];
  for (const [what, source, re] of cases) {
    it(`reports ${what}`, async () => {
      assert.match(await run(source), re);
    });
  }

  it('keeps the session usable after an error', async () => {
    const { jl, out } = await session();
    assert.throws(() => jl.eval('f(x::Int64) = x\nf(1.5)'), JlError);
    assert.throws(() => jl.eval('y = (1 +'), JlSyntaxError);
    jl.eval('f(x::Float64) = 2 * x', 'repl');
    assert.equal(jl.eval('f(1.5)'), 3);
    jl.eval('println(f(2))');
    assert.equal(out(), '2\n');
  });

  it('refuses an allocation past 4 GiB with an OutOfMemoryError, and the heap stays intact', async () => {
    const { jl } = await session();
    jl.eval('v = [1, 2, 3]');
    const top = jl.rt.getGlobal('jl:heapTop');
    const oom = (e: unknown) => e instanceof JlError && e.kind === 'OutOfMemoryError';
    // The heap top plus 4 GiB - 16 wrapped in i32 and handed out live objects' memory.
    assert.throws(() => jl.rt.fn<(n: number) => number>('jl:alloc')(-16), oom);
    assert.throws(() => jl.om.allocRaw(2 ** 32 - 16), oom);
    assert.equal(jl.rt.getGlobal('jl:heapTop'), top);
    assert.equal(jl.eval('push!(v, 4)\nsum(v) + length([5, 6])'), 12n);
  });
});

describe('jl sessions after a failed evaluation', () => {
  const uncompiled = (jl: JuliaLike) => [...jl.specs.values()].filter((s) => s.state !== 'compiled').map((s) => s.name);

  it('forgets what a statement that failed to compile inferred, and compiles it again later', async () => {
    const { jl, out } = await session();
    jl.eval('const C = 1\ng(x) = x + 1\ng(1)');
    const before = jl.specializations();
    // Typing infers h(Int64); generating the statement's code then fails.
    assert.throws(() => jl.eval('h(x) = x * 2\nC = h(1)'), (e) => e instanceof JlError && /^2:1: ErrorException: invalid redefinition of constant C/.test(e.message));
    assert.deepEqual(jl.specializations(), before);
    assert.deepEqual(uncompiled(jl), []);
    jl.eval('println(h(2), " ", C)');
    assert.equal(out(), '4 1\n');
  });

  it('forgets what a failed inference inferred, and what read its return type', async () => {
    const { jl } = await session();
    assert.throws(() => jl.eval('a(n) = n == 0 ? 0 : b(n - 1)\nb(n) = a(n) + nope(n)\na(3)'), (e) => e instanceof JlError && e.kind === 'UndefVarError');
    assert.deepEqual(uncompiled(jl), []);
    assert.deepEqual(jl.specializations().filter((s) => s.fn === 'a' || s.fn === 'b'), []);
    jl.eval('nope(n) = 1');
    assert.equal(jl.eval('a(3)'), 3n);
  });

  it('compiles long flat expressions; code too large to compile is an ErrorException', async () => {
    const { jl } = await session();
    // 40,000 terms needed more locals than an engine takes until inlined bodies shared theirs.
    for (const n of [3000, 40_000]) assert.equal(jl.eval('x = ' + Array(n).fill('1').join(' + ')), BigInt(n));
    assert.deepEqual(uncompiled(jl), []);
    // Chains of && and || of any length (they were refused past 256 operands), short-circuiting
    // in order: the counter says which operands ran.
    jl.eval('v = [0]\nfunction t(r)\n  v[1] += 1\n  r\nend');
    const chain = (op: string, n: number, at: number, last: string) => Array.from({ length: n }, (_, i) => (i === at ? `t(${op === '&&' ? 'false' : 'true'})` : i === n - 1 ? last : `t(${op === '&&'})`)).join(` ${op} `);
    assert.equal(jl.eval(chain('&&', 3000, -1, 't(7)')), 7n);
    assert.equal(jl.eval(chain('&&', 3000, 1234, 't(7)')), false);
    assert.equal(jl.eval(chain('||', 3000, 2000, 't(true)')), true);
    assert.equal(jl.eval('v[1]'), 3000n + 1235n + 2001n);
    jl.eval(`function g(x)\n  ${Array.from({ length: 600 }, (_, i) => `x != ${i}`).join(' && ')} && return 1\n  0\nend`);
    assert.deepEqual([jl.eval('g(600)'), jl.eval('g(599)')], [1n, 0n]);
    // A function of 50,000 variables needs more locals than an engine takes (its definite
    // assignment check copied its state per assignment: minutes, before it got there).
    const body = Array.from({ length: 50_100 }, (_, i) => `  a${i} = ${i}`).join('\n');
    assert.throws(() => jl.eval(`function f()\n${body}\n  a0 + a50099\nend\nf()`), (e) => e instanceof JlError && e.kind === 'ErrorException' && /too large to compile/.test(e.message));
    assert.deepEqual(uncompiled(jl), []);
    assert.equal(jl.eval('1 + 2'), 3n);
  });

  it('refuses arguments from JS that are no language values with a TypeError or RangeError', async () => {
    const { jl } = await session();
    jl.eval('id(x) = x');
    assert.throws(() => jl.call('id', 1n << 63n), RangeError);
    assert.throws(() => jl.call('id', -(1n << 63n) - 1n), RangeError);
    assert.throws(() => jl.call('id', {} as never), TypeError);
    assert.throws(() => jl.call('id', undefined as never), TypeError);
    assert.equal(jl.call('id', -(1n << 63n)), -(1n << 63n));
    assert.deepEqual([jl.call('id', null), jl.call('id', true), jl.call('id', 'é'), jl.call('id', 2.5)], [null, true, 'é', 2.5]);
  });

  it('raises a language error for a failed call from JS, and stays usable', async () => {
    const { jl } = await session();
    jl.eval('f(x::Int64) = x\nk(x) = f(x) + nope(x)');
    assert.throws(() => jl.call('k', 1n), (e) => e instanceof JlError && e.kind === 'UndefVarError');
    assert.throws(() => jl.call('f', 1.5), (e) => e instanceof JlError && e.kind === 'MethodError');
    assert.throws(() => jl.call('f', 1n, 2n), (e) => e instanceof JlError && e.kind === 'MethodError');
    assert.deepEqual(uncompiled(jl), []);
    assert.equal(jl.call('f', 4n), 4n);
  });
});

describe('jl from the README and the command line', function () {
  this.timeout(60_000);
  it('behaves as the README says', async () => {
    const { jl, out } = await session();
    jl.eval('f(x::Any) = 1\ng(x) = f(x)\nprintln(g(1))');
    jl.eval('f(x::Int64) = 2\nprintln(g(1))');
    assert.equal(out(), '1\n2\n');
    assert.equal(jl.call('g', 1.5), 1n);
  });

  it('lets REPL input continue over lines inside a block, a string or a block comment', () => {
    for (const open of ['function f()', 'x = "a', 'x = "$(1 +', '#= note', '#= a #= b =#']) assert.equal(complete(open + '\n'), false, open);
    for (const done of ['x = "a\nb"', '#= a\nb =#\nx = 1', 'x = 1 +)']) assert.equal(complete(done + '\n'), true, done);
  });

  it('runs a file and a REPL session through bin/accrete.mjs', async () => {
    const { spawnSync } = await import('node:child_process');
    const bin = fileURLToPath(new URL('../../bin/accrete.mjs', import.meta.url));
    const example = fileURLToPath(new URL('../../lang/dispatch/examples/shapes.jl', import.meta.url));
    const file = spawnSync(process.execPath, [bin, 'jl', example], { encoding: 'utf8' });
    assert.equal(file.status, 0, file.stderr);
    assert.match(file.stdout, /fib\(25\) = 75025/);
    const repl = spawnSync(process.execPath, [bin, 'jl'], { encoding: 'utf8', input: 'function sq(n::Int64)\n  n * n\nend\nsq(3)\nsq(1.5)\nsq(4) + 1\n' });
    assert.equal(repl.status, 0);
    assert.match(repl.stdout, /9/);
    assert.match(repl.stdout, /17/);
    assert.match(repl.stderr, /MethodError: no method matching sq\(Float64\)/);
    const bad = spawnSync(process.execPath, [bin, 'nope'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
  });
});
