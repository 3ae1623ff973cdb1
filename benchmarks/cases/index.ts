// Every benchmark case, in the order `npm run bench` runs them.

import type { Case } from '../harness.js';
import { linkLatency, redefineFanout } from './linking.js';
import { stageLatency } from './stage-latency.js';

export const CASES: readonly Case[] = [stageLatency, linkLatency, redefineFanout];
