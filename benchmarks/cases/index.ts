// Every benchmark case, in the order `npm run bench` runs them.

import type { Case } from '../harness.js';
import { batchThroughput, batchThroughputOptimizing } from './batch-throughput.js';
import { callOverhead } from './call-overhead.js';
import { coldPath } from './cold-path.js';
import { compileTimeImports } from './compile-time-imports.js';
import { dispatchDynamic, dispatchInvalidation, dispatchStatic } from './dispatch.js';
import { linkLatency, linkMechanisms, redefineFanout } from './linking.js';
import { keptHeap } from './kept-heap.js';
import { linkScaling, linkScalingOptimizing } from './link-scaling.js';
import { stageCountScaling } from './stage-count-scaling.js';
import { stageLatency, stageLatencyOptimizing } from './stage-latency.js';

export const CASES: readonly Case[] = [stageLatency, stageLatencyOptimizing, batchThroughput, batchThroughputOptimizing, coldPath, linkScaling, linkScalingOptimizing, keptHeap, stageCountScaling, callOverhead, compileTimeImports, dispatchStatic, dispatchDynamic, dispatchInvalidation, linkLatency, redefineFanout, linkMechanisms];
