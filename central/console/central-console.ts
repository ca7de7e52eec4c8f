// blebench central --interactive: a live scan list to pick a peripheral from, then a loop over its
// characteristics (named from a matching profile, UUIDs otherwise), each operation it offers, values
// typed and checked before sending, every outcome with its code in words; explicit pairing, the
// link's security, the timeline's last entries, notifications printed as they arrive, disconnect
// and reconnect. A lost link or transport comes back to a menu with the reason; Ctrl-C closes the
// link and ends with 130.
import { escapeField } from '../../common/base/output/escape.js';
import type { SmpSetup } from '../../common/stack/smp/link-session.js';
import { hex } from '../../common/base/codes/code-table.js';
import { ConsoleInterrupted, type Choice } from '../../common/apps/console/prompts.js';
import { ConsoleQuit, ConsoleSession } from '../../common/apps/console/console-session.js';
import type { ConsoleScreen } from '../../common/apps/console/console-screen.js';
import type { LiveList, LiveRow } from '../../common/apps/console/live-select.js';
import { timelineTail } from '../../common/apps/console/timeline-tail.js';
import { describeValue } from '../../common/apps/console/value-format.js';
import type { ExitCode } from '../../common/base/errors/blebench-error.js';
import { checkValue, displayUuid, type ResolvedProfile } from '../../common/stack/gatt/index.js';
import type { HciTransport } from '../../common/stack/hci/transport.js';
import type { LinkState } from '../../common/stack/trace/link-state.js';
import { CentralClient } from '../central-client.js';
import type { CentralConnection, OperationRecord, SubscribeKind } from '../connection.js';
import { HciError, isCentralError } from '../errors.js';
import { hasProperty } from '../gatt/discovered.js';
import { formatPairingReport } from '../pairing/pairing-report.js';
import type { PairingPolicy } from '../pairing/pairing-policy.js';
import type { KeyMissingPolicy } from '../pairing/key-missing-policy.js';
import type { Found } from '../scan.js';
import { describeSecurity, explainError, explainRecord } from './explain.js';
import { advertisedProfile, matchProfile, nameCharacteristics, type NamedCharacteristic } from '../gatt/profile-match.js';
import { formatAddress } from '../../common/base/output/format.js';

export interface CentralConsoleOptions {
  /** Opens the transport (again, after it was lost). */
  open: () => Promise<HciTransport>;
  policy: PairingPolicy;
  /** When the peer has no key for this central's bond (0x06): pair again (default) or stop. */
  onKeyMissing?: KeyMissingPolicy;
  timeoutMs: number;
  /** blebench's Security Manager for this central (pairing flags, --keys); the stack's SMP otherwise. */
  smp?: SmpSetup;
  /** Names characteristics when the device serves it; otherwise a built-in profile that matches is used. */
  profile?: ResolvedProfile;
  screen: ConsoleScreen;
  /** Aborted on SIGINT/SIGTERM (Ctrl-C outside a prompt). */
  interrupt: AbortSignal;
  /** How many timeline entries "timeline" shows. */
  timelineEntries?: number;
  /** The ATT errors the central pairs for (a persona's, `--as`); default 0x05 and 0x0F. */
  cures?: ReadonlySet<number>;
  /** The ATT errors after which it pairs again asking for MITM (a persona's, central/pairing/mitm-retry.ts). */
  mitmRetry?: ReadonlySet<number>;
  /** Lines said after the banner (what a persona changes and does not act out). */
  said?: readonly string[];
}

type Operation = 'read' | 'write' | 'writeWithoutResponse' | 'notify' | 'indicate' | 'unsubscribe';

const OPERATION_NAMES: Record<Operation, string> = {
  read: 'read (Read Request)',
  write: 'write (Write Request, answered)',
  writeWithoutResponse: 'write without response (Write Command, never answered)',
  notify: 'subscribe to notifications (CCCD 0x0001)',
  indicate: 'subscribe to indications (CCCD 0x0002)',
  unsubscribe: 'unsubscribe (CCCD 0x0000)',
};

export async function runCentralConsole(o: CentralConsoleOptions): Promise<ExitCode> {
  return new CentralConsole(o).run();
}

class CentralConsole {
  private readonly session: ConsoleSession;
  private client: CentralClient | undefined;
  private found: Found | undefined;
  private conn: CentralConnection | undefined;
  private named: NamedCharacteristic[] = [];
  private readonly subscribed = new Set<number>();
  private weDisconnected = false;

  constructor(private readonly o: CentralConsoleOptions) {
    this.session = new ConsoleSession(o, {
      start: () => this.start(),
      step: () => this.step(),
      stop: () => this.close(),
      transportLost: () => (this.conn = undefined),
      words: { reopen: 'reopen the transport', reopenFailed: 'could not reopen the transport', interrupted: 'interrupted: closing the link' },
    });
  }

  run(): Promise<ExitCode> {
    return this.session.run();
  }

  // ---- transport and client

  private async start(): Promise<void> {
    this.found = undefined;
    const transport = await this.session.openTransport();
    // A changed database (Service Changed, another Database Hash, 0x12) is said as it is learnt: the console discovers again.
    const onDatabaseChanged = (peer: string, why: string) => this.print(`${peer}: ${why}`);
    this.client = await this.session.op(CentralClient.open(transport, { policy: this.o.policy, ...(this.o.onKeyMissing ? { onKeyMissing: this.o.onKeyMissing } : {}), ...(this.o.cures ? { cures: this.o.cures } : {}), ...(this.o.mitmRetry ? { mitmRetry: this.o.mitmRetry } : {}), timeoutMs: this.o.timeoutMs, onDatabaseChanged, ...(this.session.smp ? { smp: this.session.smp } : {}) }));
    this.print(`blebench central console on ${transport.label} (pairing policy ${this.o.policy}); Ctrl-C quits`);
    for (const line of this.o.said ?? []) this.print(line);
  }

  private async step(): Promise<'quit' | 'again'> {
    if (!this.conn?.connected) return this.disconnectedStep();
    await this.connectedStep();
    return 'again';
  }

  private async close(): Promise<void> {
    const conn = this.conn;
    if (conn?.connected) {
      this.weDisconnected = true;
      await conn.disconnect().catch(() => undefined);
      if (!conn.connected) this.print(`link to ${formatAddress(conn.peer.address)} closed`);
    }
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
    await this.session.closeTransport();
  }

  // ---- when no link is up

  private async disconnectedStep(): Promise<'quit' | 'again'> {
    if (!this.found) {
      const picked = await this.pickPeripheral();
      if (picked === undefined) return 'again';
      if (picked === 'quit') return 'quit';
      this.found = picked;
    } else {
      const next = await this.session.prompt((signal) =>
        this.session.ask.select(`not connected to ${this.label(this.found!)}: what now?`, [
          { name: `reconnect to ${this.label(this.found!)}`, value: 'reconnect' as const },
          { name: 'scan for another peripheral', value: 'scan' as const },
          { name: 'quit', value: 'quit' as const },
        ], { signal }),
      );
      if (next === 'quit') return 'quit';
      if (next === 'scan') {
        this.found = undefined;
        return 'again';
      }
      if (next === undefined) return 'again';
    }
    await this.connect(this.found);
    return 'again';
  }

  private label(f: Found): string {
    return `${escapeField(f.advertisement.localName ?? '(no name)')} (${formatAddress(f.advertisement.address)})`;
  }

  /** The live scan list: rows appear and RSSI changes while it is shown. */
  private async pickPeripheral(): Promise<Found | 'quit' | undefined> {
    const rows = new Map<string, LiveRow<Found | 'quit'>>();
    const listeners = new Set<() => void>();
    const onFound = (found: Found) => {
      const ad = found.advertisement;
      if (!ad.connectable) return;
      const known = advertisedProfile(ad.serviceUuids);
      const services = ad.serviceUuids.map(displayUuid).join(', ') || '(none advertised)';
      // The peer's name goes into the prompt's own frame (not through screen.print): escaped here.
      const name = `${escapeField(ad.localName ?? '(no name)').padEnd(18)} ${formatAddress(ad.address)}  ${String(ad.rssi).padStart(4)} dBm  ${services}${known ? `  [profile ${known}]` : ''}`;
      const before = rows.get(ad.address);
      rows.set(ad.address, { key: ad.address, name, value: found });
      if (before?.name !== name) listeners.forEach((l) => l());
    };
    const list: LiveList<Found | 'quit'> = {
      header: `${'NAME'.padEnd(18)} ${'ADDRESS'.padEnd(17)}  RSSI      ADVERTISED SERVICES`,
      rows: () => [...rows.values(), { key: '\u0000quit', name: '(quit)', value: 'quit' }],
      subscribe: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    try {
      return await this.session.op(this.client!.scanWhile(onFound, () => this.session.prompt((signal) => this.session.ask.live('pick a peripheral (scanning)', list, { signal, empty: 'scanning… nothing heard yet' }))));
    } catch (e) {
      // The transport went: the loop offers to reopen it (the console has said so).
      if (this.session.transportLost) return undefined;
      throw e;
    }
  }

  private async connect(found: Found): Promise<void> {
    this.print(`connecting to ${this.label(found)}…`);
    let conn: CentralConnection;
    try {
      conn = await this.session.op(this.client!.connect(found, { policy: this.o.policy }));
    } catch (e) {
      if (e instanceof ConsoleInterrupted) throw e;
      this.print(explainError(e, this.o.policy, this.conn?.bonded).join('\n'));
      return;
    }
    this.conn = conn;
    this.subscribed.clear();
    this.weDisconnected = false;
    const tap = this.client!.tap;
    const onDisconnect = (l: LinkState) => {
      if (l !== conn.link) return;
      tap.off('disconnect', onDisconnect);
      const why = new HciError(l.disconnectReason ?? 0, 'disconnection').message.replace(/^the link was lost: /, '');
      this.print(this.weDisconnected || l.disconnectedBy === 'local' ? `disconnected from ${formatAddress(conn.peer.address)}: ${why}` : `✗ the link to ${formatAddress(conn.peer.address)} was lost: ${why}`);
      this.endLink(new HciError(l.disconnectReason ?? 0, 'disconnection'));
    };
    tap.on('disconnect', onDisconnect);
    conn.on('notification', (n) => {
      const name = this.named.find((x) => x.c.valueHandle === n.characteristic.valueHandle)?.name ?? displayUuid(n.characteristic.uuid);
      this.print(`◂ ${n.indication ? 'indication' : 'notification'} from "${name}" (handle ${hex(n.characteristic.valueHandle, 4)}): ${describeValue(n.value)}`);
    });
    this.print(`connected to ${this.label(found)}, link handle ${hex(conn.handle, 4)}; discovering services…`);
    try {
      const services = await this.session.op(conn.discover());
      const match = matchProfile(services, this.o.profile);
      this.named = nameCharacteristics(services, match);
      this.print(
        `${this.named.length} characteristic${this.named.length === 1 ? '' : 's'} in ${services.length} service${services.length === 1 ? '' : 's'}; ` +
          (match ? `names from the "${match.profile.name}" profile (${match.named} match)` : 'no known profile matches: characteristics by UUID'),
      );
    } catch (e) {
      if (e instanceof ConsoleInterrupted) throw e;
      this.print(explainError(e, this.o.policy, this.conn?.bonded).join('\n'));
    }
  }

  // ---- while connected

  private async connectedStep(): Promise<void> {
    const conn = this.conn!;
    const choice = await this.session.prompt((signal) =>
      this.session.ask.select(`${this.label(this.found!)}${conn.link.encrypted ? ' [encrypted]' : ''}: what now?`, [
        { name: 'characteristic: read, write, subscribe', value: 'characteristic' as const },
        ...(conn.bonded ? [{ name: 'encrypt with the stored key (the bond kept for this peer, no new pairing)', value: 'encrypt' as const }] : []),
        { name: 'pair now', value: 'pair' as const },
        { name: 'security of the link', value: 'security' as const },
        { name: 'timeline: the last entries the tap decoded', value: 'timeline' as const },
        { name: 'disconnect', value: 'disconnect' as const },
        { name: 'quit', value: 'quit' as const },
      ], { signal }),
    );
    switch (choice) {
      case undefined:
        return;
      case 'characteristic':
        return this.characteristicStep(conn);
      case 'pair':
        return this.pair(conn);
      case 'encrypt':
        return this.encrypt(conn);
      case 'security':
        this.print(describeSecurity(conn).join('\n'));
        return;
      case 'timeline': {
        const lines = timelineTail(this.client!.tap, this.o.timelineEntries ?? 20);
        this.print(lines.length ? lines.join('\n') : '(the timeline is empty)');
        return;
      }
      case 'disconnect':
        this.weDisconnected = true;
        await this.attempt(() => this.session.op(conn.disconnect()));
        return;
      case 'quit':
        throw new ConsoleQuit();
    }
  }

  /** LE Enable Encryption with the bond's key (Vol 3 Part H 2.4.4.1): no pairing; 0x06 when the peer has no key for it. */
  private async encrypt(conn: CentralConnection): Promise<void> {
    this.print('encrypting with the key kept from an earlier pairing…');
    await this.attempt(async () => {
      await this.session.op(conn.encrypt());
      this.print(`✓ encrypted with the stored key, key size ${conn.link.keySize ?? conn.bond?.security.keySize ?? '?'} octets`);
    });
  }

  private async pair(conn: CentralConnection): Promise<void> {
    const c = this.session.smp?.config;
    this.print(
      c
        ? `pairing with blebench's Security Manager (IO capability ${c.ioCapability}, MITM ${c.mitm}, LE Secure Connections ${c.secureConnections}, bonding ${c.bonding ? 'yes' : 'no'})…`
        : 'pairing (LE legacy, Just Works: what noble can do)…',
    );
    await this.attempt(async () => {
      const report = await this.session.op(conn.pair('explicit'));
      this.print(formatPairingReport(report).join('\n'));
      if (report.error) this.print(explainError(report.error, this.o.policy, this.conn?.bonded).join('\n'));
      else this.print(`✓ paired: the link is encrypted, key size ${report.keySize ?? '?'} octets`);
    });
  }

  private async characteristicStep(conn: CentralConnection): Promise<void> {
    if (this.named.length === 0) {
      this.print('no characteristics were discovered on this link');
      return;
    }
    const choices: Choice<NamedCharacteristic | 'back'>[] = this.named.map((n) => ({
      name: `${escapeField(n.name).padEnd(32)} ${n.c.propertyNames.join(', ').padEnd(28)} handle ${hex(n.c.valueHandle, 4)}${this.subscribed.has(n.c.valueHandle) ? ' [subscribed]' : ''}`,
      value: n,
      ...(n.def?.about ? { description: n.def.about } : {}),
    }));
    choices.push({ name: '(back)', value: 'back' });
    const n = await this.session.prompt((signal) => this.session.ask.select('which characteristic? (type its name to jump)', choices, { signal }));
    if (n === undefined || n === 'back') return;
    const ops: Operation[] = [];
    if (hasProperty(n.c, 'read')) ops.push('read');
    if (hasProperty(n.c, 'write')) ops.push('write');
    if (hasProperty(n.c, 'writeWithoutResponse')) ops.push('writeWithoutResponse');
    if (hasProperty(n.c, 'notify')) ops.push('notify');
    if (hasProperty(n.c, 'indicate')) ops.push('indicate');
    if (this.subscribed.has(n.c.valueHandle)) ops.push('unsubscribe');
    if (ops.length === 0) {
      this.print(`"${n.name}" offers no operation a central can start (properties: ${n.c.propertyNames.join(', ') || 'none'})`);
      return;
    }
    const op = await this.session.prompt((signal) =>
      this.session.ask.select<Operation | 'back'>(`"${escapeField(n.name)}": which operation?`, [...ops.map((x) => ({ name: OPERATION_NAMES[x], value: x as Operation | 'back' })), { name: '(back)', value: 'back' as const }], { signal }),
    );
    if (op === undefined || op === 'back') return;
    await this.operate(conn, n, op);
  }

  private async operate(conn: CentralConnection, n: NamedCharacteristic, op: Operation): Promise<void> {
    let value: Buffer | undefined;
    if (op === 'write' || op === 'writeWithoutResponse') {
      value = await this.valueFor(n);
      if (value === undefined) return;
    }
    const record: OperationRecord = { attempts: [] };
    await this.attempt(
      async () => {
        switch (op) {
          case 'read': {
            const v = await this.session.op(conn.read(n.c, record));
            this.print(`✓ "${n.name}" = ${describeValue(v)}`);
            break;
          }
          case 'write':
            await this.session.op(conn.write(n.c, value!, record));
            this.print(`✓ written to "${n.name}": ${describeValue(value!)} (the peripheral answered Write Response)`);
            break;
          case 'writeWithoutResponse':
            await this.session.op(conn.writeWithoutResponse(n.c, value!, record));
            this.print(`✓ sent to "${n.name}": ${describeValue(value!)} (a Write Command gets no answer, so nothing says whether it was taken)`);
            break;
          case 'notify':
          case 'indicate':
            await this.session.op(conn.subscribe(n.c, op as SubscribeKind, record));
            this.subscribed.add(n.c.valueHandle);
            this.print(`✓ subscribed to ${op === 'notify' ? 'notifications' : 'indications'} of "${n.name}": they print here as they arrive`);
            break;
          case 'unsubscribe':
            await this.session.op(conn.unsubscribe(n.c, record));
            this.subscribed.delete(n.c.valueHandle);
            this.print(`✓ unsubscribed from "${n.name}"`);
            break;
        }
        const extra = explainRecord(record);
        if (extra.length) this.print(extra.join('\n'));
      },
      () => explainRecord(record),
    );
  }

  /** A value typed in a chosen format, checked before anything is sent; the profile's constraints may warn. */
  private async valueFor(n: NamedCharacteristic): Promise<Buffer | undefined> {
    const typed = await this.session.prompt((signal) => this.session.ask.value(`value for "${n.name}"`, { signal }));
    if (!typed) return undefined;
    if (typed.note) this.print(`  note: ${typed.note}`);
    if (n.def) {
      const v = checkValue(n.def.constraints, typed.value);
      if (!v.ok) {
        const send = await this.session.prompt((signal) =>
          this.session.ask.confirm(`the "${n.def!.name}" profile says the peripheral should answer ${hex(v.attError)}: ${v.reason}. Send it anyway?`, { signal, default: false }),
        );
        if (!send) return undefined;
      }
    }
    return typed.value;
  }

  // ---- plumbing

  /** Closes the prompt open on the link that went; the next prompts get a fresh signal. */
  private endLink(reason: unknown): void {
    this.session.endPrompts(reason);
  }

  /** Runs a step that may fail on the air: its failure is printed in words, the console goes on. */
  private async attempt(work: () => Promise<void>, after?: () => string[]): Promise<void> {
    try {
      await work();
    } catch (e) {
      if (e instanceof ConsoleInterrupted || e instanceof ConsoleQuit) throw e;
      if (!isCentralError(e) && !(e instanceof Error)) throw e;
      this.print([...explainError(e, this.o.policy, this.conn?.bonded), ...(after?.() ?? [])].join('\n'));
    }
  }

  private print(text: string): void {
    this.session.print(text);
  }
}
