// Layering rules, checked on the source: only codegen/binaryen imports binaryen, runtime/ never
// reaches it statically, and no source file grows past ~800 lines.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, dir))) {
    const p = join(root, dir, e);
    if (statSync(p).isDirectory()) out.push(...sources(relative(root, p)));
    else if (p.endsWith('.ts')) out.push(relative(root, p));
  }
  return out;
}

const all = ['runtime', 'codegen', 'test', 'examples', 'benchmarks', 'lang'].flatMap((d) => {
  try {
    return sources(d);
  } catch {
    return [];
  }
});

/** Static imports of a file, resolved relative to the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specs = [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
  return specs.map((s) => (s.startsWith('.') ? relative(root, join(root, file, '..', s)).replace(/\.js$/, '.ts') : s));
}

describe('architecture', () => {
  it('imports binaryen only in codegen/binaryen/ (and tests)', () => {
    const offenders = all.filter((f) => !f.startsWith('codegen/binaryen/') && !f.startsWith('test/') && importsOf(f).includes('binaryen'));
    assert.deepEqual(offenders, []);
  });

  it('never reaches binaryen statically from runtime/', () => {
    const seen = new Set<string>();
    const stack = sources('runtime');
    while (stack.length) {
      const f = stack.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      for (const i of importsOf(f)) {
        assert.notEqual(i, 'binaryen', `${f} imports binaryen`);
        assert.ok(!i.startsWith('codegen/binaryen/'), `${f} statically imports ${i}`);
        if (i.endsWith('.ts')) stack.push(i);
      }
    }
    assert.ok(seen.size > 5);
  });

  it('keeps every source file under 800 lines, with a purpose comment on top', () => {
    for (const f of all) {
      const text = readFileSync(join(root, f), 'utf8');
      assert.ok(text.split('\n').length <= 800, `${f} has more than 800 lines`);
      assert.ok(text.startsWith('//'), `${f} starts without a purpose comment`);
    }
  });
});
