// The language's own errors (what a Julia program can get wrong at run time), kept apart from
// Accrete's: a MethodError is the program's fault, not the runtime's.

export type JlErrorKind =
  | 'MethodError'
  | 'AmbiguityError'
  | 'UndefVarError'
  | 'TypeError'
  | 'BoundsError'
  | 'ErrorException'
  | 'DivideError'
  | 'DomainError'
  | 'InexactError'
  | 'ArgumentError'
  | 'OutOfMemoryError'
  | 'StackOverflowError';

export class JlError extends Error {
  constructor(
    readonly kind: JlErrorKind,
    readonly bare: string,
    /** Where in the program, when known. */
    readonly where?: { file?: string; line: number; col: number },
  ) {
    super(`${where ? `${where.file ? where.file + ':' : ''}${where.line}:${where.col}: ` : ''}${kind}: ${bare}`);
    this.name = kind;
  }
}
