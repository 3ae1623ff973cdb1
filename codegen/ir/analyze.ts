// Which symbols a set of functions refers to, and how: the facts the runtime needs for
// backedges (what a stage depends on) and for knowing when a slot or cell is free to reuse.

import type { Expr, FuncIR } from './nodes.js';
import { children } from './nodes.js';
import type { BodyFacts } from './scan.js';
import type { SymbolInfo } from './symbols.js';

export interface References {
  /**
   * Functions called through their slot (defined outside the module), in the order met and as
   * often as called: most consumers only ask whether there are any, and a big body calls
   * thousands (a set costs a hash insert each).
   */
  readonly slotCalls: readonly string[];
  /** Functions of the same module called directly. */
  readonly directCalls: Set<string>;
  /** Functions whose slot is taken as a value. */
  readonly slotRefs: Set<string>;
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

/**
 * Stands for an empty set until analysis adds to it: most stages call, read and refer to little,
 * and a set per kind per stage costs more than the walk. Adding to it throws (a bug).
 */
class NoNames extends Set<string> {
  override add(): this {
    throw new Error('internal: the shared empty reference set was added to');
  }
}
const NONE: Set<string> = new NoNames();
/** The shared empty set of names (adding to it throws): for units and plans with none. */
export const NO_NAMES: Set<string> = NONE;
class NoCallers extends Map<string, Set<string>> {
  override set(): this {
    throw new Error('internal: the shared empty callers map was added to');
  }
}
const NO_CALLERS: Map<string, Set<string>> = new NoCallers();

function put(r: References, k: 'directCalls' | 'slotRefs' | 'constants', name: string): void {
  let s = r[k];
  if (s === NONE) (r as { -readonly [K in typeof k]: Set<string> })[k] = s = new Set();
  s.add(name);
}

const NO_CALLS: readonly string[] = Object.freeze([]);

/**
 * What `funcs` refer to. `facts[i]`, when given, is what scanning function i's packed words
 * found (scan.ts, `scanFacts`): that body is not walked again. `current` says what a name means
 * for the module (its own definitions first): a call naming one of the module's functions but
 * bound to another record (an inlined body's call of a function retired since, whose name the
 * module defines anew) is a call through that record's slot, not a direct call.
 */
export function analyze(funcs: readonly FuncIR[], facts?: ReadonlyArray<BodyFacts | undefined>, current?: SymbolsOf): References {
  // The module's own names, gathered at the first call met (most small stages make none).
  let defined: Set<string> | undefined;
  const r: References = {
    slotCalls: NO_CALLS,
    directCalls: NONE,
    slotRefs: NONE,
    constants: NONE,
    dynamicCalls: false,
    callers: NO_CALLERS,
    memory: false,
    exceptions: false,
    callsInline: false,
  };
  let caller = '';
  let slotCalls: string[] | undefined;
  const call = (name: string, sym?: SymbolInfo): void => {
    // A one-function module (the common big body) compares one name instead of hashing each.
    if ((funcs.length === 1 ? name === funcs[0]!.name : (defined ??= new Set(funcs.map((f) => f.name))).has(name)) && bindsOwn(name, sym, current)) {
      put(r, 'directCalls', name);
      if (r.callers === NO_CALLERS) (r as { callers: Map<string, Set<string>> }).callers = new Map();
      let c = r.callers.get(name);
      if (!c) r.callers.set(name, (c = new Set()));
      c.add(caller);
    } else (slotCalls ??= []).push(name);
  };
  const visit = (e: Expr): void => {
    switch (e.k) {
      case 'const':
      case 'local.get':
      case 'nop':
      case 'unreachable':
        return; // leaves: the common case, no children to look at
      case 'call':
        // After its arguments, as the packed words list calls (scanFacts).
        for (const a of e.args) visit(a);
        if (e.sym?.kind === 'func' && e.sym.inline) r.callsInline = true;
        call(e.name, e.sym);
        return;
      case 'op':
        for (const a of e.args) visit(a);
        return;
      case 'slot.of':
        put(r, 'slotRefs', e.name);
        return;
      // Globals are memory cells; which ones, the encoder records (cellRefs).
      case 'global.get':
        r.memory = true;
        return;
      case 'global.set':
        r.memory = true;
        break;
      case 'symconst':
        put(r, 'constants', e.name);
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
  for (let i = 0; i < funcs.length; i++) {
    const f = funcs[i]!;
    caller = f.name;
    const known = facts?.[i];
    if (!known) {
      for (const e of f.body) visit(e);
      continue;
    }
    // Index loops: an array iterator is a builtin call per element in V8 13's mid tier, and a
    // big body's lists are thousands long.
    const calls = known.calls;
    if (funcs.length === 1 && slotCalls === undefined && !calls.includes(f.name)) {
      // The one body of the module calls only other stages' functions: its list is the answer.
      if (calls.length) slotCalls = calls;
    } else for (let j = 0; j < calls.length; j++) call(calls[j]!);
    for (let j = 0; j < known.slotRefs.length; j++) put(r, 'slotRefs', known.slotRefs[j]!);
    for (let j = 0; j < known.constants.length; j++) put(r, 'constants', known.constants[j]!);
    if (known.callsInline) r.callsInline = true;
    if (known.memory) r.memory = true;
    if (known.exceptions) r.exceptions = true;
    if (known.dynamicCalls) r.dynamicCalls = true;
  }
  if (slotCalls) (r as { slotCalls: readonly string[] }).slotCalls = slotCalls;
  return r;
}

/** What a name means for a module being lowered (LowerContext.symbol). */
export interface SymbolsOf {
  symbol?(name: string): SymbolInfo | undefined;
}

/** Whether a call of `name`, one of the module's functions, bound to `sym`, calls the module's own definition. */
export function bindsOwn(name: string, sym: SymbolInfo | undefined, current: SymbolsOf | undefined): boolean {
  return sym === undefined || current?.symbol === undefined || current.symbol(name) === sym;
}
