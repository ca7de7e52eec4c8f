// The pairing configuration as command-line flags, shared by `blebench central` and `blebench
// peripheral` (common/smp PairingConfig, one flag per field). Any of them turns on blebench's own
// Security Manager for the role; without them the role keeps its stack's SMP (noble's/bleno's LE
// legacy Just Works). Bad values are bad input (exit 2) before any transport is opened.
import { Option, type Command } from 'commander';
import { BadInputError } from '../common/errors/blebench-error.js';
import { JsonFileKeyStore } from '../common/smp/json-key-store.js';
import type { LinkSession, SmpSetup } from '../common/smp/link-session.js';
import { DEFAULT_PAIRING_CONFIG, IO_CAPABILITY_NAMES, pairingConfig, type IoCapabilityName, type PairingConfig, type PairingDelegate } from '../common/smp/pairing-config.js';

export interface PairingFlags {
  ioCapability?: string;
  bonding?: boolean;
  mitm?: string | boolean;
  sc?: string;
  minKeySize?: string;
  maxKeySize?: string;
  passkey?: string;
  numericComparison?: string;
  debugKeys?: boolean;
  refuseDebugKeys?: boolean;
  keys?: string;
}

export function addPairingOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--io-capability <cap>', 'IO capability in pairing (turns on blebench\'s Security Manager)').choices([...IO_CAPABILITY_NAMES]))
    .option('--bonding', 'set the Bonding flag and keep the keys (the default with the Security Manager)')
    .option('--no-bonding', 'pair without bonding: nothing is kept')
    .addOption(new Option('--mitm [level]', 'MITM protection: requested (the flag alone), required (fail 0x03 unless authenticated), no').choices(['no', 'requested', 'required']))
    .addOption(new Option('--sc <mode>', 'LE Secure Connections: allowed, only (SC Only mode), no (legacy only)').choices(['allowed', 'only', 'no']))
    .option('--min-key-size <octets>', 'below this key size pairing fails with 0x06 Encryption Key Size (7..16)')
    .option('--max-key-size <octets>', 'the key size offered (7..16)')
    .option('--passkey <N|random|ask>', 'Passkey Entry: a fixed 6-digit passkey, a random one shown, or asked (without a console: cancelled)')
    .addOption(new Option('--numeric-comparison <answer>', 'Numeric Comparison: accept, reject, or ask (without a console: rejected)').choices(['accept', 'reject', 'ask']))
    .option('--debug-keys', "use the spec's debug P-256 key pair so that captures can be decrypted")
    .option('--refuse-debug-keys', "refuse a peer that sends the spec's debug public key unasked (Pairing Failed 0x03 Authentication Requirements); by default it is accepted and the key marked \"debug key: not secure\"")
    .option('--keys <file>', 'keep bonds in this JSON file (written atomically, mode 0600) and use them to encrypt again');
}

const bad = (flag: string, why: string): never => {
  throw new BadInputError('BAD_FLAG', `${flag}: ${why}`, { path: flag });
};

function keySize(flag: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 7 || Number(v) > 16) bad(flag, `${JSON.stringify(v)} is not a key size from 7 to 16 octets`);
  return Number(v);
}

/** Only the fields the flags give (bad values are bad input, exit 2). */
export function pairingOverridesFrom(f: PairingFlags): Partial<PairingConfig> {
  const o: Partial<PairingConfig> = {};
  if (f.ioCapability !== undefined) o.ioCapability = f.ioCapability as IoCapabilityName;
  if (f.bonding !== undefined) o.bonding = f.bonding;
  if (f.mitm !== undefined) o.mitm = f.mitm === true ? 'requested' : (f.mitm as PairingConfig['mitm']);
  if (f.sc !== undefined) o.secureConnections = f.sc as PairingConfig['secureConnections'];
  if (f.minKeySize !== undefined) o.minKeySize = keySize('--min-key-size', f.minKeySize);
  if (f.maxKeySize !== undefined) o.maxKeySize = keySize('--max-key-size', f.maxKeySize);
  // Name the flags, not the config's fields, when they contradict each other (or the other's default).
  const min = o.minKeySize ?? DEFAULT_PAIRING_CONFIG.minKeySize;
  const max = o.maxKeySize ?? DEFAULT_PAIRING_CONFIG.maxKeySize;
  if (min > max) bad(f.minKeySize !== undefined ? '--min-key-size' : '--max-key-size', `the minimum key size ${min} is above the maximum ${max} (--min-key-size must not exceed --max-key-size)`);
  if (f.passkey !== undefined) {
    if (f.passkey === 'random' || f.passkey === 'ask') o.passkey = f.passkey;
    else if (/^\d{1,6}$/.test(f.passkey)) o.passkey = { fixed: Number(f.passkey) };
    else bad('--passkey', `${JSON.stringify(f.passkey)} is not a number from 000000 to 999999, random or ask`);
  }
  if (f.numericComparison !== undefined) o.numericComparison = f.numericComparison as PairingConfig['numericComparison'];
  if (f.debugKeys) o.useDebugKeys = true;
  if (f.refuseDebugKeys) o.acceptDebugKeys = false;
  return o;
}

/** The pairing config the flags ask for, or undefined when none was given (the stack's own SMP). */
export function smpSetupFrom(f: PairingFlags, say: (line: string) => void = (l) => void process.stdout.write(`${l}\n`)): SmpSetup | undefined {
  const given = Object.entries(f).some(([k, v]) => v !== undefined && ['ioCapability', 'bonding', 'mitm', 'sc', 'minKeySize', 'maxKeySize', 'passkey', 'numericComparison', 'debugKeys', 'refuseDebugKeys', 'keys'].includes(k));
  if (!given) return undefined;
  const config = pairingConfig(pairingOverridesFrom(f));
  return { config, delegate: batchPairingDelegate(say), onSession: (s) => sayAnsweredComparisons(s, say), ...(f.keys ? { keyStore: new JsonFileKeyStore(f.keys) } : {}) };
}

/**
 * With --numeric-comparison accept|reject nobody is asked, but the number is what a device shows the
 * user (Core v5.4 Vol 3 Part H 2.3.5.6.2, Va/Vb = g2): it is printed with the flag's answer, so it can be
 * compared with the other device's. With `ask` the delegate shows it instead.
 */
function sayAnsweredComparisons(session: LinkSession, say: (line: string) => void): void {
  session.on('event', (e) => {
    if (e.kind !== 'numeric-comparison' || session.config.numericComparison === 'ask') return;
    const answer = e.accepted ? 'accepted by --numeric-comparison accept' : 'rejected by --numeric-comparison reject: Pairing Failed 0x0C Numeric Comparison Failed';
    say(`numeric comparison with ${session.peer.address}: ${String(e.value).padStart(6, '0')} (${answer})`);
  });
}

/**
 * Without a console nobody can answer: a passkey to type is cancelled (0x01 Passkey Entry Failed), a
 * comparison rejected (0x0C Numeric Comparison Failed), each said in a line; a passkey to show is printed.
 * The consoles replace this with one that asks (common/console/pairing-delegate.ts).
 */
export function batchPairingDelegate(say: (line: string) => void): PairingDelegate {
  return {
    displayPasskey: (passkey, info) => say(`passkey for ${info.peerAddress}: ${String(passkey).padStart(6, '0')}`),
    enterPasskey: async (info) => {
      say(`passkey for ${info.peerAddress}: asked for, but there is no console to type it: cancelled (Pairing Failed 0x01 Passkey Entry Failed); give --passkey N or use --interactive`);
      return null;
    },
    compareNumbers: async (value, info) => {
      say(`numeric comparison with ${info.peerAddress}: ${String(value).padStart(6, '0')}: no console to answer: rejected (Pairing Failed 0x0C Numeric Comparison Failed); give --numeric-comparison accept or use --interactive`);
      return false;
    },
  };
}
