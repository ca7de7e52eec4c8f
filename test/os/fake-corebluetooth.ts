// A fake platform binding for noble: an EventEmitter with the methods lib/noble.js calls and the
// events noble 1.9.2-26's CoreBluetooth binding emits, in its shapes (lib/mac/src/callbacks.cc): uuids
// lower case without dashes, discover with an empty address (macOS hides it), connect(uuid, null |
// "connection failed"). Per characteristic it answers as CoreBluetooth would through that binding:
// - `value`: the read succeeds;
// - `dropError`: the read failed but the binding drops the NSError and emits the cached value (empty);
// - `errorText`: the read/write/subscription failed and the error's text follows the usual arguments
//   (the shape `connect` uses; what a binding forwarding NSError.localizedDescription emits);
// - `refuseNotify`: setNotifyValue failed: `notify` comes back with the state still false, no error.
// Callbacks arrive on a later turn, as CoreBluetooth's dispatch queue delivers them.
import { EventEmitter } from 'node:events';

export interface FakeCharacteristic {
  uuid: string;
  properties: string[];
  value?: Buffer;
  /** What a read meets; `silent`: no event at all (noble's WinRT binding on a failed read); `disconnect`: the link drops. */
  read?: { errorText: string } | { dropError: true } | { silent: true } | { disconnect: true };
  /** What a write with response meets. */
  write?: { errorText: string };
  /** What a subscription meets. */
  notify?: { errorText: string } | { refuse: true };
}

export interface FakePeripheral {
  /** CoreBluetooth's identifier for the peer (NSUUID, shown without dashes). */
  id: string;
  localName: string;
  serviceUuids: string[];
  rssi: number;
  services: { uuid: string; characteristics: FakeCharacteristic[] }[];
  /** connect → `connect(uuid, "connection failed")`. */
  refuseConnection?: boolean;
}

export interface FakeCoreBluetoothLog {
  calls: Array<[string, ...unknown[]]>;
  writes: Array<{ uuid: string; data: string; withoutResponse: boolean }>;
  bindings: EventEmitter[];
}

const compact = (u: string) => u.replace(/-/g, '').toLowerCase();

/** The class noble constructs (`new Bindings({})`), bound to one scripted peripheral. */
export function fakeCoreBluetooth(peripheral: FakePeripheral, log: FakeCoreBluetoothLog = { calls: [], writes: [], bindings: [] }) {
  const later = (f: () => void) => setImmediate(f);
  const find = (s: string, c: string) => peripheral.services.find((x) => compact(x.uuid) === s)?.characteristics.find((x) => compact(x.uuid) === c);
  const uuid = compact(peripheral.id);

  return class FakeNobleMac extends EventEmitter {
    constructor() {
      super();
      log.bindings.push(this);
    }
    init() {
      log.calls.push(['init']);
      later(() => this.emit('stateChange', 'poweredOn'));
    }
    startScanning(serviceUuids: string[], allowDuplicates: boolean) {
      log.calls.push(['startScanning', serviceUuids, allowDuplicates]);
      later(() => {
        this.emit('scanStart');
        const advertisement = { localName: peripheral.localName, serviceUuids: peripheral.serviceUuids.map(compact) };
        // emit('discover', deviceUuid, address, addressType, connectable, advertisement, rssi)
        this.emit('discover', uuid, '', 'unknown', true, advertisement, peripheral.rssi);
      });
    }
    stopScanning() {
      log.calls.push(['stopScanning']);
      later(() => this.emit('scanStop'));
    }
    connect(id: string) {
      log.calls.push(['connect', id]);
      later(() => this.emit('connect', id, peripheral.refuseConnection ? 'connection failed' : null));
    }
    disconnect(id: string) {
      log.calls.push(['disconnect', id]);
      later(() => this.emit('disconnect', id));
    }
    updateRssi(id: string) {
      later(() => this.emit('rssiUpdate', id, peripheral.rssi));
    }
    discoverServices(id: string, uuids: string[]) {
      log.calls.push(['discoverServices', id, uuids]);
      later(() => this.emit('servicesDiscover', id, peripheral.services.map((s) => compact(s.uuid))));
    }
    discoverIncludedServices(id: string, serviceUuid: string) {
      later(() => this.emit('includedServicesDiscover', id, serviceUuid, []));
    }
    discoverCharacteristics(id: string, serviceUuid: string, uuids: string[]) {
      log.calls.push(['discoverCharacteristics', id, serviceUuid, uuids]);
      const s = peripheral.services.find((x) => compact(x.uuid) === serviceUuid)!;
      later(() => this.emit('characteristicsDiscover', id, serviceUuid, s.characteristics.map((c) => ({ uuid: compact(c.uuid), properties: c.properties }))));
    }
    read(id: string, s: string, c: string) {
      log.calls.push(['read', id, s, c]);
      const ch = find(s, c)!;
      later(() => {
        const r = ch.read;
        // emit('read', deviceUuid, serviceUuid, characteristicUuid, data, isNotification)
        if (r && 'silent' in r) return;
        if (r && 'disconnect' in r) return void this.emit('disconnect', id);
        if (r && 'errorText' in r) this.emit('read', id, s, c, Buffer.alloc(0), false, r.errorText);
        else if (r && 'dropError' in r) this.emit('read', id, s, c, Buffer.alloc(0), false);
        else this.emit('read', id, s, c, ch.value ?? Buffer.alloc(0), false);
      });
    }
    write(id: string, s: string, c: string, data: Buffer, withoutResponse: boolean) {
      log.calls.push(['write', id, s, c]);
      log.writes.push({ uuid: c, data: data.toString('hex'), withoutResponse });
      const ch = find(s, c)!;
      later(() => {
        // emit('write', deviceUuid, servicesUuid, characteristicsUuid)
        if (!withoutResponse && ch.write) this.emit('write', id, s, c, ch.write.errorText);
        else this.emit('write', id, s, c);
      });
    }
    notify(id: string, s: string, c: string, on: boolean) {
      log.calls.push(['notify', id, s, c, on]);
      const ch = find(s, c)!;
      later(() => {
        const n = ch.notify;
        // emit('notify', deviceUuid, servicesUuid, characteristicsUuid, state)
        if (on && n && 'errorText' in n) this.emit('notify', id, s, c, false, n.errorText);
        else if (on && n && 'refuse' in n) this.emit('notify', id, s, c, false);
        else this.emit('notify', id, s, c, on);
      });
    }
    /** A notification from the peer: `read` with isNotification true. */
    push(s: string, c: string, value: Buffer) {
      this.emit('read', uuid, compact(s), compact(c), value, true);
    }
    discoverDescriptors(id: string, s: string, c: string) {
      later(() => this.emit('descriptorsDiscover', id, s, c, []));
    }
    readValue() {}
    writeValue() {}
    readHandle() {}
    writeHandle() {}
    stop() {
      log.calls.push(['stop']);
    }
  };
}

/** A require for loadNobleOs: noble's own lib/noble.js, the fake in place of the platform binding. */
export function requireWithFake(Fake: unknown, real: (id: string) => unknown, loaded: string[] = []) {
  return (id: string): unknown => {
    loaded.push(id);
    return id.endsWith('/lib/noble.js') ? real(id) : Fake;
  };
}
