// Lowering of exceptions for the baseline encoder: a throw writes its payload to the runtime's
// buffer and throws the one runtime tag with the tag's id; a try catches that tag and dispatches
// on the id, in either of the engines' encodings (legacy try/catch, or the final try_table).

import type { Expr, ExprType, TryExpr, ValType } from '../ir/nodes.js';
import { VALTYPE_CODE } from '../wasm/instructions.js';
import type { ByteWriter } from '../wasm/writer.js';

/** What of the module encoder exception lowering writes with (encode.ts). */
export interface ExnTarget {
  readonly body: ByteWriter;
  readonly labels: Array<string | null>;
  /** Where payloads are written. */
  readonly exnBuffer: number;
  /** The final proposal's try_table, not the legacy try/catch. */
  readonly finalTry: boolean;
  bt(t: ExprType): void;
  i32(v: number): void;
  expr(e: Expr): void;
  exprs(list: readonly Expr[]): void;
  /** A scratch local of type `t`, free again after `release`. */
  scratch(t: ValType): number;
  release(t: ValType, local: number): void;
  memarg(op: string, offset: number): void;
}

/** The runtime's exception tag is a module's only tag import: index 0. */
const EXN_TAG = 0;
const NONE_BT = 0x40;

export function writeThrow(t: ExnTarget, id: number, params: readonly ValType[], args: readonly Expr[]): void {
  // Evaluate every argument before writing any: an argument may itself throw and catch,
  // which reuses the payload buffer. The values wait in scratch locals, free again once stored
  // (the arguments' own code is written by then): a body's throws share a few.
  for (const a of args) t.expr(a);
  const temps = params.map((p) => t.scratch(p));
  for (let i = temps.length - 1; i >= 0; i--) t.body.u8(0x21).u32(temps[i]!);
  const buf = t.exnBuffer;
  params.forEach((p, i) => {
    t.i32(buf + 8 * i);
    t.body.u8(0x20).u32(temps[i]!);
    t.memarg(`${p}.store`, 0);
    t.release(p, temps[i]!);
  });
  t.i32(id);
  t.body.u8(0x08).u32(EXN_TAG);
}

/**
 * `try` with the legacy encoding. A catch_all body runs for a foreign exception (catch_all) and
 * for one of the runtime's whose tag no clause catches (the dispatch's last else): written once,
 * after the try, both branch to it, or each level of tries nested in catch_all bodies would
 * double the code.
 *   [block $after (T) block $all] try (T) body catch $exn dispatch [catch_all br $all] end
 *   [br $after end catchAll end]
 */
export function writeTry(t: ExnTarget, e: TryExpr): void {
  if (t.finalTry) return writeTryTable(t, e);
  const b = t.body;
  const all = !!e.catchAll;
  if (all) {
    b.u8(0x02);
    t.bt(e.type);
    t.labels.push(null); // $after
    b.u8(0x02).u8(NONE_BT);
    t.labels.push(null); // $all
  }
  b.u8(0x06);
  t.bt(e.type);
  t.labels.push(null);
  t.exprs(e.body);
  b.u8(0x07).u32(EXN_TAG);
  // From the dispatch's last else, $all lies past its ifs and the try.
  dispatchCaught(t, e, 1);
  if (all) b.u8(0x19).u8(0x0c).u32(1); // catch_all: br $all
  t.labels.pop();
  b.u8(0x0b);
  if (all) {
    b.u8(0x0c).u32(1); // br $after, with the try's value
    t.labels.pop();
    b.u8(0x0b); // end $all
    t.exprs(e.catchAll!);
    t.labels.pop();
    b.u8(0x0b); // end $after
  }
}

/**
 * The same with the final exception-handling proposal's `try_table`, whose catch clauses
 * branch out to enclosing blocks:
 *   block $done (T) [block $all] block $caught (i32) try_table (T) (catch $exn $caught)
 *   [(catch_all $all)] body end br $done end dispatch br $done [end catchAll] end
 */
function writeTryTable(t: ExnTarget, e: TryExpr): void {
  const b = t.body;
  b.u8(0x02);
  t.bt(e.type);
  t.labels.push(null); // $done
  if (e.catchAll) {
    b.u8(0x02).u8(NONE_BT);
    t.labels.push(null); // $all
  }
  b.u8(0x02).u8(VALTYPE_CODE.i32);
  t.labels.push(null); // $caught
  b.u8(0x1f);
  t.bt(e.type);
  b.u32(e.catchAll ? 2 : 1);
  b.u8(0x00).u32(EXN_TAG).u32(0); // catch $exn → $caught
  if (e.catchAll) b.u8(0x02).u32(1); // catch_all → $all
  t.labels.push(null); // the try_table itself
  t.exprs(e.body);
  t.labels.pop();
  b.u8(0x0b);
  b.u8(0x0c).u32(e.catchAll ? 2 : 1); // br $done
  t.labels.pop();
  b.u8(0x0b); // end $caught: the tag id is on the stack
  // From the dispatch's last else, $all lies just past its ifs.
  dispatchCaught(t, e, 0);
  b.u8(0x0c).u32(e.catchAll ? 1 : 0); // br $done
  if (e.catchAll) {
    t.labels.pop();
    b.u8(0x0b); // end $all
    t.exprs(e.catchAll);
  }
  t.labels.pop();
  b.u8(0x0b); // end $done
}

/**
 * With a caught tag id on the stack: an if-chain on it; the last else branches to catch_all's
 * body (`allDepth` labels past the chain's ifs) or rethrows.
 */
function dispatchCaught(t: ExnTarget, e: TryExpr, allDepth: number): void {
  const b = t.body;
  const tid = t.scratch('i32');
  b.u8(0x21).u32(tid);
  const buf = t.exnBuffer;
  for (const c of e.catches) {
    b.u8(0x20).u32(tid);
    t.i32(c.id);
    b.u8(0x46); // i32.eq
    b.u8(0x04);
    t.bt(e.type);
    t.labels.push(null);
    c.params.forEach((p, i) => {
      t.i32(buf + 8 * i);
      t.memarg(`${p}.load`, 0);
      b.u8(0x21).u32(c.locals[i]!);
    });
    t.exprs(c.body);
    b.u8(0x05);
  }
  if (e.catchAll) b.u8(0x0c).u32(e.catches.length + allDepth);
  else {
    b.u8(0x20).u32(tid);
    b.u8(0x08).u32(EXN_TAG);
  }
  // Read until here (the catch bodies written inside the chain take others): a try nested in
  // a catch body keeps its own, so tries in sequence share one.
  t.release('i32', tid);
  for (let i = 0; i < e.catches.length; i++) {
    t.labels.pop();
    b.u8(0x0b);
  }
}
