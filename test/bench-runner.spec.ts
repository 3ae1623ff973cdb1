// The runner's command line as a user meets it: mistakes refused with what was wrong (an empty
// value, a flag given twice, flags npm took for itself), smoke runs keep no file, and an
// interrupted run keeps the cases that finished.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchUsageError, flagsNpmTook, parseArgs } from '../benchmarks/args.js';
import { readRun } from '../benchmarks/results-file.js';

const runner = fileURLToPath(new URL('../benchmarks/run.js', import.meta.url));
const names = ['kept-heap', 'call-overhead'];
const refused = (argv: string[], message: RegExp) => assert.throws(() => parseArgs(argv, names), (e: unknown) => e instanceof BenchUsageError && message.test(e.message), argv.join(' '));

describe('bench runner', function () {
  this.timeout(120_000);
  // Runs here write their results files to a folder of their own, never to benchmarks/results/.
  const results = mkdtempSync(join(tmpdir(), 'accrete-runner-'));
  const env = { ...process.env, ACCRETE_BENCH_RESULTS: results };
  after(() => rmSync(results, { recursive: true, force: true }));

  it('refuses an empty value instead of reading it as the flag left out', () => {
    refused(['--against', ''], /--against needs a value/);
    refused(['--node', ' '], /--node needs a value/);
    refused(['--case', ''], /--case needs a value/);
  });

  it('refuses a flag given twice and --full with --smoke, instead of letting the last one win', () => {
    refused(['--case', 'kept-heap', '--case', 'call-overhead'], /--case is given twice/);
    refused(['--smoke', '--full'], /--full and --smoke cannot go together/);
    refused(['--full', '--smoke'], /--full and --smoke cannot go together/);
  });

  it("trims --case's names and refuses an empty one", () => {
    assert.equal(parseArgs(['--case', ' kept-heap, call-overhead'], names).only, 'kept-heap,call-overhead');
    refused(['--case', 'kept-heap,,call-overhead'], /--case has an empty name in 'kept-heap,,call-overhead'/);
  });

  it('finds the flags npm took for itself (npm run bench --smoke, without --)', () => {
    assert.deepEqual(flagsNpmTook({ npm_config_smoke: 'true', npm_config_case: 'kept-heap', npm_config_cache: '/x' }), ['--smoke', '--case']);
    assert.deepEqual(flagsNpmTook({}), []);
    const p = spawnSync(process.execPath, [runner, '--case', 'kept-heap'], { encoding: 'utf8', env: { ...env, npm_config_smoke: 'true' } });
    assert.equal(p.status, 1);
    assert.match(p.stderr, /npm took --smoke for itself .*write npm run bench -- --smoke/);
    assert.equal(p.stdout, '');
  });

  it('keeps no results file for a smoke run', () => {
    const p = spawnSync(process.execPath, ['--expose-gc', runner, '--smoke', '--case', 'kept-heap'], { encoding: 'utf8', env });
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, /A smoke run: no results file kept\./);
    assert.doesNotMatch(p.stdout, /Raw samples/);
    assert.deepEqual(readdirSync(results), []);
  });

  it('keeps the cases that finished when a run is interrupted, and says where', async () => {
    const child = spawn(process.execPath, ['--expose-gc', runner, '--case', 'kept-heap,call-overhead,compile-time-imports'], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const done = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    await new Promise<void>((res) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('### kept-heap')) res();
      });
    });
    // Only the runner hears it (as from `kill`): it stops once the case running has finished, before
    // the last one.
    child.kill('SIGINT');
    assert.equal(await done, 1);
    const m = /stopped by SIGINT; the (?:case that finished is|(\d) cases that finished are) in (\S+\.json)/.exec(err);
    assert.ok(m, err);
    assert.ok(m[2]!.startsWith(results), m[2]);
    const run = readRun(m[2]!);
    assert.equal(run.results[0]!.case, 'kept-heap');
    assert.equal(run.results.length, m[1] ? Number(m[1]) : 1);
    assert.ok(run.results.length < 3, 'stopped before the last case');
  });
});
