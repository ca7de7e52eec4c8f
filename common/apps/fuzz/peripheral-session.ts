// Fuzzing the peripheral role: the target (e.g. `blebench peripheral --transport h4:unix:AIR`) runs
// in its own process on our virtual radio; the rogue central connects to it, sends the cases, and
// probes with a Read Request for the GAP Device Name (found once per link with Read By Type), which
// every GATT server answers. HCI event cases go to the target's own controller, towards its host.
import { ATT_OP } from '../../base/codes/att.js';
import { ATT_LAST_HANDLE, attUuid16, decodeAtt, encodeAtt } from '../../stack/att/index.js';
import { L2CAP_CID } from '../../base/codes/l2cap.js';
import { injectTowardsHost } from '../../stack/air/host-injection.js';
import type { VirtualController } from '../../stack/air/controller.js';
import { waitForEvent } from '../../base/util/wait.js';
import { FuzzTargetError } from './errors.js';
import { RogueHost } from './rogue-host.js';
import { LinkLost, type FuzzSession, type ProbeResult, type SessionFactory, type TargetOptions } from './session.js';
import { TargetProcess } from './target-process.js';
import { watchUntil } from './watch.js';
import type { FuzzCase } from './fuzz-case.js';

/** GAP Device Name characteristic. Vol 3 Part C 12.1. */
const DEVICE_NAME_UUID = 0x2a00;
/** The first attribute handle; 0x0000 is reserved. Vol 3 Part F 3.2.2. */
const FIRST_HANDLE = 0x0001;
/** The rogue's controller buffers: more than the default 8, so that a batch rarely waits for credits. */
const ROGUE_ACL_BUFFERS = 64;

export type PeripheralTargetOptions = TargetOptions;

export function peripheralTarget(o: PeripheralTargetOptions): SessionFactory {
  return {
    label: o.label,
    role: 'peripheral',
    probeTimeoutMs: o.probeTimeoutMs,
    ...(o.protocols ? { protocols: o.protocols } : {}),
    open: () => PeripheralSession.open(o),
  };
}

class PeripheralSession implements FuzzSession {
  private handle = -1;
  private probeHandle = -1;
  private probeValue = Buffer.alloc(0);

  private constructor(
    private readonly o: PeripheralTargetOptions,
    private readonly proc: TargetProcess,
    private readonly targetController: VirtualController,
    private readonly rogue: RogueHost,
  ) {}

  static async open(o: PeripheralTargetOptions): Promise<PeripheralSession> {
    const controllerP = waitForEvent<[VirtualController]>(o.air as unknown as NodeJS.EventEmitter, 'controller', { timeoutMs: o.startTimeoutMs, what: 'the target to open its HCI transport on the air' });
    const proc = new TargetProcess(o.command(o.air.address));
    let rogue: RogueHost | undefined;
    try {
      const [controller] = await controllerP;
      await proc.ready(o.startTimeoutMs);
      rogue = new RogueHost(o.air.radio.createController({ aclBufferCount: ROGUE_ACL_BUFFERS }));
      await rogue.init(o.startTimeoutMs);
      const s = new PeripheralSession(o, proc, controller, rogue);
      if (!(await s.reconnect())) throw new Error(`the rogue central could not connect to ${s.targetController.address} and read its Device Name within ${o.probeTimeoutMs} ms`);
      return s;
    } catch (err) {
      controllerP.catch(() => undefined);
      rogue?.controller.close();
      await proc.stop();
      throw new FuzzTargetError(`${o.label}: the target did not start: ${(err as Error).message}`, { hint: `run the target alone to see why: ${proc.describe()}${proc.stderrTail() ? `; it printed: ${proc.stderrTail().trim().split('\n').slice(-3).join(' / ')}` : ''}` });
    }
  }

  async send(c: FuzzCase): Promise<void> {
    for (const f of c.frames) {
      if (f.kind === 'hci-event') injectTowardsHost(this.targetController, f.packet);
      else {
        if (!this.rogue.links.has(this.handle)) throw new LinkLost(`case ${c.index}`);
        await this.rogue.send(this.handle, f, this.o.probeTimeoutMs).catch((err: unknown) => {
          throw this.rogue.links.has(this.handle) ? err : new LinkLost(`case ${c.index}`);
        });
      }
    }
  }

  async probe(): Promise<ProbeResult> {
    if (this.proc.death()) return 'dead';
    if (!this.rogue.links.has(this.handle)) return 'link-lost';
    let answered = false;
    const onL2cap = (h: number, cid: number, p: Buffer) => {
      if (h !== this.handle || cid !== L2CAP_CID.ATT) return;
      const d = decodeAtt(p);
      if (d.ok && d.pdu.opcode === ATT_OP.READ_RSP && d.pdu.value.subarray(0, this.probeValue.length).equals(this.probeValue)) answered = true;
    };
    this.rogue.on('l2cap', onL2cap);
    try {
      await this.rogue.send(this.handle, { kind: 'l2cap', cid: L2CAP_CID.ATT, payload: encodeAtt({ opcode: ATT_OP.READ_REQ, handle: this.probeHandle }) }, this.o.probeTimeoutMs);
      const r = await watchUntil<ProbeResult>(
        [[this.rogue, 'l2cap'], [this.rogue, 'disconnected'], [this.proc, 'change']],
        () => (this.proc.death() ? 'dead' : answered ? 'alive' : !this.rogue.links.has(this.handle) ? 'link-lost' : undefined),
        this.o.probeTimeoutMs,
      );
      return r ?? 'silent';
    } catch {
      return this.proc.death() ? 'dead' : this.rogue.links.has(this.handle) ? 'silent' : 'link-lost';
    } finally {
      this.rogue.off('l2cap', onL2cap);
    }
  }

  /** A new link, or false at once when the target dies meanwhile (a dead target takes no connection: no need to wait the probe time out). */
  async reconnect(): Promise<boolean> {
    if (this.proc.death()) return false;
    let stop = (): void => undefined;
    const died = new Promise<false>((resolve) => {
      const onChange = () => {
        if (this.proc.death()) resolve(false);
      };
      this.proc.on('change', onChange);
      stop = () => this.proc.off('change', onChange);
    });
    try {
      return await Promise.race([this.linkAgain(), died]);
    } finally {
      stop();
    }
  }

  /** Drop the link if it is up, connect again and find the Device Name for the probe. */
  private async linkAgain(): Promise<boolean> {
    const t = this.o.probeTimeoutMs;
    try {
      if (this.rogue.links.has(this.handle)) await this.rogue.disconnect(this.handle, t);
      this.handle = await this.rogue.connect(this.targetController.address, t);
      const answer = waitForEvent<[number, number, Buffer]>(this.rogue, 'l2cap', { timeoutMs: t, what: 'the Device Name (Read By Type Response)', pred: (h, cid, p) => h === this.handle && cid === L2CAP_CID.ATT && (p[0] === ATT_OP.READ_BY_TYPE_RSP || p[0] === ATT_OP.ERROR_RSP) });
      answer.catch(() => undefined); // awaited below, after the request is sent
      const req = encodeAtt({ opcode: ATT_OP.READ_BY_TYPE_REQ, startingHandle: FIRST_HANDLE, endingHandle: ATT_LAST_HANDLE, attributeType: attUuid16(DEVICE_NAME_UUID) });
      await this.rogue.send(this.handle, { kind: 'l2cap', cid: L2CAP_CID.ATT, payload: req }, t);
      const [, , p] = await answer;
      const d = decodeAtt(p);
      if (!d.ok || d.pdu.opcode !== ATT_OP.READ_BY_TYPE_RSP) return false;
      const first = d.pdu.attributeData[0]!;
      this.probeHandle = first.handle;
      this.probeValue = Buffer.from(first.value);
      return true;
    } catch {
      return false;
    }
  }

  death() {
    return this.proc.death();
  }

  stderrTail(): string {
    return this.proc.stderrTail();
  }

  async close(): Promise<void> {
    await this.proc.stop();
    this.rogue.controller.close();
    this.targetController.close();
  }
}
