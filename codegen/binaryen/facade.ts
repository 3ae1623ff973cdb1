// The one façade over binaryen: every binaryen call in Accrete goes through here. Each module is
// disposed explicitly, and binaryen's printed diagnostics are captured into the errors we throw.

import binaryen from 'binaryen';
import { fail } from '../../runtime/errors.js';

/** The features stage modules may use; binaryen must accept all of them. */
const FEATURES =
  binaryen.Features.MutableGlobals |
  binaryen.Features.NontrappingFPToInt |
  binaryen.Features.SignExt |
  binaryen.Features.BulkMemory |
  // memory.copy and memory.fill: binaryen asserts on them without this half of bulk memory.
  binaryen.Features.BulkMemoryOpt |
  binaryen.Features.ReferenceTypes |
  binaryen.Features.Multivalue |
  binaryen.Features.TailCall |
  binaryen.Features.ExceptionHandling |
  binaryen.Features.Atomics;

/** Run `f` with binaryen's stdout/stderr output captured; returns the result and the text. */
function captured<T>(f: () => T): { value: T | undefined; error: unknown; text: string } {
  const out: string[] = [];
  const ow = process.stdout.write;
  const ew = process.stderr.write;
  const grab = ((s: string | Uint8Array) => {
    out.push(typeof s === 'string' ? s : Buffer.from(s).toString());
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = grab;
  process.stderr.write = grab;
  try {
    return { value: f(), error: undefined, text: out.join('') };
  } catch (error) {
    return { value: undefined, error, text: out.join('') };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}

function messageOf(e: unknown): string {
  return (e as { message?: unknown })?.message !== undefined ? String((e as { message: unknown }).message) : String(e);
}

/**
 * binaryen's readers, validator and passes recurse over expressions (its passes over ones they
 * nested themselves, sinking a chain of local sets into one): running out of the engine's stack
 * there is a limit, not a bug, and the optimizing tier keeps the baseline bytes on it.
 */
function outOfStack(e: unknown, doing: string): void {
  if (e instanceof RangeError) throw fail('ResourceExhausted', `binaryen ran out of stack ${doing}: ${messageOf(e)}`, {}, { cause: e });
}

/** A binaryen module owned by the façade; call `dispose()` when done. */
class Owned {
  constructor(readonly m: binaryen.Module) {}
  dispose(): void {
    this.m.dispose();
  }
}

function read(bytes: Uint8Array, what: string): Owned {
  const r = captured(() => binaryen.readBinary(bytes));
  outOfStack(r.error, `reading the module for ${what}`);
  if (r.error !== undefined || !r.value) {
    throw fail('LinkError', `${what}: binaryen could not read the module: ${messageOf(r.error)}`, {}, { detail: r.text });
  }
  r.value.setFeatures(FEATURES);
  return new Owned(r.value);
}

/** Validation text from binaryen, or undefined when the module is valid. */
export function validate(bytes: Uint8Array): string | undefined {
  const o = read(bytes, 'validate');
  try {
    const r = captured(() => o.m.validate());
    return r.value ? undefined : r.text || messageOf(r.error) || 'invalid module';
  } finally {
    o.dispose();
  }
}

export interface OptimizeOptions {
  /** binaryen's optimize level (0-4). Default 2. */
  level?: number;
  /** binaryen's shrink level (0-2). Default 0. */
  shrink?: number;
}

/** The optimising tier: binaryen's pass pipeline over a module. Validates first. */
export function optimize(bytes: Uint8Array, opts: OptimizeOptions = {}): Uint8Array {
  const o = read(bytes, 'optimize');
  try {
    const v = captured(() => o.m.validate());
    outOfStack(v.error, 'validating');
    if (!v.value) throw fail('Internal', 'the baseline tier produced a module binaryen rejects', {}, { detail: v.text });
    binaryen.setOptimizeLevel(opts.level ?? 2);
    binaryen.setShrinkLevel(opts.shrink ?? 0);
    binaryen.setDebugInfo(true);
    const r = captured(() => {
      o.m.optimize();
      return o.m.emitBinary();
    });
    outOfStack(r.error, 'optimising');
    if (r.error !== undefined || !r.value) throw fail('Internal', `binaryen failed to optimise: ${messageOf(r.error)}`, {}, { detail: r.text });
    return r.value;
  } finally {
    o.dispose();
  }
}

/** Parse WebAssembly text into a binary, with binaryen's message on failure. */
export function parseText(text: string): Uint8Array {
  const r = captured(() => binaryen.parseText(text));
  if (r.error !== undefined || !r.value) {
    throw fail('LinkError', `the text module does not parse: ${messageOf(r.error)}`, {}, { detail: r.text });
  }
  const m = new Owned(r.value);
  try {
    m.m.setFeatures(FEATURES);
    const v = captured(() => m.m.validate());
    if (!v.value) throw fail('LinkError', 'the text module is not valid', {}, { detail: v.text });
    return m.m.emitBinary();
  } finally {
    m.dispose();
  }
}
