// Which symbols a set of functions refers to, and how: the facts the runtime needs for
// backedges (what a stage depends on) and for knowing when a slot or cell is free to reuse.

import type { FuncIR } from './nodes.js';
import { walk } from './nodes.js';

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
}

export function analyze(funcs: readonly FuncIR[]): References {
  const defined = new Set(funcs.map((f) => f.name));
  const r: References = {
    slotCalls: new Set(),
    directCalls: new Set(),
    slotRefs: new Set(),
    globals: new Set(),
    constants: new Set(),
    dynamicCalls: false,
    callers: new Map(),
    memory: false,
    exceptions: false,
  };
  for (const f of funcs) {
    walk(f.body, (e) => {
      switch (e.k) {
        case 'call':
          if (defined.has(e.name)) {
            r.directCalls.add(e.name);
            let c = r.callers.get(e.name);
            if (!c) r.callers.set(e.name, (c = new Set()));
            c.add(f.name);
          } else r.slotCalls.add(e.name);
          break;
        case 'slot.of':
          r.slotRefs.add(e.name);
          break;
        case 'global.get':
        case 'global.set':
          r.globals.add(e.name);
          r.memory = true;
          break;
        case 'symconst':
          r.constants.add(e.name);
          break;
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
    });
  }
  return r;
}
