// `blebench peripheral --transport os` (macOS): the profile served through CoreBluetooth by bleno's
// platform binding (peripheral/os/). What macOS will do differently from blebench's own peripheral is
// said at start, per characteristic; each request CoreBluetooth passes on is logged as an API fact.
import { escapeForTerminal } from '../../common/base/output/escape.js';
import type { ExitCode } from '../../common/base/errors/blebench-error.js';
import type { ResolvedProfile } from '../../common/stack/gatt/resolved-profile.js';
import type { OsTransport } from '../../common/stack/hci/os-transport.js';
import type { Logger } from '../../common/base/log/logger.js';
import { OsPeripheralServer } from '../../peripheral/os/os-peripheral.js';

export interface OsPeripheralRun {
  transport: OsTransport;
  profile: ResolvedProfile;
  name?: string;
  log: Logger;
  /** Resolves when SIGINT/SIGTERM arrives. */
  signalled: Promise<ExitCode>;
  out?: (s: string) => void;
  /** Test seam: bleno's platform bindings. */
  bindings?: NodeJS.EventEmitter;
}

export async function runOsPeripheral(r: OsPeripheralRun): Promise<ExitCode> {
  // Names from the profile file: escaped before they reach a terminal.
  const out = r.out ?? ((s: string) => process.stdout.write(escapeForTerminal(s)));
  const server = await OsPeripheralServer.serve({ transport: r.transport, profile: r.profile, logger: r.log, ...(r.name ? { name: r.name } : {}), ...(r.bindings ? { bindings: r.bindings } : {}) });
  try {
    out(`blebench peripheral: facts from the OS API, not the air: no HCI tap; CoreBluetooth decides security and pairing\n`);
    for (const w of server.warnings) out(`  warning: ${w}\n`);
    out(`blebench peripheral: serving "${r.profile.name}" as ${server.name} through ${'api' in r.transport.stack.peripheral ? r.transport.stack.peripheral.api : 'the OS stack'}; waiting for a central (Ctrl-C stops)\n`);
    return await r.signalled;
  } finally {
    await server.close();
  }
}

