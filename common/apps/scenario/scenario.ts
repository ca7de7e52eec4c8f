// A scenario after loading: every name resolved (characteristics against the profile, PDU names to
// their timeline names and channel/opcode, codes to number + name), every value encoded. This is what
// the runner and the expectation evaluator use; scenario-input.ts is what the file says.
import type { PairingConfig } from '../../stack/smp/pairing-config.js';
import type { RolePrivacy } from '../../stack/smp/privacy-setup.js';
import type { FaultRule } from '../../stack/air/faults.js';
import type { ResolvedProfile } from '../../stack/gatt/resolved-profile.js';
import type { CanonicalUuid } from '../../stack/gatt/uuid.js';
import type { PduName } from './pdu-names.js';
import type { ProtocolCode } from './protocol-codes.js';
import type { PairingPolicy } from './scenario-input.js';

export type { PairingPolicy } from './scenario-input.js';

/** Which host: the two roles of a scenario. */
export type ScenarioRole = 'central' | 'peripheral';

/** A characteristic of the scenario's profile, as the scenario named it. */
export interface CharacteristicRef {
  readonly name: string;
  readonly uuid: CanonicalUuid;
  readonly serviceUuid: CanonicalUuid;
  /** What the file said (a name or a UUID). */
  readonly written: string;
}

// ---- expectations ----------------------------------------------------------------------------------

/** What a step must end with. */
export type ExpectedOutcome =
  | { readonly kind: 'ok' }
  /** Any error at all. */
  | { readonly kind: 'error' }
  | { readonly kind: 'code'; readonly code: ProtocolCode }
  /** The step did not finish within its time (noble never calls back after a failed pairing). */
  | { readonly kind: 'timeout' };

/** How a scenario wrote an exact value: its failure is told in the same words. */
export type ValueNotation =
  | { readonly kind: 'hex' }
  | { readonly kind: 'utf8' }
  | { readonly kind: 'bytes' }
  | { readonly kind: 'number'; readonly width: number; readonly endianness: 'little' | 'big'; readonly signed: boolean };

export type ValueExpectation =
  /** Exactly these octets, and how the file wrote them (a failure is shown in that notation, hex beside). */
  | { readonly kind: 'exact'; readonly bytes: Buffer; readonly notation?: ValueNotation }
  /** The value read as UTF-8 is this text. */
  | { readonly kind: 'text'; readonly text: string }
  /** The value read as UTF-8 matches this regular expression. */
  | { readonly kind: 'regex'; readonly pattern: RegExp }
  | { readonly kind: 'length'; readonly length: number };

export interface SecurityExpectation {
  readonly encrypted?: boolean;
  /** Encrypted with a key from a pairing with MITM protection. */
  readonly authenticated?: boolean;
  readonly keySize?: number;
  readonly bonded?: boolean;
}

/** Entries matching a PDU (or HCI command/event) name, who sent it and some of its decoded fields. */
export interface PduMatcher {
  readonly pdu: PduName;
  /** For air PDUs (ATT, SMP, L2CAP): who sent it. For HCI commands: the host that issued it. */
  readonly sentBy?: ScenarioRole;
  /** Whose tap to look at; default the central's when the run has one. */
  readonly at?: ScenarioRole;
  /** By the tap's field names; strings also match the field's "…Name" twin; objects match partly. */
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** Where timeline expectations look: the entries of this step, or the whole run so far. */
export type TimelineScope = 'step' | 'run';

/** With several centrals: whose tap `at: central` means (default the step's own central; in the run's expectations, the first). */
export type TimelineExpectation = { readonly central?: string } & (
  /** Matching entries occur (at least once by default, or a count/range), optionally before/after another. */
  | {
      readonly kind: 'seen';
      readonly match: PduMatcher;
      readonly count?: number;
      readonly atLeast?: number;
      readonly atMost?: number;
      readonly before?: PduMatcher;
      readonly after?: PduMatcher;
      readonly scope: TimelineScope;
      readonly path: string;
    }
  /** No matching entry (before the first `before` entry / after the first `after` entry, when given). */
  | { readonly kind: 'none'; readonly match: PduMatcher; readonly before?: PduMatcher; readonly after?: PduMatcher; readonly scope: TimelineScope; readonly path: string }
  /** These happen in this order (other entries may come between), on one tap. */
  | { readonly kind: 'order'; readonly sequence: readonly PduMatcher[]; readonly at?: ScenarioRole; readonly scope: TimelineScope; readonly path: string }
);

export interface StepExpectations {
  readonly outcome: ExpectedOutcome;
  /** false when the file did not say: the outcome then defaults to ok. */
  readonly outcomeExplicit: boolean;
  readonly value?: ValueExpectation;
  readonly security?: SecurityExpectation;
  readonly timeline: readonly TimelineExpectation[];
}

// ---- central steps ---------------------------------------------------------------------------------

interface StepBase {
  /** 0-based position in central.steps. */
  readonly index: number;
  /** JSON Pointer of the step in the file. */
  readonly path: string;
  /** The file's `name`, or words made from the step ("read Encrypted Read"). */
  readonly label: string;
  readonly expect: StepExpectations;
}

export type Step = StepBase &
  (
    | { readonly kind: 'connect'; readonly timeoutMs: number }
    | { readonly kind: 'discover' }
    /** The value, or (descriptor cccd) this central's Client Characteristic Configuration of the characteristic. */
    | { readonly kind: 'read'; readonly characteristic: CharacteristicRef; readonly descriptor?: 'cccd' }
    | { readonly kind: 'write'; readonly characteristic: CharacteristicRef; readonly value: Buffer; readonly withResponse: boolean }
    | { readonly kind: 'subscribe'; readonly characteristic: CharacteristicRef; readonly mode: 'notify' | 'indicate' }
    | { readonly kind: 'unsubscribe'; readonly characteristic: CharacteristicRef }
    | { readonly kind: 'wait-notification'; readonly characteristic: CharacteristicRef; readonly count: number; readonly value?: ValueExpectation; readonly timeoutMs: number }
    | { readonly kind: 'pair' }
    | { readonly kind: 'disconnect'; readonly reason: ProtocolCode }
    | { readonly kind: 'reconnect' }
    /** Wait for a timeline event: never a fixed sleep. */
    | { readonly kind: 'wait'; readonly for: PduMatcher; readonly timeoutMs: number }
    /** Keep the link idle for this long: the one step that waits on a clock, and says so. */
    | { readonly kind: 'hold-idle'; readonly ms: number }
    /** The virtual radio's clock moves on this many seconds at once (RPAs due for renewal are renewed on their next use). */
    | { readonly kind: 'advance-clock'; readonly seconds: number }
    /**
     * The central's kept LTK becomes another value (`key`: the peer holds a different key, so the
     * encryption fails its MIC) or its EDIV and Rand do (`ediv-rand`: the peer finds no key for them).
     */
    | { readonly kind: 'change-stored-key'; readonly part: 'key' | 'ediv-rand' }
    /**
     * The central forgets every bond it keeps (a phone's "Forget This Device"): its next link pairs from
     * scratch; `newIrk`: with a new IRK (its identity address stays), distributed at its next bonding.
     */
    | { readonly kind: 'forget-bonds'; readonly newIrk: boolean }
    /**
     * The peripheral forgets every bond it keeps (a factory reset): a bonded central's key meets a Negative
     * Reply. `newIdentity`: it takes a new random static identity and a new IRK ('fresh') or keeps its IRK
     * ('same-irk': another unit flashed with the same IRK), so a bonded central cannot resolve (or wrongly
     * resolves) its next RPA.
     */
    | { readonly kind: 'factory-reset'; readonly newIdentity?: 'fresh' | 'same-irk' }
    /**
     * The peripheral restarts serving another profile, its bonds kept (a firmware update; a connected
     * central is disconnected). serviceChanged false: the new firmware has no Service Changed (nor
     * Database Hash): nothing tells a caching central. Core v5.4 Vol 3 Part G 2.5.2, 7.1.
     */
    | { readonly kind: 'firmware-update'; readonly profileRef: string; readonly profile: ResolvedProfile; readonly serviceChanged: boolean }
  );

export type StepKind = Step['kind'];

// ---- peripheral ------------------------------------------------------------------------------------

/** The GATT operations a behaviour can target; subscribe is the CCCD write. */
export type BehaviourOperation = 'read' | 'write' | 'write-without-response' | 'subscribe';

export type Behaviour = { readonly path: string } & (
  /** Answer every Pairing Request with Pairing Failed (reason). Vol 3 Part H 3.5.5. */
  | { readonly kind: 'refuse-pairing'; readonly reason: ProtocolCode }
  /** Answer this operation on this characteristic with this ATT error instead of what the profile says. */
  | { readonly kind: 'answer'; readonly characteristic: CharacteristicRef; readonly operation: BehaviourOperation; readonly error: ProtocolCode; readonly nth: number; readonly repeat: boolean }
  /** The peripheral's host disconnects (HCI Disconnect, reason) once this PDU has passed. */
  | { readonly kind: 'disconnect-after'; readonly pdu: PduName; readonly sentBy?: ScenarioRole; readonly reason: ProtocolCode; readonly nth: number }
  /** The peripheral's Security Manager sends a Security Request (Vol 3 Part H 3.6.7) once this PDU has passed. */
  | { readonly kind: 'security-request-after'; readonly pdu: PduName; readonly sentBy?: ScenarioRole; readonly nth: number }
  /** Answer requests this much later (all, or one characteristic / operation). */
  | { readonly kind: 'delay'; readonly ms: number; readonly characteristic?: CharacteristicRef; readonly operation?: Exclude<BehaviourOperation, 'write-without-response'> }
  /** Once subscribed, send `count` notifications or indications, one every `everyMs`. */
  | { readonly kind: 'notify' | 'indicate'; readonly characteristic: CharacteristicRef; readonly everyMs: number; readonly count: number; readonly values: readonly Buffer[] }
);

export interface PeripheralSetup {
  /** What the file said: a profile name or a path. */
  readonly profileRef: string;
  readonly profile: ResolvedProfile;
  /** Initial values replacing the profile's. */
  readonly values: ReadonlyArray<{ readonly characteristic: CharacteristicRef; readonly value: Buffer }>;
  readonly behaviours: readonly Behaviour[];
  /** blebench's Security Manager with this configuration instead of bleno's SMP. */
  readonly smp?: PairingConfig;
  /** An RPA from the peripheral's IRK, and whether it resolves the centrals' RPAs (security-manager: privacy, resolve-private-addresses). */
  readonly privacy?: RolePrivacy;
}

// ---- the scenario ----------------------------------------------------------------------------------

export interface Scenario {
  /** As given to loadScenario (relative to the working directory when inside it). */
  readonly file: string;
  readonly name: string;
  readonly description: string;
  readonly qualification: readonly string[];
  readonly tags: readonly string[];
  readonly timeLimitMs: number;
  readonly peripheral: PeripheralSetup;
  /** Rules for the virtual radio (common/stack/air/faults.ts); on real adapters the runner refuses them. */
  readonly faults: readonly FaultRule[];
  /** The (first) central: `central:`, or the first of `centrals:`. */
  readonly central: ScenarioCentral;
  /**
   * Every central, in the file's order: one (named "central") for `central:`, two or more for
   * `centrals:`. Their steps run in turns: step 1 of each, in this order, then step 2 of each, …
   */
  readonly centrals: readonly ScenarioCentral[];
  /** Expectations on the whole run. */
  readonly expect: { readonly timeline: readonly TimelineExpectation[] };
}

/** The central's GATT cache settings (central/gatt/gatt-cache.ts GattCacheOptions). */
export interface ScenarioGattCache {
  readonly mode: 'verify' | 'trust' | 'off';
  readonly robustCaching: boolean;
  readonly serviceChanged: boolean;
}

/** `timeoutMs`: the central's time limit for one operation, when the file says (else the runner's). */
export interface ScenarioCentral {
  /** Its name in `centrals:` (labels its steps and its timeline); "central" for a lone `central:`. */
  readonly name: string;
  readonly pairing: PairingPolicy;
  readonly onKeyMissing: KeyMissingPolicy;
  readonly smp?: PairingConfig;
  readonly privacy?: RolePrivacy;
  /** `as: PERSONA`: the persona's name and the ATT errors it pairs for (on-error). */
  readonly persona?: string;
  readonly cures?: readonly number[];
  readonly timeoutMs?: number;
  /** How the GATT cache kept with a bond is used (absent: the central's default, verify). */
  readonly gattCache?: ScenarioGattCache;
  readonly steps: readonly Step[];
}

/** A scenario's whole time, when the file does not say. */
export const DEFAULT_TIME_LIMIT_MS = 30_000;
/** How long connect, wait and wait-notification steps wait, when the file does not say. */
export const DEFAULT_STEP_TIMEOUT_MS = 5_000;
/** The central's pairing policy, when the file does not say: pair when a request meets 0x05/0x0F (noble's way). */
export const DEFAULT_PAIRING_POLICY: PairingPolicy = 'on-error';
/** What a bonded central does on Encryption Change 0x06 (central/pairing/key-missing-policy.ts says what each does): pair again, or stop as iOS does. */
export const KEY_MISSING_POLICIES = ['pair', 'stop'] as const;
export type KeyMissingPolicy = (typeof KEY_MISSING_POLICIES)[number];
/** The central's key-missing policy, when the file does not say: pair again (as Android and BlueZ do). */
export const DEFAULT_KEY_MISSING_POLICY: KeyMissingPolicy = 'pair';

/**
 * The scenario moves the virtual radio's clock (`advance-clock`): only a run whose hosts share the
 * radio's process (--transport mock) has their RPA timers on that clock.
 */
export const movesRadioClock = (s: Scenario): boolean => scenarioCentrals(s).some((c) => c.steps.some((st) => st.kind === 'advance-clock'));

/** The centrals that run: `centrals` when there are several, else `central` (which a caller may have replaced). */
export const scenarioCentrals = (s: Scenario): readonly ScenarioCentral[] => (s.centrals.length > 1 ? s.centrals : [s.central]);
