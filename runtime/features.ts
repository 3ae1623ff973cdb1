// Engine feature detection (wasm-feature-detect) and the engine-dependent choices made from it.
// The linking choice follows the measurements in docs/linking.md.

import * as detect from 'wasm-feature-detect';
import type { CallLinking } from '../codegen/lower/encode.js';
import type { LinkingChoice } from './options.js';

/** Which WebAssembly features this engine has. */
export interface Features {
  readonly bigInt: boolean;
  readonly bulkMemory: boolean;
  readonly exceptions: boolean;
  readonly exceptionsFinal: boolean;
  readonly extendedConst: boolean;
  readonly gc: boolean;
  readonly memory64: boolean;
  readonly multiValue: boolean;
  readonly mutableGlobals: boolean;
  readonly referenceTypes: boolean;
  readonly saturatedFloatToInt: boolean;
  readonly signExtensions: boolean;
  readonly simd: boolean;
  readonly tailCall: boolean;
  readonly threads: boolean;
  readonly jspi: boolean;
}

const NAMES: ReadonlyArray<keyof Features> = [
  'bigInt', 'bulkMemory', 'exceptions', 'exceptionsFinal', 'extendedConst', 'gc', 'memory64', 'multiValue',
  'mutableGlobals', 'referenceTypes', 'saturatedFloatToInt', 'signExtensions', 'simd', 'tailCall', 'threads', 'jspi',
];

let cached: Promise<Features> | undefined;

/** Detect once per process: the answers cannot change while it runs. */
export function detectFeatures(): Promise<Features> {
  cached ??= (async () => {
    const table = detect as unknown as Record<string, () => Promise<boolean>>;
    const values = await Promise.all(NAMES.map(async (n) => (typeof table[n] === 'function' ? await table[n]!() : false)));
    return Object.freeze(Object.fromEntries(NAMES.map((n, i) => [n, values[i]]))) as unknown as Features;
  })();
  return cached;
}

/** The engine the runtime runs on. */
export interface EngineInfo {
  readonly node: string;
  readonly v8: string;
  readonly v8Major: number;
}

export function engineInfo(): EngineInfo {
  const v8 = process.versions.v8 ?? '0';
  return Object.freeze({ node: process.version, v8, v8Major: Number.parseInt(v8, 10) || 0 });
}

/**
 * V8 before 13 (measured: 11.3 and 12.4) copies a whole imported table into every importing
 * instance, slows `table.set` in proportion to the number of importers and never frees them
 * (docs/linking.md); there a small private link table per stage wins. From V8 13 on (measured:
 * 13.6) importing the shared table costs nothing extra.
 */
export function chooseLinking(choice: LinkingChoice, engine: EngineInfo): CallLinking {
  if (choice !== 'auto') return choice;
  return engine.v8Major >= 13 ? 'shared-table' : 'link-table';
}

/**
 * Fewest small bodies per stage packed together at commit (0: never). On V8 13, committing stage
 * after stage of 1,000 one-line functions kept as trees (~340 bytes and seven objects each) ran in
 * stretches where allocation touched freshly committed young-generation pages: ~290 minor page
 * faults per commit against ~15 otherwise, defining and building it 190–230 and 620–670 µs
 * against 85–90 and ~390 (V8's own `--lazy-new-space-shrinking` removes the stretches too).
 * Packing the trees together as the stage is lowered (~0.1 µs a body) leaves them garbage before
 * the next scavenge: such commits 1,112–1,186 → 962–1,096 µs, and the stage keeps ~535 → ~340
 * bytes per function. At 100 and 300 functions a stage it only costs or is within the noise, and
 * V8 11.3 and 12.4 show no such stretches (there it costs +100–170 and +20–90 µs per 1,000
 * functions). docs/performance.md, "Sustained bulk loading on V8 13".
 */
export function choosePackMin(engine: EngineInfo): number {
  return engine.v8Major >= 13 ? PACK_TOGETHER_MIN : 0;
}

/** Stages of fewer bodies keep them as trees (see choosePackMin). */
export const PACK_TOGETHER_MIN = 512;

/** The exception-handling encoding: the option's choice if the engine has it, else what it has. */
export function chooseExceptions(choice: 'auto' | 'legacy' | 'final', f: Features): 'legacy' | 'final' | undefined {
  if (choice === 'legacy') return f.exceptions ? 'legacy' : undefined;
  if (choice === 'final') return f.exceptionsFinal ? 'final' : undefined;
  return f.exceptions ? 'legacy' : f.exceptionsFinal ? 'final' : undefined;
}
