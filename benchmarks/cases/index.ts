// Every benchmark case, in the order `npm run bench` runs them.

import type { Case } from '../harness.js';
import { stageLatency } from './stage-latency.js';

export const CASES: readonly Case[] = [stageLatency];
