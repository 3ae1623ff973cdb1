// Shared test helpers: runtimes per linking strategy, expected-error assertions, and a snapshot
// of everything a failed commit must leave untouched.

import assert from 'node:assert/strict';
import binaryen from 'binaryen';
import { AccreteError, Runtime, type ErrorCode, type RuntimeOptions } from '../runtime/index.js';
import type { LinkingChoice } from '../runtime/options.js';
import { encoderChecks } from '../codegen/lower/encode.js';
import { FuncBuilder } from '../codegen/ir/builder.js';

// Every packed body any test commits is encoded both from its words and from its tree, and the
// bytes compared (encode.ts): the stream reader is checked by the whole suite.
encoderChecks.stream = true;

/**
 * A builder made by a test outside any commit. It is disposed after the test, finished or not: one
 * left open (a test that expects it to refuse something) stays the builder that later ones begin
 * inside, and a finished body's namespaces would be handed back to it instead of to none, so that
 * a test run after it in the same process would see them make nodes where they must refuse.
 */
export function testBuilder(...args: ConstructorParameters<typeof FuncBuilder>): FuncBuilder {
  const b = new FuncBuilder(...args);
  made.push(b);
  return b;
}
const made: FuncBuilder[] = [];
// At the root: after every test of every file that imports these helpers.
afterEach(() => {
  for (const b of made.splice(0)) b.dispose();
});

export const LINKINGS: ReadonlyArray<Exclude<LinkingChoice, 'auto'>> = ['shared-table', 'link-table'];

export function newRuntime(opts: RuntimeOptions = {}): Promise<Runtime> {
  return Runtime.create(opts);
}

/** Assert that `f` throws an AccreteError with this code; returns it for more checks. */
export function throwsCode(f: () => unknown, code: ErrorCode, pattern?: RegExp): AccreteError {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  return checkError(caught, code, pattern);
}

export async function rejectsCode(p: Promise<unknown> | (() => Promise<unknown>), code: ErrorCode, pattern?: RegExp): Promise<AccreteError> {
  let caught: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    caught = e;
  }
  return checkError(caught, code, pattern);
}

function checkError(caught: unknown, code: ErrorCode, pattern?: RegExp): AccreteError {
  assert.ok(caught !== undefined, `expected an AccreteError ${code}, but nothing was thrown`);
  assert.ok(caught instanceof AccreteError, `expected an AccreteError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, `expected code ${code}, got ${caught.code}: ${caught.message}`);
  if (pattern) assert.match(caught.message, pattern);
  return caught;
}

/** Everything observable about a runtime that a failed operation must not change. */
export function snapshot(rt: Runtime): unknown {
  const core = rt.internals;
  const mem = new Uint8Array(rt.memory.buffer, 0, rt.layout.heapBase);
  // What every slot holds, without writing out a shared table the runtime has left unwritten
  // (link-table linking): the snapshot must not change what it observes.
  const table: Array<Function | null> = [];
  for (let i = 0; i < core.slots.tableLength; i++) table.push(core.slots.peek(i));
  return {
    symbols: JSON.stringify(rt.symbols(), (_, v) => (typeof v === 'bigint' ? `${v}n` : v)),
    stages: rt.stages().map((s) => `${s.name}:${s.symbols.join(',')}`),
    slotsUsed: core.slots.used,
    cellsUsed: core.globalCells.used,
    rttTop: core.rtts.top,
    nextTag: core.nextTagId,
    generation: core.generation,
    dependents: JSON.stringify([...core.dependents].map(([k, v]) => [k, [...v]])),
    memoryHash: hash(mem),
    table,
  };
}

export function assertUnchanged(before: unknown, rt: Runtime): void {
  const after = snapshot(rt) as { table: unknown[] };
  const b = before as { table: unknown[] };
  assert.deepEqual({ ...after, table: undefined }, { ...b, table: undefined });
  // The table may have grown (empty slots), but no existing entry may differ.
  b.table.forEach((f, i) => assert.equal(after.table[i], f, `table slot ${i} changed`));
  for (let i = b.table.length; i < after.table.length; i++) assert.equal(after.table[i], null, `new table slot ${i} is not empty`);
}

function hash(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return (h >>> 0).toString(16);
}

const F = binaryen.Features;
/** Every feature Accrete's modules may use, for test modules built with binaryen. */
export const TEST_FEATURES =
  F.Atomics | F.MutableGlobals | F.NontrappingFPToInt | F.BulkMemory | F.SignExt | F.ExceptionHandling | F.TailCall | F.ReferenceTypes | F.Multivalue | F.ExtendedConst | F.BulkMemoryOpt;

/** WebAssembly text → binary with binaryen (names kept), validated unless told otherwise. */
export function watToBinary(text: string, opts: { validate?: boolean; features?: number } = {}): Uint8Array {
  binaryen.setDebugInfo(true);
  const m = binaryen.parseText(text);
  try {
    m.setFeatures(opts.features ?? TEST_FEATURES);
    if (opts.validate !== false) assert.ok(m.validate(), 'test module must validate');
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}
