#!/usr/bin/env node
// The `blebench` command. The TypeScript sources are compiled to dist/ by `npm ci` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/bin/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('blebench: not built yet: run `npm run build` (npm ci does it for you)\n');
  process.exit(2);
}
const { main: run, EXIT_GRACE_MS } = await import(main.href);
process.exitCode = await run(process.argv);
// The command has finished its own work and closed what it opened. A timer a library never clears
// (bleno polls its adapter every second, forever) must not keep the process alive after that.
setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
