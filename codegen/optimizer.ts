// Lazy access to the binaryen tier. binaryen takes ~0.4 s to load, and the baseline tier never
// needs it, so it is imported only when asked for; sync callers get it once it has been loaded.

import { fail } from '../runtime/errors.js';

export type Optimizer = typeof import('./binaryen/facade.js');

let loaded: Optimizer | undefined;
let loading: Promise<Optimizer> | undefined;

/** Load binaryen (once). */
export function loadOptimizer(): Promise<Optimizer> {
  loading ??= import('./binaryen/facade.js').then((m) => (loaded = m));
  return loading;
}

/** The optimiser if loaded, else a NotLoaded error saying how to load it. */
export function optimizerSync(why: string): Optimizer {
  if (!loaded) {
    throw fail('NotLoaded', `${why} needs binaryen, which loads asynchronously: create the runtime with { tier: 'optimizing' } or await rt.loadOptimizer() first, or use the async API`);
  }
  return loaded;
}

export function optimizerLoaded(): boolean {
  return loaded !== undefined;
}
