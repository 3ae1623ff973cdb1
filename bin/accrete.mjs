#!/usr/bin/env node
// The `accrete` command (see lang/dispatch/cli.ts); needs the build in dist/ (npm run build).
import { main } from '../dist/lang/dispatch/cli.js';

process.exitCode = await main(process.argv.slice(2));
