// `blebench central --transport os`: the security matrix over the OS stack (central/os/), every cell
// marked as a fact from the API. Bad input (exit 2) is checked by bin/os-flags.ts before this runs;
// on a platform without an OS stack, opening the transport explains what to use (exit 3).
import type { ExitCode } from '../../common/base/errors/blebench-error.js';
import { loadProfile } from '../../common/stack/gatt/load-profile.js';
import { isOsTransport } from '../../common/stack/hci/os-transport.js';
import { openTransport } from '../../common/stack/hci/transport.js';
import { OsCentralClient } from '../../central/os/os-central.js';
import { runOsMatrix } from '../../central/os/os-matrix.js';
import { parseTarget } from '../../central/scan.js';
import { loggerFrom } from '../options.js';
import type { CentralDeps, CentralOptions } from './central-options.js';
import { matrixOutput, printMatrix } from './matrix-output.js';

export type OsCentralOptions = Pick<CentralOptions, 'transport' | 'profile' | 'json' | 'verbose' | 'color' | 'timeout' | 'logLevel' | 'logFormat'> & { target: string };

/** `transport`: an already open os transport (kept open). */
export interface OsCentralDeps extends Pick<CentralDeps, 'transport' | 'out' | 'err'> {
  /** Test seam: loads noble's modules (a fake CoreBluetooth binding in test/os). */
  osRequire?: (id: string) => unknown;
}

export async function runOsCentral(opts: OsCentralOptions, deps: OsCentralDeps = {}): Promise<ExitCode> {
  const io = matrixOutput(opts, deps);
  const log = loggerFrom(opts, 'central');
  const target = parseTarget(opts.target);
  const profile = opts.profile ? loadProfile(opts.profile) : undefined;
  const transport = deps.transport ?? (await openTransport(opts.transport, { name: 'central' }));
  let client: OsCentralClient | undefined;
  return printMatrix(
    io,
    async () => {
      if (!isOsTransport(transport)) throw new TypeError(`runOsCentral needs the os transport, not ${transport.label}`);
      client = await OsCentralClient.open(transport, { timeoutMs: opts.timeout, ...(deps.osRequire ? { require: deps.osRequire } : {}) });
      const found = await client.find(target);
      log.info({ id: found.peripheral.id, name: found.advertisement.localName, rssi: found.advertisement.rssi }, 'found (through the OS stack)');
      return runOsMatrix(client, found, { ...(profile ? { profile } : {}), onPhase: (p) => log.info({ phase: p.name, cells: p.cells.length, note: p.note }, 'phase done') });
    },
    async () => {
      await client?.close();
      if (!deps.transport) await transport.close();
    },
  );
}
