// The binaryen version in use, read from its package.json (without loading binaryen itself).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const BINARYEN_VERSION: string = (JSON.parse(readFileSync(require.resolve('binaryen/package.json'), 'utf8')) as { version: string }).version;
