// Flags that cannot mean anything on `--transport os`, refused as bad input (exit 2) before anything
// is opened, each with why: the OS owns HCI (no capture) and decides pairing (no Security Manager of
// ours, no policy, no method columns), and the consoles drive roles that need HCI below the stack.
import { BadInputError } from '../common/base/errors/blebench-error.js';
import { parseTransportSpec } from '../common/stack/hci/transport-spec.js';
import { PAIRING_FLAG_NAMES, type PairingFlags } from './pairing-options.js';


export const OS_PAIRING_WHY = 'pairing is decided by the OS on --transport os (its dialog, its bond store): blebench\'s Security Manager needs HCI below the stack to run';
const OS_HINT = 'drop the flag, or use a transport with HCI below it for full control: usb[:VID:PID], serial:PATH, hci:N (Linux)';

export interface OsCheckedFlags extends PairingFlags {
  transport: string;
  btsnoop?: string;
  interactive?: boolean;
  methods?: string;
  policy?: string;
}

const refuse = (flag: string, why: string): never => {
  throw new BadInputError('BAD_FLAG', `${flag} cannot be used with --transport os: ${why}`, { path: flag }, { hint: OS_HINT });
};

/** Throws BadInputError (exit 2) for the first flag `os` cannot honour; does nothing on other transports. */
export function refuseFlagsOnOs(opts: OsCheckedFlags, role: 'central' | 'peripheral'): void {
  if (parseTransportSpec(opts.transport).kind !== 'os') return;
  if (opts.btsnoop !== undefined) refuse('--btsnoop', 'no HCI on the os transport: the OS stack keeps every packet to itself, so there is nothing to capture');
  for (const [field, flag] of Object.entries(PAIRING_FLAG_NAMES) as [keyof PairingFlags, string][]) {
    if (opts[field] !== undefined) refuse(flag, OS_PAIRING_WHY);
  }
  if (role === 'central') {
    if (opts.methods !== undefined) refuse('--methods', `${OS_PAIRING_WHY}, so no pairing method can be chosen per phase`);
    if (opts.policy !== undefined && opts.policy !== 'on-error') refuse(`--policy ${opts.policy}`, 'the OS decides when to pair (it pairs when a peer answers 0x05/0x0F, as on-error does)');
  }
  if (opts.interactive) refuse('--interactive', `the ${role} console drives ${role === 'central' ? 'noble' : 'bleno'} through HCI below it; on os use the matrix (${role === 'central' ? 'blebench central --target' : 'blebench peripheral'} without --interactive)`);
}
