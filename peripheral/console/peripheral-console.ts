// blebench peripheral --interactive: pick a profile, serve it, and watch every connection, request
// (with its answer and why), subscription, pairing step and encryption change as it happens, while a
// menu sets values, sends notifications and indications, changes a characteristic's security,
// refuses or accepts the next pairing, shows and forgets bonds, and disconnects the central. A lost
// transport comes back to a menu with the reason; Ctrl-C closes the link and ends with 130.
import type { SmpSetup } from '../../common/stack/smp/link-session.js';
import { DEBUG_KEY_WARNING } from '../../common/stack/smp/key-security.js';
import { hex } from '../../common/base/codes/code-table.js';
import { addressLine, peerAddressLine } from '../../common/stack/trace/address-line.js';
import { HCI_STATUS } from '../../common/base/codes/hci.js';
import { SMP_REASON, SMP_REASON_TABLE } from '../../common/base/codes/smp.js';
import type { ConsoleScreen } from '../../common/apps/console/console-screen.js';
import { ConsoleInterrupted, type Choice } from '../../common/apps/console/prompts.js';
import { ConsoleSession } from '../../common/apps/console/console-session.js';
import { timelineTail } from '../../common/apps/console/timeline-tail.js';
import { describeValue } from '../../common/apps/console/value-format.js';
import type { ExitCode } from '../../common/base/errors/blebench-error.js';
import {
  allCharacteristics,
  describeRequirement,
  listProfiles,
  loadProfile,
  DEFAULT_PROFILE,
  SECURITY_LEVELS,
  type GattOperation,
  type ResolvedCharacteristic,
  type ResolvedProfile,
  type SecurityLevel,
} from '../../common/stack/gatt/index.js';
import type { HciTransport } from '../../common/stack/hci/transport.js';
import { silentLogger, type Logger } from '../../common/base/log/logger.js';
import { servePeripheral, type PeripheralServer } from '../peripheral-server.js';
import { describeRequest } from '../answers/request-record.js';
import type { Delivery } from '../server-types.js';
import { PairingRefusal } from './pairing-refusal.js';
import { formatAddress } from '../../common/base/output/format.js';

export interface PeripheralConsoleOptions {
  /** Opens the transport (again, after it was lost). */
  open: () => Promise<HciTransport>;
  /** --profile; without it the console asks. */
  profile?: ResolvedProfile;
  name?: string;
  screen: ConsoleScreen;
  /** Aborted on SIGINT/SIGTERM (Ctrl-C outside a prompt). */
  interrupt: AbortSignal;
  logger?: Logger;
  /** blebench's Security Manager for this peripheral (pairing flags, --keys); bleno's SMP otherwise. */
  smp?: SmpSetup;
  /** Called once serving, with the transport (for --btsnoop). */
  onTransport?: (t: HciTransport) => void;
  /** Lines said once the profile is served (a persona's changes: `--as`). */
  said?: readonly string[];
  /** Called with each server as it starts serving (a persona's Security Requests); returns what stops it. */
  onServe?: (server: PeripheralServer, transport: HciTransport) => () => void;
}

const OPERATIONS_OF: Record<GattOperation, (c: ResolvedCharacteristic) => boolean> = {
  read: (c) => c.properties.read,
  write: (c) => c.properties.write,
  writeWithoutResponse: (c) => c.properties.writeWithoutResponse,
  notify: (c) => c.properties.notify,
  indicate: (c) => c.properties.indicate,
};

const LEVEL_WORDS: Record<SecurityLevel, string> = {
  none: 'none: open to any central',
  encrypted: 'encrypted: the link must be encrypted (0x05 without a key, 0x0F with one)',
  authenticated: 'authenticated: encrypted with a MITM-protected key (bleno pairs Just Works only, so 0x05 stays)',
  authorized: 'authorized: the application decides (0x08 while it refuses)',
};

export async function runPeripheralConsole(o: PeripheralConsoleOptions): Promise<ExitCode> {
  return new PeripheralConsole(o).run();
}

class PeripheralConsole {
  private readonly session: ConsoleSession;
  private server: PeripheralServer | undefined;
  private refusal: PairingRefusal | undefined;
  /** Stops what onServe started for the current server. */
  private stopServing: (() => void) | undefined;
  private profile: ResolvedProfile | undefined;
  /** Aborted when a central connects, disconnects or encrypts, so the main menu shows the state anew. */
  private menuRefresh: AbortController | undefined;
  /** Security changed from this console: "Name/operation" → level. */
  private readonly changed = new Map<string, SecurityLevel>();

  constructor(private readonly o: PeripheralConsoleOptions) {
    this.session = new ConsoleSession(o, {
      start: () => this.serve(),
      step: () => this.menu(),
      stop: () => this.stop(),
      words: { reopen: 'reopen the transport and serve again', reopenFailed: 'could not serve again', interrupted: 'interrupted: closing' },
    });
  }

  run(): Promise<ExitCode> {
    return this.session.run();
  }

  // ---- profile, transport, server

  private async pickProfile(): Promise<ResolvedProfile> {
    for (;;) {
      const names = listProfiles();
      const name = await this.session.mustPrompt((signal) =>
        this.session.ask.select('which profile to serve?', names.map((n) => ({ name: n, value: n })), { signal, ...(names.includes(DEFAULT_PROFILE) ? { default: DEFAULT_PROFILE } : {}) }),
      );
      try {
        return loadProfile(name);
      } catch (e) {
        this.print(`✗ ${(e as Error).message}`);
      }
    }
  }

  private async serve(): Promise<void> {
    this.profile ??= this.o.profile ?? (await this.pickProfile());
    const transport = await this.session.openTransport();
    this.o.onTransport?.(transport);
    const smp = this.session.smp;
    const server = await this.session.op(servePeripheral({ transport, profile: this.profile, logger: this.o.logger ?? silentLogger(), ...(this.o.name ? { name: this.o.name } : {}), ...(smp ? { smp } : {}) }));
    this.server = server;
    this.stopServing = this.o.onServe?.(server, transport);
    this.refusal = new PairingRefusal(server);
    this.changed.clear();
    this.watch(server);
    for (const line of this.o.said ?? []) this.print(line);
    this.print(`serving "${this.profile.name}" as ${server.name} (${formatAddress(server.address)}) on ${transport.label}; waiting for a central. Ctrl-C quits`);
  }

  private async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.stopServing?.();
    this.stopServing = undefined;
    if (server?.central?.connected && !this.session.transportLost) {
      await server.disconnect().catch(() => undefined);
      this.print('link to the central closed');
    }
    await server?.close().catch(() => undefined);
    await this.session.closeTransport();
  }

  /** Everything the server reports, printed as it happens (above the open prompt). */
  private watch(server: PeripheralServer): void {
    const refresh = () => this.menuRefresh?.abort('the link changed');
    server.on('connect', (c) => {
      this.print(`▸ central ${formatAddress(c.central)} (${c.addressType}) connected, link handle ${hex(c.handle, 4)}`);
      refresh();
    });
    server.on('disconnect', (d) => {
      this.print(
        `▸ central ${d.central} disconnected: ${d.reason !== undefined ? `${hex(d.reason)} ${d.reasonName ?? ''}` : 'reason unknown'}${d.by ? ` (${d.by === 'local' ? 'this peripheral' : 'the central'} closed it)` : ''}`,
      );
      refresh();
    });
    server.on('request', (r) => this.print(`▸ ${describeRequest(r)}`));
    server.on('subscribe', (s) =>
      this.print(`▸ central ${s.central ?? '(unknown)'} enabled ${[s.notifications ? 'notifications' : '', s.indications ? 'indications' : ''].filter(Boolean).join(' and ')} of "${s.characteristic}"`),
    );
    server.on('unsubscribe', (s) => this.print(`▸ "${s.characteristic}": no longer subscribed by ${s.central ?? 'the central'}`));
    server.on('pairing', (p) => {
      if (p.step === 'failed' && p.failed) {
        this.print(`▸ pairing with ${p.central} failed: ${p.failed.sentBy === 'local' ? 'this peripheral' : 'the central'} sent ${hex(p.failed.reason)} ${p.failed.reasonName}`);
      } else {
        const step = { request: 'Pairing Request', response: 'Pairing Response', 'security-request': 'Security Request', failed: 'Pairing Failed' }[p.step];
        this.print(`▸ pairing with ${p.central}: ${step} (started by ${p.initiator === 'local' ? 'this peripheral' : 'the central'})${p.method ? `, method ${p.method}` : ''}`);
      }
    });
    server.on('encryption', (e) => {
      this.print(
        e.encrypted
          ? `▸ link to ${e.central} encrypted, key size ${e.keySize ?? '?'} octets`
          : `▸ link to ${e.central} not encrypted${e.status !== undefined ? `: Encryption Change status ${hex(e.status)}` : ''}`,
      );
      refresh();
    });
  }

  // ---- the menu

  /** The central's address on the air, and its identity when a stored IRK resolves it (Vol 6 Part B 1.3.2.3). */
  private centralName(onAir: string): string {
    const link = this.session.transport?.tap.links().find((l) => l.connected && l.peerAddress.toUpperCase() === onAir.toUpperCase());
    if (link && (link.peerRpa || link.peerIdentity)) return peerAddressLine(link);
    const identity = this.session.transport?.kernelShare?.identityOf({ address: onAir.toUpperCase(), type: 'random' });
    return link ? addressLine({ address: onAir, type: (link.peerAddressType & 1) === 1 ? 'random' : 'public' }, identity) : onAir;
  }

  private async menu(): Promise<'quit' | 'again'> {
    const server = this.server!;
    const central = server.central?.connected ? server.central : undefined;
    const refusal = this.refusal!.armed;
    this.menuRefresh = new AbortController();
    const refresh = this.menuRefresh.signal;
    const choice = await this.session.prompt((signal) =>
      this.session.ask.select(`serving "${this.profile!.name}"${central ? `, central ${this.centralName(central.peerAddress)} connected${central.encrypted ? ' [encrypted]' : ''}` : ', no central'}: what now?`, [
        { name: 'set a value', value: 'set' as const },
        { name: 'notify: send a notification', value: 'notify' as const },
        { name: 'indicate: send an indication (waits for the confirmation)', value: 'indicate' as const },
        { name: "security: change what a characteristic's operation needs", value: 'security' as const },
        refusal === undefined
          ? { name: 'refuse the next pairing (choose the Pairing Failed reason)', value: 'refuse' as const }
          : { name: `accept the next pairing (now armed to refuse with ${hex(refusal)} ${SMP_REASON_TABLE.get(refusal)?.name ?? ''})`, value: 'accept' as const },
        { name: 'bonds: show the keys kept', value: 'bonds' as const },
        { name: 'forget every bond', value: 'forget' as const },
        { name: 'timeline: the last entries the tap decoded', value: 'timeline' as const },
        { name: 'disconnect the central', value: 'disconnect' as const, ...(central ? {} : { disabled: '(no central connected)' }) },
        { name: 'quit', value: 'quit' as const },
      ], { signal: AbortSignal.any([signal, refresh]) }),
    );
    this.menuRefresh = undefined;
    switch (choice) {
      case undefined:
        return 'again';
      case 'quit':
        return 'quit';
      case 'set':
        await this.setValue(server);
        break;
      case 'notify':
      case 'indicate':
        await this.send(server, choice);
        break;
      case 'security':
        await this.security(server);
        break;
      case 'refuse':
        await this.refuse(server);
        break;
      case 'accept':
        this.print(
          this.refusal!.accept()
            ? 'the next Pairing Request will be answered as usual (LE legacy Just Works)'
            : '✗ this peripheral cannot take a refusal back: the next Pairing Request will still be refused',
        );
        break;
      case 'bonds':
        this.print(this.bonds(server).join('\n'));
        break;
      case 'forget':
        await server.forgetBonds().then(
          () => this.print('forgot every bond: a central that comes back must pair again (a stored key now gets 0x06 PIN or Key Missing)'),
          (e: Error) => this.print(`✗ the bonds could not all be forgotten: ${e.message}`),
        );
        break;
      case 'timeline': {
        const lines = timelineTail(this.session.transport!.tap, 20);
        this.print(lines.length ? lines.join('\n') : '(the timeline is empty)');
        break;
      }
      case 'disconnect':
        await this.attempt(() => this.session.op(server.disconnect(HCI_STATUS.REMOTE_USER_TERMINATED_CONNECTION)));
        break;
    }
    return 'again';
  }

  private async pickCharacteristic(message: string, fits: (c: ResolvedCharacteristic) => boolean = () => true): Promise<ResolvedCharacteristic | undefined> {
    const chars = allCharacteristics(this.profile!).filter(fits);
    if (chars.length === 0) {
      this.print(`no characteristic of "${this.profile!.name}" can do that`);
      return undefined;
    }
    const choices: Choice<ResolvedCharacteristic | 'back'>[] = chars.map((c) => ({ name: `${c.name.padEnd(32)} ${describeValue(this.server!.value(c.name)).slice(0, 60)}`, value: c }));
    choices.push({ name: '(back)', value: 'back' });
    const c = await this.session.prompt((signal) => this.session.ask.select(`${message} (type its name to jump)`, choices, { signal }));
    return c === 'back' ? undefined : c;
  }

  private async setValue(server: PeripheralServer): Promise<void> {
    const c = await this.pickCharacteristic('which characteristic?');
    if (!c) return;
    const typed = await this.session.prompt((signal) => this.session.ask.value(`new value of "${c.name}"`, { signal }));
    if (!typed) return;
    if (typed.note) this.print(`  note: ${typed.note}`);
    server.setValue(c.name, typed.value);
    this.print(`✓ "${c.name}" = ${describeValue(typed.value)}`);
  }

  private async send(server: PeripheralServer, kind: 'notify' | 'indicate'): Promise<void> {
    const c = await this.pickCharacteristic(`${kind === 'notify' ? 'notify' : 'indicate'} which characteristic?`, OPERATIONS_OF[kind]);
    if (!c) return;
    const which = await this.session.prompt((signal) =>
      this.session.ask.select(`send which value of "${c.name}"?`, [
        { name: `the current value (${describeValue(server.value(c.name)).slice(0, 60)})`, value: 'current' as const },
        { name: 'a new value (typed next)', value: 'new' as const },
      ], { signal }),
    );
    if (!which) return;
    let value: Buffer | undefined;
    if (which === 'new') {
      const typed = await this.session.prompt((signal) => this.session.ask.value(`value to send from "${c.name}"`, { signal }));
      if (!typed) return;
      value = typed.value;
    }
    await this.attempt(async () => {
      const d: Delivery = kind === 'notify' ? server.notify(c.name, value) : await this.session.op(server.indicate(c.name, value));
      const what = kind === 'notify' ? 'notification' : 'indication';
      if (!d.sent) this.print(`✗ no ${what} sent: ${d.reason}`);
      else if (kind === 'notify') this.print(`✓ ${what} of "${c.name}" sent to ${d.central}: ${describeValue(server.value(c.name))}`);
      else if (d.confirmed) this.print(`✓ ${what} of "${c.name}" confirmed by ${d.central}`);
      else this.print(`✗ ${what} of "${c.name}" sent to ${d.central} but not confirmed: ${d.reason ?? 'no Handle Value Confirmation'}`);
    });
  }

  private async security(server: PeripheralServer): Promise<void> {
    const c = await this.pickCharacteristic('change the security of which characteristic?');
    if (!c) return;
    const ops = (Object.keys(OPERATIONS_OF) as GattOperation[]).filter((op) => OPERATIONS_OF[op](c));
    if (ops.length === 0) {
      this.print(`"${c.name}" has no operation to secure`);
      return;
    }
    const op = await this.session.prompt((signal) =>
      this.session.ask.select(`"${c.name}": which operation?`, ops.map((x) => ({ name: `${x.padEnd(22)} now: ${this.changed.get(`${c.name}/${x}`) ?? describeRequirement(c.security[x])}`, value: x })), { signal }),
    );
    if (!op) return;
    const level = await this.session.prompt((signal) => this.session.ask.select(`"${c.name}" ${op} needs`, SECURITY_LEVELS.map((l) => ({ name: LEVEL_WORDS[l], value: l })), { signal }));
    if (!level) return;
    server.setSecurity(c.name, op, level);
    this.changed.set(`${c.name}/${op}`, level);
    this.print(`✓ "${c.name}" ${op} now needs ${level}`);
  }

  private async refuse(server: PeripheralServer): Promise<void> {
    const reasons = [...SMP_REASON_TABLE.values()];
    const reason = await this.session.prompt((signal) =>
      this.session.ask.select(
        'refuse the next Pairing Request with which Pairing Failed reason?',
        reasons.map((r) => ({ name: `${hex(r.code)} ${r.name}: ${r.meaning}`, value: r.code })),
        { signal, default: SMP_REASON.PAIRING_NOT_SUPPORTED },
      ),
    );
    if (reason === undefined) return;
    this.refusal!.refuseNext(reason);
    this.print(`✓ the next Pairing Request will be answered Pairing Failed ${hex(reason)} ${SMP_REASON_TABLE.get(reason)?.name ?? ''}`);
  }

  /** The keys this peripheral keeps for centrals (where the transport does the kernel's share). */
  private bonds(server: PeripheralServer): string[] {
    const bonds = server.bonds();
    if (!bonds) return [`${this.session.transport?.label ?? 'this transport'} leaves the keys to the kernel: list them with btmgmt or bluetoothctl`];
    if (bonds.length === 0) return ['no bonds: no central has a key here'];
    return bonds.map((b) => {
      const kind = b.debugKey
        ? `LE Secure Connections ${DEBUG_KEY_WARNING} (the spec's debug P-256 key),`
        : b.authenticated
          ? 'authenticated (MITM)'
          : 'unauthenticated (Just Works)';
      return `bond with ${b.peerAddress} (${b.peerAddressType}): ${kind} LTK, key size ${b.keySize} octets, EDIV ${hex(b.ediv, 4)}`;
    });
  }

  // ---- plumbing

  private async attempt(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (e) {
      if (e instanceof ConsoleInterrupted) throw e;
      this.print(`✗ ${(e as Error).message}`);
    }
  }

  private print(text: string): void {
    this.session.print(text);
  }
}
