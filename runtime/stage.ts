// The stage builder: collects a batch of definitions, checks each as it is added, and hands the
// batch to the runtime's commit. Nothing is visible to other stages until the commit succeeds.

import type { Body, FuncBuilder } from '../codegen/ir/builder.js';
import type { Sig, ValType } from '../codegen/ir/nodes.js';
import { checkValType, parseSig, type SigLike } from '../codegen/ir/sig.js';
import { constFits, constRange } from '../codegen/ir/operands.js';
import { fail } from './errors.js';
import { MAX_TAG_PARAMS } from './layout.js';
import { hashOf } from './name-table.js';
import type { Tier } from './options.js';

export type FieldType = ValType | 'ref';

const NO_NAMES: readonly string[] = Object.freeze([]);

export interface FuncOptions {
  /** Inline calls to it in later stages (recorded as backedges). Default: false. */
  inline?: boolean;
  /** Replace an existing function of the same name and signature, in its slot. Default: false. */
  redefine?: boolean;
  /** Names of the parameters, for the name section and `toText`. */
  params?: readonly string[];
}

export type Def =
  | { kind: 'func'; name: string; sig: Sig; body: (b: FuncBuilder) => Body; inline: boolean; redefine: boolean; paramNames: readonly string[] }
  | { kind: 'host'; name: string; sig: Sig; fn: (...args: never[]) => unknown; redefine: boolean }
  | { kind: 'global'; name: string; type: ValType; init: number | bigint; mutable: boolean; redefine: false }
  | { kind: 'constant'; name: string; type: ValType; value: number | bigint; redefine: boolean }
  | { kind: 'rtt'; name: string; fields: ReadonlyArray<{ name: string; type: FieldType }>; parent: string | undefined; redefine: false }
  | { kind: 'tag'; name: string; params: readonly ValType[]; redefine: false };

/** What a successful commit reports. */
export interface StageInfo {
  readonly name: string;
  /** Names the stage defined (or redefined). */
  readonly symbols: readonly string[];
  /** Stages recompiled because they depended on something this stage redefined. */
  readonly recompiled: readonly string[];
  readonly stats: StageStats;
}

/** Where a stage's commit spent its time (milliseconds) and how big its code is. */
export interface StageStats {
  bytes: number;
  functions: number;
  tier: Tier;
  build: number;
  optimize: number;
  compile: number;
  instantiate: number;
  wire: number;
  total: number;
}

/** The runtime side of a stage: implemented by Runtime. */
export interface StageHost {
  commitStage(stage: Stage, sync: boolean): StageInfo | Promise<StageInfo>;
}

export type StageState = 'open' | 'committing' | 'committed';

/** Stages of up to this many definitions find a name by scanning them: most stages are that small, and a Map costs them more. */
const SCAN_MAX = 8;

export class Stage {
  readonly defs: Def[] = [];
  /**
   * @internal Each definition's name hashed for the runtime's name tables (`hashOf`), computed
   * once here: the planner looks each name up and the commit inserts it, and a big stage
   * prefetches them.
   */
  readonly hashes: number[] = [];
  /** Where each name sits in `defs`, once there are more than SCAN_MAX. */
  private byName: Map<string, number> | undefined;
  state: StageState = 'open';

  constructor(
    private readonly owner: StageHost,
    readonly name: string,
    readonly tier: Tier,
    /** @internal The name hashed for the runtime's stage tables (`hashOf`): it is looked up twice and inserted twice per commit. */
    readonly nameHash: number = hashOf(name),
  ) {}

  private add(def: Def): this {
    if (this.state !== 'open') throw fail('StageState', `the stage is ${this.state}; start a new stage with rt.stage()`, siteOf(this.name, def));
    if (typeof def.name !== 'string' || def.name === '') throw fail('InvalidBody', `a symbol name must be a non-empty string`, siteOf(this.name, def));
    const h = hashOf(def.name);
    const byName = this.byName;
    if (byName) {
      // One map operation per definition: a duplicate shows as a size that did not grow.
      const before = byName.size;
      byName.set(def.name, this.defs.length);
      if (byName.size === before) {
        byName.set(def.name, this.scan(def.name));
        throw duplicate(this.name, def);
      }
    } else {
      if (this.indexOfHashed(def.name, h) >= 0) throw duplicate(this.name, def);
      if (this.defs.length === SCAN_MAX) {
        const m = (this.byName = new Map());
        for (let i = 0; i < this.defs.length; i++) m.set(this.defs[i]!.name, i);
        m.set(def.name, this.defs.length);
      }
    }
    this.defs.push(def);
    // A plain array: a typed one over 64 bytes gets a buffer of its own, off the heap (~0.7 µs).
    this.hashes.push(h);
    return this;
  }

  /**
   * Where the definition of `name`, whose `hashOf` is `h`, sits in `defs`, or -1: the planner
   * resolves the stage's own names through it, hashing each name once for both this and the
   * runtime's table. A short stage's names are told apart by hash before any string is compared
   * (a fresh name against a stored one is compared by content).
   */
  indexOfHashed(name: string, h: number): number {
    if (this.byName !== undefined) return this.byName.get(name) ?? -1;
    const defs = this.defs;
    const hashes = this.hashes;
    for (let i = 0; i < defs.length; i++) if (hashes[i] === h && defs[i]!.name === name) return i;
    return -1;
  }

  private scan(name: string): number {
    const defs = this.defs;
    for (let i = 0; i < defs.length; i++) if (defs[i]!.name === name) return i;
    return -1;
  }

  private checked<T>(name: string, f: () => T): T {
    try {
      return f();
    } catch (e) {
      throw this.placed(e, name);
    }
  }

  /** An error of a definition's arguments, placed at the definition. */
  private placed(e: unknown, name: string): unknown {
    return (e as { at?: (s: object) => unknown }).at ? (e as ReturnType<typeof fail>).at({ stage: this.name, definition: name }) : e;
  }

  /** A compile-time constant: code that uses it gets an immediate. */
  constant(name: string, type: ValType, value: number | bigint, opts: { redefine?: boolean } = {}): this {
    optionsObject(opts, 'constant', name);
    const [t, v] = this.checked(name, () => {
      const t = checkValType(type, 'constant type');
      return [t, checkValue(t, value, 'constant value')] as const;
    });
    return this.add({ kind: 'constant', name, type: t, value: v, redefine: opts.redefine === true });
  }

  /** A global in a memory cell at a fixed address; `init` is written when the stage commits. */
  global(name: string, type: ValType, init: number | bigint = 0, opts: { mutable?: boolean } = {}): this {
    optionsObject(opts, 'global', name);
    const [t, v] = this.checked(name, () => {
      const t = checkValType(type, 'global type');
      return [t, checkValue(t, init, 'initial value')] as const;
    });
    return this.add({ kind: 'global', name, type: t, init: v, mutable: opts.mutable !== false, redefine: false });
  }

  /** A generative runtime type: a fresh id and a descriptor in memory. Fields follow the parent's. */
  rtt(name: string, spec: { fields?: ReadonlyArray<{ name: string; type: FieldType }> | Readonly<Record<string, FieldType>>; parent?: string } = {}): this {
    optionsObject(spec, 'rtt', name);
    const fields = this.checked(name, () => {
      const raw = spec.fields ?? [];
      const list = Array.isArray(raw) ? raw : Object.entries(raw).map(([n, t]) => ({ name: n, type: t as FieldType }));
      const seen = new Set<string>();
      return list.map((f, i) => {
        if (!f || typeof f.name !== 'string' || f.name === '') throw fail('BadSignature', `field ${i} needs a name`);
        if (seen.has(f.name)) throw fail('DuplicateSymbol', `field '${f.name}' appears twice`);
        seen.add(f.name);
        if (f.type !== 'ref') checkValType(f.type, `field '${f.name}'`);
        return { name: f.name, type: f.type };
      });
    });
    if (spec.parent !== undefined && typeof spec.parent !== 'string') throw fail('BadSignature', `parent must be an RTT name`, { stage: this.name, definition: name });
    return this.add({ kind: 'rtt', name, fields, parent: spec.parent, redefine: false });
  }

  /** A generative tag (an i32 magic number) for exceptions; `params` is its payload. */
  tag(name: string, params: readonly ValType[] = []): this {
    const p = this.checked(name, () => {
      if (!Array.isArray(params)) throw fail('BadSignature', `tag parameters must be an array of value types`);
      if (params.length > MAX_TAG_PARAMS) throw fail('BadSignature', `a tag may have at most ${MAX_TAG_PARAMS} parameters`);
      return params.map((t, i) => checkValType(t, `tag parameter ${i}`));
    });
    return this.add({ kind: 'tag', name, params: p, redefine: false });
  }

  /** A function; `body` is called at commit with a builder and returns the body. */
  func(name: string, sig: SigLike, body: (b: FuncBuilder) => Body, opts?: FuncOptions): this {
    if (opts !== undefined) optionsObject(opts, 'func', name);
    let s: Sig;
    try {
      s = parseSig(sig, 'signature');
    } catch (e) {
      throw this.placed(e, name);
    }
    if (typeof body !== 'function') throw fail('InvalidBody', `the body must be a function (b) => expression(s)`, { stage: this.name, definition: name });
    return this.add({ kind: 'func', name, sig: s, body, inline: opts?.inline === true, redefine: opts?.redefine === true, paramNames: opts?.params ?? NO_NAMES });
  }

  /** A host (JS) function, callable from any stage through its slot. */
  host(name: string, sig: SigLike, fn: (...args: never[]) => unknown, opts: { redefine?: boolean } = {}): this {
    optionsObject(opts, 'host', name);
    const s = this.checked(name, () => parseSig(sig, 'signature'));
    if (typeof fn !== 'function') throw fail('InvalidBody', `a host function must be a JS function`, { stage: this.name, definition: name });
    return this.add({ kind: 'host', name, sig: s, fn, redefine: opts.redefine === true });
  }

  /** Commit: validate, compile, instantiate, wire slots, publish. Atomic. */
  commit(): Promise<StageInfo> {
    try {
      return Promise.resolve(this.owner.commitStage(this, false));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** The same, synchronously (for `eval` inside a host call made by running wasm). */
  commitSync(): StageInfo {
    return this.owner.commitStage(this, true) as StageInfo;
  }
}

function duplicate(stage: string, def: Def): Error {
  return fail('DuplicateSymbol', `'${def.name}' is defined twice in this stage`, siteOf(stage, def));
}

function siteOf(stage: string, def: Def): { stage: string; definition: string } {
  return { stage, definition: typeof def.name === 'string' ? def.name : String(def.name) };
}

/** A JS value as a value of type `t`, or a TypeMismatch error naming `what`. */
/** Options of a definition must be an object (bad options are a TypeError, as the runtime's are). */
export function optionsObject(opts: unknown, what: string, name: string): void {
  if (opts === null || typeof opts !== 'object') throw new TypeError(`${what} '${String(name)}': options must be an object, got ${String(opts)}`);
}

export function checkValue(t: ValType, v: unknown, what: string): number | bigint {
  if (t === 'i64') {
    // Signed or unsigned, as b.i64 takes it; past 64 bits it is refused, not wrapped.
    if (typeof v === 'bigint') {
      if (!constFits('i64', v)) throw fail('TypeMismatch', `${what}: ${v} is not an i64 (${constRange('i64')})`);
      return BigInt.asIntN(64, v);
    }
    if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
    throw fail('TypeMismatch', `${what}: an i64 needs a bigint or a safe integer, got ${String(v)}`);
  }
  if (typeof v !== 'number') throw fail('TypeMismatch', `${what}: a ${t} needs a number, got ${typeof v}`);
  if (t === 'i32') {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) throw fail('TypeMismatch', `${what}: ${v} is not an i32`);
    return v | 0;
  }
  return t === 'f32' ? Math.fround(v) : v;
}
