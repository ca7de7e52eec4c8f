// One world: a radio (for `mock`), one transport per side, the peripheral (blebench's server or bleno
// as shipped) and the central (blebench's CentralClient or noble as shipped), opened in that order and
// closed in reverse by one close(). What the runner's rigs, the self-matrix, the seam check, the
// benchmark and the tests all stand on. The world composes both roles, so it lives above central/ and
// peripheral/ (neither imports the other) and below bin/ and test/.
import { Radio, type RadioOptions } from '../common/stack/air/index.js';
import type { FaultRule } from '../common/stack/air/faults.js';
import { openTransport, type HciTransport, type OpenTransportOptions } from '../common/stack/hci/transport.js';
import type { TransportError } from '../common/stack/hci/transport-errors.js';
import { parseTransportSpec, type TransportSpec } from '../common/stack/hci/transport-spec.js';
import { CentralClient, type CentralClientOptions } from '../central/central-client.js';
import { loadNoble, type LoadedNoble, type LoadNobleOptions } from '../central/noble/load.js';
import { servePeripheral, type PeripheralServer, type ServePeripheralOptions } from '../peripheral/index.js';
import { loadBleno, type LoadBlenoOptions, type LoadedBleno } from '../peripheral/bleno/index.js';
import { Closers } from './closers.js';

export type WorldSide = 'central' | 'peripheral';

/** The peripheral: blebench's server (the default), bleno as shipped, or only its transport (the caller runs the role). */
export type PeripheralRole = ({ kind?: 'server' } & Omit<ServePeripheralOptions, 'transport'>) | ({ kind: 'bleno' } & LoadBlenoOptions) | { kind: 'transport' };
/** The central: blebench's CentralClient (the default), noble as shipped, or only its transport. */
export type CentralRole = ({ kind?: 'client' } & CentralClientOptions) | ({ kind: 'noble' } & LoadNobleOptions) | { kind: 'transport' };

export interface WorldOptions {
  /** Both sides' transport (default `mock`: two controllers of one in-process virtual radio). */
  transport?: string | TransportSpec;
  /** For `mock`: a radio to join (the caller closes it), or the settings of the world's own. */
  radio?: Radio | RadioOptions;
  /** For `mock`: fault rules loaded on the world's radio before any controller is made. */
  faults?: readonly FaultRule[];
  /** Left out: no peripheral side. */
  peripheral?: PeripheralRole;
  /** Left out: no central side. */
  central?: CentralRole;
  /**
   * More centrals beside `central`, each a CentralClient on its own transport (a controller of the same
   * radio, or of the same `blebench air`), named `central-NAME`, opened after `central`; the peripheral
   * serves them all at once. `capture`: its btsnoop file.
   */
  moreCentrals?: ReadonlyArray<{ readonly name: string; readonly capture?: string } & CentralClientOptions>;
  /** btsnoop files, by side: the capture starts when the transport opens, before any role speaks. */
  capture?: Partial<Record<WorldSide, string>>;
  /** Each side's transport settings beyond the radio and its name (history, controller, serial). */
  transportOptions?: Partial<Record<WorldSide, Omit<OpenTransportOptions, 'radio' | 'name'>>>;
  /** Runs once per side when its transport is open and captured, before either role loads (a controller address). */
  prepare?: (side: WorldSide, transport: HciTransport) => Promise<void>;
  /** A controller went away (the transport closed with an error). `world.lost` rejects with it too. */
  onTransportLost?: (error: TransportError, side: WorldSide) => void;
}

type IsMock<T> = T extends 'mock' | { kind: 'mock' } ? true : false;
type RadioPart<O> = O extends { transport: infer T } ? (IsMock<T> extends true ? { radio: Radio } : { radio: Radio | undefined }) : { radio: Radio };
type PeripheralPart<P> = P extends { kind: 'bleno' } ? { pt: HciTransport; bleno: LoadedBleno } : P extends { kind: 'transport' } ? { pt: HciTransport } : P extends object ? { pt: HciTransport; server: PeripheralServer } : unknown;
type CentralPart<C> = C extends { kind: 'noble' } ? { ct: HciTransport; noble: LoadedNoble } : C extends { kind: 'transport' } ? { ct: HciTransport } : C extends object ? { ct: HciTransport; client: CentralClient } : unknown;

export interface WorldBase {
  /** The sides' transports (each present when its side is). */
  readonly transports: Partial<Record<WorldSide, HciTransport>>;
  /** Rejects with the first transport's error when a controller goes away (handled: await it to race with it). */
  readonly lost: Promise<never>;
  /** A part the caller opened on this world afterwards (a role loaded later): closed first, before the world's own. */
  addPart(part: string, close: () => unknown): void;
  /** Central, peripheral, transports, radio: each closed, in that order, even when one before fails; once. */
  close(): Promise<void>;
}

export type World<O extends WorldOptions = WorldOptions> = WorldBase &
  RadioPart<O> &
  (O extends { peripheral: infer P } ? PeripheralPart<P> : unknown) &
  (O extends { central: infer C } ? CentralPart<C> : unknown);

/** Every part a world may hold, for code that handles any world. */
export interface WorldParts extends WorldBase {
  radio?: Radio;
  pt?: HciTransport;
  ct?: HciTransport;
  server?: PeripheralServer;
  bleno?: LoadedBleno;
  client?: CentralClient;
  noble?: LoadedNoble;
  /** The `moreCentrals`, in their order. */
  moreClients?: ReadonlyArray<{ readonly name: string; readonly transport: HciTransport; readonly client: CentralClient }>;
}

/**
 * Opens the world: radio, the peripheral's transport, the central's, the peripheral, the central. When
 * a part fails to open, what was opened is closed (in reverse) and the part's error is thrown.
 */
export async function openWorld<const O extends WorldOptions>(o: O): Promise<World<O>> {
  const spec = typeof o.transport === 'object' ? o.transport : parseTransportSpec(o.transport ?? 'mock');
  const closers = new Closers();
  const parts: { -readonly [K in keyof WorldParts]?: WorldParts[K] } = { transports: {} };
  let loseTransport: (e: TransportError) => void = () => undefined;
  const lost = new Promise<never>((_, reject) => (loseTransport = reject));
  lost.catch(() => undefined);
  try {
    if (spec.kind === 'mock') {
      const given = o.radio instanceof Radio ? o.radio : undefined;
      const radio = given ?? new Radio(o.radio as RadioOptions | undefined);
      if (!given) closers.push('the radio', () => radio.close());
      if (o.faults?.length) radio.faults.load(o.faults);
      parts.radio = radio;
    }
    const open = async (side: WorldSide, extra?: { name: string; capture?: string }): Promise<HciTransport> => {
      const name = extra ? `central-${extra.name}` : side;
      const t = await openTransport(spec, { ...o.transportOptions?.[side], name, ...(parts.radio ? { radio: parts.radio } : {}) });
      t.once('close', (err) => {
        if (!err) return;
        o.onTransportLost?.(err, side);
        loseTransport(err);
      });
      closers.push(`the ${name}'s transport`, () => t.close());
      const file = extra ? extra.capture : o.capture?.[side];
      if (file) t.tap.attachBtsnoop(file);
      await o.prepare?.(side, t);
      if (!extra) parts.transports![side] = t;
      return t;
    };
    const pt = o.peripheral ? (parts.pt = await open('peripheral')) : undefined;
    const ct = o.central ? (parts.ct = await open('central')) : undefined;
    if (pt && o.peripheral) await openPeripheral(o.peripheral, pt, parts, closers);
    if (ct && o.central) await openCentral(o.central, ct, parts, closers);
    const more: Array<{ name: string; transport: HciTransport; client: CentralClient }> = [];
    for (const { name, capture, ...options } of o.moreCentrals ?? []) {
      const transport = await open('central', { name, ...(capture ? { capture } : {}) });
      const client = await CentralClient.open(transport, options);
      closers.push(`central ${name}`, () => client.close());
      more.push({ name, transport, client });
    }
    if (o.moreCentrals) parts.moreClients = more;
  } catch (e) {
    await closers.closeAll().catch(() => undefined);
    throw e;
  }
  return Object.assign(parts, { lost, addPart: (part: string, close: () => unknown) => closers.push(part, close), close: () => closers.closeAll() }) as unknown as World<O>;
}

async function openPeripheral(role: PeripheralRole, transport: HciTransport, parts: Partial<WorldParts>, closers: Closers): Promise<void> {
  if (role.kind === 'transport') return;
  if (role.kind === 'bleno') {
    const { kind: _, ...options } = role;
    const bleno = (parts.bleno = await loadBleno(transport, options));
    closers.push('bleno', () => bleno.close());
    return;
  }
  const { kind: _, ...options } = role;
  const server = (parts.server = await servePeripheral({ ...options, transport }));
  closers.push('the peripheral', () => server.close());
}

async function openCentral(role: CentralRole, transport: HciTransport, parts: Partial<WorldParts>, closers: Closers): Promise<void> {
  if (role.kind === 'transport') return;
  if (role.kind === 'noble') {
    const { kind: _, ...options } = role;
    const noble = (parts.noble = await loadNoble(transport, options));
    closers.push('noble', () => noble.close());
    return;
  }
  const { kind: _, ...options } = role;
  const client = (parts.client = await CentralClient.open(transport, options));
  closers.push('the central', () => client.close());
}
