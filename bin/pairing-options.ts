// The pairing configuration as command-line flags, shared by `blebench central` and `blebench
// peripheral` (common/stack/smp PairingConfig, one flag per field). Any of them turns on blebench's own
// Security Manager for the role; without them the role keeps its stack's SMP (noble's/bleno's LE
// legacy Just Works). Bad values are bad input (exit 2) before any transport is opened.
import { Option, type Command } from 'commander';
import { BadInputError, BlebenchError, EXIT, type ExitCode } from '../common/base/errors/blebench-error.js';
import type { Logger } from '../common/base/log/logger.js';
import { escapeForTerminal } from '../common/base/output/escape.js';
import { JsonFileKeyStore } from '../common/stack/smp/json-key-store.js';
import type { LinkSession, SmpSetup } from '../common/stack/smp/link-session.js';
import { RPA_TIMEOUT_S } from '../common/base/codes/hci.js';
import { DEFAULT_RPA_TIMEOUT_S, PRIVACY_MODES, type PrivacySetup } from '../common/stack/smp/privacy-setup.js';
import { REPAIRING_POLICIES } from '../common/stack/smp/repairing-policy.js';
import { DEFAULT_PAIRING_CONFIG, IO_CAPABILITY_NAMES, pairingConfig, type IoCapabilityName, type PairingConfig, type PairingDelegate } from '../common/stack/smp/pairing-config.js';

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
  privacy?: string | boolean;
  rpaTimeout?: string;
  /** `blebench peripheral` only: a bonded central's new Pairing Request (common/stack/smp/repairing-policy.ts). */
  onRepairing?: string;
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
    .option('--keys <file>', 'keep bonds in this JSON file (written atomically, mode 0600) and use them to encrypt again')
    .addOption(new Option('--privacy [maker]', 'use a resolvable private address from this role\'s IRK, made by the host (the flag alone) or by the controller\'s resolving list; IRK and identity address are distributed when bonding').choices([...PRIVACY_MODES]))
    .option('--rpa-timeout <seconds>', `with --privacy: seconds between new private addresses (${RPA_TIMEOUT_S.MIN}..${RPA_TIMEOUT_S.MAX}, default ${DEFAULT_RPA_TIMEOUT_S} as the spec recommends)`);
}

/** `blebench peripheral`: what a Pairing Request from a central this peripheral holds a bond with gets. */
export const onRepairingOption = () =>
  new Option(
    '--on-repairing <policy>',
    "a bonded central pairs again (it forgot the bond, or another claims its address): accept (the new keys replace the bond), refuse-unless-stronger (Zephyr's rule: only an authenticated pairing no weaker than the bond), refuse (Pairing Failed 0x03); turns on blebench's Security Manager",
  ).choices([...REPAIRING_POLICIES]);

const bad = (flag: string, why: string): never => {
  throw new BadInputError('BAD_FLAG', `${flag}: ${why}`, { path: flag });
};

function keySize(flag: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 7 || Number(v) > 16) bad(flag, `${JSON.stringify(v)} is not a key size from 7 to 16 octets`);
  return Number(v);
}

/** Only the fields the flags give (bad values are bad input, exit 2). */
/** PairingFlags field → its flag, in the order the help lists them (a new pairing flag fails the typecheck here until named). */
export const PAIRING_FLAG_NAMES: Readonly<Record<keyof PairingFlags, string>> = {
  ioCapability: '--io-capability',
  bonding: '--bonding/--no-bonding',
  mitm: '--mitm',
  sc: '--sc',
  minKeySize: '--min-key-size',
  maxKeySize: '--max-key-size',
  passkey: '--passkey',
  numericComparison: '--numeric-comparison',
  debugKeys: '--debug-keys',
  refuseDebugKeys: '--refuse-debug-keys',
  keys: '--keys',
  privacy: '--privacy',
  rpaTimeout: '--rpa-timeout',
  onRepairing: '--on-repairing',
};

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
  if (f.onRepairing !== undefined) o.onRepairing = f.onRepairing as PairingConfig['onRepairing'];
  return o;
}

/** --privacy and --rpa-timeout as a PrivacySetup (undefined without --privacy); bad values are bad input. */
export function privacyFrom(f: PairingFlags): PrivacySetup | undefined {
  if (f.privacy === undefined || f.privacy === false) {
    if (f.rpaTimeout !== undefined) bad('--rpa-timeout', 'needs --privacy (an RPA timeout without private addresses does nothing)');
    return undefined;
  }
  let rpaTimeoutS: number = DEFAULT_RPA_TIMEOUT_S;
  if (f.rpaTimeout !== undefined) {
    if (!/^\d+$/.test(f.rpaTimeout) || Number(f.rpaTimeout) < RPA_TIMEOUT_S.MIN || Number(f.rpaTimeout) > RPA_TIMEOUT_S.MAX) {
      bad('--rpa-timeout', `${JSON.stringify(f.rpaTimeout)} is not a number of seconds from ${RPA_TIMEOUT_S.MIN} to ${RPA_TIMEOUT_S.MAX} (Core v5.4 Vol 4 Part E 7.8.45)`);
    }
    rpaTimeoutS = Number(f.rpaTimeout);
  }
  return { mode: f.privacy === true ? 'host' : (f.privacy as PrivacySetup['mode']), rpaTimeoutS };
}

/**
 * The pairing config the flags ask for, or undefined when none was given (the stack's own SMP). With
 * --keys the key store is opened and checked here, before any transport (exit 2 naming the file).
 * `alarm` is where a key store failure is said (stderr, or the console's screen), `log` logs it too.
 */
export function smpSetupFrom(
  f: PairingFlags,
  say: (line: string) => void = (l) => void process.stdout.write(`${l}\n`),
  alarm: (line: string) => void = (l) => void process.stderr.write(escapeForTerminal(`${l}\n`)),
  log?: Logger,
): SmpSetup | undefined {
  const given = Object.entries(f).some(([k, v]) => v !== undefined && ['ioCapability', 'bonding', 'mitm', 'sc', 'minKeySize', 'maxKeySize', 'passkey', 'numericComparison', 'debugKeys', 'refuseDebugKeys', 'keys', 'privacy', 'rpaTimeout', 'onRepairing'].includes(k));
  if (!given) return undefined;
  const config = pairingConfig(pairingOverridesFrom(f));
  const privacy = privacyFrom(f);
  const keyStore = f.keys !== undefined ? openKeysFlag(f.keys) : undefined;
  return {
    config,
    delegate: batchPairingDelegate(say),
    onSession: (s) => {
      sayAnsweredComparisons(s, say);
      sayRepairing(s, say, log);
      if (keyStore) sayKeyStoreFailures(s, keyStore, alarm, log);
    },
    ...(keyStore ? { keyStore } : {}),
    ...(privacy ? { privacy } : {}),
  };
}

function openKeysFlag(file: string): JsonFileKeyStore {
  if (file === '') bad('--keys', 'an empty path: give the key store file');
  return new JsonFileKeyStore(file);
}

/** Bonds made and saved (log), and a bond the key store could not save, or a lookup it could not answer: an error line and a log entry, never silence. */
function sayKeyStoreFailures(session: LinkSession, store: JsonFileKeyStore, alarm: (line: string) => void, log: Logger | undefined): void {
  const tell = (err: unknown, what: string) => {
    const message = err instanceof Error ? err.message : String(err);
    log?.error({ keys: store.file, peer: session.peer.address, code: (err as { code?: string }).code }, `${what}: ${message}`);
    alarm(`blebench: ${message}${err instanceof BlebenchError && err.hint ? `\n  what to do: ${err.hint}` : ''}`);
  };
  // Made (the pairing's keys are in memory) and, once written, saved: a long run can be followed bond by bond.
  session.on('outcome', (o) => {
    if (o.result === 'paired' && session.bond) log?.info({ keys: store.file, peer: session.bond.peer.address }, `bond made with ${session.bond.peer.address}; saving it to ${store.file}`);
  });
  session.on('bond', (b) => log?.debug({ keys: store.file, peer: b.peer.address }, `bond with ${b.peer.address} saved to ${store.file}`));
  session.on('bondNotSaved', (_bond, err) => tell(err, 'bond not saved'));
  session.on('lookupFailed', (err) => tell(err, 'bond lookup failed (pairing without a stored key)'));
}

/**
 * The command's last word on its key store: bonds made in this run that are not in the file are said
 * again in the summary, and a run that would have ended 0 ends 1 (the bonds were not kept as asked).
 */
export async function keyStoreSummary(smp: SmpSetup | undefined, code: ExitCode, alarm: (line: string) => void = (l) => void process.stderr.write(escapeForTerminal(`${l}\n`))): Promise<ExitCode> {
  const store = smp?.keyStore;
  if (!(store instanceof JsonFileKeyStore)) return code;
  // A write still under way ends (and is said) before the summary; one that does not end in time has
  // its bonds saved to a fallback file, said here.
  const late = await store.flush();
  if (late) alarm(`blebench: ${late.message}\n  what to do: ${late.hint}`);
  if (store.unsaved.size === 0) return code;
  const peers = [...store.unsaved.values()].map((b) => b.peer.address).join(', ');
  alarm(`blebench: ${store.unsaved.size} bond(s) made in this run are not in the key store ${store.file} (with ${peers}); the errors above say where their keys are`);
  return code === EXIT.OK ? EXIT.EXPECTATION_FAILED : code;
}

/** A bonded central pairs again: what --on-repairing answered, said aloud (README "Bond lifecycles"). */
function sayRepairing(session: LinkSession, say: (line: string) => void, log: Logger | undefined): void {
  session.on('event', (e) => {
    if (e.kind !== 'repairing') return;
    const line = `${session.peer.address} holds a bond here and sent a new Pairing Request: ${e.accepted ? 'accepted' : 'refused with Pairing Failed 0x03 Authentication Requirements'} (${e.why})`;
    log?.info({ peer: session.peer.address, accepted: e.accepted }, line);
    say(line);
  });
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
 * The consoles replace this with one that asks (common/apps/console/pairing-delegate.ts).
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
