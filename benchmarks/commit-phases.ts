// The phases of making a one-stage function callable, named alike for Accrete and the engine's
// floor so their medians line up in one table (stage-latency, batch-throughput).

import type { StageStats } from '../runtime/index.js';

/**
 * `define`: making the stage and adding its definitions; `build`: Accrete's planning, lowering and
 * encoding, the floor's bytes; `optimize`: binaryen (optimizing tier); `wire`: Accrete's
 * installation, the floor's `table.set`s; `other`: the rest of Accrete's commit (its records and
 * report, before and after the phases); `handle`: `rt.fn`, the floor's `table.get`.
 */
export type Phases = Record<'define' | 'build' | 'optimize' | 'compile' | 'instantiate' | 'wire' | 'other' | 'handle' | 'first call', number>;

export const noPhases = (): Phases => ({ define: 0, build: 0, optimize: 0, compile: 0, instantiate: 0, wire: 0, other: 0, handle: 0, 'first call': 0 });

/** Accrete's phases in µs from clock readings (ms) at: start, definitions made, committed, `rt.fn` returned, first call returned. */
export function accretePhases(t0: number, t1: number, t2: number, t3: number, t4: number, st: StageStats): Phases {
  const other = t2 - t1 - (st.build + st.optimize + st.compile + st.instantiate + st.wire);
  return { define: us(t1 - t0), build: us(st.build), optimize: us(st.optimize), compile: us(st.compile), instantiate: us(st.instantiate), wire: us(st.wire), other: us(other), handle: us(t3 - t2), 'first call': us(t4 - t3) };
}

/** The floor's phases in µs from clock readings (ms) after: nothing, bytes, compile, instantiate, table.set, table.get, call. */
export function floorPhases(t: readonly [number, number, number, number, number, number, number]): Phases {
  return { ...noPhases(), build: us(t[1] - t[0]), compile: us(t[2] - t[1]), instantiate: us(t[3] - t[2]), wire: us(t[4] - t[3]), handle: us(t[5] - t[4]), 'first call': us(t[6] - t[5]) };
}

const us = (ms: number) => ms * 1000;
