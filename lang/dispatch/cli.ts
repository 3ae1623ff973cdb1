// The `accrete` command: `accrete jl FILE.jl` runs a program, `accrete jl` starts a REPL where
// each input may span lines (it runs once it parses) and errors leave the session usable.

import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { JlError } from './errors.js';
import { JuliaLike } from './julia.js';
import { shown } from './show.js';
import { JlSyntaxError } from './syntax/errors.js';
import { parseProgram } from './syntax/parser.js';
import type { JsValue } from './values.js';

const USAGE = 'usage: accrete jl [FILE.jl]';

function describe(e: unknown): string {
  if (e instanceof JlError || e instanceof JlSyntaxError) return `ERROR: ${e.message}`;
  return `ERROR (internal): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
}

/** The REPL shows a value as Julia's `show` does (a string quoted). */
function display(jl: JuliaLike, v: JsValue): string | undefined {
  if (v === null) return undefined;
  return shown(jl.om, typeof v === 'object' ? v.ptr : jl.om.box(v));
}

async function runFile(file: string): Promise<number> {
  const jl = await JuliaLike.create();
  try {
    jl.eval(readFileSync(file, 'utf8'), file);
    return 0;
  } catch (e) {
    process.stdout.write('\n');
    console.error(describe(e));
    return 1;
  }
}

/** Input is complete when it parses, or fails for a reason other than running out of text (in a block, a string or a comment). */
export function complete(src: string): boolean {
  try {
    parseProgram(src);
    return true;
  } catch (e) {
    return !(e instanceof JlSyntaxError && /end of input|^unterminated (string|block comment)$/.test(e.bare));
  }
}

async function repl(): Promise<number> {
  const jl = await JuliaLike.create();
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'jl> ' });
  let buffer = '';
  rl.prompt();
  for await (const line of rl) {
    buffer += line + '\n';
    if (!complete(buffer)) {
      rl.setPrompt('  > ');
      rl.prompt();
      continue;
    }
    try {
      const shown = display(jl, jl.eval(buffer, 'REPL'));
      if (shown !== undefined) console.log(shown);
    } catch (e) {
      console.error(describe(e));
    }
    buffer = '';
    rl.setPrompt('jl> ');
    rl.prompt();
  }
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, file, ...rest] = argv;
  if (cmd !== 'jl' || rest.length) {
    console.error(USAGE);
    return 2;
  }
  return file ? runFile(file) : repl();
}
