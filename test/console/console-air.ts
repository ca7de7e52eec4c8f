// One `blebench air` on a unix socket in a temporary folder, and a private tmux server, for a describe
// block's consoles: started before its tests, the air killed, the terminals closed and the folder removed after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startChild, type Child } from '../helpers/child.js';
import { Tmux } from './tmux.js';

export const root = path.resolve(import.meta.dirname, '../..');
/** `node bin/blebench.js`, as argv. */
export const blebench = [process.execPath, path.join(root, 'bin/blebench.js')];

export interface ConsoleAir {
  readonly tmux: Tmux;
  /** The temporary folder (set once the air is up). */
  readonly dir: string;
  /** The transport both consoles open: `h4:unix:` the air's socket. */
  readonly transport: string;
  /** Where the terminal `name` writes its program's exit status. */
  status(name: string): string;
}

export function useConsoleAir(folderPrefix: string): ConsoleAir {
  const tmux = new Tmux();
  let air: Child | undefined;
  const rig = {
    tmux,
    dir: '',
    transport: '',
    status: (name: string) => path.join(rig.dir, `${name}.status`),
  };
  beforeAll(async () => {
    rig.dir = mkdtempSync(path.join(tmpdir(), folderPrefix));
    const sock = path.join(rig.dir, 'air.sock');
    rig.transport = `h4:unix:${sock}`;
    air = startChild(blebench[0]!, [...blebench.slice(1), 'air', '--listen', `unix:${sock}`, '--log-level', 'warn']);
    await air.waitForLine(/listening on unix:/);
  });
  afterAll(async () => {
    tmux.kill();
    await air?.stop('SIGKILL');
    rmSync(rig.dir, { recursive: true, force: true });
  });
  return rig;
}
