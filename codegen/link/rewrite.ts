// Links a wasm module built elsewhere as an Accrete stage by rewriting its binary: imports that
// name runtime symbols get the same lowering as Accrete's own code (calls through slots, globals as
// memory cells, constants folded), so the module links without per-symbol import matching.

import { fail, type AccreteError } from '../../runtime/errors.js';
import type { Sig, ValType } from '../ir/nodes.js';
import { sigText } from '../ir/nodes.js';
import type { SymbolInfo } from '../ir/symbols.js';
import type { CallLinking, ModuleImports } from '../lower/encode.js';
import {
  bodyInstructions,
  importCount,
  type ConstExpr,
  type ExternKind,
  type FuncType,
  type Instr,
  type Limits,
  type ParsedModule,
} from '../wasm/decoder.js';
import { VALTYPE_CODE, instr, type AnyValType } from '../wasm/instructions.js';
import { writeLinkedNames } from './names.js';
import { ByteWriter, writeConst } from '../wasm/writer.js';
import { type MemoryShape, LINK_EXPORT, RESERVED_EXPORT_PREFIX, START_EXPORT, STATE_MODULE, STATE_PREFIX, WASM_HEADER, section as rawSection, vecSection, writeFuncType, writeFuncrefTable, writeMemoryImport, writeTableExport, writeTableImport } from '../wasm/sections.js';

/** What the rewriter asks of the runtime. */
export interface LinkEnv {
  /** Runtime symbol by name (an import's field name). */
  resolve(name: string): SymbolInfo | undefined;
  /** Slot of a runtime function. */
  slotOf(name: string): number;
  /** Memory cell address of a runtime global. */
  globalAddress(name: string): number;
  /** Cell the runtime reserves for an exported mutable global of this module. */
  exportedGlobalAddress(exportName: string): number;
  readonly calls: CallLinking;
  readonly tailCalls: boolean;
  readonly memory: MemoryShape;
  /** Active data segments may write the runtime memory only from here up (below are its regions). */
  readonly heapBase?: number;
  /**
   * Whether the module's export `name` is still the runtime's `name` (false once another stage
   * has redefined it: the module's own calls to it then go through its slot). Default: yes.
   */
  ownsExport?(name: string): boolean;
  /**
   * The module is being linked again (a redefinition it follows): its active data segments wrote
   * the runtime memory when it was first linked, and writing them again would undo what ran since.
   */
  readonly relink?: boolean;
  /**
   * Relinking: what the module's globals were initialised to when it was first linked. Their
   * initialisers ran then: an imported constant redefined since does not change them (the runtime's
   * records of the constants it exports keep those values too).
   */
  readonly inits?: GlobalInits;
}

/** A definition the linked module contributes to the runtime. */
export type LinkExport =
  | { kind: 'func'; name: string; sig: Sig; exportName: string }
  | { kind: 'global'; name: string; type: ValType; init: number | bigint }
  | { kind: 'constant'; name: string; type: ValType; value: number | bigint };

export interface LinkUses {
  /** Runtime functions called through their slots. */
  slotCalls: Set<string>;
  /** Runtime globals read or written through their cells. */
  globals: Set<string>;
  /** Runtime constants, RTT ids and tag ids folded into the code. */
  constants: Set<string>;
  /** The module's own exported functions that it calls directly (a redefinition relinks it). */
  directCalls: Set<string>;
}

export interface RewrittenModule {
  bytes: Uint8Array;
  imports: ModuleImports;
  exports: LinkExport[];
  uses: LinkUses;
  /** What each of the module's numeric globals was initialised to (by defined global index). */
  inits: GlobalInits;
}

export type GlobalInits = ReadonlyArray<{ type: ValType; value: number | bigint } | undefined>;

export interface ModuleDescription {
  imports: Array<{ module: string; name: string; kind: ExternKind; sig?: Sig; type?: ValType; mutable?: boolean }>;
  exports: Array<{ name: string; kind: ExternKind; mutable?: boolean; type?: ValType }>;
}

const NUMERIC = new Set<AnyValType>(['i32', 'i64', 'f32', 'f64']);
function isNum(t: AnyValType): t is ValType {
  return NUMERIC.has(t);
}

function asSig(t: FuncType | undefined): Sig | undefined {
  if (!t || !t.params.every(isNum) || !t.results.every(isNum)) return undefined;
  return { params: t.params as ValType[], results: t.results as ValType[] };
}

function typeText(t: FuncType | undefined): string {
  return t ? `(${t.params.join(', ')}) -> ${t.results.length === 0 ? '()' : t.results.join(', ')}` : '(unknown type)';
}

/** What a module imports and exports, for the runtime to check before linking. */
export function describeModule(m: ParsedModule): ModuleDescription {
  const gtypes = [...m.imports.flatMap((i) => (i.desc.kind === 'global' ? [i.desc.global] : [])), ...m.globals.map((g) => g.type)];
  return {
    imports: m.imports.map((i) => {
      const d = i.desc;
      const base = { module: i.module, name: i.name, kind: d.kind };
      if (d.kind === 'func') {
        const sig = asSig(m.types[d.type]);
        return sig ? { ...base, sig } : base;
      }
      if (d.kind === 'global') return isNum(d.global.type) ? { ...base, type: d.global.type, mutable: d.global.mutable } : { ...base, mutable: d.global.mutable };
      return base;
    }),
    exports: m.exports.map((e) => {
      if (e.kind === 'global') {
        const g = gtypes[e.index];
        if (!g) return { name: e.name, kind: e.kind };
        return isNum(g.type) ? { name: e.name, kind: e.kind, mutable: g.mutable, type: g.type } : { name: e.name, kind: e.kind, mutable: g.mutable };
      }
      return { name: e.name, kind: e.kind };
    }),
  };
}

/** How a function index of the input maps to the output. */
type FuncPlan = { kind: 'local'; index: number } | { kind: 'import'; name: string; type: number };
/** How a global index of the input maps to the output. */
type GlobalPlan =
  /**
   * `exported`: the runtime constant it is; `now`: that constant's value, once another stage
   * redefined it; `state`: its number among the module's state (see STATE_PREFIX).
   */
  | { kind: 'keep'; index: number; mutable: boolean; exported?: string; now?: { type: ValType; value: number | bigint }; state?: number }
  | { kind: 'cell'; addr: number; type: ValType; mutable: boolean; name: string; runtime: boolean }
  | { kind: 'const'; type: ValType; value: number | bigint; name: string };

/** Rewrite a parsed module into a stage module. Throws a LinkError naming what cannot be linked. */
export function rewriteModule(m: ParsedModule, env: LinkEnv): RewrittenModule {
  return new Rewriter(m, env).run();
}

const linkError = (message: string): AccreteError => fail('LinkError', message);

class Rewriter {
  private readonly funcs: FuncPlan[] = [];
  private readonly globals: GlobalPlan[] = [];
  /** Input table index → output table index. */
  private readonly tables: number[] = [];
  private readonly imports: ModuleImports = { memory: false, table: false, link: [], exn: false };
  /** The type of each of the module's state globals (see planDefinitions), by state number. */
  private readonly stateGlobals: ValType[] = [];
  private readonly uses: LinkUses = { slotCalls: new Set(), globals: new Set(), constants: new Set(), directCalls: new Set() };
  /** Export name of each exported defined function (by input function index). */
  private readonly exportNameOf = new Map<number, string>();
  /** Defined functions another stage has redefined: calls to them go through the slot. */
  private readonly redirected = new Map<number, string>();
  private readonly exports: LinkExport[] = [];
  /** Call-table immediate per imported function name (a slot, or a link-table index). */
  private readonly callIndex = new Map<string, number>();
  private importsMemory = false;
  private importsTable = false;
  private needMemory = false;
  private callTable = -1;
  private linkTable = -1;
  private sharedTable = -1;

  constructor(
    private readonly m: ParsedModule,
    private readonly env: LinkEnv,
  ) {}

  run(): RewrittenModule {
    this.planImports();
    this.planDefinitions();
    this.scan();
    this.layoutTables();
    if (this.needMemory && this.m.memories.length > 0) {
      throw linkError('the module defines its own memory, but its globals must live in the runtime memory; import accrete.memory instead');
    }
    if (this.importsMemory && this.m.memories.length > 0) throw linkError('the module imports accrete.memory and defines a memory of its own; only one memory is supported');
    this.imports.memory = this.importsMemory || this.needMemory;
    this.imports.table = this.sharedTable >= 0;
    const inits = this.env.inits ?? this.initValues();
    return { bytes: this.emit(inits), imports: this.imports, exports: this.exports, uses: this.uses, inits };
  }

  private planImports(): void {
    for (const imp of this.m.imports) {
      const d = imp.desc;
      const err = (msg: string) => linkError(`import ${imp.module}.${imp.name}: ${msg}`);
      if (imp.module !== 'accrete') throw err('only imports from "accrete" (runtime symbols) can be linked');
      if (d.kind === 'memory') {
        if (imp.name !== 'memory') throw err('the runtime has one memory, accrete.memory');
        if (this.importsMemory) throw err('the memory is imported twice');
        if (d.limits.shared && !this.env.memory.shared) throw err('the module wants a shared memory but the runtime memory is not shared');
        this.importsMemory = true;
        continue;
      }
      if (d.kind === 'table') {
        if (imp.name !== 'table') throw err('the only table a module may import is accrete.table');
        if (d.table.elem !== 'funcref') throw err(`accrete.table is a funcref table, not ${d.table.elem}`);
        // Once: the check that the module never writes the runtime's slots looks at table 0 alone.
        if (this.importsTable) throw err('the table is imported twice');
        this.importsTable = true;
        this.tables.push(-1); // set by layoutTables, once the scan knows which tables are imported
        continue;
      }
      if (d.kind === 'tag') throw err('tags cannot be imported (runtime tags are i32 ids: import one as an immutable i32 global)');
      const sym = this.env.resolve(imp.name);
      if (!sym) throw err(`no runtime symbol named '${imp.name}'`);
      if (d.kind === 'func') {
        if (sym.kind !== 'func') throw err(`'${imp.name}' is a ${sym.kind}, not a function`);
        const t = this.m.types[d.type];
        const sig = asSig(t);
        if (!sig || sigText(sig) !== sigText(sym.sig)) {
          throw err(`signature mismatch: the module expects ${typeText(t)} but the runtime function has ${sigText(sym.sig)}`);
        }
        this.funcs.push({ kind: 'import', name: imp.name, type: d.type });
        continue;
      }
      const { type, mutable } = d.global;
      const want = (t: ValType) => {
        if (type !== t) throw err(`type mismatch: the module expects ${type} but '${imp.name}' is ${t}`);
      };
      if (mutable) {
        if (sym.kind !== 'global') throw err(`a mutable global import needs a runtime global, but '${imp.name}' is a ${sym.kind}`);
        if (!sym.mutable) throw err(`'${imp.name}' is an immutable runtime global; import it without mut`);
        want(sym.type);
        this.globals.push({ kind: 'cell', addr: this.env.globalAddress(imp.name), type: sym.type, mutable: true, name: imp.name, runtime: true });
        continue;
      }
      switch (sym.kind) {
        case 'constant':
          want(sym.type);
          this.globals.push({ kind: 'const', type: sym.type, value: sym.value, name: imp.name });
          break;
        case 'rtt':
        case 'tag':
          want('i32');
          this.globals.push({ kind: 'const', type: 'i32', value: sym.id, name: imp.name });
          break;
        case 'global':
          want(sym.type);
          this.globals.push({ kind: 'cell', addr: this.env.globalAddress(imp.name), type: sym.type, mutable: false, name: imp.name, runtime: true });
          break;
        default:
          throw err(`'${imp.name}' is a ${sym.kind}, not a global or constant`);
      }
    }
  }

  private planDefinitions(): void {
    const m = this.m;
    m.funcs.forEach((_, i) => this.funcs.push({ kind: 'local', index: i }));
    m.tables.forEach(() => this.tables.push(-1));
    const globalBase = this.globals.length;
    const exportOf = new Map<number, string>();
    for (const e of m.exports) {
      if (e.kind !== 'global') continue;
      if (e.index < globalBase) throw linkError(`export '${e.name}' re-exports an imported global; not supported`);
      if (!m.globals[e.index - globalBase]) throw linkError(`export '${e.name}': global ${e.index} does not exist`);
      if (exportOf.has(e.index)) throw linkError(`export '${e.name}': global ${e.index} is already exported as '${exportOf.get(e.index)}'`);
      exportOf.set(e.index, e.name);
    }
    // Exported mutable globals move to cells the runtime owns; the others stay wasm globals. An
    // exported immutable one is a runtime constant: the module's code reads it as a use of the
    // constant (a redefinition elsewhere relinks the module), and once another stage has redefined
    // it, the value it has now, folded, as a code stage reads its own constants. Its constant
    // expressions (other globals' initialisers, data offsets) ran once, at link: they keep it.
    // Its other mutable numbers are its state: numbered, so that a relink imports each from the
    // instance it replaces (they come first among the globals then, as imports do).
    const keeps: Array<Extract<GlobalPlan, { kind: 'keep' }>> = [];
    m.globals.forEach((g, i) => {
      const name = exportOf.get(globalBase + i);
      if (name !== undefined && g.type.mutable) {
        if (!isNum(g.type.type)) throw linkError(`export '${name}': a ${g.type.type} global cannot become a runtime global`);
        this.globals.push({ kind: 'cell', addr: this.env.exportedGlobalAddress(name), type: g.type.type, mutable: true, name, runtime: false });
        return;
      }
      const sym = name !== undefined && this.env.ownsExport?.(name) === false ? this.env.resolve(name) : undefined;
      const now = sym?.kind === 'constant' && sym.type === g.type.type ? { now: { type: sym.type, value: sym.value } } : {};
      const state = name === undefined && g.type.mutable && isNum(g.type.type) ? { state: this.stateGlobals.push(g.type.type) - 1 } : {};
      const p = { kind: 'keep' as const, index: -1, mutable: g.type.mutable, ...(name !== undefined ? { exported: name, ...now } : {}), ...state };
      keeps.push(p);
      this.globals.push(p);
    });
    let next = 0;
    if (this.env.relink) for (const p of keeps) if (p.state !== undefined) p.index = next++;
    for (const p of keeps) if (p.index < 0) p.index = next++;
    for (const e of m.exports) {
      if (e.name.startsWith(RESERVED_EXPORT_PREFIX)) throw linkError(`export '${e.name}': names starting with '${RESERVED_EXPORT_PREFIX}' are reserved for the runtime`);
      if (e.kind === 'func') {
        const p = this.funcs[e.index];
        if (!p) throw linkError(`export '${e.name}': function ${e.index} does not exist`);
        if (p.kind === 'import') throw linkError(`export '${e.name}' re-exports the import accrete.${p.name}; not supported`);
        const t = m.types[m.funcs[p.index]!];
        const sig = asSig(t);
        if (!sig || sig.results.length > 1) {
          throw linkError(`export '${e.name}': signature ${typeText(t)} cannot be a runtime function (only i32, i64, f32, f64 and at most one result)`);
        }
        this.exports.push({ kind: 'func', name: e.name, sig, exportName: e.name });
        if (!this.exportNameOf.has(e.index)) this.exportNameOf.set(e.index, e.name);
      } else if (e.kind === 'global') {
        const g = m.globals[e.index - globalBase]!;
        const type = g.type.type;
        const what = `export '${e.name}'`;
        if (!isNum(type)) throw linkError(`${what}: a ${type} global cannot become a runtime ${g.type.mutable ? 'global' : 'constant'}`);
        const { value } = this.evaluate(g.init, `${what}: initialiser`);
        this.exports.push(g.type.mutable ? { kind: 'global', name: e.name, type, init: value } : { kind: 'constant', name: e.name, type, value });
      }
    }
  }

  /** The typed value of a numeric constant expression, with imported constants folded. */
  private evaluate(e: ConstExpr, what: string, depth = 0): { type: ValType; value: number | bigint } {
    const stack: Array<{ type: ValType; value: number | bigint }> = [];
    const globalBase = importCount(this.m, 'global');
    for (const o of e.ops) {
      switch (o.op) {
        case 'i32.const':
          stack.push({ type: 'i32', value: o.value });
          break;
        case 'i64.const':
          stack.push({ type: 'i64', value: o.value });
          break;
        case 'f32.const':
          stack.push({ type: 'f32', value: new Float32Array(new Uint32Array([o.bits]).buffer)[0]! });
          break;
        case 'f64.const':
          stack.push({ type: 'f64', value: new Float64Array(new BigUint64Array([o.bits]).buffer)[0]! });
          break;
        case 'global.get': {
          const p = this.globalPlan(o.global, e.offset);
          if (p.kind === 'const') {
            this.uses.constants.add(p.name);
            stack.push({ type: p.type, value: p.value });
          } else if (p.kind === 'cell') {
            throw linkError(`constant expression at byte offset ${e.offset} reads '${p.name}', which lives in memory; not supported`);
          } else {
            const g = this.m.globals[o.global - globalBase];
            if (!g || depth > 64) throw linkError(`${what}: global ${o.global} is not a link-time constant`);
            stack.push(this.evaluate(g.init, what, depth + 1));
          }
          break;
        }
        case 'ref.null':
        case 'ref.func':
          throw linkError(`${what}: a reference is not a number`);
        default: {
          const b = stack.pop();
          const a = stack.pop();
          if (!a || !b) throw linkError(`${what}: malformed constant expression`);
          const [x, y] = [a.value, b.value];
          if (typeof x === 'bigint' && typeof y === 'bigint') {
            stack.push({ type: 'i64', value: BigInt.asIntN(64, o.op === 'i64.add' ? x + y : o.op === 'i64.sub' ? x - y : x * y) });
          } else {
            const [i, j] = [Number(x), Number(y)];
            stack.push({ type: 'i32', value: o.op === 'i32.add' ? (i + j) | 0 : o.op === 'i32.sub' ? (i - j) | 0 : Math.imul(i, j) });
          }
        }
      }
    }
    if (stack.length !== 1) throw linkError(`${what}: malformed constant expression`);
    return stack[0]!;
  }

  /** First pass: which imports are called, which globals need memory, link-table order. */
  private scan(): void {
    const m = this.m;
    m.codes.forEach((body, i) => {
      for (const ins of bodyInstructions(m, body)) {
        const im = ins.immediates;
        if (im.kind === 'func') {
          const p = this.funcPlan(im.func, ins.offset);
          if (p.kind !== 'import') {
            const n = this.exportNameOf.get(im.func);
            if (n === undefined || (ins.info.name !== 'call' && ins.info.name !== 'return_call')) continue;
            if (this.env.ownsExport && !this.env.ownsExport(n)) {
              this.redirected.set(im.func, n);
              this.noteCall(n);
            } else this.uses.directCalls.add(n);
            continue;
          }
          if (ins.info.name === 'ref.func') throw linkError(`function ${this.funcLabel(i)}: ref.func of the import accrete.${p.name} is not supported (use its slot)`);
          this.noteCall(p.name);
        } else if (im.kind === 'global') {
          const p = this.globalPlan(im.global, ins.offset);
          if (ins.info.name === 'global.set' && (p.kind === 'const' || !p.mutable)) {
            throw linkError(`function ${this.funcLabel(i)}: global.set of immutable global ${im.global}`);
          }
          this.noteGlobal(p);
        } else if (this.importsTable && writesTable0(ins.info.name, im)) {
          // The runtime mirrors the table in JavaScript and keeps link tables in step with it:
          // a write behind its back would break both (a null slot, a stale copy).
          throw linkError(`function ${this.funcLabel(i)}: ${ins.info.name} would write the shared table accrete.table, whose slots are the runtime's (export the functions instead, or use a table of the module's own)`);
        }
      }
    });
  }

  private funcLabel(defined: number): string {
    const idx = defined + importCount(this.m, 'func');
    const n = this.m.names.funcs.get(idx);
    return n !== undefined ? `'${n}'` : String(idx);
  }

  private funcPlan(index: number, at?: number): FuncPlan {
    const p = this.funcs[index];
    if (!p) throw linkError(`function index ${index} out of range${at === undefined ? '' : ` at byte offset ${at}`}`);
    return p;
  }

  private globalPlan(index: number, at: number): GlobalPlan {
    const p = this.globals[index];
    if (!p) throw linkError(`global index ${index} out of range at byte offset ${at}`);
    return p;
  }

  private noteCall(name: string): void {
    if (this.callIndex.has(name)) return;
    this.uses.slotCalls.add(name);
    const slot = this.env.slotOf(name);
    if (this.env.calls === 'link-table') {
      // One link-table entry per slot, even if two imports name the same function.
      let k = this.imports.link.indexOf(slot);
      if (k < 0) k = this.imports.link.push(slot) - 1;
      this.callIndex.set(name, k);
    } else this.callIndex.set(name, slot);
  }

  private noteGlobal(p: GlobalPlan): void {
    if (p.kind === 'cell') {
      this.needMemory = true;
      if (p.runtime) this.uses.globals.add(p.name);
    } else if (p.kind === 'const') this.uses.constants.add(p.name);
    else if (p.exported !== undefined) this.uses.constants.add(p.exported);
  }

  /** The shared table is the one imported table; the link table is the first defined one. */
  private layoutTables(): void {
    const calls = this.callIndex.size > 0;
    let n = 0;
    if (this.importsTable || (this.env.calls === 'shared-table' && calls)) this.sharedTable = n++;
    if (this.env.calls === 'link-table' && calls) this.linkTable = n++;
    this.callTable = this.env.calls === 'link-table' ? this.linkTable : this.sharedTable;
    const imported = importCount(this.m, 'table');
    for (let i = 0; i < this.tables.length; i++) this.tables[i] = i < imported ? this.sharedTable : n + (i - imported);
  }

  private table(index: number, at: number): number {
    const t = this.tables[index];
    if (t === undefined) throw linkError(`table index ${index} out of range at byte offset ${at}`);
    return t;
  }

  // ---- output ----

  /** The value of each numeric global's initialiser, now. */
  private initValues(): GlobalInits {
    return this.m.globals.map((g, i) => (isNum(g.type.type) ? this.evaluate(g.init, `global ${i}: initialiser`) : undefined));
  }

  private emit(inits: GlobalInits): Uint8Array {
    const m = this.m;
    const env = this.env;
    const w = new ByteWriter(m.bytes.length + 256);
    w.bytes(WASM_HEADER);
    section(w, 1, m.types.length, (s) => m.types.forEach((t) => writeFuncType(s, t)));
    const imps: Array<(s: ByteWriter) => void> = [];
    if (this.sharedTable >= 0) imps.push(writeTableImport);
    if (this.imports.memory) imps.push((s) => writeMemoryImport(s, env.memory));
    // Linked again, the module takes its state from the instance it replaces: the numbers it keeps
    // in globals and its memories go on with what the code that ran since made of them.
    const carried = env.relink === true;
    if (carried) {
      this.stateGlobals.forEach((t, k) => imps.push((s) => s.name(STATE_MODULE).name(`global:${k}`).u8(3).u8(VALTYPE_CODE[t]).u8(1)));
      m.memories.forEach((l, i) => imps.push((s) => limits(s.name(STATE_MODULE).name(`memory:${i}`).u8(2), l)));
      // Its tags too: a frame of the instance replaced, still running below a host call, catches
      // what the new one throws only if both throw the same tag.
      m.tags.forEach((t, i) => imps.push((s) => s.name(STATE_MODULE).name(`tag:${i}`).u8(4).u8(0).u32(t)));
      this.imports.state = this.stateGlobals.length + m.memories.length + m.tags.length > 0;
    }
    section(w, 2, imps.length, (s) => imps.forEach((f) => f(s)));
    section(w, 3, m.funcs.length, (s) => m.funcs.forEach((t) => s.u32(t)));
    const link = this.linkTable >= 0;
    section(w, 4, m.tables.length + (link ? 1 : 0), (s) => {
      if (link) writeFuncrefTable(s, this.imports.link.length);
      for (const t of m.tables) limits(s.u8(VALTYPE_CODE[t.elem]), t.limits);
    });
    if (!carried) section(w, 5, m.memories.length, (s) => m.memories.forEach((l) => limits(s, l)));
    if (!carried) section(w, 13, m.tags.length, (s) => m.tags.forEach((t) => s.u8(0).u32(t)));
    const globalBase = importCount(m, 'global');
    const kept = m.globals.flatMap((g, i) => {
      const p = this.globals[globalBase + i]!;
      return p.kind === 'keep' && !(carried && p.state !== undefined) ? [{ g, init: inits[i] }] : [];
    });
    section(w, 6, kept.length, (s) => {
      for (const { g, init } of kept) {
        s.u8(VALTYPE_CODE[g.type.type]).u8(g.type.mutable ? 1 : 0);
        if (init) {
          constant(s, init.type, init.value);
          s.u8(0x0b);
        } else this.constExpr(s, g.init);
      }
    });
    const funcExports = m.exports.filter((e) => e.kind === 'func');
    const start = m.start !== undefined ? this.startFunc(m.start) : undefined;
    // The runtime calls the start function (START_EXPORT): the engine would call it before the
    // link table is filled and the module's exported globals hold their initial values.
    const states = this.globals.filter((p): p is Extract<GlobalPlan, { kind: 'keep' }> => p.kind === 'keep' && p.state !== undefined);
    section(w, 7, funcExports.length + (link ? 1 : 0) + (start !== undefined ? 1 : 0) + states.length + m.memories.length + m.tags.length, (s) => {
      for (const e of funcExports) s.name(e.name).u8(0).u32(this.localFunc(e.index, 'an export'));
      if (link) writeTableExport(s, LINK_EXPORT, this.linkTable);
      if (start !== undefined) s.name(START_EXPORT).u8(0).u32(start);
      for (const p of states) s.name(`${STATE_PREFIX}global:${p.state}`).u8(3).u32(p.index);
      m.memories.forEach((_, i) => s.name(`${STATE_PREFIX}memory:${i}`).u8(2).u32(i));
      m.tags.forEach((_, i) => s.name(`${STATE_PREFIX}tag:${i}`).u8(4).u32(i));
    });
    section(w, 9, m.elems.length, (s) => m.elems.forEach((e) => this.elem(s, e)));
    if (m.dataCount !== undefined) section(w, 12, -1, (s) => s.u32(m.dataCount!));
    section(w, 10, m.codes.length, (s) => m.codes.forEach((_, i) => this.body(s, i)));
    section(w, 11, m.datas.length, (s) => {
      for (const d of m.datas) {
        // Linked again, the memory it wrote is the one it writes (the runtime's, or its own carried
        // over): passive and empty, as the engine leaves an active segment once it has run.
        if (d.mode === 'active' && carried) {
          s.u32(1).u32(0);
          continue;
        }
        if (d.mode === 'active' && d.memory === 0 && this.importsMemory) this.checkDataOffset(d.offset!, d.bytes.length);
        if (d.mode === 'passive') s.u32(1);
        else if (d.memory === 0) this.constExpr(s.u32(0), d.offset!);
        else this.constExpr(s.u32(2).u32(d.memory), d.offset!);
        s.u32(d.bytes.length).bytes(d.bytes);
      }
    });
    writeLinkedNames(w, this.m.names, (old) => {
      const p = this.funcs[old];
      return p?.kind === 'local' ? p.index : undefined;
    }, (old) => {
      const p = this.globals[old];
      return p?.kind === 'keep' ? p.index : undefined;
    });
    return w.finish();
  }

  /** The start function's new index; like the engine, only a function of type [] -> [] may start. */
  private startFunc(index: number): number {
    const f = this.localFunc(index, 'the start function');
    const t = this.m.types[this.m.funcs[f]!];
    if (!t || t.params.length || t.results.length) throw linkError(`the start function must take no parameters and return nothing, not ${typeText(t)}`);
    return f;
  }

  private localFunc(index: number, what: string): number {
    const p = this.funcPlan(index);
    if (p.kind === 'import') throw linkError(`${what} refers to the import accrete.${p.name}; not supported`);
    return p.index;
  }

  private constExpr(s: ByteWriter, e: ConstExpr): void {
    // Extended constant expressions are folded to one constant: engines without the
    // extended-const feature (Node 20) then accept the module too.
    if (e.ops.length > 1 && e.ops.every((o) => o.op !== 'ref.null' && o.op !== 'ref.func')) {
      const v = this.evaluate(e, `constant expression at byte offset ${e.offset}`);
      constant(s, v.type, v.value);
      s.u8(0x0b);
      return;
    }
    for (const o of e.ops) {
      switch (o.op) {
        case 'i32.const':
          s.u8(0x41).s32(o.value);
          break;
        case 'i64.const':
          s.u8(0x42).s64(o.value);
          break;
        case 'f32.const':
          s.u8(0x43).f32bits(o.bits);
          break;
        case 'f64.const':
          s.u8(0x44).f32bits(Number(o.bits & 0xffffffffn)).f32bits(Number(o.bits >> 32n));
          break;
        case 'global.get': {
          const p = this.globalPlan(o.global, e.offset);
          if (p.kind === 'const') {
            this.uses.constants.add(p.name);
            constant(s, p.type, p.value);
          } else if (p.kind === 'keep') s.u8(0x23).u32(p.index);
          else throw linkError(`constant expression at byte offset ${e.offset} reads '${p.name}', which lives in memory; not supported`);
          break;
        }
        case 'ref.null':
          s.u8(0xd0).u8({ func: 0x70, extern: 0x6f, exn: 0x69 }[o.heap]);
          break;
        case 'ref.func':
          s.u8(0xd2).u32(this.localFunc(o.func, `ref.func at byte offset ${e.offset}`));
          break;
        default: {
          const i = instr(o.op);
          s.u8(i.code);
        }
      }
    }
    s.u8(0x0b);
  }

  /** Instantiation writes active data before the commit publishes: keep it off the runtime's regions. */
  private checkDataOffset(offset: ConstExpr, length: number): void {
    const base = this.env.heapBase ?? 0;
    const at = Number(this.evaluate(offset, `data segment offset at byte offset ${offset.offset}`).value);
    if (length > 0 && (at >>> 0) < base) {
      throw linkError(`an active data segment writes at address ${at >>> 0}, inside the runtime's reserved regions (below ${base}); place data in the heap or use a passive segment`);
    }
  }

  private elem(s: ByteWriter, e: ParsedModule['elems'][number]): void {
    const active = e.mode === 'active';
    const table = active ? this.table(e.table, e.offset!.offset) : 0;
    if (active && e.table < importCount(this.m, 'table')) {
      throw linkError(`an active element segment would overwrite slots of the shared table accrete.table; slots are assigned by the runtime (export the functions instead)`);
    }
    const mode = active ? 0 : e.mode === 'passive' ? 1 : 3;
    // Flags: bit 1 marks an explicit table (for active segments), bit 2 expressions.
    if (e.funcs) {
      if (active && table === 0) this.constExpr(s.u32(0), e.offset!);
      else if (active) this.constExpr(s.u32(2).u32(table), e.offset!);
      else s.u32(mode);
      if (!active || table !== 0) s.u8(0x00);
      s.u32(e.funcs.length);
      for (const f of e.funcs) s.u32(this.localFunc(f, 'an element segment'));
      return;
    }
    const implicit = active && table === 0 && e.type === 'funcref';
    if (implicit) this.constExpr(s.u32(4), e.offset!);
    else if (active) this.constExpr(s.u32(6).u32(table), e.offset!);
    else s.u32(4 | mode);
    if (!implicit) s.u8(VALTYPE_CODE[e.type]);
    s.u32(e.exprs!.length);
    for (const x of e.exprs!) this.constExpr(s, x);
  }

  /** Second pass over one body: copy what does not change, rewrite what does. */
  private body(out: ByteWriter, defined: number): void {
    const m = this.m;
    const env = this.env;
    const code = m.codes[defined]!;
    const type = m.types[m.funcs[defined]!];
    let nLocals = (type?.params.length ?? 0) + code.locals.reduce((n, d) => n + d.count, 0);
    const scratch = new Map<ValType, number>();
    const extra: ValType[] = [];
    const tmp = (t: ValType) => {
      let i = scratch.get(t);
      if (i === undefined) {
        i = nLocals++;
        scratch.set(t, i);
        extra.push(t);
      }
      return i;
    };
    const b = new ByteWriter(code.end - code.start + 16);
    const op = (name: string) => {
      const i = instr(name);
      if (i.prefix) b.u8(i.prefix).u32(i.code);
      else b.u8(i.code);
    };
    const tail = (name: string) => name === 'return_call' || name === 'return_call_indirect';
    const indirect = (typeIdx: number, table: number, isTail: boolean) => {
      if (isTail && env.tailCalls) b.u8(0x13).u32(typeIdx).u32(table);
      else {
        b.u8(0x11).u32(typeIdx).u32(table);
        if (isTail) b.u8(0x0f);
      }
    };
    for (const ins of bodyInstructions(m, code)) {
      const im = ins.immediates;
      const name = ins.info.name;
      switch (im.kind) {
        case 'func': {
          const p = this.funcs[im.func]!;
          const redirected = p.kind === 'local' && (name === 'call' || name === 'return_call') ? this.redirected.get(im.func) : undefined;
          if (p.kind === 'import') {
            b.u8(0x41).s32(this.callIndex.get(p.name)!);
            indirect(p.type, this.callTable, tail(name));
          } else if (redirected !== undefined) {
            b.u8(0x41).s32(this.callIndex.get(redirected)!);
            indirect(m.funcs[p.index]!, this.callTable, tail(name));
          } else if (name === 'return_call' && !env.tailCalls) b.u8(0x10).u32(p.index).u8(0x0f);
          else {
            op(name);
            b.u32(p.index);
          }
          continue;
        }
        case 'call_indirect':
          indirect(im.type, this.table(im.table, ins.offset), tail(name));
          continue;
        case 'global': {
          const p = this.globals[im.global]!;
          if (p.kind === 'keep') {
            if (p.now) constant(b, p.now.type, p.now.value);
            else {
              op(name);
              b.u32(p.index);
            }
          } else if (p.kind === 'const') constant(b, p.type, p.value);
          else if (name === 'global.get') {
            b.u8(0x41).s32(p.addr);
            memop(b, `${p.type}.load`);
          } else {
            const t = tmp(p.type);
            b.u8(0x21).u32(t).u8(0x41).s32(p.addr).u8(0x20).u32(t);
            memop(b, `${p.type}.store`);
          }
          continue;
        }
        case 'table':
          op(name);
          b.u32(this.table(im.table, ins.offset));
          continue;
        case 'elem_table':
          op(name);
          b.u32(im.elem).u32(this.table(im.table, ins.offset));
          continue;
        case 'table_table':
          op(name);
          b.u32(this.table(im.dst, ins.offset)).u32(this.table(im.src, ins.offset));
          continue;
        default:
          b.bytes(m.bytes.subarray(ins.offset, ins.end));
      }
    }
    const at = out.reserve();
    const decls = [...code.locals.map((d) => [d.count, d.type] as const), ...extra.map((t) => [1, t] as const)];
    out.u32(decls.length);
    for (const [n, t] of decls) out.u32(n).u8(VALTYPE_CODE[t]);
    out.bytes(b.buf.subarray(0, b.len));
    out.patch(at);
  }
}

/** A section: of `count` entries (left out when there are none), or, with `count` -1, raw. */
function section(w: ByteWriter, id: number, count: number, fill: (s: ByteWriter) => void): void {
  if (count < 0) return rawSection(w, id, fill);
  vecSection(w, id, count, fill);
}

function limits(s: ByteWriter, l: Limits): void {
  s.u8((l.max !== undefined ? 1 : 0) | (l.shared ? 2 : 0)).u32(l.min);
  if (l.max !== undefined) s.u32(l.max);
}

const constant = writeConst;

function memop(s: ByteWriter, name: string): void {
  const i = instr(name);
  s.u8(i.code).u32(i.align!).u32(0);
}

/** Whether an instruction writes table 0 (the imported accrete.table, when a module imports it). */
function writesTable0(name: string, im: Instr['immediates']): boolean {
  if (im.kind === 'table') return im.table === 0 && (name === 'table.set' || name === 'table.grow' || name === 'table.fill');
  if (im.kind === 'elem_table') return im.table === 0;
  if (im.kind === 'table_table') return im.dst === 0;
  return false;
}
