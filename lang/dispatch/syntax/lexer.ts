// Lexer for the Julia subset: source text to tokens with 1-based positions. Comments vanish, newlines
// stay (they end statements), and a string's `$(...)` interpolations arrive pre-tokenized inside it.

import type { Loc } from './ast.js';
import { JlSyntaxError } from './errors.js';

/** Reserved in Julia but outside the subset: lexed as keywords so the parser can name them in errors. */
export const UNSUPPORTED_KEYWORDS: ReadonlySet<string> = new Set([
  'begin', 'let', 'do', 'try', 'catch', 'finally', 'quote', 'macro', 'module', 'baremodule', 'import', 'using', 'export', 'global',
]);

/** Reserved words; `abstract`, `mutable`, `type`, `primitive`, `isa` and `where` stay identifiers, as in Julia. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'function', 'end', 'if', 'elseif', 'else', 'while', 'for', 'in', 'return', 'break', 'continue',
  'struct', 'const', 'local', 'true', 'false', 'nothing', ...UNSUPPORTED_KEYWORDS,
]);

interface TokenBase {
  /** Operators in their canonical spelling (`≤` arrives as `<=`); otherwise the source text. */
  text: string;
  loc: Loc;
  /** Whitespace or a comment precedes the token: `f (x)` is not a call, `-(a, b)` is. */
  spaceBefore: boolean;
}

export interface SimpleToken extends TokenBase {
  kind: 'ident' | 'keyword' | 'op' | 'newline' | 'eof';
}

export interface IntToken extends TokenBase {
  kind: 'int';
  value: bigint;
}

export interface FloatToken extends TokenBase {
  kind: 'float';
  value: number;
}

export type StringPart = { kind: 'text'; value: string; loc: Loc } | { kind: 'interp'; tokens: Token[]; loc: Loc };

export interface StringToken extends TokenBase {
  kind: 'string';
  parts: StringPart[];
}

export type Token = SimpleToken | IntToken | FloatToken | StringToken;

// Longest first, so `==` wins over `=` and `...` over `.`.
const OPERATORS = [
  '===', '!==', '...', '÷=',
  '::', '<:', '==', '!=', '<=', '>=', '&&', '||', '+=', '-=', '*=', '/=', '%=', '^=', '->', '=>',
  '+', '-', '*', '/', '÷', '%', '^', '<', '>', '=', '!', '(', ')', '[', ']', '{', '}', ',', ';', ':', '?', '.', '∉',
];
// `∈` is Julia's `in` (the same function), so it arrives as the operator `in`.
const ALIASES: Readonly<Record<string, string>> = { '≤': '<=', '≥': '>=', '≠': '!=', '∈': 'in' };

const INT64_MAX = (1n << 63n) - 1n;
const MAX_INTERPOLATION_NESTING = 64;
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', $: '$', '0': '\0', "'": "'" };
const IDENT_START = /[\p{L}\p{Nl}\p{So}_]/u;
const IDENT_PART = /[\p{L}\p{Nl}\p{So}\p{N}\p{Mn}\p{Mc}\p{Pc}_′]/u;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isHexDigit = (c: string | undefined): boolean => c !== undefined && /[0-9a-fA-F]/.test(c);

export class Lexer {
  private pos = 0;
  private line = 1;
  private col = 1;
  /** The previous token decides whether `.5` is a number or a `.` after an expression. */
  private prev: Token | null = null;
  /** Interpolations the scanner is inside of. */
  private interpolations = 0;

  constructor(
    private readonly src: string,
    private readonly file: string | undefined,
  ) {}

  /** The next token; after the end, `eof` forever. */
  next(): Token {
    const spaceBefore = this.skipSpaceAndComments();
    const tok = this.scan(spaceBefore);
    this.prev = tok;
    return tok;
  }

  private loc(): Loc {
    return { line: this.line, col: this.col };
  }

  private fail(message: string, loc: Loc): never {
    throw new JlSyntaxError(message, loc.line, loc.col, this.file);
  }

  /** The code point at `pos` as a string ('' at the end). */
  private charAt(pos: number): string {
    const cp = this.src.codePointAt(pos);
    return cp === undefined ? '' : String.fromCodePoint(cp);
  }

  private advance(): string {
    const ch = this.charAt(this.pos);
    this.pos += ch.length;
    if (ch === '\n') {
      this.line++;
      this.col = 1;
    } else {
      this.col++;
    }
    return ch;
  }

  private skipSpaceAndComments(): boolean {
    const start = this.pos;
    for (;;) {
      const c = this.src[this.pos];
      if (c === ' ' || c === '\t' || c === '\r') {
        this.advance();
      } else if (c === '#' && this.src[this.pos + 1] === '=') {
        this.skipBlockComment();
      } else if (c === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.advance();
      } else {
        return this.pos !== start;
      }
    }
  }

  // Block comments nest, as in Julia, so commenting out code that has one still works.
  private skipBlockComment(): void {
    const open = this.loc();
    let depth = 0;
    do {
      if (this.pos >= this.src.length) this.fail('unterminated block comment', open);
      if (this.src.startsWith('#=', this.pos)) {
        depth++;
        this.advance();
        this.advance();
      } else if (this.src.startsWith('=#', this.pos)) {
        depth--;
        this.advance();
        this.advance();
      } else {
        this.advance();
      }
    } while (depth > 0);
  }

  private prevEndsExpression(): boolean {
    const p = this.prev;
    if (p === null) return false;
    switch (p.kind) {
      case 'ident':
      case 'int':
      case 'float':
      case 'string':
        return true;
      case 'op':
        return p.text === ')' || p.text === ']' || p.text === '}';
      case 'keyword':
        return p.text === 'end' || p.text === 'true' || p.text === 'false' || p.text === 'nothing';
      default:
        return false;
    }
  }

  private scan(spaceBefore: boolean): Token {
    const loc = this.loc();
    if (this.pos >= this.src.length) return { kind: 'eof', text: '', loc, spaceBefore };
    const c = this.src[this.pos]!;
    if (c === '\n') {
      this.advance();
      return { kind: 'newline', text: '\n', loc, spaceBefore };
    }
    if (isDigit(c) || (c === '.' && isDigit(this.src[this.pos + 1]) && !this.prevEndsExpression())) {
      return this.scanNumber(loc, spaceBefore);
    }
    if (c === '"') return this.scanString(loc, spaceBefore);
    const ch = this.charAt(this.pos);
    if (IDENT_START.test(ch)) {
      const text = this.scanName(true);
      return { kind: KEYWORDS.has(text) ? 'keyword' : 'ident', text, loc, spaceBefore };
    }
    const alias = ALIASES[ch];
    if (alias !== undefined) {
      this.advance();
      return { kind: 'op', text: alias, loc, spaceBefore };
    }
    for (const op of OPERATORS) {
      if (this.src.startsWith(op, this.pos)) {
        for (let i = 0; i < op.length; i++) this.advance();
        return { kind: 'op', text: op, loc, spaceBefore };
      }
    }
    if (c === '@') this.fail("macros ('@...') are not supported", loc);
    if (c === "'") this.fail('character literals are not supported', loc);
    return this.fail(`unexpected character '${ch}'`, loc);
  }

  // `!` belongs to a name (`push!`) except before `=`, so `a!=b` still compares; string
  // interpolation leaves it out, so "Hello, $name!" reads as intended.
  private scanName(allowBang: boolean): string {
    const start = this.pos;
    this.advance();
    for (;;) {
      const ch = this.charAt(this.pos);
      if (ch !== '' && IDENT_PART.test(ch)) {
        this.advance();
      } else if (allowBang && ch === '!' && this.src[this.pos + 1] !== '=') {
        this.advance();
      } else {
        return this.src.slice(start, this.pos);
      }
    }
  }

  /** Digits with single underscores between them (`1_000`). */
  private scanDigits(isDigitChar: (c: string | undefined) => boolean): void {
    while (isDigitChar(this.src[this.pos]) || (this.src[this.pos] === '_' && isDigitChar(this.src[this.pos + 1]) && isDigitChar(this.src[this.pos - 1]))) {
      this.advance();
    }
  }

  private exponentAt(p: number): boolean {
    const s = this.src;
    return (s[p] === 'e' || s[p] === 'E') && (isDigit(s[p + 1]) || ((s[p + 1] === '+' || s[p + 1] === '-') && isDigit(s[p + 2])));
  }

  private scanNumber(loc: Loc, spaceBefore: boolean): Token {
    const s = this.src;
    const start = this.pos;
    let isFloat = false;
    if (s[this.pos] === '0' && s[this.pos + 1] === 'x' && isHexDigit(s[this.pos + 2])) {
      this.advance();
      this.advance();
      this.scanDigits(isHexDigit);
    } else {
      if (s[this.pos] !== '.') this.scanDigits(isDigit);
      if (s[this.pos] === '.') {
        const after = s[this.pos + 1];
        if (isDigit(after)) {
          this.advance();
          this.scanDigits(isDigit);
          isFloat = true;
        } else if (this.exponentAt(this.pos + 1) || (after !== '.' && !IDENT_START.test(this.charAt(this.pos + 1)))) {
          // `1.` and `1.e5` are floats; `1.x` and `1..2` are not numbers at all.
          this.advance();
          isFloat = true;
        }
      }
      if (this.exponentAt(this.pos)) {
        this.advance();
        if (s[this.pos] === '+' || s[this.pos] === '-') this.advance();
        this.scanDigits(isDigit);
        isFloat = true;
      }
    }
    // Anything glued on (`1.2.3`, `2x`, `1e`, `0xG`) makes the whole run one bad number.
    const tail = this.charAt(this.pos);
    const glued = (tail !== '' && IDENT_PART.test(tail)) || (tail === '!' && s[this.pos + 1] !== '=') || (tail === '.' && isDigit(s[this.pos + 1]));
    if (glued) {
      for (let ch = this.charAt(this.pos); ch !== '' && (IDENT_PART.test(ch) || ch === '.' || (ch === '!' && s[this.pos + 1] !== '=')); ch = this.charAt(this.pos)) this.advance();
      this.fail(`invalid number '${s.slice(start, this.pos)}'`, loc);
    }
    const text = s.slice(start, this.pos);
    const clean = text.replace(/_/g, '');
    if (isFloat) {
      const value = Number(clean);
      if (!Number.isFinite(value)) this.fail(`float literal '${text}' is out of range`, loc);
      return { kind: 'float', text, value, loc, spaceBefore };
    }
    const value = BigInt(clean);
    if (value > INT64_MAX) this.fail(`integer literal '${text}' is too large for Int64`, loc);
    return { kind: 'int', text, value, loc, spaceBefore };
  }

  private scanString(loc: Loc, spaceBefore: boolean): StringToken {
    const s = this.src;
    const start = this.pos;
    if (s.startsWith('"""', this.pos)) this.fail('triple-quoted strings are not supported', loc);
    this.advance();
    const parts: StringPart[] = [];
    let buf = '';
    let bufLoc = this.loc();
    const flush = (): void => {
      if (buf !== '') parts.push({ kind: 'text', value: buf, loc: bufLoc });
      buf = '';
    };
    for (;;) {
      if (this.pos >= s.length) this.fail('unterminated string', loc);
      const c = s[this.pos];
      if (c === '"') {
        this.advance();
        break;
      }
      if (buf === '') bufLoc = this.loc();
      if (c === '\\') {
        const escLoc = this.loc();
        this.advance();
        if (this.pos >= s.length) this.fail('unterminated string', loc);
        const e = this.advance();
        const decoded = ESCAPES[e];
        if (e === '\n') this.fail("a '\\' at the end of a line inside a string is not supported", escLoc);
        if (decoded === undefined) this.fail(`invalid escape sequence '\\${e}' in string`, escLoc);
        buf += decoded;
      } else if (c === '$') {
        flush();
        parts.push(this.scanInterpolation(loc));
        bufLoc = this.loc();
      } else {
        buf += this.advance();
      }
    }
    flush();
    return { kind: 'string', text: s.slice(start, this.pos), parts, loc, spaceBefore };
  }

  /** `$name` or `$(expr)`: the tokens of the expression, ending in `eof`, for a sub-parser. */
  private scanInterpolation(stringLoc: Loc): StringPart {
    const dollar = this.loc();
    // Strings nest inside interpolations: bound the recursion as the parser bounds its own.
    if (this.interpolations >= MAX_INTERPOLATION_NESTING) this.fail(`string interpolations nested too deeply (more than ${MAX_INTERPOLATION_NESTING} levels)`, dollar);
    this.interpolations++;
    try {
      return this.scanInterpolationBody(stringLoc, dollar);
    } finally {
      this.interpolations--;
    }
  }

  private scanInterpolationBody(stringLoc: Loc, dollar: Loc): StringPart {
    this.advance();
    const ch = this.charAt(this.pos);
    if (ch !== '' && IDENT_START.test(ch)) {
      const loc = this.loc();
      const text = this.scanName(false);
      const tok: Token = { kind: KEYWORDS.has(text) ? 'keyword' : 'ident', text, loc, spaceBefore: false };
      return { kind: 'interp', tokens: [tok, { kind: 'eof', text: '', loc: this.loc(), spaceBefore: false }], loc };
    }
    if (ch !== '(') this.fail("'$' in a string must be followed by a name or '(' (write '\\$' for a dollar sign)", dollar);
    const tokens: Token[] = [];
    this.prev = null;
    let depth = 0;
    do {
      const tok = this.next();
      if (tok.kind === 'eof') this.fail('unterminated string', stringLoc);
      tokens.push(tok);
      if (tok.kind === 'op' && tok.text === '(') depth++;
      if (tok.kind === 'op' && tok.text === ')') depth--;
    } while (depth > 0);
    tokens.push({ kind: 'eof', text: '', loc: this.loc(), spaceBefore: false });
    return { kind: 'interp', tokens, loc: tokens[0]!.loc };
  }
}

/** How a token reads in a message. */
export function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of input';
  if (t.kind === 'newline') return 'newline';
  return `'${t.text.length > 24 ? `${t.text.slice(0, 21)}...` : t.text}'`;
}

/**
 * Tokens pulled on demand, so a lexical error late in the file cannot pre-empt a syntax error
 * before it; a lexical error met during lookahead is kept and rethrown only if parsing gets there.
 */
export class TokenStream {
  private readonly buf: Token[] = [];
  private error: unknown = null;

  constructor(private readonly pull: () => Token) {}

  at(i: number): Token {
    while (this.buf.length <= i) {
      const last = this.buf[this.buf.length - 1];
      if (last?.kind === 'eof') return last;
      if (this.error !== null) throw this.error;
      try {
        this.buf.push(this.pull());
      } catch (e) {
        this.error = e;
        throw e;
      }
    }
    return this.buf[i]!;
  }
}

export function isOp(t: Token, ...ops: string[]): boolean {
  return t.kind === 'op' && ops.includes(t.text);
}

export function isKeyword(t: Token, ...words: string[]): boolean {
  return t.kind === 'keyword' && words.includes(t.text);
}

/** All tokens of `src`, ending with `eof` (the parser pulls lazily instead, so errors come in source order). */
export function tokenize(src: string, file?: string): Token[] {
  const lexer = new Lexer(src, file);
  const out: Token[] = [];
  for (;;) {
    const tok = lexer.next();
    out.push(tok);
    if (tok.kind === 'eof') return out;
  }
}
