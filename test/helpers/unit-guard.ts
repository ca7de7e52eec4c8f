// The unit project's promise (vitest.config.ts): no child process, no external program. Every way
// node:child_process starts one throws here, naming the rule, so a file that starts one fails in the
// unit project at once instead of slowing the inner loop: move it to the e2e list.
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

const STARTERS = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;

for (const name of STARTERS) {
  (childProcess as unknown as Record<string, unknown>)[name] = (cmd: unknown) => {
    throw new Error(`the unit project starts no process (child_process.${name}(${JSON.stringify(cmd)})): list this test file under E2E in vitest.config.ts`);
  };
}
syncBuiltinESMExports();
