// One fault case's world: a bleno peripheral (the peripheral program's server) and a noble central
// (the central client) on a fresh virtual radio, each with blebench's Security Manager set for a
// pairing method and a key store file, and both taps' timelines to read the SMP/ATT sequence from.
import { Radio } from '../../../common/stack/air/index.js';
import { ATT_OP } from '../../../common/base/codes/att.js';
import type { ResolvedProfile } from '../../../common/stack/gatt/index.js';
import { JsonFileKeyStore } from '../../../common/stack/smp/json-key-store.js';
import type { LinkSession, SmpSetup } from '../../../common/stack/smp/link-session.js';
import type { PairingOutcome } from '../../../common/stack/smp/engine-types.js';
import { pairingConfig, type PairingConfig, type PairingDelegate } from '../../../common/stack/smp/pairing-config.js';
import type { CentralConnection } from '../../../central/connection.js';
import { openWorld, type World } from '../../../world/open-world.js';
import { createLogger } from '../../../common/base/log/logger.js';

/** The five pairing methods: LE legacy and LE Secure Connections. Core Vol 3 Part H 2.3.5.1. */
export const PAIRING_METHOD_CASES = ['legacy-just-works', 'legacy-passkey', 'sc-just-works', 'sc-numeric-comparison', 'sc-passkey'] as const;
export type PairingMethodCase = (typeof PAIRING_METHOD_CASES)[number];

/** The passkey both users "know" (the peripheral displays it, the central types it). */
export const RIG_PASSKEY = 123456;

/** Central and peripheral settings that make the spec's tables choose the method; both bond. */
export function methodSettings(m: PairingMethodCase): { central: Partial<PairingConfig>; peripheral: Partial<PairingConfig> } {
  const sc: Partial<PairingConfig> = { secureConnections: m.startsWith('sc-') ? 'only' : 'no', bonding: true };
  if (m.endsWith('just-works')) {
    const c = { ...sc, ioCapability: 'NoInputNoOutput' as const, mitm: 'no' as const };
    return { central: c, peripheral: c };
  }
  if (m.endsWith('passkey')) {
    return {
      central: { ...sc, ioCapability: 'KeyboardOnly', mitm: 'requested', passkey: { fixed: RIG_PASSKEY } },
      peripheral: { ...sc, ioCapability: 'DisplayOnly', mitm: 'requested', passkey: { fixed: RIG_PASSKEY } },
    };
  }
  const nc = { ...sc, ioCapability: 'DisplayYesNo' as const, mitm: 'requested' as const, numericComparison: 'accept' as const };
  return { central: nc, peripheral: nc };
}

const silentDelegate: PairingDelegate = { displayPasskey: () => undefined, enterPasskey: async () => RIG_PASSKEY, compareNumbers: async () => true };

export interface RigOptions {
  profile: ResolvedProfile;
  method?: PairingMethodCase;
  centralKeys?: string;
  peripheralKeys?: string;
  /** The central's per-operation time limit. */
  timeoutMs?: number;
  radio?: Radio;
}

export type Rig = World<{ peripheral: { profile: ResolvedProfile }; central: { policy: 'never' } }> & {
  /** Every Security Manager outcome, by side, in order. */
  outcomes: { central: PairingOutcome[]; peripheral: PairingOutcome[] };
  connect(): Promise<CentralConnection>;
};

export async function startRig(o: RigOptions): Promise<Rig> {
  const outcomes: Rig['outcomes'] = { central: [], peripheral: [] };
  const smp = (side: 'central' | 'peripheral', keys: string | undefined): SmpSetup | undefined => {
    if (!o.method) return undefined;
    return {
      config: pairingConfig(methodSettings(o.method)[side]),
      delegate: silentDelegate,
      timeoutMs: 5000,
      ...(keys ? { keyStore: new JsonFileKeyStore(keys) } : {}),
      onSession: (s: LinkSession) => void s.on('outcome', (x) => outcomes[side].push(x)),
    };
  };
  const ps = smp('peripheral', o.peripheralKeys);
  const cs = smp('central', o.centralKeys);
  const world = await openWorld({
    radio: o.radio ?? { name: 'faults' },
    peripheral: { profile: o.profile, logger: createLogger({ level: 'silent', name: 'peripheral' }), ...(ps ? { smp: ps } : {}) },
    central: { policy: 'never', timeoutMs: o.timeoutMs ?? 3000, ...(cs ? { smp: cs } : {}) },
  });
  const { client, server, ct } = world;
  const closeWorld = world.close;
  return Object.assign(world, {
    outcomes,
    // A radio given (set up by the case) is closed with the rig, after everything on it.
    async close() {
      try {
        await closeWorld();
      } finally {
        o.radio?.close();
      }
    },
    // noble exchanges the MTU right after connecting: wait for it, so that a case's PDUs start after it
    async connect() {
      const conn = await client.connectTo({ kind: 'address', value: server.address.toLowerCase() });
      await ct.tap.waitFor((e) => e.layer === 'att' && e.raw[0] === ATT_OP.EXCHANGE_MTU_RSP, { includePast: true, timeoutMs: o.timeoutMs ?? 3000, what: 'the ATT MTU exchange' });
      return conn;
    },
  });
}
