// The expression half of the recursive-descent parser for the Julia subset: token access, Julia's
// operator precedence and newline rules inside expressions, and type expressions. parser.ts
// builds statements, blocks and definitions on it.

import type * as A from './ast.js';
import { JlSyntaxError } from './errors.js';
import { describe, isKeyword, isOp, TokenStream, type StringToken, type Token } from './lexer.js';

/** Comparison-precedence operators; `in` and `∉` chain with the others, as in Julia (`a < b in c`). */
export const COMPARE_OPS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=', '===', '!==', 'in', '∉']);
export const ASSIGN_OPS: ReadonlySet<string> = new Set(['=', '+=', '-=', '*=', '/=', '÷=', '%=', '^=']);
/** Operators that can be named as functions: `+(a, b)` calls one, `+(a::P, b::P) = ...` defines a method. */
export const OPERATOR_NAMES: ReadonlySet<string> = new Set(['+', '-', '*', '/', '÷', '%', '^', '!', ...COMPARE_OPS]);
/** The keyword `in` directly followed by `(`: the function `in` named, as an operator's name is. */
export function isInCall(t: Token, open: Token): boolean {
  return isKeyword(t, 'in') && isOp(open, '(') && !open.spaceBefore;
}
export const BLOCK_ENDS: ReadonlySet<string> = new Set(['end', 'else', 'elseif']);
/**
 * Most levels of nesting (sub-expressions, operands of right-associative and prefix operators,
 * blocks) the parser accepts: each costs a few recursive calls, and the JavaScript stack must not
 * run out in the parser or in the passes after it (a parenthesis level takes ~17 frames).
 */
export const MAX_NESTING = 256;
/** Operands of `&&` or `||` nested to the right, as Julia nests them, before a chain is balanced (see parseChain). */
const CHAIN_RUN = 32;

export interface Ctx {
  readonly inFunction: boolean;
  readonly inLoop: boolean;
}
export const TOP: Ctx = { inFunction: false, inLoop: false };

export class ExpressionParser {
  protected i = 0;
  /** Inside (), [] or {} newlines are insignificant. */
  protected bracketDepth = 0;
  /** False in the middle arm of `c ? a : b`, where a spaced `:` belongs to the conditional. */
  protected rangeOk = true;
  /**
   * Directly inside `[...]` (not in parentheses there), where, as in Julia, a space before a `+` or
   * `-` with none after it starts a new element: `[1 -2]` is two elements, not `[1 - 2]`.
   */
  protected spaceSensitive = false;
  /** Inside `v[...]`, only to explain why `end` fails there. */
  protected indexDepth = 0;
  /** The statement being parsed is in a function, a loop: `c && return x`, `c || break` need them. */
  protected ctx: Ctx = TOP;

  constructor(
    protected readonly toks: TokenStream,
    protected readonly file: string | undefined,
    /** Levels of nesting around this parser's input (a string interpolation's). */
    protected depth = 0,
  ) {}

  /** Parse one level deeper (see MAX_NESTING). */
  protected deeper<T>(f: () => T): T {
    if (++this.depth > MAX_NESTING) {
      this.depth--;
      throw this.err(`expression or block nested too deeply (more than ${MAX_NESTING} levels)`, this.peek().loc);
    }
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  // ---- token access ----

  protected raw(k = 0): Token {
    return this.toks.at(this.i + k);
  }

  protected peek(): Token {
    // Directly inside `[...]` a newline ends an element, as in Julia (see parseDelimited).
    if (this.bracketDepth > 0 && !this.spaceSensitive) while (this.toks.at(this.i).kind === 'newline') this.i++;
    return this.toks.at(this.i);
  }

  protected next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  protected atOp(...ops: string[]): boolean {
    return isOp(this.peek(), ...ops);
  }

  protected eatOp(op: string): boolean {
    if (!this.atOp(op)) return false;
    this.next();
    return true;
  }

  /** After a trailing binary operator or `=` the expression continues on the next line. */
  protected skipNewlines(): void {
    while (this.toks.at(this.i).kind === 'newline') this.i++;
  }

  protected skipSeparators(): void {
    for (let t = this.peek(); t.kind === 'newline' || isOp(t, ';'); t = this.peek()) this.i++;
  }

  err(message: string, loc: A.Loc): JlSyntaxError {
    return new JlSyntaxError(message, loc.line, loc.col, this.file);
  }

  /** `what` is a bracket or the keyword(s) opening a block that `end` closes. */
  protected unclosed(what: string, opener: A.Loc, found: Token): JlSyntaxError {
    const closer = '([{'.includes(what) ? closerOf(what) : 'end';
    return this.err(`expected '${closer}' to close '${what}' opened at ${opener.line}:${opener.col}, found ${describe(found)}`, found.loc);
  }

  protected expectName(context: string): Token {
    const t = this.peek();
    if (t.kind !== 'ident') throw this.err(`expected a name ${context}, found ${describe(t)}`, t.loc);
    return this.next();
  }

  protected inBrackets<T>(f: () => T, spaceSensitive = false): T {
    const savedRange = this.rangeOk;
    const savedSpace = this.spaceSensitive;
    this.bracketDepth++;
    this.rangeOk = true;
    this.spaceSensitive = spaceSensitive;
    try {
      return f();
    } finally {
      this.bracketDepth--;
      this.rangeOk = savedRange;
      this.spaceSensitive = savedSpace;
    }
  }

  /** `open item, item, ... close` with an optional trailing comma; `item` may reject what follows it. */
  protected parseDelimited<T>(item: () => T, context: string): T[] {
    return this.inBrackets(() => {
      const open = this.next();
      const close = closerOf(open.text);
      const items: T[] = [];
      for (this.skipNewlines(); !this.atOp(close); this.skipNewlines()) {
        items.push(item());
        // A newline is a row break in Julia's brackets (`[a\n-b]` is `[a; -b]`), before `,` or
        // the closer a mere line break.
        const row = this.raw().kind === 'newline';
        this.skipNewlines();
        if (this.eatOp(',')) continue;
        const t = this.peek();
        if (isOp(t, close)) break;
        if (row && t.kind !== 'eof') throw this.err(`in brackets a new line starts a new row (Julia reads [a⏎b] as the concatenation [a; b]), and concatenation syntax is not supported: separate the elements with ',', or end the line with the operator to continue an expression`, t.loc);
        if (t.kind === 'eof') throw this.unclosed(open.text, open.loc, t);
        if (this.spaceSensitive && isOp(t, '+', '-')) throw this.err(`in brackets a space before '${t.text}' and none after it starts a new element (Julia reads [a ${t.text}b] as a 1×2 matrix), and matrices are not supported: write 'a ${t.text} b'`, t.loc);
        throw this.err(`expected ',' or '${close}' ${context}, found ${describe(t)}`, t.loc);
      }
      this.next();
      return items;
    }, isOp(this.peek(), '['));
  }


  /** `Base.:+` and `Base.show` as names: report the whole qualified name (the `.` is next). */
  protected qualifiedName(base: string): JlSyntaxError {
    const dot = this.next();
    const n = this.peek();
    const m = this.raw(1);
    const member = isOp(n, ':') && m.kind === 'op' ? `:${m.text}` : n.kind === 'ident' ? n.text : '';
    const plain = member.startsWith(':') ? member.slice(1) : member;
    return this.err(`qualified name '${base}.${member}' is not supported${plain ? `; use '${plain}' directly` : ''}`, dot.loc);
  }

  protected rejectAssignment(): void {
    const t = this.peek();
    if (t.kind === 'op' && ASSIGN_OPS.has(t.text)) throw this.err('chained assignment is not supported', t.loc);
  }

  // ---- expressions, loosest first ----

  parseExpr(): A.Expr {
    return this.deeper(() => this.parseTernary());
  }

  protected parseTernary(): A.Expr {
    const cond = this.parseOr();
    if (!this.atOp('?')) return cond;
    this.next();
    this.skipNewlines();
    const savedRange = this.rangeOk;
    this.rangeOk = false;
    const whenTrue = this.deeper(() => this.parseTernary());
    this.rangeOk = savedRange;
    const t = this.peek();
    if (!isOp(t, ':')) throw this.err(`expected ':' in conditional expression, found ${describe(t)}`, t.loc);
    this.next();
    this.skipNewlines();
    const whenFalse = this.deeper(() => this.parseTernary());
    return { kind: 'ternary', cond, whenTrue, whenFalse, loc: cond.loc };
  }

  protected parseOr(): A.Expr {
    return this.parseChain('or', '||', () => this.parseAnd());
  }

  protected parseAnd(): A.Expr {
    return this.parseChain('and', '&&', () => this.parseComparison());
  }

  /**
   * `a && b && c ...` (or `||`): a chain of any length, read in a loop. Julia nests it to the
   * right, and so does this up to CHAIN_RUN operands; a longer one is made a balanced tree of such
   * runs, so that the passes after the parser recurse only as deep as its logarithm.
   * Short-circuiting makes the operator associative (every operand but the last must be a Bool),
   * so either tree evaluates the operands in order, as the chain does. Only the last operand may
   * be a jump.
   */
  private parseChain(kind: 'and' | 'or', op: '&&' | '||', operand: () => A.Expr): A.Expr {
    const first = operand();
    if (!this.atOp(op)) return first;
    const items: A.Expr[] = [first];
    while (this.eatOp(op)) {
      this.skipNewlines();
      const j = this.jump();
      if (j) {
        items.push(j);
        break;
      }
      items.push(operand());
    }
    const tree = (lo: number, hi: number): A.Expr => {
      if (hi - lo <= CHAIN_RUN) {
        let e = items[hi - 1]!;
        for (let k = hi - 2; k >= lo; k--) e = { kind, left: items[k]!, right: e, loc: items[k]!.loc };
        return e;
      }
      const mid = (lo + hi) >>> 1;
      const left = tree(lo, mid);
      return { kind, left, right: tree(mid, hi), loc: left.loc };
    };
    return tree(0, items.length);
  }

  /** `return [x]`, `break` or `continue` after `&&` or `||`, where the statement context allows it. */
  protected jump(): A.Jump | undefined {
    const t = this.peek();
    if (!isKeyword(t, 'return', 'break', 'continue')) return undefined;
    this.next();
    if (t.text === 'return') {
      if (!this.ctx.inFunction) throw this.err("'return' outside of a function", t.loc);
      const n = this.peek();
      const bare = n.kind === 'newline' || n.kind === 'eof' || isOp(n, ';', ')') || (n.kind === 'keyword' && BLOCK_ENDS.has(n.text));
      return { kind: 'jump', stmt: { kind: 'return', value: bare ? null : this.parseExpr(), loc: t.loc }, loc: t.loc };
    }
    if (!this.ctx.inLoop) throw this.err(`'${t.text}' outside of a loop`, t.loc);
    return { kind: 'jump', stmt: t.text === 'break' ? { kind: 'break', loc: t.loc } : { kind: 'continue', loc: t.loc }, loc: t.loc };
  }

  protected isComparisonOp(t: Token): boolean {
    return (t.kind === 'op' && COMPARE_OPS.has(t.text)) || (t.kind === 'ident' && t.text === 'isa') || isKeyword(t, 'in');
  }

  protected parseComparison(): A.Expr {
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
    if (ops.length === 0) return first;
    if (ops.length === 1) return { kind: 'binary', op: ops[0]!, left: first, right: operands[1]!, loc: first.loc };
    return { kind: 'comparison', ops, operands, loc: first.loc };
  }

  // In the middle arm of `c ? a : b` a spaced ` : ` ends the arm, while an unspaced one is still a
  // range (`c ? 1:n : 0`); Julia requires the spaces around the conditional's colon too.
  protected atRangeColon(): boolean {
    const t = this.peek();
    return isOp(t, ':') && (this.rangeOk || !t.spaceBefore);
  }

  protected parseRange(): A.Expr {
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

  protected parseBinaryLevel(ops: readonly string[], operand: () => A.Expr): A.Expr {
    let left = operand();
    for (let t = this.peek(); isOp(t, ...ops); t = this.peek()) {
      if (this.spaceSensitive && isOp(t, '+', '-') && t.spaceBefore && !this.raw(1).spaceBefore && this.raw(1).kind !== 'newline') break;
      this.next();
      this.skipNewlines();
      left = { kind: 'binary', op: t.text as A.BinaryOp, left, right: operand(), loc: left.loc };
    }
    return left;
  }

  protected parseAdditive(): A.Expr {
    return this.parseBinaryLevel(['+', '-'], () => this.parseMultiplicative());
  }

  protected parseMultiplicative(): A.Expr {
    return this.parseBinaryLevel(['*', '/', '÷', '%'], () => this.parseUnary());
  }

  protected parseUnary(): A.Expr {
    const t = this.peek();
    if (isOp(t, '-', '+', '!') && !this.isOperatorCall()) {
      this.next();
      return this.makeUnary(t, this.deeper(() => this.parseUnary()));
    }
    return this.parsePower();
  }

  /** `-2` is one literal (as in Julia), but `-2^2` stays `-(2^2)`: only a bare literal operand folds. */
  protected makeUnary(t: Token, operand: A.Expr): A.Expr {
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
  protected parsePower(): A.Expr {
    const base = this.parsePostfix();
    if (!this.atOp('^')) return base;
    this.next();
    this.skipNewlines();
    return { kind: 'binary', op: '^', left: base, right: this.deeper(() => this.parseUnary()), loc: base.loc };
  }

  /**
   * An operator name directly followed by `(` is a call: `*(a, b)`, `+(a, b)`. For the prefix
   * operators only with zero or several arguments, since `-(x)` is plain negation.
   */
  protected isOperatorCall(): boolean {
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

  protected parsePostfix(): A.Expr {
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

  protected parseCallArgs(): A.Expr[] {
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

  protected parsePrimary(): A.Expr {
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
        // `in(x, v)`: the keyword is also the name of its function, as in Julia.
        if (isInCall(t, this.raw(1))) {
          this.next();
          return { kind: 'call', callee: { kind: 'ident', name: 'in', loc: t.loc }, args: this.parseCallArgs(), loc: t.loc };
        }
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

  protected parseParenthesized(): A.Expr {
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

  protected parseVector(): A.Expr {
    const loc = this.peek().loc;
    const elements = this.parseDelimited(() => {
      const e = this.parseExpr();
      const t = this.peek();
      // A comprehension's `for` may start the next line (a row break only in any other case).
      let k = 0;
      while (this.raw(k).kind === 'newline') k++;
      if (isKeyword(this.raw(k), 'for')) throw this.err('comprehensions are not supported', this.raw(k).loc);
      if (isOp(t, ';')) throw this.err('matrix and concatenation syntax is not supported', t.loc);
      return e;
    }, 'in vector literal');
    return { kind: 'vector', elements, loc };
  }

  protected stringNode(t: StringToken): A.Expr {
    if (t.parts.every((p) => p.kind === 'text')) {
      return { kind: 'string', value: t.parts.map((p) => (p.kind === 'text' ? p.value : '')).join(''), loc: t.loc };
    }
    const parts = t.parts.map((p): A.Expr => (p.kind === 'text' ? { kind: 'string', value: p.value, loc: p.loc } : this.parseInterpolation(p.tokens)));
    return { kind: 'interp', parts, loc: t.loc };
  }

  /** The lexer hands over `$x` / `$(...)` as a token list; parse it as one expression. */
  protected parseInterpolation(tokens: Token[]): A.Expr {
    let k = 0;
    const sub = new ExpressionParser(new TokenStream(() => tokens[Math.min(k++, tokens.length - 1)]!), this.file, this.depth + 1);
    const e = sub.parseExpr();
    const t = sub.peek();
    if (t.kind !== 'eof') throw this.err(`unexpected ${describe(t)} in string interpolation`, t.loc);
    return e;
  }

  // ---- types ----

  protected parseType(): A.TypeExpr {
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

  protected parseTypeArgs(): A.TypeExpr[] {
    return this.parseDelimited(() => this.parseType(), 'in type parameters');
  }

  protected makeTypeApply(name: string, args: A.TypeExpr[], loc: A.Loc): A.TypeExpr {
    if (name === 'Union') return { kind: 'type-union', members: args, loc };
    if (args.length === 0) throw this.err(`'${name}{}' needs at least one type parameter`, loc);
    return { kind: 'type-apply', name, args, loc };
  }

  expectEndOfInput(): void {
    this.skipSeparators();
    const t = this.peek();
    if (t.kind !== 'eof') throw this.err(`unexpected ${describe(t)} after expression`, t.loc);
  }
}

export function closerOf(open: string): string {
  return open === '(' ? ')' : open === '[' ? ']' : '}';
}
