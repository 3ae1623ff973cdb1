// The one table of Accrete error codes and the typed error classes built on it.
// Every failure a user can cause maps to exactly one code; `Internal` means a bug in Accrete.

/** Every error code Accrete throws, with the condition it names. */
export const ErrorCodes = {
  /** A name was defined twice (in one stage, or again without `{ redefine: true }`). */
  DuplicateSymbol: 'a symbol with this name already exists',
  /** Code referenced a symbol that does not exist (or is not visible to this stage). */
  UnknownSymbol: 'no symbol with this name',
  /** A symbol was used as the wrong kind (e.g. a global called as a function). */
  WrongSymbolKind: 'the symbol is of another kind',
  /** Types did not match: an argument, a result, a global's value, a redefinition's signature. */
  TypeMismatch: 'types do not match',
  /** A signature or type string could not be understood. */
  BadSignature: 'malformed signature or type',
  /** A function body is malformed (bad label, bad local, value left on the stack...). */
  InvalidBody: 'the function body is not valid',
  /** Redefinition changed what may not change (a signature, a kind), or targets a non-redefinable kind. */
  BadRedefinition: 'this redefinition is not allowed',
  /** The stage was already committed, or is being committed. */
  StageState: 'the stage cannot be used in its current state',
  /** A stage name was used twice, or names no live stage. */
  UnknownStage: 'no live stage with this name',
  /** A module handed to `link` failed to decode, validate or link. */
  LinkError: 'the module could not be linked',
  /** The engine rejected a module Accrete produced: a bug in Accrete's code generator. */
  CompileError: 'the engine rejected the generated module',
  /** Instantiation failed (for example, a start function trapped). */
  InstantiateError: 'the module could not be instantiated',
  /** The shared table, a memory region or an engine limit is exhausted. */
  ResourceExhausted: 'a fixed resource is exhausted',
  /** A retired symbol was called. */
  RetiredSymbol: 'the symbol was retired',
  /** A feature the engine lacks was required (e.g. threads for a shared memory). */
  Unsupported: 'the engine or this build does not support this',
  /** The optimising tier (binaryen) was needed synchronously before it was loaded. */
  NotLoaded: 'a lazily loaded component is not loaded yet',
  /** A broken invariant inside Accrete. Always a bug: please report it. */
  Internal: 'internal error (a bug in Accrete)',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** Where an error happened: the stage and the definition within it, when known. */
export interface ErrorSite {
  stage?: string;
  definition?: string;
}

/** Base class of every error Accrete throws on purpose. */
export class AccreteError extends Error {
  readonly code: ErrorCode;
  readonly stage: string | undefined;
  readonly definition: string | undefined;
  /** Extra text from a tool (binaryen's validator, the engine's compiler). */
  readonly detail: string | undefined;
  /** The message without the code, site and detail decorations. */
  readonly bare: string;

  constructor(code: ErrorCode, message: string, site: ErrorSite = {}, options: { cause?: unknown; detail?: string } = {}) {
    const where = [site.stage !== undefined ? `stage '${site.stage}'` : '', site.definition !== undefined ? `'${site.definition}'` : '']
      .filter(Boolean)
      .join(', ');
    const full = `${code}: ${where ? where + ': ' : ''}${message}${options.detail ? '\n' + options.detail.trimEnd() : ''}`;
    super(full, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.code = code;
    this.bare = message;
    this.stage = site.stage;
    this.definition = site.definition;
    this.detail = options.detail;
  }

  /**
   * The same error, placed in a stage and definition where it was not placed yet. A definition is
   * taken only with its own stage: an error placed in another stage (a commit of stage B refused
   * inside a body callback of stage A's definition) is not paired with A's definition.
   */
  at(site: ErrorSite): AccreteError {
    const stage = this.stage ?? site.stage;
    const definition = this.definition ?? (this.stage === undefined || site.stage === undefined || site.stage === this.stage ? site.definition : undefined);
    if (stage === this.stage && definition === this.definition) return this;
    return fail(this.code, this.bare, { stage, definition }, { cause: this.cause, ...(this.detail !== undefined ? { detail: this.detail } : {}) });
  }
}

/** Bad names: unknown, duplicate, wrong kind. */
export class SymbolError extends AccreteError {}
/** Bad types and signatures. */
export class AccreteTypeError extends AccreteError {}
/** A malformed body or an invalid definition. */
export class ValidationError extends AccreteError {}
/** Redefinition rules broken. */
export class RedefinitionError extends AccreteError {}
/** `link` failed. */
export class LinkError extends AccreteError {}
/** The engine's compile or instantiate step failed. */
export class EngineError extends AccreteError {}
/** A table, region or engine limit is full. */
export class ResourceError extends AccreteError {}
/** A retired symbol was used. */
export class RetiredError extends AccreteError {}
/** Misuse of a stage or of the runtime's state. */
export class StateError extends AccreteError {}
/** A bug in Accrete. */
export class InternalError extends AccreteError {}

const classOf: Record<ErrorCode, new (code: ErrorCode, m: string, s?: ErrorSite, o?: { cause?: unknown; detail?: string }) => AccreteError> = {
  DuplicateSymbol: SymbolError,
  UnknownSymbol: SymbolError,
  WrongSymbolKind: SymbolError,
  TypeMismatch: AccreteTypeError,
  BadSignature: AccreteTypeError,
  InvalidBody: ValidationError,
  BadRedefinition: RedefinitionError,
  StageState: StateError,
  UnknownStage: StateError,
  LinkError: LinkError,
  CompileError: EngineError,
  InstantiateError: EngineError,
  ResourceExhausted: ResourceError,
  RetiredSymbol: RetiredError,
  Unsupported: StateError,
  NotLoaded: StateError,
  Internal: InternalError,
};

/** A value as a message shows it: a string quoted, anything else as JavaScript writes it (never throws). */
export function shown(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    // A bigint inside, a cycle, a revoked proxy: its type says enough.
    return typeof v;
  }
}

/** Make the error of the right class for a code. */
export function fail(code: ErrorCode, message: string, site: ErrorSite = {}, options: { cause?: unknown; detail?: string } = {}): AccreteError {
  return new classOf[code](code, message, site, options);
}

/**
 * The tree walkers (analysis, lowering, encoding) recurse once per nesting level: a body nested
 * thousands of levels deep exhausts the JavaScript stack. That is a limit, not a bug: say so.
 */
export function stackLimit(e: unknown, site: ErrorSite): unknown {
  if (!(e instanceof RangeError) || !/call stack/i.test(e.message)) return e;
  return fail('ResourceExhausted', 'a function body is nested too deeply to compile (the JavaScript stack ran out); hold intermediate results in locals to flatten long expression chains', site, { cause: e });
}

/** An exception thrown by Accrete code with a runtime tag, as seen from JS. */
export class AccreteException extends Error {
  constructor(
    readonly tag: string,
    readonly values: ReadonlyArray<number | bigint>,
  ) {
    super(`uncaught wasm exception with tag '${tag}' (${values.map(String).join(', ')})`);
    this.name = 'AccreteException';
  }
}
