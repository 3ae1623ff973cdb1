// Accrete's public API.

export { Runtime, type EngineChoices, type StageSummary } from './runtime.js';
export { Stage, type StageInfo, type StageStats, type FuncOptions, type FieldType } from './stage.js';
export type { RuntimeOptions, HostFunction, Tier, LinkingChoice } from './options.js';
export type { Features } from './features.js';
export type { SymbolDescription } from './symbols.js';
export type { RetireInfo } from './retire.js';
export type { LinkOptions } from './link.js';
export type { CompactionInfo } from './compact.js';
export type { Layout } from './layout.js';
export {
  AccreteError,
  AccreteException,
  AccreteTypeError,
  EngineError,
  ErrorCodes,
  InternalError,
  LinkError,
  RedefinitionError,
  ResourceError,
  RetiredError,
  StateError,
  SymbolError,
  ValidationError,
  type ErrorCode,
} from './errors.js';
export type { FuncBuilder, Body, Local, CatchSpec, Node, Operand as Expr } from '../codegen/ir/builder.js';
export type { Expr as ExprObject, Sig, ValType } from '../codegen/ir/nodes.js';
