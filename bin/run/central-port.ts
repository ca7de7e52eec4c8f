// The runner's central port over the noble-backed central (central/): one CentralClient per scenario,
// a new CentralConnection per (re)connection, characteristics found by the profile's UUIDs.
import type { CanonicalUuid } from '../../common/stack/gatt/uuid.js';
import { HCI_STATUS } from '../../common/base/codes/hci.js';
import { protocolCode, showCode, type CharacteristicRef } from '../../common/apps/scenario/index.js';
import type { CentralPort } from '../../common/apps/scenario/run/index.js';
import type { CentralClient } from '../../central/central-client.js';
import type { CentralConnection } from '../../central/connection.js';
import { CentralUsageError } from '../../central/errors.js';
import { CCCD_UUID } from '../../central/gatt/gatt-uuids.js';
import type { DiscoveredCharacteristic } from '../../central/gatt/discovered.js';
import type { Found, ScanFilter } from '../../central/scan.js';

export class NobleCentralPort implements CentralPort {
  private conn: CentralConnection | undefined;
  private found: Found | undefined;
  private readonly listeners: Array<(uuid: CanonicalUuid, value: Buffer) => void> = [];

  constructor(
    private readonly client: CentralClient,
    private readonly target: ScanFilter,
  ) {}

  get tap() {
    return this.client.tap;
  }

  async connect(timeoutMs: number): Promise<void> {
    this.found = await this.client.find(this.target, timeoutMs);
    this.attach(await this.client.connect(this.found));
  }

  async discover(): Promise<void> {
    await this.need().discover();
  }

  async read(c: CharacteristicRef, descriptor?: 'cccd'): Promise<Buffer> {
    const conn = this.need();
    const ch = await this.characteristic(conn, c);
    if (!descriptor) return conn.read(ch);
    const cccd = ch.descriptors.find((d) => d.uuid === CCCD_UUID);
    if (!cccd) throw new CentralUsageError(`"${c.name}" has no Client Characteristic Configuration descriptor (0x2902) to read`);
    return conn.readDescriptor(cccd.handle);
  }

  async write(c: CharacteristicRef, value: Buffer, withResponse: boolean): Promise<void> {
    const conn = this.need();
    const ch = await this.characteristic(conn, c);
    await (withResponse ? conn.write(ch, value) : conn.writeWithoutResponse(ch, value));
  }

  async subscribe(c: CharacteristicRef, mode: 'notify' | 'indicate'): Promise<void> {
    const conn = this.need();
    await conn.subscribe(await this.characteristic(conn, c), mode);
  }

  async unsubscribe(c: CharacteristicRef): Promise<void> {
    const conn = this.need();
    await conn.unsubscribe(await this.characteristic(conn, c));
  }

  async pair(): Promise<void> {
    const report = await this.need().pair();
    if (report.error) throw report.error;
  }

  async disconnect(reason: number): Promise<void> {
    // noble's disconnect always sends HCI Disconnect with 0x13 (lib/hci-socket/hci.js disconnect).
    if (reason !== HCI_STATUS.REMOTE_USER_TERMINATED_CONNECTION) {
      throw new CentralUsageError(`noble ends a link only with ${showCode(protocolCode('hci', HCI_STATUS.REMOTE_USER_TERMINATED_CONNECTION))}, not ${showCode(protocolCode('hci', reason))}`);
    }
    await this.need().disconnect();
  }

  async reconnect(timeoutMs: number): Promise<void> {
    const conn = this.need();
    await conn.disconnect();
    // Found as the first time, by what it advertises: a peripheral with privacy, or one reset with a new
    // identity, comes back from another address (Vol 6 Part B 1.3.2.2); the bond lookup then says whether
    // it is the bonded device.
    this.found = await this.client.find(this.target, timeoutMs);
    this.attach(await this.client.connect(this.found));
  }

  async changeStoredKey(part: 'key' | 'ediv-rand'): Promise<void> {
    const changed = await this.client.bonds.changeKeptKeys(part);
    if (changed === 0) throw new CentralUsageError('the central keeps no key to change: pair with bonding first (security-manager: { bonding: true })');
  }

  async forgetBonds(options: { newIrk?: boolean } = {}): Promise<number> {
    return this.client.forgetBonds(options);
  }

  onNotification(listener: (uuid: CanonicalUuid, value: Buffer) => void): void {
    this.listeners.push(listener);
  }

  private attach(conn: CentralConnection): void {
    this.conn = conn;
    conn.on('notification', (n) => {
      for (const l of this.listeners) l(n.characteristic.uuid as CanonicalUuid, n.value);
    });
  }

  private need(): CentralConnection {
    if (!this.conn) throw new CentralUsageError('not connected: the scenario needs a connect step first');
    return this.conn;
  }

  /** The characteristic by the profile's UUIDs (discovering first when the scenario did not). */
  private async characteristic(conn: CentralConnection, c: CharacteristicRef): Promise<DiscoveredCharacteristic> {
    const all = await conn.characteristics();
    const hit = all.find((x) => x.uuid === c.uuid && x.serviceUuid === c.serviceUuid) ?? all.find((x) => x.uuid === c.uuid);
    if (!hit) throw new CentralUsageError(`the peripheral has no characteristic "${c.name}" (${c.uuid}); it has ${all.map((x) => x.uuid).join(', ') || 'none'}`);
    return hit;
  }
}
