// Julia's scoping for a method body or top-level statement: `for` and `while` bodies are scopes
// (a loop variable, and a name first assigned in a loop, are new locals there, renamed apart so
// later passes see one name per variable), and which reads of a local may come before any
// assignment, so that they raise UndefVarError instead of reading nothing. The copy it makes also
// lowers `x^-n` for a literal n as Julia does (an integer x is made a float first: 2^-1 is 0.5).

import type * as A from './syntax/ast.js';

export interface Scoped {
  /** The body with every scope-local variable renamed to a name of its own (`x@2`). */
  readonly body: A.Stmt[];
  /** Every local variable, renamed ones included (parameters too). */
  readonly locals: ReadonlySet<string>;
  /** Reads of a local (identifiers in `body`) that may run before it is assigned: they check. */
  readonly unassigned: ReadonlySet<A.Ident>;
  /** The locals a loop's body binds afresh on every iteration (undefined again at its start). */
  readonly loopLocals: ReadonlyMap<A.While | A.For, readonly string[]>;
  /** Declared types of locals (`x::T = e`, `local x::T`), by (renamed) name. */
  readonly declared: ReadonlyMap<string, A.TypeExpr>;
}

/** The name a variable has in the source, for messages. */
export function sourceName(name: string): string {
  const at = name.indexOf('@');
  return at > 0 ? name.slice(0, at) : name;
}

interface Scope {
  readonly parent: Scope | undefined;
  /** Source name → the name the body uses from here. */
  readonly names: Map<string, string>;
}

let renamed = 0;

/**
 * Resolve the scopes of `body`. In a method, a name assigned in the body's own scope is a local of
 * the whole method; at the top level (`topLevel`), it is a global, and a name assigned in a loop
 * is a global if `isGlobal` says the global exists or the statement assigns it outside loops (the
 * REPL's rule for soft scopes), else a local of the loop.
 */
export function resolveScopes(params: readonly string[], body: readonly A.Stmt[], topLevel: boolean, isGlobal: (name: string) => boolean = () => false): Scoped {
  const locals = new Set<string>(params);
  const loopLocals = new Map<A.While | A.For, string[]>();
  const declared = new Map<string, A.TypeExpr>();
  const root: Scope = { parent: undefined, names: new Map() };
  for (const p of params) root.names.set(p, p);
  const topAssigned = new Set<string>();
  if (!topLevel) for (const n of assignedIn(body)) root.names.set(n, n);
  else for (const n of assignedIn(body)) topAssigned.add(n);
  for (const n of root.names.keys()) locals.add(n);

  const lookup = (scope: Scope, name: string): string | undefined => {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const r = s.names.get(name);
      if (r !== undefined) return r;
    }
    return undefined;
  };
  const fresh = (name: string): string => {
    const r = `${name}@${++renamed}`;
    locals.add(r);
    return r;
  };

  /** A loop body's scope (its variable, and the names it assigns that no enclosing scope has), for `out`. */
  const loopScope = (parent: Scope, loop: A.While | A.For, out: A.While | A.For): Scope => {
    const scope: Scope = { parent, names: new Map() };
    const own: string[] = [];
    const add = (name: string) => {
      const r = fresh(name);
      scope.names.set(name, r);
      own.push(r);
    };
    if (loop.kind === 'for') add(loop.variable);
    for (const n of declaredLocal(loop.body)) if (!scope.names.has(n)) add(n);
    for (const n of assignedIn(loop.body)) {
      if (scope.names.has(n) || lookup(parent, n) !== undefined) continue;
      if (topLevel && (isGlobal(n) || topAssigned.has(n))) continue;
      add(n);
    }
    loopLocals.set(out, own);
    return scope;
  };

  const rename = (scope: Scope, name: string) => lookup(scope, name) ?? name;

  // A called name is a function's, not a variable's.
  const expr = (scope: Scope, e: A.Expr): A.Expr =>
    mapExpr(e, (x) => {
      if (x.kind === 'ident') return { ...x, name: rename(scope, x.name) };
      if (x.kind === 'binary' && x.op === '^' && x.right.kind === 'int' && x.right.value < 0n) {
        const base: A.Call = { kind: 'call', callee: { kind: 'ident', name: '__literal_pow_base', loc: x.loc }, args: [expr(scope, x.left)], loc: x.loc };
        return { ...x, left: base };
      }
      if (x.kind === 'call' && x.callee.kind === 'ident') return { ...x, args: x.args.map((a) => expr(scope, a)) };
      return undefined;
    });

  const stmts = (scope: Scope, list: readonly A.Stmt[]): A.Stmt[] => list.map((s) => stmt(scope, s));

  const stmt = (scope: Scope, s: A.Stmt): A.Stmt => {
    switch (s.kind) {
      case 'expr':
        return { ...s, expr: expr(scope, s.expr) };
      case 'assign':
        return { ...s, target: expr(scope, s.target) as A.AssignTarget, value: expr(scope, s.value) };
      case 'var-decl': {
        const name = rename(scope, s.name);
        if (s.type && (!topLevel || name !== s.name)) declared.set(name, s.type);
        return { ...s, name, value: s.value && expr(scope, s.value) };
      }
      case 'return':
        return { ...s, value: s.value && expr(scope, s.value) };
      case 'if':
        return { ...s, branches: s.branches.map((br) => ({ ...br, cond: expr(scope, br.cond), body: stmts(scope, br.body) })), elseBody: s.elseBody && stmts(scope, s.elseBody) };
      case 'while': {
        const out: A.While = { ...s, cond: expr(scope, s.cond) };
        out.body = stmts(loopScope(scope, s, out), s.body);
        return out;
      }
      case 'for': {
        // The range or vector is evaluated outside the loop's scope.
        const out: A.For = { ...s, iter: expr(scope, s.iter) };
        const inner = loopScope(scope, s, out);
        out.variable = inner.names.get(s.variable)!;
        out.body = stmts(inner, s.body);
        return out;
      }
      case 'break':
      case 'continue':
        return s;
    }
  };

  const out = stmts(root, body);
  const unassigned = new Set<A.Ident>();
  definiteAssignment(out, new Set(params), locals, unassigned);
  return { body: out, locals, unassigned, loopLocals, declared };
}

/** Names a block assigns in its own scope (not inside a loop within it). */
function assignedIn(body: readonly A.Stmt[]): Set<string> {
  const out = new Set<string>();
  const visit = (list: readonly A.Stmt[]) => {
    for (const s of list) {
      if (s.kind === 'assign' && s.target.kind === 'ident') out.add(s.target.name);
      else if (s.kind === 'var-decl') out.add(s.name);
      else if (s.kind === 'if') {
        s.branches.forEach((br) => visit(br.body));
        if (s.elseBody) visit(s.elseBody);
      }
    }
  };
  visit(body);
  return out;
}

/** Names a block declares with `local` in its own scope. */
function declaredLocal(body: readonly A.Stmt[]): Set<string> {
  const out = new Set<string>();
  const visit = (list: readonly A.Stmt[]) => {
    for (const s of list) {
      if (s.kind === 'var-decl' && s.isLocal) out.add(s.name);
      else if (s.kind === 'if') {
        s.branches.forEach((br) => visit(br.body));
        if (s.elseBody) visit(s.elseBody);
      }
    }
  };
  visit(body);
  return out;
}

/** A copy of `e` with the nodes `f` replaces (f sees each node before its children are copied). */
export function mapExpr(e: A.Expr, f: (x: A.Expr) => A.Expr | undefined): A.Expr {
  return f(e) ?? mapChildren(e, f);
}

/**
 * A left-deep chain of binary operators (a sum of a thousand terms on one line) copied along its
 * left spine in a loop, where recursing into each left operand would run out of stack.
 */
function mapSpine(e: A.Binary, f: (x: A.Expr) => A.Expr | undefined): A.Expr {
  const spine: A.Binary[] = [e];
  let bottom: A.Expr;
  for (let x = e.left; ; x = x.left) {
    const r = f(x);
    if (r) {
      bottom = r;
      break;
    }
    if (x.kind !== 'binary') {
      bottom = mapChildren(x, f);
      break;
    }
    spine.push(x);
  }
  for (let i = spine.length - 1; i >= 0; i--) bottom = { ...spine[i]!, left: bottom, right: mapExpr(spine[i]!.right, f) };
  return bottom;
}

/** A copy of `e` with its children mapped (`f` has seen `e` and left it). */
function mapChildren(e: A.Expr, f: (x: A.Expr) => A.Expr | undefined): A.Expr {
  const m = (x: A.Expr) => mapExpr(x, f);
  switch (e.kind) {
    case 'interp':
      return { ...e, parts: e.parts.map(m) };
    case 'call':
      return { ...e, callee: m(e.callee), args: e.args.map(m) };
    case 'field':
      return { ...e, object: m(e.object) };
    case 'index':
      return { ...e, object: m(e.object), indices: e.indices.map(m) };
    case 'vector':
      return { ...e, elements: e.elements.map(m) };
    case 'unary':
      return { ...e, operand: m(e.operand) };
    case 'binary':
      return mapSpine(e, f);
    case 'comparison':
      return { ...e, operands: e.operands.map(m) };
    case 'isa':
      return { ...e, value: m(e.value) };
    case 'and':
    case 'or':
      return { ...e, left: m(e.left), right: m(e.right) };
    case 'ternary':
      return { ...e, cond: m(e.cond), whenTrue: m(e.whenTrue), whenFalse: m(e.whenFalse) };
    case 'jump':
      return e.stmt.kind === 'return' && e.stmt.value ? { ...e, stmt: { ...e.stmt, value: m(e.stmt.value) } } : { ...e };
    case 'range':
      return { ...e, start: m(e.start), step: e.step && m(e.step), stop: m(e.stop) };
    default:
      return { ...e };
  }
}

/** Marks unreachable code: every variable counts as assigned there. */
const EVERYTHING: ReadonlySet<string> = new Set<string>();

/**
 * Definite assignment over the (renamed) body: `unassigned` gets every read of a local that some
 * path reaches before an assignment. Loops are taken as running their body zero times or once
 * from the state before them, which is sound: a variable a loop assigns may be unassigned after
 * it, and a loop's own locals are unassigned at the start of each iteration.
 */
function definiteAssignment(body: readonly A.Stmt[], start: ReadonlySet<string>, locals: ReadonlySet<string>, unassigned: Set<A.Ident>): void {
  const has = (state: ReadonlySet<string>, name: string) => state === EVERYTHING || state.has(name);
  const reads = (state: ReadonlySet<string>, e: A.Expr) => {
    mapExpr(e, (x) => {
      if (x.kind === 'ident' && locals.has(x.name) && !has(state, x.name)) unassigned.add(x);
      return undefined;
    });
  };
  const join = (a: ReadonlySet<string>, b: ReadonlySet<string>): ReadonlySet<string> => (a === EVERYTHING ? b : b === EVERYTHING ? a : new Set([...a].filter((n) => b.has(n))));
  // A block works on a copy of the state it starts from, which its statements then add to in place:
  // a copy per assignment made a function of 50,000 variables take minutes. Every state a
  // statement returns is its block's own (or EVERYTHING, never changed): arms and loop bodies
  // are blocks, with copies of their own.
  const with_ = (state: ReadonlySet<string>, name: string): ReadonlySet<string> => (state === EVERYTHING ? state : (state as Set<string>).add(name));
  const block = (state: ReadonlySet<string>, list: readonly A.Stmt[]): ReadonlySet<string> => list.reduce(stmt, state === EVERYTHING ? state : new Set(state));
  const stmt = (state: ReadonlySet<string>, s: A.Stmt): ReadonlySet<string> => {
    switch (s.kind) {
      case 'expr':
        reads(state, s.expr);
        return state;
      case 'assign':
        // x op= e reads x (the target node itself); v[i] = e and a.f = e read v, i and a.
        if (s.op !== '=' || s.target.kind !== 'ident') reads(state, s.target);
        reads(state, s.value);
        return s.target.kind === 'ident' ? with_(state, s.target.name) : state;
      case 'var-decl':
        if (!s.value) return state;
        reads(state, s.value);
        return with_(state, s.name);
      case 'return':
        if (s.value) reads(state, s.value);
        return EVERYTHING;
      case 'break':
      case 'continue':
        return EVERYTHING;
      case 'if': {
        let out: ReadonlySet<string> | undefined;
        let rest = state;
        for (const br of s.branches) {
          reads(rest, br.cond);
          const arm = block(rest, br.body);
          out = out ? join(out, arm) : arm;
        }
        return join(out!, s.elseBody ? block(rest, s.elseBody) : rest);
      }
      case 'while':
        reads(state, s.cond);
        block(state, s.body);
        return state;
      case 'for':
        reads(state, s.iter);
        // The loop variable is the body's alone: not added to the state after the loop.
        block(state === EVERYTHING ? state : new Set(state).add(s.variable), s.body);
        return state;
    }
  };
  block(start, body);
}
