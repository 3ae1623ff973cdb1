// The name section of a linked module: the input's names (module, functions, locals, globals,
// types, element and data segments, tags), functions and globals at the indices the rewrite gave them.

import type { ParsedModule } from '../wasm/decoder.js';
import { section, vecSection } from '../wasm/sections.js';
import type { ByteWriter } from '../wasm/writer.js';

/** `funcAt`, `globalAt`: the new index of an input function or global (undefined: it is gone). */
export function writeLinkedNames(w: ByteWriter, n: ParsedModule['names'], funcAt: (old: number) => number | undefined, globalAt: (old: number) => number | undefined): void {
  const moved = <T>(entries: Iterable<[number, T]>, at: (old: number) => number | undefined): Array<[number, T]> => {
    const out: Array<[number, T]> = [];
    for (const [old, v] of entries) {
      const i = at(old);
      if (i !== undefined) out.push([i, v]);
    }
    return out;
  };
  const funcs = moved(n.funcs, funcAt);
  const locals = moved(n.locals, funcAt).filter(([, l]) => l.size > 0);
  const globals = moved(n.globals, globalAt);
  if (n.module === undefined && !funcs.length && !locals.length && !globals.length && !n.types.size && !n.tags.size && !n.elems.size && !n.datas.size) return;
  w.u8(0);
  const at = w.reserve();
  w.name('name');
  const nameMap = (id: number, entries: Iterable<[number, string]>) => {
    const list = [...entries].sort((a, b) => a[0] - b[0]);
    vecSection(w, id, list.length, (s) => list.forEach(([i, v]) => s.u32(i).name(v)));
  };
  if (n.module !== undefined) section(w, 0, (s) => s.name(n.module!));
  nameMap(1, funcs);
  vecSection(w, 2, locals.length, (s) => {
    for (const [f, map] of locals.sort((a, b) => a[0] - b[0])) {
      const list = [...map].sort((a, b) => a[0] - b[0]);
      s.u32(f).u32(list.length);
      for (const [i, v] of list) s.u32(i).name(v);
    }
  });
  nameMap(4, n.types);
  nameMap(7, globals);
  nameMap(8, n.elems);
  nameMap(9, n.datas);
  nameMap(11, n.tags);
  w.patch(at);
}
