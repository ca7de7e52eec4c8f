// The central's attribute cache of a bonded peripheral (Core v5.4 Vol 3 Part G 2.5.2), per connection:
// services come from the cache kept with the bond instead of a new discovery, unless told otherwise
// (mode off), or the cache is shown stale: a Service Changed indication (7.1), a Database Hash that
// differs from the one read with the cache (7.3, mode verify: read by type over 0x0001-0xFFFF, which a
// change-unaware server still answers, 2.5.2.1), or 0x12 Database Out Of Sync (2.5.2.1). Each such
// event is said (`changed`), the cache dropped and the database discovered again. A fresh discovery
// of a bonded peripheral is kept with the bond; with it the central enables Service Changed
// indications and, when asked, sets Robust Caching in Client Supported Features (7.2).
import { ATT_ERROR } from '../../common/base/codes/att.js';
import { CLIENT_FEATURE, GATT_CHARACTERISTIC, GATT_SERVICE } from '../../common/base/codes/gatt.js';
import { hex } from '../../common/base/codes/code-table.js';
import { CCCD_BITS } from '../../common/stack/gatt/descriptor-types.js';
import type { GattCache } from '../../common/stack/smp/bond.js';
import { AttError } from '../errors.js';
import { propertyNamesOf, type DiscoveredService } from './discovered.js';
import type { GattClient } from './gatt-client.js';
import { CCCD_UUID } from './gatt-uuids.js';

/** verify: use the cache once the Database Hash matches (or the server has none); trust: use it until told it is stale; off: discover on every link. */
export type GattCacheMode = 'verify' | 'trust' | 'off';
export const GATT_CACHE_MODES: readonly GattCacheMode[] = ['verify', 'trust', 'off'];

export interface GattCacheOptions {
  readonly mode: GattCacheMode;
  /** Set Robust Caching in the server's Client Supported Features (default false). */
  readonly robustCaching?: boolean;
  /** Enable Service Changed indications on a bonded peripheral (default true, as phones do). */
  readonly serviceChanged?: boolean;
}
export const DEFAULT_GATT_CACHE: GattCacheOptions = { mode: 'verify' };

/** What the connection gives the cache: the bond's cache, and where a new one goes. */
export interface GattCacheStore {
  readonly options: GattCacheOptions;
  /** The cache kept with the bond when the link came up (undefined: none, or no bond). */
  readonly kept?: GattCache;
  /** Whether the central holds a bond with this peer now (a cache is kept only then). */
  bonded(): Promise<boolean>;
  /** Keeps the cache with the bond (the key store writes it atomically, mode 0600). */
  save(cache: GattCache): Promise<void>;
}

const uuid16 = (v: number) => v.toString(16).padStart(4, '0');
const GATT = uuid16(GATT_SERVICE.GENERIC_ATTRIBUTE);

export const cacheOf = (services: readonly DiscoveredService[], databaseHash?: Buffer): GattCache => ({
  ...(databaseHash ? { databaseHash } : {}),
  services: services.map((s) => ({
    uuid: s.uuid,
    startHandle: s.startHandle,
    endHandle: s.endHandle,
    characteristics: s.characteristics.map((c) => ({ uuid: c.uuid, declarationHandle: c.declarationHandle, valueHandle: c.valueHandle, endHandle: c.endHandle, properties: c.properties, descriptors: c.descriptors.map((d) => ({ uuid: d.uuid, handle: d.handle })) })),
  })),
});

export const servicesOf = (cache: GattCache): DiscoveredService[] =>
  cache.services.map((s) => ({ ...s, characteristics: s.characteristics.map((c) => ({ ...c, serviceUuid: s.uuid, propertyNames: propertyNamesOf(c.properties), descriptors: c.descriptors.map((d) => ({ ...d })) })) }));

/** A characteristic of the GATT service, by its 16-bit UUID. */
const gattCharacteristic = (services: readonly DiscoveredService[], uuid: number) =>
  services.find((s) => s.uuid === GATT)?.characteristics.find((c) => c.uuid === uuid16(uuid));

/** Service Changed's value handle in these services. */
export const serviceChangedHandleOf = (services: readonly DiscoveredService[]) => gattCharacteristic(services, GATT_CHARACTERISTIC.SERVICE_CHANGED)?.valueHandle;

/** The Database Hash read by type over 0x0001-0xFFFF (Vol 3 Part G 4.8.2), or undefined when the server has none (0x0A). */
export async function readDatabaseHash(gatt: GattClient): Promise<Buffer | undefined> {
  try {
    const [first] = await gatt.readUsingCharacteristicUuid(0x0001, 0xffff, uuid16(GATT_CHARACTERISTIC.DATABASE_HASH), 'Read By Type for the Database Hash');
    return first?.value;
  } catch (e) {
    if (e instanceof AttError && e.attCode === ATT_ERROR.ATTRIBUTE_NOT_FOUND) return undefined;
    throw e;
  }
}

/** The hash for a new cache; a refused read leaves the cache without one. */
async function hashOrNone(gatt: GattClient): Promise<Buffer | undefined> {
  try {
    return await readDatabaseHash(gatt);
  } catch (e) {
    if (e instanceof AttError) return undefined;
    throw e;
  }
}

const e2label = (e: AttError) => `ATT ${hex(e.attCode)} ${e.name}`;

/** The services of one connection, from the bond's cache or a discovery; never both at once. */
export class CachedDiscovery {
  private services: DiscoveredService[] | undefined;
  /** Bumped by each staleness signal: a discovery under way when it moves is done again. */
  private generation = 0;
  private cacheUsable: boolean;
  /** What the cache did on this link, in words, in order. */
  readonly notes: string[] = [];

  constructor(
    private readonly gatt: GattClient,
    private readonly store: GattCacheStore | undefined,
    private readonly changed: (why: string) => void,
  ) {
    this.cacheUsable = store?.kept !== undefined && store.options.mode !== 'off';
  }

  /** The services known now (undefined before discovery). */
  get known(): DiscoveredService[] | undefined {
    return this.services;
  }

  /** Discovered once per connection, or from the cache; again after the database changed. */
  async discover(): Promise<DiscoveredService[]> {
    for (let round = 0; !this.services; round++) {
      if (round === 3) throw new AttError(ATT_ERROR.DATABASE_OUT_OF_SYNC, 0, 0); // the database keeps changing under discovery
      const gen = this.generation;
      const found = await this.load();
      if (gen === this.generation) this.services = found;
    }
    return this.services;
  }

  /** A Handle Value Indication arrived: Service Changed's means the cache is stale (Vol 3 Part G 7.1). */
  indication(handle: number, value: Buffer): void {
    const sc = serviceChangedHandleOf(this.services ?? (this.cacheUsable && this.store?.kept ? servicesOf(this.store.kept) : []));
    if (sc === undefined || handle !== sc) return;
    const range = value.length >= 4 ? `${hex(value.readUInt16LE(0), 4)}-${hex(value.readUInt16LE(2), 4)}` : 'a malformed range';
    this.stale(`Service Changed indicated (${range}): the peripheral's database changed; discovering it again`);
  }

  /** An Error Response 0x12: the cache is invalid until discovery (Vol 3 Part G 2.5.2.1). */
  outOfSync(): void {
    this.stale('ATT 0x12 Database Out Of Sync: the peripheral\'s database changed; discovering it again');
  }

  private stale(why: string): void {
    this.generation++;
    this.services = undefined;
    this.cacheUsable = false;
    this.notes.push(why);
    this.changed(why);
  }

  private async load(): Promise<DiscoveredService[]> {
    const store = this.store;
    const kept = store?.kept;
    if (this.cacheUsable && kept && store) {
      if (store.options.mode === 'trust') {
        this.notes.push('services from the GATT cache kept with the bond (trusted: no check)');
        return servicesOf(kept);
      }
      const now = await readDatabaseHash(this.gatt).catch((e: unknown) => {
        if (e instanceof AttError) return e;
        throw e;
      });
      if (now instanceof AttError) {
        // Refused (0x05 on a server that guards 0x1801, …): nothing says the cache holds, so it is not used.
        this.notes.push(`the Database Hash could not be read (${e2label(now)}): discovering again rather than trusting the cache`);
        return this.fresh();
      }
      if (now === undefined || kept.databaseHash === undefined) {
        this.notes.push('services from the GATT cache kept with the bond: the peripheral has no Database Hash to check it with');
        return servicesOf(kept);
      }
      if (now.equals(kept.databaseHash)) {
        this.notes.push('services from the GATT cache kept with the bond: the Database Hash is the same');
        return servicesOf(kept);
      }
      this.stale(`the Database Hash differs from the cached one (${kept.databaseHash.toString('hex')} → ${now.toString('hex')}): the peripheral's database changed; discovering it again`);
    }
    return this.fresh();
  }

  /** A full discovery; on a bonded peripheral, Service Changed and Robust Caching set up and the result kept with the bond. */
  private async fresh(): Promise<DiscoveredService[]> {
    const services = await this.gatt.discover();
    const store = this.store;
    if (!store || store.options.mode === 'off' || !(await store.bonded())) return services;
    await this.setUp(services, store);
    const databaseHash = gattCharacteristic(services, GATT_CHARACTERISTIC.DATABASE_HASH) ? await hashOrNone(this.gatt) : undefined;
    this.keep(store, cacheOf(services, databaseHash), 'discovered; kept with the bond as the GATT cache');
    return services;
  }

  /** Keeps what a later bonding should: called once the link has bonded after discovery. */
  async bondedNow(): Promise<void> {
    const store = this.store;
    if (!this.services || !store || store.options.mode === 'off' || !(await store.bonded())) return;
    await this.setUp(this.services, store);
    const hasHash = gattCharacteristic(this.services, GATT_CHARACTERISTIC.DATABASE_HASH) !== undefined;
    const databaseHash = hasHash ? await hashOrNone(this.gatt) : undefined;
    this.keep(store, cacheOf(this.services, databaseHash), 'kept with the new bond as the GATT cache');
  }

  /**
   * Keeps the cache with the bond: in the key store's table at once, while discovery goes on without
   * waiting for the file. The write joins the store's next one (right after a bond was written the store
   * waits WRITE_GAP_MS, 1 s, to batch; a walk waited that long here), and every command flushes its
   * stores before it exits. A store that cannot write says so itself (KEY_STORE_WRITE_FAILED, aloud),
   * and here too; the cache is only a saving of discovery, so the link goes on without it.
   */
  private keep(store: GattCacheStore, cache: GattCache, what: string): void {
    this.notes.push(`${what}${cache.databaseHash ? ` (Database Hash ${cache.databaseHash.toString('hex')})` : ''}`);
    store.save(cache).catch((e: unknown) => this.notes.push(`the GATT cache could not be kept with the bond: ${(e as Error).message}`));
  }

  private async setUp(services: readonly DiscoveredService[], store: GattCacheStore): Promise<void> {
    const sc = gattCharacteristic(services, GATT_CHARACTERISTIC.SERVICE_CHANGED);
    const cccd = sc?.descriptors.find((d) => d.uuid === CCCD_UUID);
    if (cccd && store.options.serviceChanged !== false) await this.gatt.write(cccd.handle, Buffer.from([CCCD_BITS.indication, 0]), 'Write Request to the CCCD of Service Changed');
    const csf = gattCharacteristic(services, GATT_CHARACTERISTIC.CLIENT_SUPPORTED_FEATURES);
    if (csf && store.options.robustCaching) await this.gatt.write(csf.valueHandle, Buffer.from([CLIENT_FEATURE.ROBUST_CACHING]), 'Write Request to Client Supported Features');
  }
}
