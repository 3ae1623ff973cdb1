// Parsing helpers shared by the Julia-like front end's parser tests: s-expressions of programs
// and expressions, and the syntax error a source must raise.

import assert from 'node:assert/strict';
import { JlSyntaxError } from '../lang/dispatch/syntax/errors.js';
import { parseExpression, parseProgram } from '../lang/dispatch/syntax/parser.js';
import { toSexpr } from '../lang/dispatch/syntax/sexpr.js';

/** Each top-level item of a program as an s-expression. */
export function sx(src: string): string[] {
  return parseProgram(src).body.map(toSexpr);
}

export function ex(src: string): string {
  return toSexpr(parseExpression(src));
}

export function syntaxError(src: string, file?: string): JlSyntaxError {
  try {
    parseProgram(src, file);
  } catch (e) {
    if (e instanceof JlSyntaxError) return e;
    throw e;
  }
  return assert.fail(`expected a syntax error for ${JSON.stringify(src)}`);
}
