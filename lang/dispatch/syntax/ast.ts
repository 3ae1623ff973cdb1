// Typed AST of the Julia subset: `kind`-tagged nodes, each with the 1-based position of its first
// token, shaped for the type-inference and code-generation passes (no sugar left implicit).

/** 1-based; a node's loc is its first token (parentheses around an expression are not part of it). */
export interface Loc {
  readonly line: number;
  readonly col: number;
}

// ---- Type expressions: what may follow `::`, `<:`, `isa`, or sit inside `{...}` ----

/** `Int64`, `Shape`, `Any`, ... (a bare `Union` is a name too). */
export interface TypeName {
  kind: 'type-name';
  name: string;
  loc: Loc;
}

/** `Vector{T}` and any other `Name{A, ...}` except `Union`. */
export interface TypeApply {
  kind: 'type-apply';
  name: string;
  args: TypeExpr[];
  loc: Loc;
}

/** `Union{A, B, ...}`; `Union{}` (no members) is the empty type. */
export interface TypeUnion {
  kind: 'type-union';
  members: TypeExpr[];
  loc: Loc;
}

export type TypeExpr = TypeName | TypeApply | TypeUnion;

// ---- Expressions ----

/** Always within Int64; a leading `-` on a literal is folded in (`-1` is one literal). */
export interface IntLit {
  kind: 'int';
  value: bigint;
  /** As written (underscores and `0x` kept), for messages. */
  text: string;
  loc: Loc;
}

export interface FloatLit {
  kind: 'float';
  value: number;
  text: string;
  loc: Loc;
}

export interface BoolLit {
  kind: 'bool';
  value: boolean;
  loc: Loc;
}

export interface NothingLit {
  kind: 'nothing';
  loc: Loc;
}

/** A string without interpolation, escapes already decoded. */
export interface StringLit {
  kind: 'string';
  value: string;
  loc: Loc;
}

/** `"a $x b $(e)"`: literal pieces are StringLit parts, in source order; empty pieces are left out. */
export interface InterpString {
  kind: 'interp';
  parts: Expr[];
  loc: Loc;
}

export interface Ident {
  kind: 'ident';
  /** Operator names (`+`, `==`, ...) appear here when an operator is called or defined as a function. */
  name: string;
  loc: Loc;
}

/** A parametric type used as a value: `Vector{Int64}` in `Vector{Int64}()`, `Union{A, B}` as an argument. */
export interface TypeValue {
  kind: 'type-value';
  type: TypeExpr;
  loc: Loc;
}

/** `f(a, b)`, `Point(1, 2)`, `+(a, b)`, `Vector{T}()`: constructors and operators called by name are calls too. */
export interface Call {
  kind: 'call';
  callee: Expr;
  args: Expr[];
  loc: Loc;
}

export interface FieldAccess {
  kind: 'field';
  object: Expr;
  name: string;
  loc: Loc;
}

/** `v[i]`, `m[i, j]`, and `T[]` (no indices). */
export interface Index {
  kind: 'index';
  object: Expr;
  indices: Expr[];
  loc: Loc;
}

/** `[a, b, c]` and `[]`. */
export interface VectorLit {
  kind: 'vector';
  elements: Expr[];
  loc: Loc;
}

export type UnaryOp = '-' | '+' | '!';

export interface Unary {
  kind: 'unary';
  op: UnaryOp;
  operand: Expr;
  loc: Loc;
}

export type ArithOp = '+' | '-' | '*' | '/' | '÷' | '%' | '^';
/** `≤ ≥ ≠ ∈` in the source arrive here as `<= >= != in`. */
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '===' | '!==' | 'in' | '∉';
export type BinaryOp = ArithOp | CompareOp;

/**
 * Every infix operator except `&&`, `||`, `:`, `isa` and comparison chains; `a < b` alone is a Binary.
 * Semantically `a + b` is the call `+(a, b)`, the same generic function an operator method defines.
 */
export interface Binary {
  kind: 'binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
  loc: Loc;
}

/** `a < b <= c` (two or more operators): each operand evaluated once, `ops[i]` sits between `operands[i]` and `operands[i + 1]`. */
export interface Comparison {
  kind: 'comparison';
  ops: CompareOp[];
  operands: Expr[];
  loc: Loc;
}

/** `x isa T`; `isa(x, T)` stays an ordinary call. */
export interface Isa {
  kind: 'isa';
  value: Expr;
  type: TypeExpr;
  loc: Loc;
}

export interface And {
  kind: 'and';
  left: Expr;
  right: Expr;
  loc: Loc;
}

export interface Or {
  kind: 'or';
  left: Expr;
  right: Expr;
  loc: Loc;
}

export interface Ternary {
  kind: 'ternary';
  cond: Expr;
  whenTrue: Expr;
  whenFalse: Expr;
  loc: Loc;
}

/** `start:stop` (step null) or `start:step:stop`, Julia's operand order. */
export interface Range {
  kind: 'range';
  start: Expr;
  step: Expr | null;
  stop: Expr;
  loc: Loc;
}

/** `return x`, `break` or `continue` as the right operand of `&&` or `||` (`c && return x`): it never gives a value. */
export interface Jump {
  kind: 'jump';
  stmt: Return | Break | Continue;
  loc: Loc;
}

export type Expr =
  | Jump
  | IntLit
  | FloatLit
  | BoolLit
  | NothingLit
  | StringLit
  | InterpString
  | Ident
  | TypeValue
  | Call
  | FieldAccess
  | Index
  | VectorLit
  | Unary
  | Binary
  | Comparison
  | Isa
  | And
  | Or
  | Ternary
  | Range;

// ---- Statements (function bodies, loop and branch bodies, and the top level) ----

export interface ExprStmt {
  kind: 'expr';
  expr: Expr;
  loc: Loc;
}

export type AssignOp = '=' | '+=' | '-=' | '*=' | '/=' | '÷=' | '%=' | '^=';
export type AssignTarget = Ident | FieldAccess | Index;

/** `x = e`, `a.b = e`, `v[i] = e`, and the compound forms (kept as written, not desugared). */
export interface Assign {
  kind: 'assign';
  op: AssignOp;
  target: AssignTarget;
  value: Expr;
  loc: Loc;
}

/** `local x`, `local x = e`, `local x::T = e`, and `x::T = e` / `x::T` without `local` (isLocal false). */
export interface VarDecl {
  kind: 'var-decl';
  name: string;
  type: TypeExpr | null;
  value: Expr | null;
  isLocal: boolean;
  loc: Loc;
}

export interface Return {
  kind: 'return';
  value: Expr | null;
  loc: Loc;
}

/** One `if` or `elseif` arm. */
export interface IfBranch {
  kind: 'if-branch';
  cond: Expr;
  body: Stmt[];
  loc: Loc;
}

export interface If {
  kind: 'if';
  /** The `if` arm first, then each `elseif` in order. */
  branches: IfBranch[];
  elseBody: Stmt[] | null;
  loc: Loc;
}

export interface While {
  kind: 'while';
  cond: Expr;
  body: Stmt[];
  loc: Loc;
}

/** `for v in iter`, `for v = iter`, `for v ∈ iter`; `iter` is a Range for `a:b`. */
export interface For {
  kind: 'for';
  variable: string;
  iter: Expr;
  body: Stmt[];
  loc: Loc;
}

export interface Break {
  kind: 'break';
  loc: Loc;
}

export interface Continue {
  kind: 'continue';
  loc: Loc;
}

export type Stmt = ExprStmt | Assign | VarDecl | Return | If | While | For | Break | Continue;

// ---- Top-level definitions ----

/** A parameter; `type` null means unannotated (Any). */
export interface Param {
  kind: 'param';
  name: string;
  type: TypeExpr | null;
  loc: Loc;
}

/**
 * `function f(...) ... end` or the one-line `f(...) = e` (short, body is one ExprStmt). Either way
 * the value of the last statement executed is the result, as in Julia. `name` may be an operator.
 */
export interface FunctionDef {
  kind: 'function';
  name: string;
  params: Param[];
  returnType: TypeExpr | null;
  body: Stmt[];
  short: boolean;
  loc: Loc;
}

/** A struct field; `type` null means unannotated (Any). */
export interface FieldDef {
  kind: 'field-def';
  name: string;
  type: TypeExpr | null;
  loc: Loc;
}

export interface StructDef {
  kind: 'struct';
  name: string;
  mutable: boolean;
  /** null means Any. */
  supertype: TypeExpr | null;
  fields: FieldDef[];
  loc: Loc;
}

export interface AbstractTypeDef {
  kind: 'abstract-type';
  name: string;
  /** null means Any. */
  supertype: TypeExpr | null;
  loc: Loc;
}

export interface ConstDecl {
  kind: 'const';
  name: string;
  value: Expr;
  loc: Loc;
}

export type TopLevel = FunctionDef | StructDef | AbstractTypeDef | ConstDecl | Stmt;

export interface Program {
  kind: 'program';
  /** In source order; top-level statements run in this order. */
  body: TopLevel[];
  loc: Loc;
}

export type Node = Program | TopLevel | IfBranch | Param | FieldDef | Expr | TypeExpr;
