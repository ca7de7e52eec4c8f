// The peripheral role on the OS stack (transport `os`, macOS): bleno's CoreBluetooth binding serves
// the profile as os-profile-plan.ts maps it. CoreBluetooth answers what its permissions cover and
// pairs; blebench answers the reads and writes it passes on (authorization 0x08, the profile's
// override, 0x07, 0x0D/0x13 from the profile's constraints) and sends notifications to subscribers.
// Every request logged here is a fact from the API (source `api`): there is no tap.
import { EventEmitter } from 'node:events';
import { ATT_ERROR } from '../../common/base/codes/att.js';
import type { ResolvedCharacteristic, ResolvedProfile } from '../../common/stack/gatt/resolved-profile.js';
import { checkValue } from '../../common/stack/gatt/value-rules.js';
import type { OsTransport } from '../../common/stack/hci/os-transport.js';
import type { Logger } from '../../common/base/log/logger.js';
import { waitForEvent } from '../../common/base/util/wait.js';
import { loadBlenoOs, type LoadedOsBleno } from '../bleno/index.js';
import { planOsProfile, type OsCharacteristicPlan, type OsProfilePlan } from './os-profile-plan.js';
import { hex } from '../../common/base/codes/code-table.js';

/** CBATTErrorSuccess: what respondToRequest is given for a success. */
const ATT_SUCCESS = 0x00;
/** bleno's mac binding reads the callback's data argument as a Buffer even for an error (callbacks.mm ReadRequest). */
const NO_DATA = Buffer.alloc(0);

export interface OsPeripheralOptions {
  transport: OsTransport;
  profile: ResolvedProfile;
  name?: string;
  logger?: Logger;
  /** Whether `authorized` operations are allowed at start (default false: 0x08). */
  authorized?: boolean;
  timeoutMs?: number;
  /** Test seam: bleno's platform bindings (see loadBlenoOs). */
  bindings?: NodeJS.EventEmitter;
}

/** One request CoreBluetooth passed to blebench, and the answer: a fact from the API. */
export interface OsRequestRecord {
  source: 'api';
  characteristic: string;
  operation: 'read' | 'write' | 'writeWithoutResponse';
  offset: number;
  /** The ATT code answered (0: success); a Write Command's is never sent. */
  answer: number;
  why: string;
}

export interface OsPeripheralEvents {
  request: [OsRequestRecord];
  subscribe: [string];
  unsubscribe: [string];
}

type ReadCallback = (result: number, data?: Buffer) => void;
type WriteCallback = (result: number) => void;

interface Served {
  plan: OsCharacteristicPlan;
  value: Buffer;
  /** bleno's updateValueCallback while a central is subscribed. */
  update?: (data: Buffer) => void;
}

export class OsPeripheralServer extends EventEmitter<OsPeripheralEvents> {
  private readonly served = new Map<string, Served>();
  private authorized: boolean;

  private constructor(
    private readonly loaded: LoadedOsBleno,
    readonly profile: ResolvedProfile,
    readonly name: string,
    readonly plan: OsProfilePlan,
    private readonly log: Logger | undefined,
    authorized: boolean,
  ) {
    super();
    this.authorized = authorized;
  }

  /** Every warning, start ones first, then per characteristic: what macOS will do instead. */
  get warnings(): string[] {
    return [...this.plan.startWarnings, ...this.plan.characteristics.flatMap((c) => c.warnings)];
  }

  static async serve(o: OsPeripheralOptions): Promise<OsPeripheralServer> {
    const plan = planOsProfile(o.profile);
    const loaded = await loadBlenoOs(o.transport, { ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}), ...(o.bindings ? { bindings: o.bindings } : {}) });
    const server = new OsPeripheralServer(loaded, o.profile, o.name ?? o.profile.advertising.localName, plan, o.logger, o.authorized ?? false);
    try {
      await server.start(o.timeoutMs ?? 5000);
    } catch (e) {
      await loaded.close();
      throw e;
    }
    return server;
  }

  private async start(timeoutMs: number): Promise<void> {
    const { bleno } = this.loaded;
    for (const w of this.warnings) this.log?.warn({ transport: 'os' }, w);
    const services = this.profile.services.map(
      (s) =>
        new bleno.PrimaryService({
          uuid: s.uuid,
          characteristics: this.plan.characteristics.filter((p) => p.characteristic.serviceUuid === s.uuid).map((p) => this.characteristic(p)),
        }),
    );
    const emitter = bleno as unknown as NodeJS.EventEmitter;
    const set = waitForEvent(emitter, 'servicesSet', { what: 'CoreBluetooth to add the services', timeoutMs, rejectOn: ['servicesSetError'] });
    bleno.setServices(services);
    await set;
    const started = waitForEvent(emitter, 'advertisingStart', { what: 'CoreBluetooth to start advertising', timeoutMs, rejectOn: ['advertisingStartError'] });
    bleno.startAdvertising(this.name, [...this.profile.advertising.serviceUuids]);
    await started;
  }

  private characteristic(plan: OsCharacteristicPlan) {
    const { bleno } = this.loaded;
    const c = plan.characteristic;
    const served: Served = { plan, value: Buffer.from(c.value) };
    this.served.set(c.name, served);
    return new bleno.Characteristic({
      uuid: c.uuid,
      properties: plan.properties,
      secure: plan.secure,
      // No `value`: CoreBluetooth would answer reads from a cache and never ask blebench.
      descriptors: plan.descriptors.map((d) => new bleno.Descriptor({ uuid: d.uuid, value: d.value })),
      onReadRequest: (offset: number, cb: ReadCallback) => {
        const refusal = this.refusal(c, 'read');
        if (refusal) return this.answer(c, 'read', offset, refusal.code, refusal.why, () => cb(refusal.code, NO_DATA));
        // Read Blob: an offset past the end is 0x07 Invalid Offset. Vol 3 Part F 3.4.4.5.
        if (offset > served.value.length) return this.answer(c, 'read', offset, ATT_ERROR.INVALID_OFFSET, 'the offset is past the end of the value', () => cb(ATT_ERROR.INVALID_OFFSET, NO_DATA));
        this.answer(c, 'read', offset, ATT_SUCCESS, `${served.value.length - offset} octet(s) from offset ${offset}`, () => cb(ATT_SUCCESS, served.value.subarray(offset)));
      },
      onWriteRequest: (data: Buffer, offset: number, withoutResponse: boolean, cb: WriteCallback) => {
        const op = withoutResponse ? 'writeWithoutResponse' : 'write';
        const refusal = this.refusal(c, op);
        if (refusal) return this.answer(c, op, offset, refusal.code, refusal.why, () => cb(refusal.code));
        if (offset > served.value.length) return this.answer(c, op, offset, ATT_ERROR.INVALID_OFFSET, 'the offset is past the end of the value', () => cb(ATT_ERROR.INVALID_OFFSET));
        const next = Buffer.concat([served.value.subarray(0, offset), data]);
        const verdict = checkValue(c.constraints, next);
        if (!verdict.ok) return this.answer(c, op, offset, verdict.attError, verdict.reason, () => cb(verdict.attError));
        served.value = next;
        this.answer(c, op, offset, ATT_SUCCESS, `stored ${next.length} octet(s)`, () => cb(ATT_SUCCESS));
      },
      onSubscribe: (_max: number, update: (data: Buffer) => void) => {
        served.update = update;
        this.emit('subscribe', c.name);
      },
      onUnsubscribe: () => {
        served.update = undefined;
        this.emit('unsubscribe', c.name);
      },
    });
  }

  /** What blebench answers instead of the value, for a request CoreBluetooth passed on. */
  private refusal(c: ResolvedCharacteristic, op: 'read' | 'write' | 'writeWithoutResponse'): { code: number; why: string } | undefined {
    const req = c.security[op];
    if (req.level === 'authorized' && !this.authorized) return { code: ATT_ERROR.INSUFFICIENT_AUTHORIZATION, why: 'the application has not authorized this central' };
    if (req.errorOverride !== undefined && req.level !== 'encrypted' && req.level !== 'authenticated') return { code: req.errorOverride, why: "the profile's override" };
    return undefined;
  }

  private answer(c: ResolvedCharacteristic, operation: OsRequestRecord['operation'], offset: number, answer: number, why: string, send: () => void): void {
    send();
    const r: OsRequestRecord = { source: 'api', characteristic: c.name, operation, offset, answer, why };
    this.log?.info({ source: 'api', characteristic: c.name, operation, offset, answer }, `${operation} of "${c.name}" passed on by CoreBluetooth → ${answer === ATT_SUCCESS ? 'answered' : `${hex(answer)}`}: ${why}`);
    this.emit('request', r);
  }

  value(name: string): Buffer {
    return Buffer.from(this.get(name).value);
  }

  setValue(name: string, value: Buffer): void {
    this.get(name).value = Buffer.from(value);
  }

  setAuthorization(granted: boolean): void {
    this.authorized = granted;
  }

  /** Sends the value to the subscribed central; false when nobody is subscribed (or not authorized). */
  notify(name: string, value?: Buffer): boolean {
    const s = this.get(name);
    if (value) s.value = Buffer.from(value);
    const needsAuth = s.plan.properties.some((p) => (p === 'notify' || p === 'indicate') && s.plan.characteristic.security[p].level === 'authorized');
    if (!s.update || (needsAuth && !this.authorized)) return false;
    s.update(s.value);
    return true;
  }

  close(): Promise<void> {
    return this.loaded.close();
  }

  private get(name: string): Served {
    const s = this.served.get(name);
    if (!s) throw new RangeError(`profile "${this.profile.name}" has no characteristic "${name}"`);
    return s;
  }
}
