// Fuzzing the central role: the target (the hidden `blebench fuzz-central-target` loop) runs in its
// own process on our virtual radio and connects, again and again, to the rogue peripheral, which
// answers its requests correctly (rogue-gatt.ts) while the cases go out among them. Liveness: the
// central sends an ATT request, SMP command or new connection within the probe time.
import { injectTowardsHost } from '../../stack/air/host-injection.js';
import type { VirtualController } from '../../stack/air/controller.js';
import { L2CAP_CID } from '../../base/codes/l2cap.js';
import { waitForEvent } from '../../base/util/wait.js';
import { FuzzTargetError } from './errors.js';
import { answerAtt, answerSmp, ROGUE_NAME } from './rogue-gatt.js';
import { RogueHost } from './rogue-host.js';
import { LinkLost, type FuzzSession, type ProbeResult, type SessionFactory, type TargetOptions } from './session.js';
import { TargetProcess } from './target-process.js';
import { watchUntil } from './watch.js';
import type { FuzzCase } from './fuzz-case.js';

/** AD types: Flags 0x01, Complete Local Name 0x09. Core Specification Supplement Part A 1.3, 1.2. */
const AD_FLAGS = 0x01;
const AD_COMPLETE_NAME = 0x09;
/** LE General Discoverable, BR/EDR Not Supported. */
const FLAGS_LE_ONLY_GENERAL = 0x06;
const ROGUE_ACL_BUFFERS = 64;

export type CentralTargetOptions = TargetOptions;

/** The central's own operations time out (800 ms each by default): give it a few of them. */
const CENTRAL_PROBE_FACTOR = 2;
/** Cases between probes: few, so that they land all through the central's rounds, not in one burst. */
const CENTRAL_MAX_BATCH = 8;

export function centralTarget(o: CentralTargetOptions): SessionFactory {
  const probeTimeoutMs = o.probeTimeoutMs * CENTRAL_PROBE_FACTOR;
  return {
    label: o.label,
    role: 'central',
    probeTimeoutMs,
    maxBatch: CENTRAL_MAX_BATCH,
    ...(o.protocols ? { protocols: o.protocols } : {}),
    open: () => CentralSession.open({ ...o, probeTimeoutMs }),
  };
}

function advertisingData(): Buffer {
  const name = Buffer.from(ROGUE_NAME);
  return Buffer.concat([Buffer.from([2, AD_FLAGS, FLAGS_LE_ONLY_GENERAL, name.length + 1, AD_COMPLETE_NAME]), name]);
}

class CentralSession implements FuzzSession {
  private handle = -1;
  /** Bumped by every PDU the central sends and every connection it makes: the liveness signal. */
  private activity = 0;

  private constructor(
    private readonly o: CentralTargetOptions,
    private readonly proc: TargetProcess,
    private readonly targetController: VirtualController,
    private readonly rogue: RogueHost,
  ) {
    rogue.on('l2cap', (h: number, cid: number, pdu: Buffer) => {
      if (h !== this.handle) return;
      this.activity++;
      const att = cid === L2CAP_CID.ATT ? answerAtt(pdu) : undefined;
      const answers = att ? [att] : cid === L2CAP_CID.SMP ? answerSmp(pdu) : [];
      void (async () => {
        for (const payload of answers) await rogue.send(h, { kind: 'l2cap', cid, payload }, o.probeTimeoutMs);
      })().catch(() => undefined); // the link may be gone: the central's next round brings a new one
    });
    rogue.on('connected', (h: number) => {
      this.handle = h;
      this.activity++;
    });
    // advertise again at once: the central's next round connects to it
    rogue.on('disconnected', () => this.advertise());
  }

  static async open(o: CentralTargetOptions): Promise<CentralSession> {
    const controllerP = waitForEvent<[VirtualController]>(o.air as unknown as NodeJS.EventEmitter, 'controller', { timeoutMs: o.startTimeoutMs, what: 'the target to open its HCI transport on the air' });
    const proc = new TargetProcess(o.command(o.air.address));
    let rogue: RogueHost | undefined;
    try {
      const [controller] = await controllerP;
      rogue = new RogueHost(o.air.radio.createController({ aclBufferCount: ROGUE_ACL_BUFFERS }));
      await rogue.init(o.startTimeoutMs);
      const s = new CentralSession(o, proc, controller, rogue);
      s.advertise();
      await proc.ready(o.startTimeoutMs);
      if (!(await s.reconnect())) throw new Error(`the central did not connect to the rogue peripheral within ${o.probeTimeoutMs} ms`);
      return s;
    } catch (err) {
      controllerP.catch(() => undefined);
      rogue?.controller.close();
      await proc.stop();
      throw new FuzzTargetError(`${o.label}: the target did not start: ${(err as Error).message}`, { hint: `run the target alone to see why: ${proc.describe()}` });
    }
  }

  /** Advertise until a central connects; the 'connected' listener takes the handle (a failure shows as no connection). */
  private advertise(): void {
    void this.rogue.advertiseAndWait(advertisingData(), Buffer.alloc(0), this.o.probeTimeoutMs).catch(() => undefined);
  }

  async send(c: FuzzCase): Promise<void> {
    if (!this.rogue.links.has(this.handle)) throw new LinkLost(`case ${c.index}`);
    for (const f of c.frames) {
      if (f.kind === 'hci-event') injectTowardsHost(this.targetController, f.packet);
      else
        await this.rogue.send(this.handle, f, this.o.probeTimeoutMs).catch((err: unknown) => {
          throw this.rogue.links.has(this.handle) ? err : new LinkLost(`case ${c.index}`);
        });
    }
  }

  async probe(): Promise<ProbeResult> {
    const since = this.activity;
    const r = await watchUntil<ProbeResult>(
      [[this.rogue, 'l2cap'], [this.rogue, 'connected'], [this.proc, 'change']],
      () => (this.proc.death() ? 'dead' : this.activity > since ? 'alive' : undefined),
      this.o.probeTimeoutMs,
    );
    return r ?? (this.rogue.links.has(this.handle) ? 'silent' : 'link-lost');
  }

  /** The central connects by itself: wait for its next connection. */
  async reconnect(): Promise<boolean> {
    if (this.rogue.links.has(this.handle)) return true;
    const r = await watchUntil([[this.rogue, 'connected'], [this.proc, 'change']], () => (this.proc.death() ? false : this.rogue.links.has(this.handle) ? true : undefined), this.o.probeTimeoutMs);
    return r === true;
  }

  death() {
    return this.proc.death();
  }

  stderrTail(): string {
    return this.proc.stderrTail();
  }

  async close(): Promise<void> {
    await this.proc.stop();
    this.rogue.removeAllListeners();
    this.rogue.controller.close();
    this.targetController.close();
  }
}
