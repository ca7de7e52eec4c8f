// The security-matrix engine: every characteristic × operation the target offers, first on an
// unencrypted link (policy never), then on a new connection under the chosen policy (upfront
// pairs at once, on-error pairs at the first 0x05/0x0F; never leaves the second phase out).
import type { ResolvedProfile } from '../../common/stack/gatt/resolved-profile.js';
import type { CentralClient, ConnectOptions } from '../central-client.js';
import type { CentralConnection } from '../connection.js';
import { isCentralError } from '../errors.js';
import type { PairingPolicy } from '../pairing/pairing-policy.js';
import type { Found } from '../scan.js';
import { compareWithProfile } from './compare.js';
import type { DescriptorRead, MatrixResult, Phase, PhaseName } from './matrix-types.js';
import { CCCD_UUID } from '../gatt/gatt-uuids.js';
import { runPhase } from './run-phase.js';
import { builtInNames } from '../gatt/profile-match.js';
import type { DiscoveredCharacteristic } from '../gatt/discovered.js';
import type { MatrixMethod } from './pairing-methods.js';

export interface PersonaColumn {
  name: string;
  policy: PairingPolicy;
  connect: ConnectOptions;
  prepare: () => void | Promise<void>;
  annotate: (phase: Phase) => void;
}

export interface MatrixOptions {
  policy: PairingPolicy;
  profile?: ResolvedProfile;
  /**
   * One paired phase per pairing method instead of the one paired phase; before each, useMethod
   * configures the central's Security Manager (and, on mock, the peripheral's) for it.
   */
  methods?: readonly MatrixMethod[];
  useMethod?: (method: MatrixMethod) => void | Promise<void>;
  /**
   * One phase per persona instead of the paired phase(s) (--as): before each, prepare() sets the
   * central's Security Manager as the persona's; the phase connects with the persona's policy and
   * reactions (even when it gives every error up); annotate() adds what its app and user would see.
   */
  personas?: readonly PersonaColumn[];
  /** Progress for logs. */
  onPhase?: (phase: Phase) => void;
  /** Read every descriptor but the CCCD after each phase's cells, and keep the GATT table (for --save-profile). */
  readDescriptors?: boolean;
}

async function phase(client: CentralClient, found: Found, name: PhaseName, policy: PairingPolicy, profile: ResolvedProfile | undefined, readDescriptors = false, connect: ConnectOptions = {}): Promise<{ phase: Phase; chars: DiscoveredCharacteristic[] }> {
  const method = name.startsWith('paired:') ? (name.slice('paired:'.length) as MatrixMethod) : undefined;
  const persona = name.startsWith('as:') ? name.slice('as:'.length) : undefined;
  const p: Phase = { name, policy, ...(method ? { method } : {}), ...(persona ? { persona } : {}), cells: [], pairings: [] };
  let conn: CentralConnection | undefined;
  try {
    conn = await client.connect(found, { ...connect, policy: policy === 'upfront' ? 'never' : policy });
    conn.on('paired', (r) => p.pairings.push(r));
    if (policy === 'upfront') {
      const r = await conn.pair('upfront');
      if (r.error) {
        p.note = `pairing right after connecting failed: ${r.error.message}`;
        return { phase: p, chars: [] };
      }
    }
    const chars = await conn.characteristics();
    const run = await runPhase(profile ? { conn, phase: name, profile } : { conn, phase: name }, chars);
    p.cells = run.cells;
    if (run.lost) p.note = `the link was lost: ${run.lost.message}; the cells after it were not tried`;
    else if (readDescriptors) p.descriptors = await readAllDescriptors(conn, chars);
    return { phase: p, chars };
  } catch (e) {
    if (!isCentralError(e)) throw e;
    p.note = `the phase could not run: ${e.message}`;
    return { phase: p, chars: [] };
  } finally {
    await conn?.disconnect().catch(() => undefined);
  }
}

export async function runMatrix(client: CentralClient, found: Found, options: MatrixOptions): Promise<MatrixResult> {
  const result: MatrixResult = { target: found.advertisement, policy: options.policy, phases: [], differences: [] };
  result.centralKey = (await client.bonds.store.list()).some((b) => b.peerLtk && b.peer.address.toLowerCase() === found.advertisement.address.toLowerCase());
  const first = await phase(client, found, 'unencrypted', 'never', options.profile, options.readDescriptors);
  result.phases.push(first.phase);
  options.onPhase?.(first.phase);
  let chars = first.chars;
  const methods = options.methods?.length ? options.methods : undefined;
  if (methods) result.methods = [...methods];
  if (options.personas?.length) {
    result.personas = options.personas.map((c) => c.name);
    for (const column of options.personas) {
      await column.prepare();
      const again = await client.find({ kind: 'address', value: found.advertisement.address.toLowerCase() });
      const run = await phase(client, again, `as:${column.name}`, column.policy, options.profile, options.readDescriptors, column.connect);
      column.annotate(run.phase);
      result.phases.push(run.phase);
      options.onPhase?.(run.phase);
      if (!chars.length) chars = run.chars;
    }
  }
  const paired: { name: PhaseName; method?: MatrixMethod }[] = options.personas?.length ? [] : methods ? methods.map((m) => ({ name: `paired:${m}` as const, method: m })) : [{ name: 'paired' }];
  for (const { name, method } of paired) {
    if (options.policy === 'never') {
      result.phases.push({ name, policy: 'never', ...(method ? { method } : {}), cells: [], pairings: [], note: 'not run: the pairing policy "never" does not pair' });
      continue;
    }
    if (method) await options.useMethod?.(method);
    const again = await client.find({ kind: 'address', value: found.advertisement.address.toLowerCase() });
    const second = await phase(client, again, name, options.policy, options.profile, options.readDescriptors);
    result.phases.push(second.phase);
    options.onPhase?.(second.phase);
    if (!chars.length) chars = second.chars;
  }
  if (options.readDescriptors) result.discovered = chars;
  if (!options.profile) nameFromBuiltIn(result, chars);
  const peerKey = client.peerKey(found.advertisement.address);
  if (peerKey) result.peerKey = peerKey;
  if (options.profile) {
    result.profile = { name: options.profile.name, source: options.profile.source };
    result.differences = compareWithProfile(result, options.profile, chars);
    for (const p of result.phases) if (p.note && p.name === 'unencrypted') result.differences.push(`phase ${p.name}: ${p.note}`);
  }
  return result;
}

/** With no profile given, the cells take the names of the built-in profile that names the most of them (as the console does). */
function nameFromBuiltIn(result: MatrixResult, chars: readonly DiscoveredCharacteristic[]): void {
  const names = builtInNames(chars);
  if (!names) return;
  result.namedBy = names.profile;
  for (const p of result.phases) {
    for (const c of p.cells) {
      const name = names.nameOf(c.characteristic);
      if (name !== undefined) c.characteristic.name = name;
    }
  }
}

/** Each descriptor but the CCCD (the subscription cells wrote it), read on this phase's link; stops when the link is lost. */
async function readAllDescriptors(conn: CentralConnection, chars: readonly DiscoveredCharacteristic[]): Promise<DescriptorRead[]> {
  const out: DescriptorRead[] = [];
  for (const c of chars) {
    for (const d of c.descriptors) {
      if (d.uuid === CCCD_UUID) continue;
      const characteristic = { uuid: c.uuid, serviceUuid: c.serviceUuid };
      try {
        out.push({ characteristic, uuid: d.uuid, handle: d.handle, outcome: { kind: 'value', hex: (await conn.readDescriptor(d.handle)).toString('hex') } });
      } catch (e) {
        if (!isCentralError(e)) throw e;
        out.push({ characteristic, uuid: d.uuid, handle: d.handle, outcome: { kind: 'error', error: e } });
        if (!conn.connected) return out;
      }
    }
  }
  return out;
}
