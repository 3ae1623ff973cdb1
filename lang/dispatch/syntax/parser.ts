// Recursive-descent parser for the Julia subset: tokens to the AST of ast.ts with Julia's operator
// precedence and newline rules, throwing a JlSyntaxError at the first problem.

import type * as A from './ast.js';
import { JlSyntaxError } from './errors.js';
import { describe, isKeyword, isOp, Lexer, TokenStream, UNSUPPORTED_KEYWORDS, type StringToken, type Token } from './lexer.js';

const COMPARE_OPS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=', '===', '!==']);
const ASSIGN_OPS: ReadonlySet<string> = new Set(['=', '+=', '-=', '*=', '/=', '÷=', '%=', '^=']);
/** Operators that can be named as functions: `+(a, b)` calls one, `+(a::P, b::P) = ...` defines a method. */
const OPERATOR_NAMES: ReadonlySet<string> = new Set(['+', '-', '*', '/', '÷', '%', '^', '!', ...COMPARE_OPS]);
const BLOCK_ENDS: ReadonlySet<string> = new Set(['end', 'else', 'elseif']);

interface Ctx {
  readonly inFunction: boolean;
  readonly inLoop: boolean;
}
const TOP: Ctx = { inFunction: false, inLoop: false };

class Parser {
  private i = 0;
  /** Inside (), [] or {} newlines are insignificant. */
  private bracketDepth = 0;
  /** False in the middle arm of `c ? a : b`, where a spaced `:` belongs to the conditional. */
  private rangeOk = true;
  /** Inside `v[...]`, only to explain why `end` fails there. */
  private indexDepth = 0;

  constructor(
    private readonly toks: TokenStream,
    private readonly file: string | undefined,
  ) {}

  // ---- token access ----

  private raw(k = 0): Token {
    return this.toks.at(this.i + k);
  }

  private peek(): Token {
    if (this.bracketDepth > 0) while (this.toks.at(this.i).kind === 'newline') this.i++;
    return this.toks.at(this.i);
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private atOp(...ops: string[]): boolean {
    return isOp(this.peek(), ...ops);
  }

  private eatOp(op: string): boolean {
    if (!this.atOp(op)) return false;
    this.next();
    return true;
  }

  /** After a trailing binary operator or `=` the expression continues on the next line. */
  private skipNewlines(): void {
    while (this.toks.at(this.i).kind === 'newline') this.i++;
  }

  private skipSeparators(): void {
    for (let t = this.peek(); t.kind === 'newline' || isOp(t, ';'); t = this.peek()) this.i++;
  }

  err(message: string, loc: A.Loc): JlSyntaxError {
    return new JlSyntaxError(message, loc.line, loc.col, this.file);
  }

  /** `what` is a bracket or the keyword(s) opening a block that `end` closes. */
  private unclosed(what: string, opener: A.Loc, found: Token): JlSyntaxError {
    const closer = '([{'.includes(what) ? closerOf(what) : 'end';
    return this.err(`expected '${closer}' to close '${what}' opened at ${opener.line}:${opener.col}, found ${describe(found)}`, found.loc);
  }

  private expectName(context: string): Token {
    const t = this.peek();
    if (t.kind !== 'ident') throw this.err(`expected a name ${context}, found ${describe(t)}`, t.loc);
    return this.next();
  }

  private inBrackets<T>(f: () => T): T {
    const savedRange = this.rangeOk;
    this.bracketDepth++;
    this.rangeOk = true;
    try {
      return f();
    } finally {
      this.bracketDepth--;
      this.rangeOk = savedRange;
    }
  }

  /** `open item, item, ... close` with an optional trailing comma; `item` may reject what follows it. */
  private parseDelimited<T>(item: () => T, context: string): T[] {
    return this.inBrackets(() => {
      const open = this.next();
      const close = closerOf(open.text);
      const items: T[] = [];
      while (!this.atOp(close)) {
        items.push(item());
        if (this.eatOp(',')) continue;
        const t = this.peek();
        if (isOp(t, close)) break;
        if (t.kind === 'eof') throw this.unclosed(open.text, open.loc, t);
        throw this.err(`expected ',' or '${close}' ${context}, found ${describe(t)}`, t.loc);
      }
      this.next();
      return items;
    });
  }

  // ---- program and top level ----

  parseProgram(): A.Program {
    const body: A.TopLevel[] = [];
    for (;;) {
      this.skipSeparators();
      const t = this.peek();
      if (t.kind === 'eof') break;
      if (t.kind === 'keyword' && BLOCK_ENDS.has(t.text)) throw this.err(`unexpected '${t.text}'`, t.loc);
      body.push(this.parseTopLevel());
      this.expectStatementEnd();
    }
    return { kind: 'program', body, loc: { line: 1, col: 1 } };
  }

  expectEndOfInput(): void {
    this.skipSeparators();
    const t = this.peek();
    if (t.kind !== 'eof') throw this.err(`unexpected ${describe(t)} after expression`, t.loc);
  }

  private expectStatementEnd(): void {
    const t = this.peek();
    if (t.kind === 'newline' || t.kind === 'eof' || isOp(t, ';') || (t.kind === 'keyword' && BLOCK_ENDS.has(t.text))) return;
    if (isOp(t, ')', ']', '}')) throw this.err(`unexpected '${t.text}'`, t.loc);
    if (isOp(t, ',')) throw this.err('tuples are not supported', t.loc);
    throw this.err(`expected newline or ';' after statement, found ${describe(t)}`, t.loc);
  }

  private parseTopLevel(): A.TopLevel {
    const t = this.peek();
    if (isKeyword(t, 'function')) return this.parseFunction();
    if (isKeyword(t, 'const')) return this.parseConst();
    const def = this.typeDefAhead();
    if (def === 'struct') return this.parseStruct();
    if (def === 'abstract') return this.parseAbstract();
    if (def === 'primitive') throw this.err('primitive type definitions are not supported', t.loc);
    if (this.isShortDefAhead()) return this.parseShortDef();
    return this.parseStatement(TOP);
  }

  /** `struct`, `mutable struct`, `abstract type`, `primitive type` at the current token. */
  private typeDefAhead(): 'struct' | 'abstract' | 'primitive' | null {
    const t = this.peek();
    if (isKeyword(t, 'struct')) return 'struct';
    if (t.kind !== 'ident') return null;
    const n = this.raw(1);
    if (t.text === 'mutable' && isKeyword(n, 'struct')) return 'struct';
    if (n.kind === 'ident' && n.text === 'type') {
      if (t.text === 'abstract') return 'abstract';
      if (t.text === 'primitive') return 'primitive';
    }
    return null;
  }

  /** `name(...) =`, `name(...)::T =` or `name(...) where`: a one-line method, decided before parsing the call. */
  private isShortDefAhead(): boolean {
    const t = this.raw(0);
    if (t.kind !== 'ident' && !(t.kind === 'op' && OPERATOR_NAMES.has(t.text))) return false;
    const open = this.raw(1);
    if (!isOp(open, '(') || open.spaceBefore) return false;
    try {
      let depth = 0;
      for (let k = 1; ; k++) {
        const u = this.raw(k);
        if (u.kind === 'eof') return false;
        if (isOp(u, '(', '[', '{')) depth++;
        else if (isOp(u, ')', ']', '}') && --depth === 0) {
          const after = this.raw(k + 1);
          return isOp(after, '=', '::') || (after.kind === 'ident' && after.text === 'where');
        }
      }
    } catch (e) {
      // A lexical error past this point is reported when parsing reaches it.
      if (e instanceof JlSyntaxError) return false;
      throw e;
    }
  }

  private parseFunction(): A.FunctionDef {
    const kw = this.next();
    const sig = this.parseSignature();
    const body = this.parseBlock({ inFunction: true, inLoop: false }, kw, ['end']);
    this.next();
    return { kind: 'function', name: sig.name, params: sig.params, returnType: sig.returnType, body, short: false, loc: kw.loc };
  }

  private parseShortDef(): A.FunctionDef {
    const start = this.peek();
    const sig = this.parseSignature();
    const t = this.peek();
    if (!isOp(t, '=')) throw this.err(`expected '=' after the signature of '${sig.name}', found ${describe(t)}`, t.loc);
    this.next();
    this.skipNewlines();
    const value = this.parseExpr();
    this.rejectAssignment();
    return { kind: 'function', name: sig.name, params: sig.params, returnType: sig.returnType, body: [{ kind: 'expr', expr: value, loc: value.loc }], short: true, loc: start.loc };
  }

  private parseSignature(): { name: string; params: A.Param[]; returnType: A.TypeExpr | null } {
    const t = this.peek();
    if (isOp(t, '(')) throw this.err('anonymous functions are not supported', t.loc);
    if (t.kind !== 'ident' && !(t.kind === 'op' && OPERATOR_NAMES.has(t.text))) throw this.err(`expected a function name, found ${describe(t)}`, t.loc);
    this.next();
    if (this.atOp('.')) throw this.qualifiedName(t.text);
    if (this.atOp('{')) throw this.err(`type parameters on methods ('${t.text}{...}') are not supported`, this.peek().loc);
    const open = this.peek();
    if (!isOp(open, '(')) throw this.err(`expected '(' after function name '${t.text}', found ${describe(open)}`, open.loc);
    const seen = new Set<string>();
    const params = this.parseDelimited(() => this.parseParam(seen), 'in parameter list');
    const returnType = this.eatOp('::') ? this.parseType() : null;
    const w = this.peek();
    if (w.kind === 'ident' && w.text === 'where') throw this.err("'where' clauses are not supported", w.loc);
    return { name: t.text, params, returnType };
  }

  private parseParam(seen: Set<string>): A.Param {
    const t = this.peek();
    if (isOp(t, '::')) throw this.err("parameters without a name ('::T') are not supported", t.loc);
    if (isOp(t, ';')) throw this.err('keyword parameters are not supported', t.loc);
    if (t.kind !== 'ident') throw this.err(`expected a parameter name, found ${describe(t)}`, t.loc);
    this.next();
    if (seen.has(t.text)) throw this.err(`duplicate parameter name '${t.text}'`, t.loc);
    seen.add(t.text);
    const type = this.eatOp('::') ? this.parseType() : null;
    const after = this.peek();
    if (isOp(after, '=')) throw this.err('default parameter values are not supported', after.loc);
    if (isOp(after, '...')) throw this.err('varargs parameters are not supported', after.loc);
    if (isOp(after, ';')) throw this.err('keyword parameters are not supported', after.loc);
    return { kind: 'param', name: t.text, type, loc: t.loc };
  }

  /** `Base.:+` and `Base.show` as names: report the whole qualified name (the `.` is next). */
  private qualifiedName(base: string): JlSyntaxError {
    const dot = this.next();
    const n = this.peek();
    const m = this.raw(1);
    const member = isOp(n, ':') && m.kind === 'op' ? `:${m.text}` : n.kind === 'ident' ? n.text : '';
    const plain = member.startsWith(':') ? member.slice(1) : member;
    return this.err(`qualified name '${base}.${member}' is not supported${plain ? `; use '${plain}' directly` : ''}`, dot.loc);
  }

  private parseStruct(): A.StructDef {
    const first = this.next();
    const mutable = first.text === 'mutable';
    if (mutable) this.next();
    const what = mutable ? 'mutable struct' : 'struct';
    const name = this.expectName(`after '${what}'`);
    if (this.atOp('{')) throw this.err('parametric types are not supported', this.peek().loc);
    const supertype = this.eatOp('<:') ? this.parseType() : null;
    const fields: A.FieldDef[] = [];
    const seen = new Set<string>();
    for (;;) {
      this.skipSeparators();
      const t = this.peek();
      if (isKeyword(t, 'end')) break;
      if (t.kind === 'eof' || (t.kind === 'keyword' && BLOCK_ENDS.has(t.text))) throw this.unclosed(what, first.loc, t);
      if (isKeyword(t, 'function')) throw this.err('inner constructors are not supported', t.loc);
      if (t.kind !== 'ident') throw this.err(`expected a field name, found ${describe(t)}`, t.loc);
      this.next();
      if (this.atOp('(')) throw this.err('inner constructors are not supported', t.loc);
      if (seen.has(t.text)) throw this.err(`duplicate field name '${t.text}'`, t.loc);
      seen.add(t.text);
      const type = this.eatOp('::') ? this.parseType() : null;
      fields.push({ kind: 'field-def', name: t.text, type, loc: t.loc });
      const after = this.peek();
      if (isOp(after, '=')) throw this.err('field default values are not supported', after.loc);
      if (!(after.kind === 'newline' || after.kind === 'eof' || isOp(after, ';') || isKeyword(after, 'end'))) {
        throw this.err(`expected newline or ';' after field '${t.text}', found ${describe(after)}`, after.loc);
      }
    }
    this.next();
    return { kind: 'struct', name: name.text, mutable, supertype, fields, loc: first.loc };
  }

  private parseAbstract(): A.AbstractTypeDef {
    const first = this.next();
    this.next();
    const name = this.expectName("after 'abstract type'");
    if (this.atOp('{')) throw this.err('parametric types are not supported', this.peek().loc);
    const supertype = this.eatOp('<:') ? this.parseType() : null;
    this.skipSeparators();
    const t = this.peek();
    if (!isKeyword(t, 'end')) throw this.unclosed('abstract type', first.loc, t);
    this.next();
    return { kind: 'abstract-type', name: name.text, supertype, loc: first.loc };
  }

  private parseConst(): A.ConstDecl {
    const kw = this.next();
    const name = this.expectName("after 'const'");
    if (this.atOp('::')) throw this.err('typed constants are not supported', this.peek().loc);
    const t = this.peek();
    if (!isOp(t, '=')) throw this.err(`expected '=' after 'const ${name.text}', found ${describe(t)}`, t.loc);
    this.next();
    return { kind: 'const', name: name.text, value: this.parseAssignedValue(), loc: kw.loc };
  }

  // ---- statements ----

  /** Statements until one of `ends` (left unconsumed); `opener` names the construct in errors. */
  private parseBlock(ctx: Ctx, opener: Token, ends: readonly string[]): A.Stmt[] {
    const body: A.Stmt[] = [];
    for (;;) {
      this.skipSeparators();
      const t = this.peek();
      if (t.kind === 'keyword' && ends.includes(t.text)) return body;
      if (t.kind === 'eof' || (t.kind === 'keyword' && BLOCK_ENDS.has(t.text))) throw this.unclosed(opener.text, opener.loc, t);
      body.push(this.parseStatement(ctx));
      this.expectStatementEnd();
    }
  }

  private parseStatement(ctx: Ctx): A.Stmt {
    const t = this.peek();
    if (t.kind === 'keyword') {
      if (UNSUPPORTED_KEYWORDS.has(t.text)) throw this.err(`'${t.text}' is not supported`, t.loc);
      switch (t.text) {
        case 'function':
          throw this.err('function definitions are only allowed at top level', t.loc);
        case 'const':
          throw this.err("'const' is only allowed at top level", t.loc);
        case 'local':
          return this.parseLocal();
        case 'return':
          return this.parseReturn(ctx);
        case 'break':
        case 'continue':
          if (!ctx.inLoop) throw this.err(`'${t.text}' outside of a loop`, t.loc);
          this.next();
          return t.text === 'break' ? { kind: 'break', loc: t.loc } : { kind: 'continue', loc: t.loc };
        case 'if':
          return this.parseIf(ctx);
        case 'while':
          return this.parseWhile(ctx);
        case 'for':
          return this.parseFor(ctx);
        default:
          break;
      }
    }
    if (this.typeDefAhead() !== null) throw this.err('type definitions are only allowed at top level', t.loc);
    if (this.isShortDefAhead()) throw this.err('method definitions are only allowed at top level', t.loc);
    return this.parseSimpleStatement();
  }

  private parseLocal(): A.VarDecl {
    const kw = this.next();
    const name = this.expectName("after 'local'");
    const type = this.eatOp('::') ? this.parseType() : null;
    if (this.atOp(',')) throw this.err("declaring several variables in one 'local' is not supported", this.peek().loc);
    const value = this.eatOp('=') ? this.parseAssignedValue() : null;
    return { kind: 'var-decl', name: name.text, type, value, isLocal: true, loc: kw.loc };
  }

  private parseReturn(ctx: Ctx): A.Return {
    const kw = this.peek();
    if (!ctx.inFunction) throw this.err("'return' outside of a function", kw.loc);
    this.next();
    const t = this.peek();
    const bare = t.kind === 'newline' || t.kind === 'eof' || isOp(t, ';') || (t.kind === 'keyword' && BLOCK_ENDS.has(t.text));
    return { kind: 'return', value: bare ? null : this.parseExpr(), loc: kw.loc };
  }

  private parseIf(ctx: Ctx): A.If {
    const kw = this.next();
    const branches: A.IfBranch[] = [];
    let cond = this.parseExpr();
    let loc = kw.loc;
    for (;;) {
      branches.push({ kind: 'if-branch', cond, body: this.parseBlock(ctx, kw, ['end', 'else', 'elseif']), loc });
      const t = this.next();
      if (t.text === 'elseif') {
        cond = this.parseExpr();
        loc = t.loc;
        continue;
      }
      let elseBody: A.Stmt[] | null = null;
      if (t.text === 'else') {
        elseBody = this.parseBlock(ctx, kw, ['end']);
        this.next();
      }
      return { kind: 'if', branches, elseBody, loc: kw.loc };
    }
  }

  private parseWhile(ctx: Ctx): A.While {
    const kw = this.next();
    const cond = this.parseExpr();
    const body = this.parseBlock({ ...ctx, inLoop: true }, kw, ['end']);
    this.next();
    return { kind: 'while', cond, body, loc: kw.loc };
  }

  private parseFor(ctx: Ctx): A.For {
    const kw = this.next();
    if (this.atOp('(')) throw this.err("destructuring in 'for' is not supported", this.peek().loc);
    const variable = this.expectName("after 'for'");
    const t = this.peek();
    if (!(isKeyword(t, 'in') || isOp(t, '=', '∈'))) throw this.err(`expected 'in' or '=' after the loop variable, found ${describe(t)}`, t.loc);
    this.next();
    const iter = this.parseExpr();
    if (this.atOp(',')) throw this.err("several loop variables in one 'for' are not supported", this.peek().loc);
    const body = this.parseBlock({ ...ctx, inLoop: true }, kw, ['end']);
    this.next();
    return { kind: 'for', variable: variable.text, iter, body, loc: kw.loc };
  }

  /** Expression statements, assignments (plain and compound) and `x::T [= e]` declarations. */
  private parseSimpleStatement(): A.Stmt {
    const e = this.parseExpr();
    const t = this.peek();
    if (isOp(t, '::')) {
      if (e.kind !== 'ident') throw this.err('type annotations are only supported on variable names', t.loc);
      this.next();
      const type = this.parseType();
      const value = this.eatOp('=') ? this.parseAssignedValue() : null;
      return { kind: 'var-decl', name: e.name, type, value, isLocal: false, loc: e.loc };
    }
    if (t.kind === 'op' && ASSIGN_OPS.has(t.text)) {
      if (e.kind !== 'ident' && e.kind !== 'field' && e.kind !== 'index') throw this.err('invalid assignment target', e.loc);
      this.next();
      return { kind: 'assign', op: t.text as A.AssignOp, target: e, value: this.parseAssignedValue(), loc: e.loc };
    }
    return { kind: 'expr', expr: e, loc: e.loc };
  }

  private parseAssignedValue(): A.Expr {
    this.skipNewlines();
    const value = this.parseExpr();
    this.rejectAssignment();
    return value;
  }

  private rejectAssignment(): void {
    const t = this.peek();
    if (t.kind === 'op' && ASSIGN_OPS.has(t.text)) throw this.err('chained assignment is not supported', t.loc);
  }

  // ---- expressions, loosest first ----

  parseExpr(): A.Expr {
    return this.parseTernary();
  }

  private parseTernary(): A.Expr {
    const cond = this.parseOr();
    if (!this.atOp('?')) return cond;
    this.next();
    this.skipNewlines();
    const savedRange = this.rangeOk;
    this.rangeOk = false;
    const whenTrue = this.parseTernary();
    this.rangeOk = savedRange;
    const t = this.peek();
    if (!isOp(t, ':')) throw this.err(`expected ':' in conditional expression, found ${describe(t)}`, t.loc);
    this.next();
    this.skipNewlines();
    const whenFalse = this.parseTernary();
    return { kind: 'ternary', cond, whenTrue, whenFalse, loc: cond.loc };
  }

  private parseOr(): A.Expr {
    const left = this.parseAnd();
    if (!this.atOp('||')) return left;
    this.next();
    this.skipNewlines();
    return { kind: 'or', left, right: this.parseOr(), loc: left.loc };
  }

  private parseAnd(): A.Expr {
    const left = this.parseComparison();
    if (!this.atOp('&&')) return left;
    this.next();
    this.skipNewlines();
    return { kind: 'and', left, right: this.parseAnd(), loc: left.loc };
  }

  private isComparisonOp(t: Token): boolean {
    return (t.kind === 'op' && COMPARE_OPS.has(t.text)) || (t.kind === 'ident' && t.text === 'isa');
  }

  private parseComparison(): A.Expr {
    const first = this.parseRange();
    const operands: A.Expr[] = [first];
    const ops: A.CompareOp[] = [];
    for (let t = this.peek(); this.isComparisonOp(t); t = this.peek()) {
      this.next();
      this.skipNewlines();
      if (t.text === 'isa') {
        if (ops.length > 0) throw this.err("'isa' cannot be chained with other comparisons", t.loc);
        const type = this.parseType();
        const after = this.peek();
        if (this.isComparisonOp(after)) throw this.err("'isa' cannot be chained with other comparisons", after.loc);
        return { kind: 'isa', value: first, type, loc: first.loc };
      }
      ops.push(t.text as A.CompareOp);
      operands.push(this.parseRange());
    }
    const t = this.peek();
    if (isKeyword(t, 'in')) throw this.err("the 'in' operator is only supported in 'for' headers", t.loc);
    if (ops.length === 0) return first;
    if (ops.length === 1) return { kind: 'binary', op: ops[0]!, left: first, right: operands[1]!, loc: first.loc };
    return { kind: 'comparison', ops, operands, loc: first.loc };
  }

  // In the middle arm of `c ? a : b` a spaced ` : ` ends the arm, while an unspaced one is still a
  // range (`c ? 1:n : 0`); Julia requires the spaces around the conditional's colon too.
  private atRangeColon(): boolean {
    const t = this.peek();
    return isOp(t, ':') && (this.rangeOk || !t.spaceBefore);
  }

  private parseRange(): A.Expr {
    const start = this.parseAdditive();
    if (!this.atRangeColon()) return start;
    this.next();
    this.skipNewlines();
    const second = this.parseAdditive();
    if (!this.atRangeColon()) return { kind: 'range', start, step: null, stop: second, loc: start.loc };
    this.next();
    this.skipNewlines();
    const stop = this.parseAdditive();
    if (this.atRangeColon()) throw this.err("a range has at most three parts ('start:step:stop')", this.peek().loc);
    return { kind: 'range', start, step: second, stop, loc: start.loc };
  }

  private parseBinaryLevel(ops: readonly string[], operand: () => A.Expr): A.Expr {
    let left = operand();
    for (let t = this.peek(); isOp(t, ...ops); t = this.peek()) {
      this.next();
      this.skipNewlines();
      left = { kind: 'binary', op: t.text as A.BinaryOp, left, right: operand(), loc: left.loc };
    }
    return left;
  }

  private parseAdditive(): A.Expr {
    return this.parseBinaryLevel(['+', '-'], () => this.parseMultiplicative());
  }

  private parseMultiplicative(): A.Expr {
    return this.parseBinaryLevel(['*', '/', '÷', '%'], () => this.parseUnary());
  }

  private parseUnary(): A.Expr {
    const t = this.peek();
    if (isOp(t, '-', '+', '!') && !this.isOperatorCall()) {
      this.next();
      return this.makeUnary(t, this.parseUnary());
    }
    return this.parsePower();
  }

  /** `-2` is one literal (as in Julia), but `-2^2` stays `-(2^2)`: only a bare literal operand folds. */
  private makeUnary(t: Token, operand: A.Expr): A.Expr {
    const op = t.text as A.UnaryOp;
    if (op !== '!' && (operand.kind === 'int' || operand.kind === 'float') && /^[0-9.]/.test(operand.text)) {
      const text = op === '-' ? `-${operand.text}` : operand.text;
      if (operand.kind === 'int') return { kind: 'int', value: op === '-' ? -operand.value : operand.value, text, loc: t.loc };
      return { kind: 'float', value: op === '-' ? -operand.value : operand.value, text, loc: t.loc };
    }
    return { kind: 'unary', op, operand, loc: t.loc };
  }

  // `^` binds tighter than unary minus on its left (`-a^b` is `-(a^b)`) but admits one on its
  // right (`a^-b`), and is right-associative.
  private parsePower(): A.Expr {
    const base = this.parsePostfix();
    if (!this.atOp('^')) return base;
    this.next();
    this.skipNewlines();
    return { kind: 'binary', op: '^', left: base, right: this.parsePowerOperand(), loc: base.loc };
  }

  private parsePowerOperand(): A.Expr {
    const t = this.peek();
    if (isOp(t, '-', '+', '!') && !this.isOperatorCall()) {
      this.next();
      return this.makeUnary(t, this.parsePowerOperand());
    }
    return this.parsePower();
  }

  /**
   * An operator name directly followed by `(` is a call: `*(a, b)`, `+(a, b)`. For the prefix
   * operators only with zero or several arguments, since `-(x)` is plain negation.
   */
  private isOperatorCall(): boolean {
    const t = this.peek();
    const open = this.raw(1);
    if (t.kind !== 'op' || !OPERATOR_NAMES.has(t.text) || !isOp(open, '(') || open.spaceBefore) return false;
    if (!isOp(t, '-', '+', '!')) return true;
    let depth = 0;
    for (let k = 1; ; k++) {
      const u = this.raw(k);
      if (u.kind === 'eof') return false;
      if (isOp(u, '(', '[', '{')) depth++;
      else if (isOp(u, ')', ']', '}')) {
        if (--depth === 0) return k === 2;
      } else if (depth === 1 && isOp(u, ',')) return true;
    }
  }

  private parsePostfix(): A.Expr {
    let e = this.parsePrimary();
    for (;;) {
      const t = this.peek();
      if (isOp(t, '(')) {
        if (!t.spaceBefore) e = { kind: 'call', callee: e, args: this.parseCallArgs(), loc: e.loc };
        else if (e.kind === 'ident' || e.kind === 'field') throw this.err("space before '(' is not allowed in a call", t.loc);
        else return e;
      } else if (isOp(t, '[') && !t.spaceBefore) {
        this.indexDepth++;
        const indices = this.parseDelimited(() => this.parseExpr(), 'in index');
        this.indexDepth--;
        e = { kind: 'index', object: e, indices, loc: e.loc };
      } else if (isOp(t, '.')) {
        const n = this.raw(1);
        if (isOp(n, ':')) throw this.qualifiedName(e.kind === 'ident' ? e.name : '...');
        if (isOp(n, '(')) throw this.err("broadcast calls like 'f.(x)' are not supported", t.loc);
        if (n.kind === 'op' && !n.spaceBefore && (OPERATOR_NAMES.has(n.text) || ASSIGN_OPS.has(n.text))) {
          throw this.err(`broadcast operators like '.${n.text}' are not supported`, t.loc);
        }
        this.next();
        const name = this.peek();
        if (name.kind !== 'ident') throw this.err(`expected a field name after '.', found ${describe(name)}`, name.loc);
        this.next();
        e = { kind: 'field', object: e, name: name.text, loc: e.loc };
      } else if (isOp(t, '{') && !t.spaceBefore) {
        if (e.kind !== 'ident') throw this.err("type parameters '{...}' must follow a type name", t.loc);
        e = { kind: 'type-value', type: this.makeTypeApply(e.name, this.parseTypeArgs(), e.loc), loc: e.loc };
      } else {
        return e;
      }
    }
  }

  private parseCallArgs(): A.Expr[] {
    return this.parseDelimited(() => {
      const t = this.peek();
      if (isOp(t, ';')) throw this.err('keyword arguments are not supported', t.loc);
      const arg = this.parseExpr();
      const after = this.peek();
      if (isOp(after, '=')) throw this.err('keyword arguments are not supported', arg.loc);
      if (isOp(after, '...')) throw this.err('splatting is not supported', after.loc);
      if (isOp(after, ';')) throw this.err('keyword arguments are not supported', after.loc);
      if (isKeyword(after, 'for')) throw this.err('generators are not supported', after.loc);
      return arg;
    }, 'in argument list');
  }

  private parsePrimary(): A.Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'int':
        this.next();
        return { kind: 'int', value: t.value, text: t.text, loc: t.loc };
      case 'float':
        this.next();
        return { kind: 'float', value: t.value, text: t.text, loc: t.loc };
      case 'string':
        this.next();
        return this.stringNode(t);
      case 'ident':
        this.next();
        return { kind: 'ident', name: t.text, loc: t.loc };
      case 'keyword':
        if (t.text === 'true' || t.text === 'false' || t.text === 'nothing') {
          this.next();
          return t.text === 'nothing' ? { kind: 'nothing', loc: t.loc } : { kind: 'bool', value: t.text === 'true', loc: t.loc };
        }
        if (t.text === 'end' && this.indexDepth > 0) throw this.err("'end' inside indexing is not supported; use length(...)", t.loc);
        if (t.text === 'function') throw this.err('anonymous functions are not supported', t.loc);
        break;
      case 'op':
        if (this.isOperatorCall()) {
          this.next();
          return { kind: 'call', callee: { kind: 'ident', name: t.text, loc: t.loc }, args: this.parseCallArgs(), loc: t.loc };
        }
        if (t.text === '(') return this.parseParenthesized();
        if (t.text === '[') return this.parseVector();
        break;
      default:
        break;
    }
    throw this.err(`unexpected ${describe(t)}`, t.loc);
  }

  private parseParenthesized(): A.Expr {
    return this.inBrackets(() => {
      const open = this.next();
      if (this.atOp(')')) throw this.err("empty tuple '()' is not supported", open.loc);
      const e = this.parseExpr();
      const t = this.peek();
      if (isOp(t, ')')) {
        this.next();
        return e;
      }
      if (isOp(t, ',')) throw this.err('tuples are not supported', t.loc);
      if (isOp(t, ';')) throw this.err("blocks like '(a; b)' are not supported", t.loc);
      if (t.kind === 'op' && ASSIGN_OPS.has(t.text)) throw this.err('assignment is only supported as a statement', t.loc);
      if (t.kind === 'eof') throw this.unclosed('(', open.loc, t);
      throw this.err(`expected ')', found ${describe(t)}`, t.loc);
    });
  }

  private parseVector(): A.Expr {
    const loc = this.peek().loc;
    const elements = this.parseDelimited(() => {
      const e = this.parseExpr();
      const t = this.peek();
      if (isKeyword(t, 'for')) throw this.err('comprehensions are not supported', t.loc);
      if (isOp(t, ';')) throw this.err('matrix and concatenation syntax is not supported', t.loc);
      return e;
    }, 'in vector literal');
    return { kind: 'vector', elements, loc };
  }

  private stringNode(t: StringToken): A.Expr {
    if (t.parts.every((p) => p.kind === 'text')) {
      return { kind: 'string', value: t.parts.map((p) => (p.kind === 'text' ? p.value : '')).join(''), loc: t.loc };
    }
    const parts = t.parts.map((p): A.Expr => (p.kind === 'text' ? { kind: 'string', value: p.value, loc: p.loc } : this.parseInterpolation(p.tokens)));
    return { kind: 'interp', parts, loc: t.loc };
  }

  /** The lexer hands over `$x` / `$(...)` as a token list; parse it as one expression. */
  private parseInterpolation(tokens: Token[]): A.Expr {
    let k = 0;
    const sub = new Parser(new TokenStream(() => tokens[Math.min(k++, tokens.length - 1)]!), this.file);
    const e = sub.parseExpr();
    const t = sub.peek();
    if (t.kind !== 'eof') throw this.err(`unexpected ${describe(t)} in string interpolation`, t.loc);
    return e;
  }

  // ---- types ----

  private parseType(): A.TypeExpr {
    const t = this.peek();
    if (t.kind !== 'ident') {
      if (isOp(t, '<:')) throw this.err("type bounds ('<:T') are not supported", t.loc);
      throw this.err(`expected a type, found ${describe(t)}`, t.loc);
    }
    this.next();
    const n = this.peek();
    if (isOp(n, '.') && !n.spaceBefore && this.raw(1).kind === 'ident') throw this.err(`qualified type names like '${t.text}.${this.raw(1).text}' are not supported`, n.loc);
    if (isOp(n, '{') && !n.spaceBefore) return this.makeTypeApply(t.text, this.parseTypeArgs(), t.loc);
    return { kind: 'type-name', name: t.text, loc: t.loc };
  }

  private parseTypeArgs(): A.TypeExpr[] {
    return this.parseDelimited(() => this.parseType(), 'in type parameters');
  }

  private makeTypeApply(name: string, args: A.TypeExpr[], loc: A.Loc): A.TypeExpr {
    if (name === 'Union') return { kind: 'type-union', members: args, loc };
    if (args.length === 0) throw this.err(`'${name}{}' needs at least one type parameter`, loc);
    return { kind: 'type-apply', name, args, loc };
  }
}

function closerOf(open: string): string {
  return open === '(' ? ')' : open === '[' ? ']' : '}';
}

/** Parse a whole program; `file` only labels error messages. Throws JlSyntaxError at the first error. */
export function parseProgram(source: string, file?: string): A.Program {
  const lexer = new Lexer(source, file);
  return new Parser(new TokenStream(() => lexer.next()), file).parseProgram();
}

/** Parse a single expression (tests, tools, a REPL); the whole input must be that expression. */
export function parseExpression(source: string, file?: string): A.Expr {
  const lexer = new Lexer(source, file);
  const parser = new Parser(new TokenStream(() => lexer.next()), file);
  const e = parser.parseExpr();
  parser.expectEndOfInput();
  return e;
}
