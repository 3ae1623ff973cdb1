// Random multi-stage programs for the differential test.
//
// fast-check generates a *genome* (trees of plain numbers), and `decodeProgram` turns it into a
// well-typed program deterministically: every choice is a number taken modulo the options valid
// at that point (the callable functions, the globals in scope, the ops giving the wanted type).
// Shrinking the genome (smaller numbers, fewer children) therefore always yields another valid
// program, simpler in the obvious ways: choice 0 is a constant, a missing child is a constant.
//
// Programs terminate: a function calls only functions defined before it (a redefinition keeps
// the rank of the function it replaces), loops count down a private counter, and every function
// has a static cost (its nodes, loop bodies times their count, calls at their callee's cost cap)
// that keeps the work per call, and the code size after inlining, bounded.

import fc from 'fast-check';
import { OPS, VTS, showValue, type OpCategory, type OpSpec, type VT, type Value } from './ops.js';

// ---------------------------------------------------------------- the program

export type Node =
  | { k: 'const'; t: VT; v: Value }
  | { k: 'param'; t: VT; i: number }
  | { k: 'local'; t: VT; i: number }
  | { k: 'tee'; t: VT; i: number; v: Node }
  /** `{ local i = v; body }` */
  | { k: 'let'; t: VT; i: number; v: Node; body: Node }
  | { k: 'gget'; t: VT; name: string }
  /** `{ global name = v; body }` */
  | { k: 'gset'; t: VT; name: string; v: Node; body: Node }
  /** A compile-time constant. */
  | { k: 'sym'; t: VT; name: string }
  | { k: 'op'; t: VT; op: string; args: Node[] }
  | { k: 'select'; t: VT; c: Node; a: Node; b: Node }
  | { k: 'if'; t: VT; c: Node; a: Node; b: Node }
  /** A call; `tail` makes it a return_call (wrapped in a block of type t when not in tail position). */
  | { k: 'call'; t: VT; f: string; args: Node[]; tail: boolean; tailPos: boolean }
  /** `return v` (v has the function's result type; wrapped in a block of type t when not in tail position). */
  | { k: 'return'; t: VT; v: Node; tailPos: boolean }
  | { k: 'trap'; t: VT }
  /** `{ repeat n times (counter local ctr): local into = body }; local into` (into has type t) */
  | { k: 'repeat'; t: VT; n: number; ctr: number; into: number; body: Node };

export interface FuncDef {
  name: string;
  params: VT[];
  result: VT;
  /** Locals after the parameters (local i is wasm local params.length + i). */
  locals: VT[];
  body: Node;
  inline: boolean;
  redefine: boolean;
}

export interface GlobalDef {
  name: string;
  t: VT;
  init: Value;
  mutable: boolean;
}

export interface ConstDef {
  name: string;
  t: VT;
  value: Value;
  redefine: boolean;
}

export interface StageDef {
  name: string;
  async: boolean;
  globals: GlobalDef[];
  consts: ConstDef[];
  funcs: FuncDef[];
}

export interface Program {
  stages: StageDef[];
}

/** Argument values for calls: call j of a function passes, for parameter p of type T, `pool[T][(j + p) % n]`. */
export interface ArgPool {
  i32: number[];
  i64: bigint[];
  f64: number[];
}

export function argsFor(pool: ArgPool, params: readonly VT[], j: number): Value[] {
  return params.map((t, p) => {
    const list = pool[t] as Value[];
    return list[(j + 3 * p) % list.length]!;
  });
}

// ---------------------------------------------------------------- the genome

export interface Gene {
  /** Which production. */
  c: number;
  /** Which value, op, name, local... */
  v: number;
  k: Gene[];
}

export interface FuncGene {
  params: number[];
  /** Locals declared up front (so reads can come before the first write, and see zero). */
  locals: number[];
  result: number;
  inline: boolean;
  body: Gene;
}

export interface StageGene {
  async: boolean;
  globals: Array<{ t: number; init: number; mutable: boolean }>;
  consts: Array<{ t: number; v: number }>;
  constRedefs: Array<{ target: number; v: number }>;
  redefs: Array<{ target: number; inline: boolean; locals: number[]; body: Gene }>;
  funcs: FuncGene[];
}

export interface ProgramGene {
  /** How many of the stage genes are used (shrinking it drops trailing stages). */
  count: number;
  stages: StageGene[];
}

export function geneArb(depth: number): fc.Arbitrary<Gene> {
  const c = fc.noBias(fc.nat({ max: 1 << 20 }));
  const v = fc.nat();
  if (depth === 0) return fc.record({ c, v, k: fc.constant([] as Gene[]) });
  return fc.record({ c, v, k: fc.array(geneArb(depth - 1), { minLength: 1, maxLength: 3 }) });
}

export interface GenLimits {
  minStages: number;
  maxStages: number;
  /** Depth of the genome trees (expressions are at most this deep, plus wrappers). */
  depth: number;
}

export function programGeneArb(lim: GenLimits): fc.Arbitrary<ProgramGene> {
  const body = geneArb(lim.depth);
  const locals = fc.array(fc.nat(2), { maxLength: 3 });
  const func = fc.record({ params: fc.array(fc.nat(2), { maxLength: 3 }), locals, result: fc.nat(2), inline: fc.boolean(), body });
  const stage = fc.record({
    async: fc.boolean(),
    globals: fc.array(fc.record({ t: fc.nat(2), init: fc.nat(), mutable: fc.boolean() }), { maxLength: 2 }),
    consts: fc.array(fc.record({ t: fc.nat(2), v: fc.nat() }), { maxLength: 2 }),
    constRedefs: fc.array(fc.record({ target: fc.nat(), v: fc.nat() }), { maxLength: 1 }),
    redefs: fc.array(fc.record({ target: fc.nat(), inline: fc.boolean(), locals, body }), { maxLength: 2 }),
    funcs: fc.array(func, { minLength: 1, maxLength: 4 }),
  });
  return fc.record({
    count: fc.integer({ min: lim.minStages, max: lim.maxStages }),
    stages: fc.array(stage, { minLength: lim.maxStages, maxLength: lim.maxStages }),
  });
}

export const argPoolArb: fc.Arbitrary<ArgPool> = fc.record({
  i32: fc.array(fc.oneof(fc.integer(), fc.constantFrom(0, 1, -1, -0x80000000, 0x7fffffff, 31, 32, 64)).map((x) => x | 0), { minLength: 1, maxLength: 5 }),
  i64: fc.array(fc.oneof(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), fc.constantFrom(0n, 1n, -1n, -(1n << 63n), (1n << 63n) - 1n, 63n, 64n)), {
    minLength: 1,
    maxLength: 5,
  }),
  f64: fc.array(fc.oneof(fc.double(), fc.constantFrom(0, -0, 0.5, -1.5, 2.5, 2 ** 31, -(2 ** 63), 2 ** 64, NaN, Infinity)), { minLength: 1, maxLength: 5 }),
});

// ---------------------------------------------------------------- decoding

/** Interesting constants (entry 0 is what shrinking goes to); `valueOf` also mixes arbitrary ones from v. */
const I32_VALUES = [1, 0, -1, 2, 7, 31, 32, 33, 63, 64, -2, 255, 65535, 0x7fffffff, -0x80000000, 0x12345678, -100, 1000000];
const I64_VALUES = [1n, 0n, -1n, 2n, 63n, 64n, 65n, (1n << 63n) - 1n, -(1n << 63n), 1n << 32n, 0xffffffffn, 0x123456789abcdefn, -7n, -(1n << 31n)];
const F64_VALUES = [
  1.5, 0, -0, 1, -1, 0.5, -0.5, -1.5, -2.5, 2.5, 3.5, -0.25, 3.75, 1e10, -1e10, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 53 + 2, 2 ** 63, -(2 ** 63), 2 ** 64,
  1e300, Infinity, -Infinity, NaN, 4294967295.5, -2147483648.5, 2147483647.5, 5e-324,
];

export function valueOf(t: VT, v: number): Value {
  const table: readonly Value[] = t === 'i32' ? I32_VALUES : t === 'i64' ? I64_VALUES : F64_VALUES;
  // Two thirds from the table (v = 0 gives its first entry), one third mixed from v.
  if (v % 3 !== 2) return table[Math.floor(v / 3) % table.length]!;
  const mixed = Math.imul(v, 0x9e3779b1);
  if (t === 'i32') return mixed;
  if (t === 'i64') return BigInt.asIntN(64, (BigInt(mixed) << 32n) ^ BigInt(Math.imul(v ^ 0x5bd1e995, 0x27d4eb2d) >>> 0));
  return mixed / ((v % 1000) + 1);
}

/** Knobs for constructs that hit known runtime bugs (see the spec file); true = generate them. */
export interface Constructs {
  /** Blocks and ifs without an explicit result type whose body ends in a return/return_call. */
  untypedUnreachableBlocks: boolean;
  /**
   * Calls inside loop bodies to functions that are, or may later become, inline (this exposes
   * inlined locals that keep their values between iterations). When false, loop bodies call only
   * non-inline functions, which stay non-inline in later redefinitions.
   */
  inlineCallsInLoops: boolean;
  /** Counted loops at all. */
  loops: boolean;
}

export const ALL_CONSTRUCTS: Constructs = { untypedUnreachableBlocks: true, inlineCallsInLoops: true, loops: true };

interface FnSym {
  name: string;
  params: VT[];
  result: VT;
  rank: number;
  /** Static cost bound: every body this function ever gets costs at most this. */
  cap: number;
  /** Whether its current definition is inline. */
  inline: boolean;
  /** Called in a loop body: must stay non-inline (unless `inlineCallsInLoops`). */
  pinned: boolean;
}

interface Scope {
  funcs: FnSym[];
  globals: GlobalDef[];
  consts: ConstDef[];
}

/** Budget of a new function: static cost (nodes, loops and calls weighted). */
const FUNC_BUDGET = 1500;
const MIN_CAP = 24;
const LOOP_MAX = 3;

class BodyDecoder {
  readonly locals: VT[];
  /** Locals that are loop counters (never touched by generated expressions). */
  private readonly counters = new Set<number>();
  left: number;

  constructor(
    private readonly scope: Scope,
    private readonly params: readonly VT[],
    private readonly result: VT,
    private readonly rank: number,
    budget: number,
    private readonly maxDepth: number,
    private readonly constructs: Constructs,
    declared: readonly VT[],
  ) {
    this.locals = [...declared];
    this.left = budget;
  }

  private callees(t: VT | undefined, mult: number, inLoop: boolean): FnSym[] {
    const inlineOk = !inLoop || this.constructs.inlineCallsInLoops;
    return this.scope.funcs.filter((f) => f.rank < this.rank && (t === undefined || f.result === t) && f.cap * mult + mult <= this.left && (inlineOk || !f.inline));
  }

  private called(f: FnSym, mult: number, inLoop: boolean): void {
    this.left -= f.cap * mult;
    if (inLoop && !this.constructs.inlineCallsInLoops) f.pinned = true;
  }

  private newLocal(t: VT): number {
    this.locals.push(t);
    return this.locals.length - 1;
  }

  /** A local of type t: an existing one (not a counter) or, by choice, a fresh one. */
  private pickLocal(t: VT, v: number): number {
    const existing = this.locals.map((lt, i) => [lt, i] as const).filter(([lt, i]) => lt === t && !this.counters.has(i));
    const n = v % (existing.length + 1);
    return n < existing.length ? existing[n]![1] : this.newLocal(t);
  }

  private readableLocals(t: VT): number[] {
    return this.locals.flatMap((lt, i) => (lt === t && !this.counters.has(i) ? [i] : []));
  }

  /**
   * Decode gene g into an expression of type t. `tail`: its value is the function's result.
   * `mult`: how many times the enclosing loops may run it (for the cost). `armOfIf`: directly an
   * arm of an `if` (the only place an `unreachable` goes).
   */
  decode(g: Gene | undefined, t: VT, depth: number, tail: boolean, mult: number, inLoop: boolean, armOfIf = false): Node {
    const gene = g ?? { c: 0, v: 0, k: [] };
    const v = gene.v;
    const kid = (i: number) => gene.k[i];
    this.left -= mult;
    const prods: Array<[number, () => Node]> = [];
    const add = (w: number, f: () => Node) => prods.push([w, f]);

    // A compound node needs room for at least its children as leaves (so the cost bound holds).
    const compound = depth < this.maxDepth && gene.k.length > 0 && this.left >= 4 * mult;
    // Where the genome has children, prefer using them.
    const lw = compound ? 0.25 : 1;
    add(3 * lw, () => ({ k: 'const', t, v: valueOf(t, v) }));
    const ps = this.params.flatMap((pt, i) => (pt === t ? [i] : []));
    if (ps.length) add(3 * lw, () => ({ k: 'param', t, i: ps[v % ps.length]! }));
    const ls = this.readableLocals(t);
    if (ls.length) add(3 * lw, () => ({ k: 'local', t, i: ls[v % ls.length]! }));
    const gs = this.scope.globals.filter((x) => x.t === t);
    if (gs.length) add(2 * lw, () => ({ k: 'gget', t, name: gs[v % gs.length]!.name }));
    const cs = this.scope.consts.filter((x) => x.t === t);
    if (cs.length) add(1 * lw, () => ({ k: 'sym', t, name: cs[v % cs.length]!.name }));
    // `unreachable` only as an arm of an if, so that it does not make every caller trap.
    if (armOfIf) add(compound ? 0.5 : 0.2, () => ({ k: 'trap', t }));

    if (compound) {
      const d = depth + 1;
      const sub = (i: number, st: VT, subTail = false, m = mult, loop = inLoop, arm = false) => this.decode(kid(i), st, d, subTail, m, loop, arm);
      const opsOf = (cats: OpCategory[]) => [...OPS.values()].filter((o) => o.result === t && cats.includes(o.cat));
      const opNode = (list: OpSpec[]) => () => {
        const o = list[v % list.length]!;
        return { k: 'op', t, op: o.name, args: o.params.map((pt, i) => sub(i, pt)) } as Node;
      };
      const un = opsOf(['un']);
      if (un.length) add(3, opNode(un));
      add(7, opNode(opsOf(['bin'])));
      const cmp = opsOf(['cmp']);
      if (cmp.length) add(2, opNode(cmp));
      const conv = opsOf(['conv']);
      if (conv.length) add(2, opNode(conv));
      const trapping = opsOf(['trap']);
      if (trapping.length) add(1, opNode(trapping));
      add(1, () => ({ k: 'select', t, a: sub(0, t), b: sub(1, t), c: sub(2, 'i32') }));
      add(2, () => ({ k: 'if', t, c: sub(0, 'i32'), a: sub(1, t, tail, mult, inLoop, true), b: sub(2, t, tail, mult, inLoop, true) }));
      add(1, () => {
        const i = this.pickLocal(t, v >>> 2);
        return { k: 'tee', t, i, v: sub(0, t) };
      });
      // Update a local from its own value (an accumulator): `(tee l (op l x))`.
      if (ls.length) {
        const bins = opsOf(['bin']);
        add(2, () => {
          const i = ls[v % ls.length]!;
          const o = bins[(v >>> 3) % bins.length]!;
          return { k: 'tee', t, i, v: { k: 'op', t, op: o.name, args: [{ k: 'local', t, i }, sub(0, t)] } };
        });
      }
      add(1, () => {
        const lt = VTS[v % 3]!;
        const i = this.pickLocal(lt, v >>> 2);
        return { k: 'let', t, i, v: sub(0, lt), body: sub(1, t, tail) };
      });
      const mutable = this.scope.globals.filter((x) => x.mutable);
      if (mutable.length) {
        add(1, () => {
          const gd = mutable[v % mutable.length]!;
          return { k: 'gset', t, name: gd.name, v: sub(0, gd.t), body: sub(1, t, tail) };
        });
      }
      const fs = this.callees(t, mult, inLoop);
      if (fs.length) {
        add(inLoop ? 8 : 4, () => {
          const f = fs[v % fs.length]!;
          this.called(f, mult, inLoop);
          return { k: 'call', t, f: f.name, args: f.params.map((pt, i) => sub(i, pt)), tail: false, tailPos: false };
        });
      }
      // return_call: the callee must return what this function returns.
      const tfs = this.callees(this.result, mult, inLoop);
      if (tfs.length) {
        add(tail ? 3 : 1, () => {
          const f = tfs[v % tfs.length]!;
          this.called(f, mult, inLoop);
          return { k: 'call', t, f: f.name, args: f.params.map((pt, i) => sub(i, pt)), tail: true, tailPos: tail };
        });
      }
      add(tail ? 1 : 0.5, () => ({ k: 'return', t, v: sub(0, this.result), tailPos: tail }));
      if (this.constructs.loops && d < this.maxDepth) {
        add(1, () => {
          const n = v % (LOOP_MAX + 1);
          const ctr = this.newLocal('i32');
          this.counters.add(ctr);
          const into = this.pickLocal(t, v >>> 2);
          return { k: 'repeat', t, n, ctr, into, body: sub(0, t, false, mult * Math.max(n, 1), true) };
        });
      }
    }

    const total = prods.reduce((s, [w]) => s + w, 0);
    let pick = ((gene.c % 1000) / 1000) * total;
    for (const [w, f] of prods) {
      if (pick < w) return f();
      pick -= w;
    }
    return prods[0]![1]();
  }
}

/** Turn a genome into a program (deterministic; any genome gives a valid program). */
export function decodeProgram(pg: ProgramGene, maxDepth: number, constructs: Constructs = ALL_CONSTRUCTS): Program {
  const scope: Scope = { funcs: [], globals: [], consts: [] };
  let rank = 0;
  let nf = 0;
  let ng = 0;
  let nk = 0;
  const stages: StageDef[] = pg.stages.slice(0, pg.count).map((sg, si) => {
    const stage: StageDef = { name: `s${si}`, async: sg.async, globals: [], consts: [], funcs: [] };
    for (const g of sg.globals) {
      const t = VTS[g.t % 3]!;
      const gd: GlobalDef = { name: `g${ng++}`, t, init: valueOf(t, g.init), mutable: g.mutable };
      stage.globals.push(gd);
      scope.globals.push(gd);
    }
    const redefinedConsts = new Set<string>();
    for (const r of sg.constRedefs) {
      if (scope.consts.length === 0) break;
      const old = scope.consts[r.target % scope.consts.length]!;
      if (redefinedConsts.has(old.name)) continue;
      redefinedConsts.add(old.name);
      const cd: ConstDef = { name: old.name, t: old.t, value: valueOf(old.t, r.v), redefine: true };
      stage.consts.push(cd);
      scope.consts[scope.consts.indexOf(old)] = cd;
    }
    for (const c of sg.consts) {
      const t = VTS[c.t % 3]!;
      const cd: ConstDef = { name: `K${nk++}`, t, value: valueOf(t, c.v), redefine: false };
      stage.consts.push(cd);
      scope.consts.push(cd);
    }
    // Redefinitions: of functions of earlier stages, each at most once per stage.
    const earlier = scope.funcs.slice();
    const redefined = new Set<string>();
    for (const r of sg.redefs) {
      if (earlier.length === 0) break;
      const f = earlier[r.target % earlier.length]!;
      if (redefined.has(f.name)) continue;
      redefined.add(f.name);
      const d = new BodyDecoder(scope, f.params, f.result, f.rank, f.cap, maxDepth, constructs, r.locals.map((x) => VTS[x % 3]!));
      const body = d.decode(r.body, f.result, 0, true, 1, false);
      const inline = r.inline && !f.pinned;
      f.inline = inline;
      stage.funcs.push({ name: f.name, params: f.params, result: f.result, locals: d.locals, body, inline, redefine: true });
    }
    for (const fg of sg.funcs) {
      const params = fg.params.map((p) => VTS[p % 3]!);
      const result = VTS[fg.result % 3]!;
      const name = `f${nf++}`;
      const myRank = rank++;
      const d = new BodyDecoder(scope, params, result, myRank, FUNC_BUDGET, maxDepth, constructs, fg.locals.map((x) => VTS[x % 3]!));
      const body = d.decode(fg.body, result, 0, true, 1, false);
      const cap = Math.max(FUNC_BUDGET - d.left, MIN_CAP);
      stage.funcs.push({ name, params, result, locals: d.locals, body, inline: fg.inline, redefine: false });
      scope.funcs.push({ name, params, result, rank: myRank, cap, inline: fg.inline, pinned: false });
    }
    return stage;
  });
  return { stages };
}

// ---------------------------------------------------------------- printing

function sexpr(n: Node): { head: string; kids: Node[] } | string {
  switch (n.k) {
    case 'const':
      return showValue(n.t, n.v);
    case 'param':
      return `p${n.i}`;
    case 'local':
      return `l${n.i}`;
    case 'gget':
    case 'sym':
      return n.name;
    case 'trap':
      return `(unreachable: ${n.t})`;
    case 'tee':
      return { head: `tee l${n.i}`, kids: [n.v] };
    case 'let':
      return { head: `let l${n.i}`, kids: [n.v, n.body] };
    case 'gset':
      return { head: `set ${n.name}`, kids: [n.v, n.body] };
    case 'op':
      return { head: n.op, kids: n.args };
    case 'select':
      return { head: 'select', kids: [n.a, n.b, n.c] };
    case 'if':
      return { head: `if:${n.t}`, kids: [n.c, n.a, n.b] };
    case 'call':
      return { head: `${n.tail ? 'return_call' : 'call'} ${n.f}${n.tail && !n.tailPos ? ` (in block:${n.t})` : ''}`, kids: n.args };
    case 'return':
      return { head: `return${n.tailPos ? '' : ` (in block:${n.t})`}`, kids: [n.v] };
    case 'repeat':
      return { head: `repeat ${n.n}x (counter l${n.ctr}) l${n.into} =`, kids: [n.body] };
  }
}

export function flat(n: Node): string {
  const s = sexpr(n);
  if (typeof s === 'string') return s;
  return `(${s.head}${s.kids.map((k) => ' ' + flat(k)).join('')})`;
}

export function pretty(n: Node, indent = '', width = 100): string {
  const f = flat(n);
  const s = sexpr(n);
  if (typeof s === 'string' || indent.length + f.length <= width) return indent + f;
  return `${indent}(${s.head}\n${s.kids.map((k) => pretty(k, indent + '  ', width)).join('\n')})`;
}

export function showFunc(f: FuncDef, indent = '  '): string {
  const params = f.params.map((t, i) => `p${i}: ${t}`).join(', ');
  const locals = f.locals.length ? `  locals ${f.locals.map((t, i) => `l${i}: ${t}`).join(', ')}` : '';
  const flags = [f.redefine ? 'redefine' : '', f.inline ? 'inline' : ''].filter(Boolean).join(', ');
  return `${indent}func ${f.name}(${params}) -> ${f.result}${flags ? `  {${flags}}` : ''}${locals}\n${pretty(f.body, indent + '  ')}`;
}

export function showProgram(p: Program): string {
  const lines: string[] = [];
  for (const s of p.stages) {
    lines.push(`stage ${s.name}${s.async ? ' (await commit)' : ' (commitSync)'}:`);
    for (const g of s.globals) lines.push(`  global ${g.name}: ${g.t} = ${showValue(g.t, g.init)}${g.mutable ? ' (mutable)' : ' (immutable)'}`);
    for (const c of s.consts) lines.push(`  ${c.redefine ? 'redefine ' : ''}const ${c.name}: ${c.t} = ${showValue(c.t, c.value)}`);
    for (const f of s.funcs) lines.push(showFunc(f));
  }
  return lines.join('\n');
}

export function showPool(pool: ArgPool): string {
  return `args pool: i32 [${pool.i32.join(', ')}]  i64 [${pool.i64.map((x) => `${x}n`).join(', ')}]  f64 [${pool.f64.map((x) => showValue('f64', x)).join(', ')}]`;
}
