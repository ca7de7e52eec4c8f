// The API bearer: GATT operations on one connection over the OS stack (transport `os`), through
// noble's platform bindings. There is no ATT PDU to read, so every outcome is what the OS reported:
// the bindings event that answers the call, with all its arguments (noble's Noble class passes on
// only some). One operation at a time (the OS queues its own; answers carry no request id, so they
// are matched by characteristic), each with a time limit; a dropped link fails what is pending.
//
// Shapes (noble 1.9.2-26, lib/mac/src/callbacks.cc; central/noble/os-bindings.ts NOBLE_OS_BINDING_EVENTS):
//   read(uuid, serviceUuid, characteristicUuid, data, isNotification[, error])
//   write(uuid, serviceUuid, characteristicUuid[, error])
//   notify(uuid, serviceUuid, characteristicUuid, state[, error])
// The bracketed error is read where a binding gives one (as `connect` does); the pinned mac binding
// never does, so there a failed read shows the cached value and a failed write looks written.
import { EventEmitter } from 'node:events';
import type { NobleOsBindings } from '../noble/os-bindings.js';
import { deadline } from '../deadline.js';
import { OsApiError } from './os-api-error.js';
import { formatUuid } from '../../common/base/output/format.js';

/** A characteristic as the OS names it: noble's uuids (lower case, no dashes). */
export interface ApiCharacteristicRef {
  serviceUuid: string;
  uuid: string;
}

export interface ApiNotification extends ApiCharacteristicRef {
  value: Buffer;
}

/** The bindings' methods the bearer calls (lib/mac/src/noble_mac.mm argument order). */
interface OsGattCalls {
  read(peripheralUuid: string, serviceUuid: string, characteristicUuid: string): void;
  write(peripheralUuid: string, serviceUuid: string, characteristicUuid: string, data: Buffer, withoutResponse: boolean): void;
  notify(peripheralUuid: string, serviceUuid: string, characteristicUuid: string, notify: boolean): void;
}

const same = (a: string, b: string) => a.replace(/-/g, '').toLowerCase() === b.replace(/-/g, '').toLowerCase();

export class ApiBearer extends EventEmitter<{ notification: [ApiNotification]; end: [OsApiError] }> {
  private queue: Promise<unknown> = Promise.resolve();
  private endedWith: OsApiError | undefined;
  private readonly lost: Promise<never>;
  private readonly calls: OsGattCalls;

  constructor(
    private readonly bindings: NobleOsBindings,
    readonly peripheralUuid: string,
    private readonly timeoutMs: number,
  ) {
    super();
    this.calls = bindings as unknown as OsGattCalls;
    this.lost = new Promise<never>((_, reject) => {
      const onDisconnect = (uuid: string) => {
        if (!same(uuid, peripheralUuid)) return;
        bindings.removeListener('disconnect', onDisconnect);
        bindings.removeListener('read', this.onRead);
        this.endedWith = new OsApiError('link', 'the link', undefined, 'the OS reports the peripheral disconnected');
        this.emit('end', this.endedWith);
        reject(this.endedWith);
      };
      bindings.on('disconnect', onDisconnect);
    });
    this.lost.catch(() => undefined);
    bindings.on('read', this.onRead);
  }

  get ended(): boolean {
    return this.endedWith !== undefined;
  }

  /** The value the OS reports for a read (see the file comment for what it cannot show). */
  read(c: ApiCharacteristicRef): Promise<Buffer> {
    return this.run(`read of ${formatUuid(c.uuid)}`, 'read', (args) => this.matches(args, c) && args[4] !== true, () => this.calls.read(this.peripheralUuid, c.serviceUuid, c.uuid), (args) => {
      if (present(args[5])) throw new OsApiError('read', `read of ${formatUuid(c.uuid)}`, args[5]);
      return Buffer.from(args[3] as Buffer);
    });
  }

  /** A write with response (or without: then the OS only says it queued it). */
  write(c: ApiCharacteristicRef, value: Buffer, withoutResponse: boolean): Promise<void> {
    return this.run(`write to ${formatUuid(c.uuid)}`, 'write', (args) => this.matches(args, c), () => this.calls.write(this.peripheralUuid, c.serviceUuid, c.uuid, value, withoutResponse), (args) => {
      if (present(args[3])) throw new OsApiError('write', `write to ${formatUuid(c.uuid)}`, args[3]);
    });
  }

  /** Turn notifications/indications on or off: the OS writes the CCCD and chooses which bit. */
  setNotify(c: ApiCharacteristicRef, on: boolean): Promise<void> {
    const op = on ? 'subscribe' : 'unsubscribe';
    return this.run(`${op} to ${formatUuid(c.uuid)}`, 'notify', (args) => this.matches(args, c), () => this.calls.notify(this.peripheralUuid, c.serviceUuid, c.uuid, on), (args) => {
      if (present(args[4])) throw new OsApiError(op, `${op} to ${formatUuid(c.uuid)}`, args[4]);
      if (args[3] !== on) throw new OsApiError(op, `${op} to ${formatUuid(c.uuid)}`, undefined, `the OS reports notifications ${args[3] ? 'still on' : 'still off'}`);
    });
  }

  private matches(args: unknown[], c: ApiCharacteristicRef): boolean {
    return typeof args[0] === 'string' && same(args[0], this.peripheralUuid) && same(String(args[1]), c.serviceUuid) && same(String(args[2]), c.uuid);
  }

  private run<T>(what: string, event: string, pred: (args: unknown[]) => boolean, call: () => void, settle: (args: unknown[]) => T): Promise<T> {
    const next = this.queue.then(async () => {
      if (this.endedWith) throw this.endedWith;
      let listener: ((...args: unknown[]) => void) | undefined;
      const answered = new Promise<unknown[]>((resolve) => {
        listener = (...args: unknown[]) => {
          if (pred(args)) resolve(args);
        };
        this.bindings.on(event, listener);
      });
      try {
        call();
        const args = await deadline(answered, { what, timeoutMs: this.timeoutMs, linkLost: this.lost });
        return settle(args);
      } finally {
        this.bindings.removeListener(event, listener!);
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private readonly onRead = (...args: unknown[]): void => {
    if (args[4] !== true || typeof args[0] !== 'string' || !same(args[0], this.peripheralUuid)) return;
    this.emit('notification', { serviceUuid: String(args[1]), uuid: String(args[2]), value: Buffer.from(args[3] as Buffer) });
  };
}

const present = (error: unknown) => error !== undefined && error !== null && error !== false && error !== '';
