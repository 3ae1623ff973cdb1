// Runtime options: documented with their defaults, checked once at construction (bad options
// throw TypeError at once), then frozen into a resolved form the rest of the runtime trusts.

import type { SigLike } from '../codegen/ir/sig.js';

/** A host (JS) function made callable from every stage. */
export interface HostFunction {
  /** Signature, e.g. `"i32 i32 -> i32"` or `{ params: ['i32'], results: [] }`. */
  sig: SigLike;
  fn: (...args: never[]) => unknown;
}

export type Tier = 'baseline' | 'optimizing';
export type LinkingChoice = 'auto' | 'shared-table' | 'link-table';

export interface RuntimeOptions {
  /** Host functions callable from any stage by name, committed in the root stage. Default: none. */
  host?: Record<string, HostFunction>;
  /** Back the memory with a SharedArrayBuffer (needs the threads feature). Default: `false`. */
  shared?: boolean;
  /** Initial memory size in 64 KiB pages. Default: enough for the regions plus 16 pages of heap. */
  initialPages?: number;
  /** Maximum memory size in pages. Default: 65536 (4 GiB), or 16384 (1 GiB) when `shared`. */
  maximumPages?: number;
  /** Bytes reserved for global cells (8 bytes each). Default: 65536 (8192 globals). */
  globalsBytes?: number;
  /** Bytes reserved for RTT descriptors. Default: 262144. */
  rttBytes?: number;
  /** Initial size of the shared funcref table. Default: 256, or `maxSlots` if smaller (it grows as needed). */
  initialSlots?: number;
  /** Most slots the table may reach; more is a `ResourceExhausted` error. Default: 1,000,000 (V8 allows 10,000,000). */
  maxSlots?: number;
  /** Tier new stages compile with. `optimizing` loads binaryen at creation. Default: `'baseline'`. */
  tier?: Tier;
  /**
   * How stages call functions of earlier stages. `shared-table`: import the shared table and
   * `call_indirect` by slot. `link-table`: import a small private table holding only the callees.
   * `auto` picks by engine (see docs/linking.md). Default: `'auto'`.
   */
  linking?: LinkingChoice;
  /** Validate every generated module with binaryen too (slow; for debugging Accrete). Default: `false`. */
  validate?: boolean;
  /**
   * The optimizing tier inlines functions of other stages whose bodies have at most this many IR
   * nodes, as if declared `inline` (redefining one recompiles its inliners). 0 turns it off.
   * Default: 24.
   */
  autoInline?: number;
  /**
   * When this many stages each have a baseline module of their own, the next commit merges them
   * into one module (each keeps its symbols, slots and backedges). Engines pay per module (V8:
   * ~15 KB and one memory mapping each, ~65,000 mappings per process). Only stages of at most 32
   * functions are merged; bigger ones carry that overhead easily. 0 turns it off. Default: 256.
   */
  compactAfter?: number;
  /**
   * Exception-handling encoding: `legacy` (try/catch, V8 9.5+), `final` (try_table, V8 13+).
   * `auto` prefers legacy where the engine has it, since every engine with final has it too so far.
   * Default: `'auto'`.
   */
  exceptions?: 'auto' | 'legacy' | 'final';
}

export interface ResolvedOptions {
  readonly host: Readonly<Record<string, HostFunction>>;
  readonly shared: boolean;
  readonly initialPages: number | undefined;
  readonly maximumPages: number;
  readonly globalsBytes: number;
  readonly rttBytes: number;
  readonly initialSlots: number;
  readonly maxSlots: number;
  readonly tier: Tier;
  readonly linking: LinkingChoice;
  readonly validate: boolean;
  readonly autoInline: number;
  readonly compactAfter: number;
  readonly exceptions: 'auto' | 'legacy' | 'final';
}

const KNOWN = new Set(['host', 'shared', 'initialPages', 'maximumPages', 'globalsBytes', 'rttBytes', 'initialSlots', 'maxSlots', 'tier', 'linking', 'validate', 'exceptions', 'autoInline', 'compactAfter']);

function int(o: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new TypeError(`Runtime option '${key}' must be an integer from ${min} to ${max}, got ${String(v)}`);
  }
  return v;
}

function oneOf<T extends string>(o: Record<string, unknown>, key: string, allowed: readonly T[], dflt: T): T {
  const v = o[key];
  if (v === undefined) return dflt;
  if (!allowed.includes(v as T)) throw new TypeError(`Runtime option '${key}' must be one of ${allowed.join(', ')}, got ${String(v)}`);
  return v as T;
}

function bool(o: Record<string, unknown>, key: string): boolean {
  const v = o[key];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new TypeError(`Runtime option '${key}' must be a boolean, got ${String(v)}`);
  return v;
}

export function resolveOptions(options: RuntimeOptions | undefined): ResolvedOptions {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object') throw new TypeError(`Runtime options must be an object, got ${String(options)}`);
  const o = options as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KNOWN.has(k)) throw new TypeError(`Unknown runtime option '${k}' (known: ${[...KNOWN].join(', ')})`);
  const shared = bool(o, 'shared');
  const host = o.host ?? {};
  if (host === null || typeof host !== 'object') throw new TypeError(`Runtime option 'host' must be an object of { sig, fn }`);
  for (const [name, h] of Object.entries(host as Record<string, unknown>)) {
    const hf = h as HostFunction | null;
    if (hf === null || typeof hf !== 'object' || typeof hf.fn !== 'function' || hf.sig === undefined) {
      throw new TypeError(`Runtime option 'host.${name}' must be { sig, fn } with a function fn`);
    }
  }
  const maximumPages = int(o, 'maximumPages', 1, 65536) ?? (shared ? 16384 : 65536);
  const initialPages = int(o, 'initialPages', 1, 65536);
  if (initialPages !== undefined && initialPages > maximumPages) {
    throw new TypeError(`Runtime option 'initialPages' (${initialPages}) exceeds 'maximumPages' (${maximumPages})`);
  }
  const maxSlots = int(o, 'maxSlots', 1, 10_000_000) ?? 1_000_000;
  const initialSlots = int(o, 'initialSlots', 0, 10_000_000) ?? Math.min(256, maxSlots);
  if (initialSlots > maxSlots) throw new TypeError(`Runtime option 'initialSlots' (${initialSlots}) exceeds 'maxSlots' (${maxSlots})`);
  const globalsBytes = int(o, 'globalsBytes', 8, 1 << 30) ?? 65536;
  const rttBytes = int(o, 'rttBytes', 64, 1 << 30) ?? 262144;
  if (globalsBytes % 8 !== 0) throw new TypeError(`Runtime option 'globalsBytes' must be a multiple of 8, got ${globalsBytes}`);
  return Object.freeze({
    host: Object.freeze({ ...(host as Record<string, HostFunction>) }),
    shared,
    initialPages,
    maximumPages,
    globalsBytes,
    rttBytes: Math.ceil(rttBytes / 8) * 8,
    initialSlots,
    maxSlots,
    tier: oneOf(o, 'tier', ['baseline', 'optimizing'] as const, 'baseline'),
    linking: oneOf(o, 'linking', ['auto', 'shared-table', 'link-table'] as const, 'auto'),
    validate: bool(o, 'validate'),
    autoInline: int(o, 'autoInline', 0, 10_000) ?? 24,
    compactAfter: int(o, 'compactAfter', 0, 1_000_000) ?? 256,
    exceptions: oneOf(o, 'exceptions', ['auto', 'legacy', 'final'] as const, 'auto'),
  });
}
