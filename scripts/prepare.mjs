#!/usr/bin/env node
// npm's `prepare` (npm ci, npm pack): builds dist/ from the TypeScript sources of a clone (tsc, then the
// validators scripts/build-validators.mjs writes). In an
// installed package (a tarball: dist/ already built, no sources, no TypeScript) there is nothing to
// build, so it does nothing, even where the installing project approved blebench's scripts.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

if (!existsSync(new URL('../tsconfig.build.json', import.meta.url))) process.exit(0);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const cwd = new URL('..', import.meta.url);
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit', cwd });
if (r.status !== 0) process.exit(r.status ?? 1);
// Then the input schemas' validators as code (as `npm run build` does): see scripts/build-validators.mjs.
const v = spawnSync(process.execPath, ['scripts/build-validators.mjs'], { stdio: 'inherit', cwd });
process.exit(v.status ?? 1);
