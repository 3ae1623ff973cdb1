// Recursive-descent parser for the Julia subset: tokens to the AST of ast.ts with Julia's operator
// precedence and newline rules, throwing a JlSyntaxError at the first problem. Statements, blocks
// and definitions here; expressions and types in expressions.ts.

import type * as A from './ast.js';
import { ASSIGN_OPS, BLOCK_ENDS, ExpressionParser, OPERATOR_NAMES, TOP, isInCall, type Ctx } from './expressions.js';
import { JlSyntaxError } from './errors.js';
import { describe, isKeyword, isOp, Lexer, TokenStream, UNSUPPORTED_KEYWORDS, type Token } from './lexer.js';

export { MAX_NESTING } from './expressions.js';

class Parser extends ExpressionParser {
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
    const open = this.raw(1);
    if (t.kind !== 'ident' && !(t.kind === 'op' && OPERATOR_NAMES.has(t.text)) && !isInCall(t, open)) return false;
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
    if (t.kind !== 'ident' && !(t.kind === 'op' && OPERATOR_NAMES.has(t.text)) && !isInCall(t, this.raw(1))) throw this.err(`expected a function name, found ${describe(t)}`, t.loc);
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
    return this.deeper(() => this.parseBlockBody(ctx, opener, ends));
  }

  private parseBlockBody(ctx: Ctx, opener: Token, ends: readonly string[]): A.Stmt[] {
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
    const saved = this.ctx;
    this.ctx = ctx;
    try {
      return this.parseStatementIn(ctx);
    } finally {
      this.ctx = saved;
    }
  }

  private parseStatementIn(ctx: Ctx): A.Stmt {
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
    if (!(isKeyword(t, 'in') || isOp(t, '=', 'in'))) throw this.err(`expected 'in' or '=' after the loop variable, found ${describe(t)}`, t.loc);
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

}

/** Parse a whole program; `file` only labels error messages. Throws JlSyntaxError at the first error. */
export function parseProgram(source: string, file?: string): A.Program {
  const lexer = new Lexer(source, file);
  return new Parser(new TokenStream(() => lexer.next()), file).parseProgram();
}

/** Parse a single expression (tests, tools, a REPL); the whole input must be that expression. */
export function parseExpression(source: string, file?: string): A.Expr {
  const lexer = new Lexer(source, file);
  const parser = new ExpressionParser(new TokenStream(() => lexer.next()), file);
  const e = parser.parseExpr();
  parser.expectEndOfInput();
  return e;
}
