// The one error the Julia-subset front end throws: a syntax error at the offending token, with the
// position kept as fields so tools need not parse the "file:line:col: syntax error: ..." message.

export class JlSyntaxError extends Error {
  readonly file: string | undefined;
  readonly line: number;
  readonly col: number;
  /** The description alone, without position or the "syntax error:" prefix. */
  readonly bare: string;

  constructor(bare: string, line: number, col: number, file?: string) {
    super(`${file ? `${file}:` : ''}${line}:${col}: syntax error: ${bare}`);
    this.name = 'JlSyntaxError';
    this.file = file;
    this.line = line;
    this.col = col;
    this.bare = bare;
  }
}
