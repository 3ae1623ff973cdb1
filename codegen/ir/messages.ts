// What the builder calls an operand or a construct in an error message. Made only when the operands
// are wrong, and outside the builder's methods: a message closure written in a method made V8
// allocate a context for the variables it captures on every call, message or not (~80 bytes a call).

import type { ExprType, Sig } from './nodes.js';
import { sigText } from './nodes.js';

export const callWhat = (name: string, sig: Sig) => () => `call of '${name}' ${sigText(sig)}`;
export const addressWhat = (op: string) => () => `${op} address`;
export const valueWhat = (op: string) => () => `${op} value`;
export const globalWhat = (name: string) => () => `value of global '${name}'`;
export const localWhat = (tee: boolean, index: number) => () => `${tee ? 'tee' : 'set'} of local ${index}`;
export const ifArms = (a: ExprType, b: ExprType) => `if: then gives ${a}, else gives ${b}`;
export const selectArms = (a: ExprType, b: ExprType) => `select: ${a} vs ${b}`;
export const tryArms = (a: ExprType, b: ExprType) => `try: arms give ${a} and ${b}`;

/** What an operand is called in a message: `what`, and which element of a list, or argument, it is (if given). */
export const nameOf = (what: string | (() => string), index?: number, of = 'element'): string => `${typeof what === 'string' ? what : what()}${index === undefined ? '' : `, ${of} ${index}`}`;
