// `npm run bench -- --report`: with no results, or fewer than the report holds, it refuses and
// leaves the committed report alone; otherwise it writes the report and its charts and says which
// Node versions it holds.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchUsageError } from '../benchmarks/args.js';
import type { CaseResult } from '../benchmarks/harness.js';
import { coveredBy, writeReport, type Newest } from '../benchmarks/report.js';
import type { RunRecord } from '../benchmarks/results-file.js';
import { summarize } from '../benchmarks/stats.js';
import { verdict } from '../benchmarks/verdict.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempFile = () => {
  const d = mkdtempSync(join(tmpdir(), 'accrete-report-'));
  dirs.push(d);
  return join(d, 'benchmarks.md');
};

/** A link-scaling-like result with two K groups (so it gets a chart). */
function result(): CaseResult {
  const strategy = (name: string, group: string, x: number) => ({ strategy: name, group, items: undefined, summary: summarize([x]), samples: [x], breakdown: undefined });
  return {
    case: 'link-scaling',
    description: 'd',
    reference: 'import matching',
    target: 't',
    unit: 'µs',
    results: [strategy('import matching', 'K=1', 10), strategy('accrete baseline', 'K=1', 5), strategy('import matching', 'K=1000', 100), strategy('accrete baseline', 'K=1000', 30)],
    verdicts: [verdict('K=1000 ≥ 5', 3.33, false)],
  };
}

const run = (node: string, results: CaseResult[]): RunRecord => ({ date: '2026-01-01T00:00:00.000Z', command: 'npm run bench', mode: 'quick', machine: { platform: 'linux', arch: 'x64', cpus: ['cpu'] }, node, v8: 'x', binaryen: '132', results });

describe('bench --report', () => {
  it('refuses with no results and writes nothing, so that a fresh clone cannot blank the committed report', () => {
    const file = tempFile();
    assert.throws(() => writeReport(new Map(), file), (e: unknown) => e instanceof BenchUsageError && /no results in .* to report/.test(e.message) && e.message.includes('left as it was'));
    assert.equal(existsSync(file), false);
  });

  it('refuses to drop what the report holds and these results do not (a clone that ran one case), and leaves it as it was', () => {
    const file = tempFile();
    const r = result();
    const byNode: Newest = new Map([['20', new Map([['link-scaling', { run: run('20.20.2', [r]), result: r }]])]]);
    writeReport(byNode, file);
    const before = readFileSync(file, 'utf8');
    // The committed report had Node 24 too, and another Node 20 case.
    const held = `${before}\n## Node 24\n\n### link-scaling\n\n## Node 20\n\n### kept-heap\n\n## Targets\n\n### not-a-case-heading\n`;
    writeFileSync(file, held);
    assert.deepEqual(coveredBy(held).filter(([m]) => m === '24'), [['24', 'link-scaling']]);
    assert.throws(
      () => writeReport(byNode, file),
      (e: unknown) => e instanceof BenchUsageError && /Node 24: link-scaling; Node 20: kept-heap|Node 20: kept-heap; Node 24: link-scaling/.test(e.message) && e.message.includes('delete the file') && !e.message.includes('not-a-case-heading'),
    );
    assert.equal(readFileSync(file, 'utf8'), held);
    // Deleting it is the way to report only what is here.
    rmSync(file);
    assert.match(writeReport(byNode, file), /Node 20 \(1 case\)$/);
  });

  it('writes the report and its charts, and says which Node versions and how many cases it holds', () => {
    const file = tempFile();
    const r = result();
    const byNode: Newest = new Map([['20', new Map([['link-scaling', { run: run('20.20.2', [r]), result: r }]])]]);
    const said = writeReport(byNode, file);
    assert.equal(said, `wrote ${file}: Node 20 (1 case)`);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /## Node 20[\s\S]*### link-scaling[\s\S]*!\[link-scaling on Node 20\]\(charts\/link-scaling-node20\.svg\)/);
    assert.match(text, /\| link-scaling \| K=1000 ≥ 5 \| 3\.33× ✗ \|/);
    assert.ok(existsSync(join(file, '..', 'charts', 'link-scaling-node20.svg')));
  });
});
