// The IR pass registry: each pass lives in its own file and is registered here by name with a
// one-line description, binaryen-style, so a pipeline is a list of names.

import type { FuncIR } from '../ir/nodes.js';
import { balancePass } from './balance.js';
import { inlinePass } from './inline.js';
import { rebindPass } from './rebind.js';
import type { SymbolInfo } from '../ir/symbols.js';
import type { Tier } from '../../runtime/options.js';

/** What a pass may ask about the world outside the function it transforms. */
export interface PassContext {
  /**
   * The body of a function that may be inlined at a call that meant `was`, or undefined. `caller`:
   * how many locals the caller has so far (an inlined body brings its parameters and locals), and
   * how many bodies have been inlined into it.
   */
  inlineBody(name: string, was?: SymbolInfo, caller?: { locals: number; inlined: number }): FuncIR | undefined;
  /** The function being compiled now depends on the definition `name` (a backedge). */
  dependOn(name: string): void;
  /**
   * What a name means now for a node that meant `was` (undefined for a name that lowering
   * resolves another way).
   */
  resolve(name: string, was?: SymbolInfo): SymbolInfo | undefined;
}

export interface FuncPass {
  readonly name: string;
  readonly description: string;
  run(f: FuncIR, ctx: PassContext): FuncIR;
}

const passes = new Map<string, FuncPass>();

export function registerPass(p: FuncPass): void {
  if (passes.has(p.name)) throw new Error(`pass '${p.name}' registered twice`);
  passes.set(p.name, p);
}

export function listPasses(): ReadonlyArray<{ name: string; description: string }> {
  return [...passes.values()].map(({ name, description }) => ({ name, description }));
}

/** Run the named passes in order. */
export function runPasses(f: FuncIR, names: readonly string[], ctx: PassContext): FuncIR {
  for (const n of names) {
    const p = passes.get(n);
    if (!p) throw new Error(`unknown pass '${n}'`);
    f = p.run(f, ctx);
  }
  return f;
}

const NO_PASSES: readonly string[] = Object.freeze([]);

/**
 * The passes a lowering runs: inlining when some callee asks for it; the optimizing tier's chain
 * balancing for binaryen (balance.ts); a rebind when inlining copied bodies in or the trees are
 * stored ones lowered again (not `fresh`).
 */
export function pipelineFor(tier: Tier, inlining: boolean, fresh: boolean): readonly string[] {
  // Most lowerings (a fresh baseline stage with nothing to inline) run none: no list made.
  if (!inlining && fresh && tier !== 'optimizing') return NO_PASSES;
  const out: string[] = [];
  if (inlining) out.push('inline');
  if (tier === 'optimizing') out.push('balance');
  if (inlining || !fresh) out.push('rebind');
  return out;
}

registerPass(balancePass);
registerPass(inlinePass);
registerPass(rebindPass);
