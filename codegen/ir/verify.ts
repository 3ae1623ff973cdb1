// Checks what the builder cannot see node by node: branch labels in scope, branch values matching
// their target, locals in range; and, for a body with node objects the builder did not make (by
// hand, or for another body), every node's own typing. Runs once per function before lowering.

import { fail, shown } from '../../runtime/errors.js';
import { INSTR, NUMERIC, type ValType } from '../wasm/instructions.js';
import type { Expr, ExprType, FuncIR, Sig } from './nodes.js';
import { children, sameSig, seqType } from './nodes.js';
import type { Resolver } from './symbols.js';
import { KINDS } from './packed.js';
import { isValType } from './sig.js';
import { Node, constFits, constRange, trusted } from './operands.js';

interface Frame {
  label: string | null;
  /** Type a branch to this frame carries: the block's result, or 'none' for a loop. */
  branchType: ExprType;
}

export function verifyFunc(f: FuncIR): void {
  const nLocals = f.sig.params.length + f.locals.length;
  const err = (m: string) => fail('InvalidBody', m, { definition: f.name });
  const frames: Frame[] = [];

  const target = (label: string): Frame => {
    for (let i = frames.length - 1; i >= 0; i--) {
      const fr = frames[i]!;
      if (fr.label !== label) continue;
      // Control would go on after a block that says it never ends (the builder types such a block by its branches).
      if (fr.branchType === 'unreachable') throw err(`block '${label}' is typed unreachable, but a branch leaves it (type it none, or by the value its branches carry)`);
      return fr;
    }
    throw err(`branch to label '${label}', which is not an enclosing block or loop`);
  };
  const checkValue = (fr: Frame, value: Expr | null, label: string) => {
    const want = fr.branchType === 'unreachable' ? 'none' : fr.branchType;
    const got = value ? value.type : 'none';
    if (got !== want && got !== 'unreachable') {
      throw err(`branch to '${label}' carries ${got === 'none' ? 'no value' : got} but the target expects ${want === 'none' ? 'none' : want}`);
    }
  };

  const visit = (e: Expr): void => {
    switch (e.k) {
      case 'local.get':
      case 'local.set':
        if (!Number.isInteger(e.index) || e.index < 0 || e.index >= nLocals) throw err(`local ${String(e.index)} does not exist`);
        break;
      case 'block':
      case 'loop':
        frames.push({ label: e.label, branchType: e.k === 'loop' ? 'none' : e.type });
        e.body.forEach(visit);
        frames.pop();
        return;
      case 'br':
        if (e.value) visit(e.value);
        if (e.cond) visit(e.cond);
        checkValue(target(e.label), e.value, e.label);
        return;
      case 'br_table': {
        if (e.value) visit(e.value);
        visit(e.index);
        for (const l of [...e.labels, e.fallback]) checkValue(target(l), e.value, l);
        return;
      }
      case 'if':
        visit(e.cond);
        frames.push({ label: null, branchType: e.type });
        e.then.forEach(visit);
        e.else?.forEach(visit);
        frames.pop();
        return;
      case 'try':
        frames.push({ label: null, branchType: e.type });
        e.body.forEach(visit);
        for (const c of e.catches) {
          for (const l of c.locals) if (!Number.isInteger(l) || l < 0 || l >= nLocals) throw err(`catch local ${String(l)} does not exist`);
          c.body.forEach(visit);
        }
        e.catchAll?.forEach(visit);
        frames.pop();
        return;
      default:
        break;
    }
    for (const c of children(e)) visit(c);
  };
  f.body.forEach(visit);
}

/** What checking a node made by hand needs of the body it goes into (builder.ts, `foreign`). */
export interface HandMadeContext {
  readonly definition: string;
  /** The body's locals' types so far (parameters first): a node may read only those. */
  readonly localTypes: readonly ValType[];
  readonly result: ExprType;
  readonly resolver: Resolver;
  /** The builder's serial number: its own nodes (`trusted`) were checked already, and are not walked again. */
  readonly serial: number;
  /** Where locals read before the body declares them are noted, with their types, for `checkLateLocals`. */
  readonly late: Array<[number, ExprType]>;
}

/** The locals nodes made by hand read before the body declared them: declared by its end, of those types. */
export function checkLateLocals(late: ReadonlyArray<readonly [number, ExprType]>, localTypes: readonly ValType[], definition: string): void {
  for (const [i, t] of late) {
    if (localTypes[i] === undefined) throw fail('InvalidBody', `local ${i} does not exist (a node made by hand reads it)`, { definition });
    if (localTypes[i] !== t) throw fail('TypeMismatch', `a node made by hand: local ${i} is a ${localTypes[i]}, used as ${t}`, { definition });
  }
}

const KNOWN_KINDS: ReadonlySet<string> = new Set(KINDS);

/**
 * Check a node made by hand (or for another body) and what it holds, before it is packed (which
 * would coerce what is not as the builder makes it): each node's typing, the symbols and tags it
 * names, and the locals it uses. Its branches' labels are checked with the whole body
 * (verifyFunc): the count of branches met is returned, so that the commit knows to.
 */
export function checkHandMade(e: Expr, c: HandMadeContext): number {
  const err = (m: string) => fail('InvalidBody', m, { definition: c.definition });
  if (e === null || typeof e !== 'object') throw err(`expected an expression, got ${String(e)}`);
  if (trusted(e, c.serial, c.localTypes)) return 0;
  if (e instanceof Node) throw err(`a node made by hand holds an expression a builder made (a ${e.k}); give builder methods their own results, or make the whole subtree by hand`);
  if (!KNOWN_KINDS.has(e.k)) throw err(`a node of unknown kind '${String(e.k)}'`);
  if ((e.k === 'local.get' || e.k === 'local.set') && (!Number.isInteger(e.index) || e.index < 0)) {
    throw err(`local ${typeof e.index === 'number' ? String(e.index) : shown(e.index)} does not exist (locals are numbered from 0)`);
  }
  const wrong = typing(e, c.localTypes, c.result);
  if (wrong !== undefined) throw fail('TypeMismatch', `a node made by hand: ${wrong}`, { definition: c.definition });
  // A local the body has not declared yet is checked when it is finished.
  if (e.k === 'local.get' && e.index >= c.localTypes.length) c.late.push([e.index, e.type]);
  if (e.k === 'local.set' && e.index >= c.localTypes.length && isExpr(e.value)) c.late.push([e.index, e.value.type === 'unreachable' ? (e.tee ? e.type : 'unreachable') : e.value.type]);
  if (e.k === 'try') {
    for (const cl of e.catches) {
      if (!Array.isArray(cl.locals)) throw err(`catch '${String(cl.tag)}': its locals must be a list`);
      for (const l of cl.locals) if (!Number.isInteger(l) || l < 0) throw err(`catch local ${String(l)} does not exist`);
      cl.locals.forEach((l, i) => l >= c.localTypes.length && Array.isArray(cl.params) && c.late.push([l, cl.params[i] as ExprType]));
    }
  }
  if (e.k === 'global.get' || e.k === 'global.set' || e.k === 'symconst' || e.k === 'slot.of' || e.k === 'call') checkSymbol(e, c.resolver, c.definition);
  else if (e.k === 'throw' || e.k === 'try') checkTags(e, c.resolver, c.localTypes, c.definition);
  let branches = e.k === 'br' || e.k === 'br_table' ? 1 : 0;
  for (const x of children(e)) branches += checkHandMade(x, c);
  return branches;
}

/** What is wrong with operand `x` where a `t` is wanted, if anything. */
function val(x: unknown, t: ExprType, what: string): string | undefined {
  return !isExpr(x) ? `${what}: expected an expression, got ${String(x)}` : fits(x, t) ? undefined : `${what}: expected ${t}, got ${x.type}`;
}

const isExpr = (e: unknown): e is Expr => e !== null && typeof e === 'object' && typeof (e as { k?: unknown }).k === 'string';
const fits = (e: Expr, t: ExprType) => e.type === t || e.type === 'unreachable';
const isSig = (s: unknown): s is Sig => s !== null && typeof s === 'object' && Array.isArray((s as Sig).params) && (s as Sig).params.every(isValType) && Array.isArray((s as Sig).results) && (s as Sig).results.length <= 1 && (s as Sig).results.every(isValType);

function operands(what: string, args: unknown, params: readonly unknown[]): string | undefined {
  if (!Array.isArray(args) || args.length !== params.length) return `${what} takes ${params.length} operand(s), got ${Array.isArray(args) ? args.length : String(args)}`;
  for (let i = 0; i < args.length; i++) {
    const a: unknown = args[i];
    if (!isExpr(a)) return `${what}, operand ${i}: expected an expression, got ${String(a)}`;
    if (!fits(a, params[i] as ExprType)) return `${what}, operand ${i}: expected ${String(params[i])}, got ${a.type}`;
  }
  return undefined;
}

/** A list whose non-final elements leave nothing and whose value fits `type`. */
function sequence(what: string, list: unknown, type: ExprType): string | undefined {
  if (!Array.isArray(list)) return `${what}: expected a list of expressions, got ${String(list)}`;
  for (let i = 0; i < list.length; i++) {
    const x: unknown = list[i];
    if (!isExpr(x)) return `${what}, element ${i}: expected an expression, got ${String(x)}`;
    if (i < list.length - 1 && !fits(x, 'none')) return `${what}, element ${i}: a value of type ${x.type} would be discarded`;
  }
  const got = seqType(list as Expr[]);
  return got === type || got === 'unreachable' ? undefined : `${what}: typed ${type}, but its body gives ${got}`;
}

/** What is wrong with one node's own typing (its operands' types against it), if anything. */
function typing(e: Expr, locals: readonly ValType[], result: ExprType): string | undefined {
  const n = e as Expr & Record<string, unknown>;
  switch (e.k) {
    case 'const':
      if (!isValType(e.type)) return `a constant of type ${String(e.type)}`;
      if (typeof e.value !== (e.type === 'i64' ? 'bigint' : 'number')) return `a ${e.type} constant holds a ${typeof e.value}`;
      return constFits(e.type, e.value) ? undefined : `a ${e.type} constant of ${String(e.value)}, out of its range (${constRange(e.type as 'i32' | 'i64')})`;
    case 'local.get':
      return !Number.isInteger(e.index) || locals[e.index] === undefined || locals[e.index] === e.type ? undefined : `local ${e.index} is a ${locals[e.index]}, read as ${e.type}`;
    case 'local.set': {
      const t = locals[e.index] as ExprType | undefined;
      if (!Number.isInteger(e.index) || t === undefined) return undefined; // the walk says which local
      return val(e.value, t, `set of local ${e.index}`) ?? (e.type === (e.tee ? t : 'none') ? undefined : `a ${e.tee ? 'tee' : 'set'} of local ${e.index} typed ${e.type}`);
    }
    case 'op': {
      const info = NUMERIC.get(e.op);
      if (!info) return `'${String(e.op)}' is not a numeric instruction`;
      // The encoder goes by `info` when there is one.
      if (e.info !== undefined && e.info !== info) return `an ${e.op} node whose instruction entry is ${String(e.info?.name)}'s`;
      return operands(e.op, e.args, info.params!) ?? (e.type === info.result ? undefined : `${e.op} gives ${info.result}, typed ${e.type}`);
    }
    case 'load':
    case 'store': {
      const info = INSTR.get(e.op);
      if (!info || info.memType === undefined || !e.op.includes(e.k === 'load' ? '.load' : '.store')) return `'${String(e.op)}' is not a ${e.k}`;
      if (e.info !== undefined && e.info !== info) return `a ${e.op} node whose instruction entry is ${String(e.info?.name)}'s`;
      if (!Number.isInteger(e.offset) || e.offset < 0 || e.offset > 0xffffffff) return `${e.op}: offset must be a u32, got ${String(e.offset)}`;
      if (e.k === 'load') return val(e.ptr, 'i32', `${e.op} address`) ?? (e.type === info.memType ? undefined : `${e.op} gives ${info.memType}, typed ${e.type}`);
      return val(e.ptr, 'i32', `${e.op} address`) ?? val(e.value, info.memType, `${e.op} value`) ?? (n.type === 'none' ? undefined : `${String(n.op)} typed ${String(n.type)}`);
    }
    case 'global.get':
    case 'symconst':
    case 'slot.of':
      if (typeof e.name !== 'string') return `${e.k} of a name that is not a string: ${String(e.name)}`;
      if (e.k === 'slot.of') return n.type === 'i32' ? undefined : `slot.of '${e.name}' typed ${String(n.type)} (a slot is an i32)`;
      return isValType(e.type) ? undefined : `${e.k} '${e.name}' typed ${String(e.type)}`;
    case 'global.set':
      if (typeof e.name !== 'string') return `global.set of a name that is not a string: ${String(e.name)}`;
      return !isExpr(e.value) ? `value of global '${e.name}': expected an expression, got ${String(e.value)}` : n.type === 'none' ? undefined : `global.set typed ${String(n.type)}`;
    case 'call':
    case 'call.slot': {
      if (e.k === 'call' && typeof e.name !== 'string') return `a call of a name that is not a string: ${String(e.name)}`;
      if (!isSig(e.sig)) return `${e.k}: a signature that is not one (params and at most one result, of i32, i64, f32, f64)`;
      const what = e.k === 'call' ? `call of '${e.name}'` : 'call through slot';
      const want: ExprType = e.tail ? 'unreachable' : (e.sig.results[0] ?? 'none');
      if (e.tail && (e.sig.results[0] ?? 'none') !== result) return `tail ${what}: it returns ${e.sig.results[0] ?? 'nothing'}, the function ${result}`;
      return operands(what, e.args, e.sig.params) ?? (e.k === 'call.slot' ? val(e.slot, 'i32', 'slot') : undefined) ?? (e.type === want ? undefined : `${what} gives ${want}, typed ${e.type}`);
    }
    case 'block':
    case 'loop':
      return sequence(e.k, e.body, e.type) ?? (e.label === null || typeof e.label === 'string' ? undefined : `${e.k} label ${String(e.label)}`);
    case 'if':
      if (e.else === null && e.type !== 'none') return `if without else typed ${e.type}`;
      return val(e.cond, 'i32', 'if condition') ?? sequence('then', e.then, e.type) ?? (e.else === null ? undefined : sequence('else', e.else, e.type));
    case 'br':
      if (typeof e.label !== 'string') return `br to label ${String(e.label)}`;
      if (e.value !== null && !isExpr(e.value)) return `br value: expected an expression, got ${String(e.value)}`;
      return (e.cond === null ? undefined : val(e.cond, 'i32', 'br_if condition')) ?? (e.type === (e.cond === null ? 'unreachable' : e.value ? e.value.type : 'none') ? undefined : `br typed ${e.type}`);
    case 'br_table':
      if (n.type !== 'unreachable') return `br_table typed ${String(n.type)}`;
      if (!Array.isArray(e.labels) || ![...e.labels, e.fallback].every((l) => typeof l === 'string')) return 'br_table labels must be strings';
      if (e.value !== null && !isExpr(e.value)) return `br_table value: expected an expression, got ${String(e.value)}`;
      return val(e.index, 'i32', 'br_table index');
    case 'return':
      if (n.type !== 'unreachable') return `return typed ${String(n.type)}`;
      return e.value === null ? (result === 'none' ? undefined : `return without a value from a function returning ${result}`) : val(e.value, result, 'return value');
    case 'drop':
      if (n.type !== 'none') return `drop typed ${String(n.type)}`;
      return !isExpr(e.value) ? `drop: expected an expression, got ${String(e.value)}` : e.value.type === 'none' ? 'drop of nothing' : undefined;
    case 'select':
      return val(e.cond, 'i32', 'select condition') ?? val(e.a, e.type, 'select operand a') ?? val(e.b, e.type, 'select operand b') ?? (isValType(e.type) ? undefined : `select typed ${String(e.type)}`);
    case 'unreachable':
      return n.type === 'unreachable' ? undefined : `unreachable typed ${String(n.type)}`;
    case 'nop':
      return n.type === 'none' ? undefined : `nop typed ${String(n.type)}`;
    case 'memory': {
      const arity = { 'memory.size': 0, 'memory.grow': 1, 'memory.copy': 3, 'memory.fill': 3 }[e.op];
      if (arity === undefined) return `'${String(e.op)}' is not a memory instruction`;
      const gives = arity < 3 ? 'i32' : 'none';
      return operands(e.op, e.args, new Array(arity).fill('i32')) ?? (e.type === gives ? undefined : `${e.op} gives ${gives}, typed ${e.type}`);
    }
    case 'throw':
      if (n.type !== 'unreachable') return `throw typed ${String(n.type)}`;
      return Array.isArray(e.params) && e.params.every(isValType) ? operands(`throw '${String(e.tag)}'`, e.args, e.params) : `throw '${String(e.tag)}': payload types that are not value types`;
    case 'try': {
      if (!Array.isArray(e.catches)) return 'try: catches must be a list';
      let wrong = sequence('try', e.body, e.type);
      for (let i = 0; i < e.catches.length && wrong === undefined; i++) wrong = sequence(`catch ${i}`, e.catches[i]!.body, e.type);
      return wrong ?? (e.catchAll === null ? undefined : sequence('catch_all', e.catchAll, e.type));
    }
    default:
      return `a node of unknown kind '${String(n.k)}'`; // refused before (verifyFunc)
  }
}

/** A node made by hand names a symbol: it must be one, of the kind and type the node says. */
function checkSymbol(e: Extract<Expr, { name: string }>, resolver: Resolver, definition: string): void {
  const want = e.k === 'global.get' || e.k === 'global.set' ? 'global' : e.k === 'symconst' ? 'constant' : 'func';
  const s = resolver.resolve(e.name);
  if (!s) throw fail('UnknownSymbol', `'${e.name}' is not defined (wanted a ${want})`, { definition });
  if (s.kind !== want) throw fail('WrongSymbolKind', `'${e.name}' is a ${s.kind}, not a ${want}`, { definition });
  // Lowering reads the node's symbol (its cell, slot or value): one made for an earlier definition
  // of the name, or for another runtime, would reach the wrong one.
  if (e.sym !== undefined && e.sym !== s) throw fail('InvalidBody', `'${e.name}' in a node made for another definition of it (an earlier one, or another runtime's): make the node again, or leave its sym out`, { definition });
  const mismatch = (m: string) => fail('TypeMismatch', `a node made by hand: ${m}`, { definition });
  if (s.kind === 'global' && e.k === 'global.set') {
    if (!s.mutable) throw mismatch(`global '${e.name}' is immutable`);
    if (!fits(e.value, s.type)) throw mismatch(`value of global '${e.name}': expected ${s.type}, got ${e.value.type}`);
  } else if ((s.kind === 'global' || s.kind === 'constant') && s.type !== e.type) {
    throw mismatch(`${e.k} '${e.name}' typed ${e.type}, but it is a ${s.type}`);
  } else if (s.kind === 'func' && e.k === 'call' && !sameSig(s.sig, e.sig)) {
    throw mismatch(`call of '${e.name}' with a signature that is not its own`);
  }
}

/** A `throw` or `try` made by hand names tags: each must be one, with the id and payload types the node says. */
function checkTags(e: Extract<Expr, { k: 'throw' | 'try' }>, resolver: Resolver, locals: readonly ValType[], definition: string): void {
  const clauses = e.k === 'throw' ? [{ tag: e.tag, id: e.id, params: e.params, locals: undefined }] : e.catches;
  for (const c of clauses) {
    const s = typeof c.tag === 'string' ? resolver.resolve(c.tag) : undefined;
    if (!s) throw fail('UnknownSymbol', `'${String(c.tag)}' is not defined (wanted a tag)`, { definition });
    if (s.kind !== 'tag') throw fail('WrongSymbolKind', `'${c.tag}' is a ${s.kind}, not a tag`, { definition });
    const mismatch = (m: string) => fail('TypeMismatch', `a node made by hand: ${m}`, { definition });
    if (c.id !== s.id) throw mismatch(`tag '${c.tag}' with id ${String(c.id)}, but its id is ${s.id}`);
    if (!Array.isArray(c.params) || c.params.length !== s.params.length || c.params.some((p, i) => p !== s.params[i])) throw mismatch(`tag '${c.tag}' with payload (${String(c.params)}), but it carries (${s.params.join(', ')})`);
    if (c.locals === undefined) continue;
    if (!Array.isArray(c.locals) || c.locals.length !== s.params.length) throw mismatch(`catch '${c.tag}': one local per payload value (${s.params.length}) expected`);
    c.locals.forEach((l, i) => {
      if (Number.isInteger(l) && locals[l] !== undefined && locals[l] !== s.params[i]) throw mismatch(`catch '${c.tag}': local ${l} is a ${locals[l]}, the payload's value ${i} a ${s.params[i]}`);
    });
  }
}
