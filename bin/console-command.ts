// What `central --interactive` and `peripheral --interactive` both do before their console starts:
// refuse what the console cannot honour (os flags, no terminal) and check the input (profile,
// transport, address) before anything opens, keep logs off the screen unless --log-level was given,
// and hand the console its screen, Security Manager setup and a way to (re)open the transport.
import type { Command } from 'commander';
import { ConsoleScreen } from '../common/apps/console/console-screen.js';
import { loadProfile } from '../common/stack/gatt/load-profile.js';
import type { ResolvedProfile } from '../common/stack/gatt/resolved-profile.js';
import type { HciTransport } from '../common/stack/hci/transport.js';
import { parseTransportSpec } from '../common/stack/hci/transport-spec.js';
import type { Logger } from '../common/base/log/logger.js';
import type { SmpSetup } from '../common/stack/smp/link-session.js';
import { interruptSignal, requireTerminal } from './interactive.js';
import { addressFrom, loggerFrom } from './options.js';
import { refuseFlagsOnOs, type OsCheckedFlags } from './os-flags.js';
import { smpSetupFrom } from './pairing-options.js';
import { openRoleTransport } from './role-transport.js';
import { checkOutputFile } from './destinations.js';

export interface ConsoleFlags extends OsCheckedFlags {
  profile?: string;
  address?: string;
  logLevel: string;
  logFormat: string;
}

export interface ConsoleStart {
  interrupt: AbortSignal;
  profile: ResolvedProfile | undefined;
  log: Logger;
  screen: ConsoleScreen;
  /** The Security Manager when pairing flags were given (--keys included): bonds are written when made, so Ctrl-C cannot lose them. */
  smp: SmpSetup | undefined;
  open: () => Promise<HciTransport>;
}

export function startConsole(opts: ConsoleFlags, role: 'central' | 'peripheral', cmd?: Command): ConsoleStart {
  refuseFlagsOnOs(opts, role);
  // Every flag and file first (the key store included), then the terminal: a broken input is named as such.
  const profile = opts.profile ? loadProfile(opts.profile) : undefined;
  parseTransportSpec(opts.transport);
  const address = addressFrom(opts);
  if (opts.btsnoop !== undefined) checkOutputFile('--btsnoop', opts.btsnoop);
  const log = loggerFrom({ ...opts, logLevel: cmd?.getOptionValueSource('logLevel') === 'cli' ? opts.logLevel : 'silent' }, role);
  const screen = new ConsoleScreen(process.stdout);
  const say = (line: string) => screen.print(line);
  const smp = smpSetupFrom(opts, say, say, log);
  requireTerminal(role);
  const interrupt = interruptSignal();
  return {
    interrupt,
    profile,
    log,
    screen,
    smp,
    open: () => openRoleTransport({ transport: opts.transport, name: role, btsnoop: opts.btsnoop, address, say }),
  };
}
