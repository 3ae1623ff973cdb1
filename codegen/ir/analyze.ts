// Which symbols a set of functions refers to, and how: the facts the runtime needs for
// backedges (what a stage depends on) and for knowing when a slot or cell is free to reuse.

import type { Expr, FuncIR } from './nodes.js';
import { children } from './nodes.js';

export interface References {
  /** Functions called through their slot (defined outside the module). */
  readonly slotCalls: Set<string>;
  /** Functions of the same module called directly. */
  readonly directCalls: Set<string>;
  /** Functions whose slot is taken as a value. */
  readonly slotRefs: Set<string>;
  readonly globals: Set<string>;
  readonly constants: Set<string>;
  /** Whether any code calls through the shared table by a computed slot. */
  dynamicCalls: boolean;
  /** For each function of the module called directly: which functions call it. */
  readonly callers: Map<string, Set<string>>;
  /** The code touches linear memory (loads, stores, globals, exception payloads). */
  memory: boolean;
  /** The code throws or catches runtime exceptions. */
  exceptions: boolean;
  /** Some call names a function declared inline (as the builder resolved it). */
  callsInline: boolean;
}

/** References of no code at all. */
export function emptyReferences(): References {
  return {
    slotCalls: new Set(),
    directCalls: new Set(),
    slotRefs: new Set(),
    globals: new Set(),
    constants: new Set(),
    dynamicCalls: false,
    callers: new Map(),
    memory: false,
    exceptions: false,
    callsInline: false,
  };
}

export function analyze(funcs: readonly FuncIR[]): References {
  // The module's own names, gathered at the first call met (most small stages make none).
  let defined: Set<string> | undefined;
  const r = emptyReferences();
  let caller = '';
  const visit = (e: Expr): void => {
    switch (e.k) {
      case 'const':
      case 'local.get':
      case 'nop':
      case 'unreachable':
        return; // leaves: the common case, no children to look at
      case 'call':
        if (e.sym?.kind === 'func' && e.sym.inline) r.callsInline = true;
        if ((defined ??= new Set(funcs.map((f) => f.name))).has(e.name)) {
          r.directCalls.add(e.name);
          let c = r.callers.get(e.name);
          if (!c) r.callers.set(e.name, (c = new Set()));
          c.add(caller);
        } else r.slotCalls.add(e.name);
        for (const a of e.args) visit(a);
        return;
      case 'op':
        for (const a of e.args) visit(a);
        return;
      case 'slot.of':
        r.slotRefs.add(e.name);
        return;
      case 'global.get':
        r.globals.add(e.name);
        r.memory = true;
        return;
      case 'global.set':
        r.globals.add(e.name);
        r.memory = true;
        break;
      case 'symconst':
        r.constants.add(e.name);
        return;
      case 'call.slot':
        r.dynamicCalls = true;
        break;
      case 'load':
      case 'store':
      case 'memory':
        r.memory = true;
        break;
      case 'throw':
        r.exceptions = r.memory = true;
        break;
      case 'try':
        r.exceptions = true;
        if (e.catches.some((c) => c.params.length > 0)) r.memory = true;
        break;
    }
    for (const c of children(e)) visit(c);
  };
  for (const f of funcs) {
    caller = f.name;
    for (const e of f.body) visit(e);
  }
  return r;
}
