// The reference evaluator: runs a generated program's current definitions with exact wasm
// semantics. Functions, globals and constants are looked up by name when evaluated, so a
// redefinition applies to every caller at once, as the runtime promises (inlined copies too).

import { Trap, applyOp, zeroOf, type VT, type Value } from './ops.js';
import type { FuncDef, Node, StageDef } from './program.js';

/** `return` unwinding to the nearest call boundary. */
class Return {
  constructor(readonly value: Value) {}
}

/** Guard against a generator bug making the reference run away (not a property failure). */
const FUEL = 5_000_000;

export class RefMachine {
  readonly funcs = new Map<string, FuncDef>();
  readonly globals = new Map<string, { t: VT; value: Value }>();
  readonly consts = new Map<string, { t: VT; value: Value }>();
  /** Function names in first-definition order. */
  readonly order: string[] = [];
  private fuel = FUEL;

  /** What committing a stage does: globals get their initial values, definitions replace old ones. */
  commit(s: StageDef): void {
    for (const g of s.globals) this.globals.set(g.name, { t: g.t, value: g.init });
    for (const c of s.consts) this.consts.set(c.name, { t: c.t, value: c.value });
    for (const f of s.funcs) {
      if (!this.funcs.has(f.name)) this.order.push(f.name);
      this.funcs.set(f.name, f);
    }
  }

  /** Call a function from outside: returns its result or throws `Trap`. */
  run(name: string, args: readonly Value[]): Value {
    this.fuel = FUEL;
    return this.call(name, args);
  }

  private call(name: string, args: readonly Value[]): Value {
    const f = this.funcs.get(name);
    if (!f) throw new Error(`reference: no function ${name}`);
    const frame: Value[] = [...args, ...f.locals.map(zeroOf)];
    try {
      return this.eval(f.body, frame, f.params.length);
    } catch (e) {
      if (e instanceof Return) return e.value;
      throw e;
    }
  }

  private eval(n: Node, frame: Value[], np: number): Value {
    if (--this.fuel < 0) throw new Error('reference: out of fuel (generator bug: unbounded program)');
    switch (n.k) {
      case 'const':
        return n.v;
      case 'param':
        return frame[n.i]!;
      case 'local':
        return frame[np + n.i]!;
      case 'tee': {
        const v = this.eval(n.v, frame, np);
        frame[np + n.i] = v;
        return v;
      }
      case 'let':
        frame[np + n.i] = this.eval(n.v, frame, np);
        return this.eval(n.body, frame, np);
      case 'gget':
        return this.global(n.name).value;
      case 'gset':
        this.global(n.name).value = this.eval(n.v, frame, np);
        return this.eval(n.body, frame, np);
      case 'sym': {
        const c = this.consts.get(n.name);
        if (!c) throw new Error(`reference: no constant ${n.name}`);
        return c.value;
      }
      case 'op': {
        const args = n.args.map((a) => this.eval(a, frame, np));
        return applyOp(n.op, args);
      }
      case 'select': {
        // wasm evaluates both operands, then the condition.
        const a = this.eval(n.a, frame, np);
        const b = this.eval(n.b, frame, np);
        const c = this.eval(n.c, frame, np);
        return c !== 0 ? a : b;
      }
      case 'if':
        return this.eval(n.c, frame, np) !== 0 ? this.eval(n.a, frame, np) : this.eval(n.b, frame, np);
      case 'call': {
        const args = n.args.map((a) => this.eval(a, frame, np));
        const r = this.call(n.f, args);
        if (n.tail) throw new Return(r);
        return r;
      }
      case 'return':
        throw new Return(this.eval(n.v, frame, np));
      case 'trap':
        throw new Trap('unreachable');
      case 'repeat':
        frame[np + n.ctr] = n.n;
        while (frame[np + n.ctr] !== 0) {
          frame[np + n.into] = this.eval(n.body, frame, np);
          frame[np + n.ctr] = ((frame[np + n.ctr] as number) - 1) | 0;
        }
        return frame[np + n.into]!;
    }
  }

  private global(name: string): { t: VT; value: Value } {
    const g = this.globals.get(name);
    if (!g) throw new Error(`reference: no global ${name}`);
    return g;
  }
}
