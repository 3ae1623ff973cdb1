// Reserving what a stage's definitions need before anything is compiled: slots, global cells,
// RTT descriptors, tag ids, each with the undo that gives it back if the commit fails.

import { sameSig, sigText } from '../codegen/ir/nodes.js';
import type { FieldInfo } from '../codegen/ir/symbols.js';
import { OBJECT_HEADER_SIZE, RTT_DESC } from '../codegen/ir/symbols.js';
import type { Plan } from './commit.js';
import type { Core } from './core.js';
import { fail } from './errors.js';
import { align, writeValue } from './layout.js';
import type { Def } from './stage.js';
import type { FuncRecord, GlobalRecord, RttRecord, SymbolRecord, TagRecord } from './symbols.js';
import { makeFuncRecord } from './symbols.js';

/** Refuse a definition of a name already defined, unless it asks to redefine it compatibly. */
export function checkRedefinition(old: SymbolRecord, def: Def): void {
  if (!def.redefine) {
    throw fail('DuplicateSymbol', `'${def.name}' is already defined (a ${old.kind} of stage '${old.stage}'); pass { redefine: true } to replace it`);
  }
  const kind = def.kind === 'host' ? 'func' : def.kind;
  if (old.kind !== kind) throw fail('BadRedefinition', `'${def.name}' is a ${old.kind}; it cannot be redefined as a ${kind}`);
  if (old.kind === 'func' && (def.kind === 'func' || def.kind === 'host') && !sameSig(old.sig, def.sig)) {
    throw fail('BadRedefinition', `'${def.name}' has signature ${sigText(old.sig)}; a redefinition must keep it, got ${sigText(def.sig)}`);
  }
  if (old.kind === 'constant' && def.kind === 'constant' && old.type !== def.type) {
    throw fail('BadRedefinition', `constant '${def.name}' is a ${old.type}; a redefinition must keep the type, got ${def.type}`);
  }
}

/** Reserve what a definition needs (slot, cell, descriptor, id) and make its record. */
export function reserve(core: Core, plan: Plan, def: Def, old: SymbolRecord | undefined, lookup: (n: string) => SymbolRecord | undefined): SymbolRecord {
  const stage = plan.name;
  switch (def.kind) {
    case 'func':
    case 'host': {
      const slot = old?.kind === 'func' ? old.slot : reserveSlot(core, plan, def.name, def.sig);
      return makeFuncRecord(def.name, def.sig, slot, stage, def.kind === 'func' && def.inline, def.kind === 'host');
    }
    case 'global':
      return reserveGlobal(core, plan, def);
    case 'constant':
      return { kind: 'constant', name: def.name, type: def.type, value: def.value, stage };
    case 'tag':
      return reserveTag(core, plan, def);
    case 'rtt':
      return reserveRtt(core, plan, def, lookup);
  }
}

// The closures of globals and tags live in functions of their own: a closure in `reserve` would
// make V8 allocate a context on every call of it, once per function defined.
function reserveGlobal(core: Core, plan: Plan, def: Extract<Def, { kind: 'global' }>): GlobalRecord {
  const address = reserveCell(core, plan, def.name, def.type, def.mutable);
  plan.memWrites.push((v) => writeValue(v, address, def.type, def.init));
  return { kind: 'global', name: def.name, type: def.type, mutable: def.mutable, address, stage: plan.name };
}

function reserveTag(core: Core, plan: Plan, def: Extract<Def, { kind: 'tag' }>): TagRecord {
  // A failed commit's id was never seen: undone at the top it is given back, and below a later
  // one (an async commit overtaken by a sync one) it waits for the next tag.
  const id = core.freeTagIds.pop() ?? core.nextTagId++;
  plan.undo.push(() => {
    if (core.nextTagId === id + 1) core.nextTagId = id;
    else core.freeTagIds.push(id);
  });
  return { kind: 'tag', name: def.name, id, params: def.params, stage: plan.name };
}

/**
 * A global's cell: a retired global's, when one of the same type is defined again (as slots are),
 * unless the retired one was mutable and the new one is not: code that wrote the old global still
 * writes its cell, and an immutable global must not change.
 */
function reserveCell(core: Core, plan: Plan, name: string, type: GlobalRecord['type'], mutable: boolean): number {
  const tomb = core.tombstones.size ? core.tombstones.get(name) : undefined;
  if (tomb?.kind === 'global' && tomb.type === type && (mutable || !tomb.mutable) && core.globalCells.pool.revive(tomb.address, tomb)) {
    plan.undo.push(() => core.globalCells.pool.retire(tomb.address, tomb));
    return tomb.address;
  }
  const address = core.globalCells.allocate(name);
  plan.undo.push(() => core.globalCells.release(address));
  return address;
}

function reserveSlot(core: Core, plan: Plan, name: string, sig: FuncRecord['sig']): number {
  // A name defined again after retirement, with the same signature, gets its old slot back, so
  // stages still calling that slot reach the new definition instead of a trap.
  const tomb = core.tombstones.size ? core.tombstones.get(name) : undefined;
  if (tomb?.kind === 'func' && sameSig(tomb.sig, sig) && core.slots.pool.revive(tomb.slot, tomb)) {
    undoRevival(core, plan, tomb);
    return tomb.slot;
  }
  const slot = core.slots.allocate(name);
  if (plan.allocated) plan.allocated.push(slot);
  else undoAllocations(core, plan, slot);
  return slot;
}

// The undo closures live in functions of their own, as those of globals and tags do: a closure in
// `reserveSlot` made V8 allocate a context for what it captures on every call (~50 bytes a function).
function undoRevival(core: Core, plan: Plan, tomb: FuncRecord): void {
  plan.undo.push(() => core.slots.pool.retire(tomb.slot, tomb));
}

/** The plan's list of fresh slots, from its first (no room for more made yet), and one undo that gives them all back. */
function undoAllocations(core: Core, plan: Plan, first: number): void {
  const allocated: number[] = (plan.allocated = [first]);
  plan.undo.push(() => {
    for (let i = allocated.length - 1; i >= 0; i--) core.slots.release(allocated[i]!);
  });
}

const FIELD_CODE: Record<FieldInfo['type'], number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, ref: 0x01 };

function reserveRtt(core: Core, plan: Plan, def: Extract<Def, { kind: 'rtt' }>, lookup: (n: string) => SymbolRecord | undefined): RttRecord {
  let parent: RttRecord | undefined;
  if (def.parent !== undefined) {
    const p = lookup(def.parent);
    if (!p) throw fail('UnknownSymbol', `parent type '${def.parent}' is not defined`);
    if (p.kind !== 'rtt') throw fail('WrongSymbolKind', `parent '${def.parent}' is a ${p.kind}, not an rtt`);
    parent = p;
  }
  const fields: FieldInfo[] = [...(parent?.fields ?? [])];
  let end = parent ? parent.fields.reduce((m, f) => Math.max(m, f.offset + fieldSize(f.type)), OBJECT_HEADER_SIZE) : OBJECT_HEADER_SIZE;
  for (const f of def.fields) {
    if (fields.some((x) => x.name === f.name)) throw fail('DuplicateSymbol', `field '${f.name}' is already a field of parent '${def.parent}'`);
    const size = fieldSize(f.type);
    const offset = align(end, size);
    fields.push({ name: f.name, type: f.type, offset });
    end = offset + size;
  }
  const depth = parent ? parent.depth + 1 : 0;
  const descBytes = RTT_DESC.display + 4 * (depth + 1) + 8 * fields.length;
  const mark = core.rtts.top;
  const id = core.rtts.allocate(descBytes, def.name);
  const top = core.rtts.top;
  plan.undo.push(() => core.rtts.rollback(mark, top, id, descBytes));
  const display = [...(parent?.display ?? []), id];
  const size = align(end, 8);
  plan.memWrites.push((v) => {
    v.setUint32(id + RTT_DESC.id, id, true);
    v.setUint32(id + RTT_DESC.depth, depth, true);
    v.setUint32(id + RTT_DESC.size, size, true);
    v.setUint32(id + RTT_DESC.fieldCount, fields.length, true);
    const fieldsAt = id + RTT_DESC.display + 4 * display.length;
    v.setUint32(id + RTT_DESC.fieldsPtr, fieldsAt, true);
    v.setUint32(id + RTT_DESC.parent, parent?.id ?? 0, true);
    display.forEach((d, i) => v.setUint32(id + RTT_DESC.display + 4 * i, d, true));
    fields.forEach((f, i) => {
      v.setUint32(fieldsAt + 8 * i, f.offset, true);
      v.setUint32(fieldsAt + 8 * i + 4, FIELD_CODE[f.type], true);
    });
  });
  return { kind: 'rtt', name: def.name, id, parent: def.parent, depth, size, fields, display, stage: plan.name };
}

function fieldSize(t: FieldInfo['type']): number {
  return t === 'i64' || t === 'f64' ? 8 : 4;
}
