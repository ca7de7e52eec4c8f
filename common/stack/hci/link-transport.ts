// A transport whose controller this process owns as an H4 link (mock, h4:, hci-user:, usb, serial):
// the tap sees every packet, the kernel's share answers LE Long Term Key Requests from the keys
// bleno loads over management, and any number of seam sockets share the controller.
import { EventEmitter } from 'node:events';
import { H4 } from '../../base/codes/hci.js';
import type { Tap } from '../trace/tap.js';
import { CommandFlow } from './command-flow.js';
import { malformedAcl, malformedEvent } from './malformed.js';
import { KernelShare } from './kernel-share.js';
import { HostPrivacy, type HostPrivacySettings, type ResolvingPeer } from './host-privacy.js';
import { SeamSocket, type SeamHub } from './seam-socket.js';
import type { H4Link, HciSocketApi } from './socket-api.js';
import { TransportError } from './transport-errors.js';
import type { TransportSpec } from './transport-spec.js';
import type { HciTransport, HciTransportEvents } from './hci-transport.js';

const MS_PER_S = 1000;

export class LinkTransport extends EventEmitter<HciTransportEvents> implements HciTransport, SeamHub {
  readonly devId = 0;
  readonly tapAvailable = true;
  readonly kernelShare = new KernelShare();
  private readonly sockets = new Set<SeamSocket>();
  private open = true;
  /** Packets a host wrote after the controller was gone. */
  droppedAfterClose = 0;
  /** Events and ACL start fragments too short for their own fields, dropped before any host (malformed.ts). */
  malformedPackets = 0;
  /** Host-side command flow control (command-flow.ts): no more commands to the controller than it allowed. */
  readonly commandFlow = new CommandFlow();
  /** Privacy as the host's share (host-privacy.ts), once a role turned it on. */
  privacy: HostPrivacy | undefined;
  private rpaTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly spec: TransportSpec,
    readonly label: string,
    readonly tap: Tap,
    private readonly link: H4Link,
    private readonly onClosed?: () => void,
    /** Milliseconds; the virtual radio's clock on `mock` (RPAs renew on it). */
    readonly clock: () => number = () => performance.now(),
  ) {
    super();
    link.onPacket((p) => this.fromController(p));
    link.onClose((error) => this.linkClosed(error));
  }

  get isOpen(): boolean {
    return this.open;
  }

  createSocket(): HciSocketApi {
    return new SeamSocket(this);
  }

  isUp(): boolean {
    return this.open;
  }

  attach(socket: SeamSocket): void {
    this.sockets.add(socket);
  }

  detach(socket: SeamSocket): void {
    this.sockets.delete(socket);
  }

  fromHost(packet: Buffer, from: SeamSocket): void {
    if (!this.open) {
      this.droppedAfterClose++;
      return;
    }
    if (packet[0] !== H4.COMMAND) return this.toController(packet, from);
    for (const p of this.privacy ? this.privacy.onHostCommand(packet) : [packet]) this.commandFlow.submit(p, () => this.toController(p, from));
  }

  /** Turns privacy on for whichever stack uses this controller (its next address-using command applies it). */
  enablePrivacy(settings: Omit<HostPrivacySettings, 'clock'>, peers: readonly ResolvingPeer[] = []): HostPrivacy {
    this.privacy = new HostPrivacy({ ...settings, clock: this.clock });
    this.privacy.addPeers(peers);
    // The RPA timeout's own renewal, for a device that keeps advertising (host-privacy.ts renewNow); the
    // radio's clock on mock may run ahead of this timer, and the next use of the address renews it then.
    clearInterval(this.rpaTimer);
    this.rpaTimer = setInterval(() => this.sendPrivacyCommands(this.privacy?.renewNow() ?? []), settings.rpaTimeoutS * MS_PER_S);
    this.rpaTimer.unref();
    return this.privacy;
  }

  private sendPrivacyCommands(commands: Buffer[]): void {
    for (const p of commands) this.commandFlow.submit(p, () => this.toController(p, undefined));
  }

  /** Privacy under a new local IRK (a factory reset): the commands that change the address go out at once. */
  newPrivacyIdentity(irk: Buffer): void {
    this.sendPrivacyCommands(this.privacy?.newIdentity(irk) ?? []);
  }

  /** A new bonded peer for the resolving list (controller privacy); its commands go out at once. */
  addResolvingPeer(peer: ResolvingPeer): void {
    for (const p of this.privacy?.addPeers([peer]) ?? []) this.commandFlow.submit(p, () => this.toController(p, undefined));
  }

  private toController(packet: Buffer, from: SeamSocket | undefined): void {
    if (!this.open) return void this.droppedAfterClose++;
    this.tap.observe('tx', packet);
    this.link.send(packet);
    // Raw sockets also see what other sockets send (hci_sock.c, promiscuous copies).
    if (this.sockets.size > 1) for (const s of this.sockets) if (s !== from && s.mode === 'raw') s.deliver(packet);
  }

  mgmt(packet: Buffer, from: SeamSocket): void {
    for (const ev of this.kernelShare.handleMgmtCommand(packet)) queueMicrotask(() => from.deliverMgmt(ev));
  }

  private fromController(packet: Buffer): void {
    this.tap.observe('rx', packet);
    // The kernel's share: Linux drops a packet shorter than its own fields before any socket sees it.
    if (malformedEvent(packet) !== undefined || malformedAcl(packet) !== undefined) return void this.malformedPackets++;
    // A whole Command Complete/Status hands back command credits (a cut-short one was dropped above, as Linux does).
    this.commandFlow.onControllerPacket(packet);
    this.privacy?.onControllerPacket(packet);
    const answer = packet[0] === H4.EVENT ? this.kernelShare.onControllerPacket(packet) : undefined;
    for (const s of this.sockets) s.deliver(packet);
    if (answer) {
      // What the kernel sends, raw sockets see as a command packet (bleno's filter drops it; its
      // Command Complete then reaches bleno like any event). It waits for its credit like any command.
      this.commandFlow.submit(answer, () => {
        if (!this.open) return;
        this.tap.observe('tx', answer);
        this.link.send(answer);
        for (const s of this.sockets) if (s.mode === 'raw') s.deliver(answer);
      });
    }
  }

  private linkClosed(error?: Error): void {
    if (!this.open) return;
    this.open = false;
    clearInterval(this.rpaTimer);
    this.commandFlow.close();
    for (const s of this.sockets) s.fail();
    const err =
      error instanceof TransportError
        ? error
        : new TransportError('TRANSPORT_CLOSED', `${this.label}: the controller went away`, this.label, error ? { cause: error } : undefined);
    this.emit('close', err);
    this.onClosed?.();
  }

  async close(): Promise<void> {
    clearInterval(this.rpaTimer);
    if (this.open) {
      this.open = false;
      this.commandFlow.close();
      const released = this.link.close();
      this.emit('close', undefined);
      this.onClosed?.();
      await released; // a serial port is free for the next program only once its close has completed
    }
    await this.tap.close();
  }
}
