// A persona: what one platform's Bluetooth stack does on each security answer, as data
// (fixtures/personas/*.yaml, issue 19). Every rule carries its value, where it comes from and how sure
// that is; where nobody knows, the rule says `unknown` and offers the candidates as named variants.
// The central part drives blebench's central (its Security Manager and its reactions); the peripheral
// part says what that platform answers when it serves.
import type { IoCapabilityName } from '../../stack/smp/pairing-config.js';

/** How sure a rule is: a vendor's document, the platform's source code, a maintainer, a user's report, our inference, nobody knows. */
export const CONFIDENCES = ['vendor', 'code', 'maintainer', 'user', 'inference', 'unknown'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

/** Another answer a rule could have, when nobody knows which is true (`--as NAME:VARIANT` picks it). */
export interface Variant<T> {
  readonly value: T;
  readonly about: string;
  readonly source?: string;
  readonly confidence?: Confidence;
}

/** One fact about a platform. */
export interface Rule<T> {
  readonly value: T;
  /** A URL, a repository and file or issue, or a spec section. */
  readonly source: string;
  readonly confidence: Confidence;
  readonly note?: string;
  /** Named alternatives; required when confidence is `unknown`. */
  readonly variants?: Readonly<Record<string, Variant<T>>>;
}

/** The ATT errors a persona reacts to, as the persona files write them. Core v5.4 Vol 3 Part F 3.4.1.1. */
export const PERSONA_ATT_ERRORS = ['0x05', '0x08', '0x0C', '0x0F'] as const;
export type PersonaAttError = (typeof PERSONA_ATT_ERRORS)[number];

/**
 * What a central does when a request meets an ATT error: encrypt with the kept key or, without one,
 * pair, then re-send (Vol 3 Part C 10.3.2); or give the error to the app.
 */
export const ATT_ERROR_ACTIONS = ['encrypt-or-pair', 'give-up'] as const;
/** After its pairing the re-sent request failed again: pair once more asking for MITM (Android), or give up. */
export const THEN_ACTIONS = ['pair-with-mitm', 'give-up'] as const;

export interface AttErrorReaction {
  readonly action: (typeof ATT_ERROR_ACTIONS)[number];
  /** How many times the request is re-sent after raising security (0 with give-up). */
  readonly resend: number;
  readonly then?: (typeof THEN_ACTIONS)[number];
}

export const KEY_DISTRIBUTION_KEYS = ['encKey', 'idKey', 'signKey'] as const;
export type DistributedKey = (typeof KEY_DISTRIBUTION_KEYS)[number];

export interface PersonaSecurityManager {
  readonly ioCapability: Rule<IoCapabilityName>;
  /** AuthReq. Vol 3 Part H 3.5.1. */
  readonly bonding: Rule<boolean>;
  readonly mitm: Rule<boolean>;
  readonly secureConnections: Rule<'no' | 'allowed' | 'only'>;
  readonly keypress: Rule<boolean>;
  readonly maxKeySize: Rule<number>;
  readonly minKeySize: Rule<number>;
  readonly keyDistribution: Rule<{ readonly initiator: readonly DistributedKey[]; readonly responder: readonly DistributedKey[] }>;
}

/** What an app gets: a platform error, by name, number and text. */
export interface PlatformError {
  readonly name: string;
  readonly code?: number;
  readonly text?: string;
}

/** How the platform hands an ATT error to the app. `corebluetooth`: CBATTError, code = the ATT code, CoreBluetooth's own text. */
export const ATT_ERROR_STYLES = ['corebluetooth', 'status', 'exception'] as const;
export interface AttErrorDelivery {
  readonly style: (typeof ATT_ERROR_STYLES)[number];
  /** "GATT status", "GattProtocolError", "org.bluez.Error.NotPermitted" … (corebluetooth: CBATTError). */
  readonly name?: string;
  /** Per ATT error, the platform's own word for it (corebluetooth needs none: blebench knows CoreBluetooth's texts). */
  readonly texts?: Readonly<Partial<Record<PersonaAttError, string>>>;
}

export const USER_SEES = ['dialog', 'notification', 'agent', 'nothing'] as const;
export interface UserSees {
  readonly shows: (typeof USER_SEES)[number];
  /** In words: "the pairing dialog appears (Pair / Cancel)". */
  readonly words: string;
}

export interface CentralPersona {
  readonly securityManager: PersonaSecurityManager;
  readonly privacy: Rule<{ readonly rpa: boolean; readonly renewalMinutes?: number }>;
  readonly onAttError: Readonly<Record<PersonaAttError, Rule<AttErrorReaction>>>;
  /** An SMP Security Request from the peripheral (Vol 3 Part H 3.6.7). */
  readonly onSecurityRequest: Rule<'encrypt-or-pair' | 'ignore'>;
  /** Encryption with the kept key failed: 0x06 PIN or Key Missing (the link stays), 0x3D MIC failure (the link drops). */
  readonly onEncryptionFailed: Readonly<{ '0x06': Rule<'pair' | 'stop'>; '0x3D': Rule<'pair' | 'stop'> }>;
  readonly timeouts: Rule<{ readonly smpSeconds: number; readonly attSeconds: number }>;
  readonly app: {
    readonly attError: Rule<AttErrorDelivery>;
    /** The pairing (or encryption) a request started failed: what the waiting request ends with (`att-error`: the first ATT error, delivered as above). */
    readonly securityFailed: Rule<PlatformError | 'att-error'>;
    /** The peer has no key for the bond (0x06). */
    readonly keyMissing: Rule<PlatformError>;
  };
  readonly user: {
    readonly pairing: Rule<UserSees>;
    readonly keyMissing: Rule<UserSees>;
  };
}

/** What a peripheral answers for one security setting of its platform's API, on a link that does not meet it. */
export interface PeripheralAnswer {
  /** The ATT error on an unencrypted link. */
  readonly unencrypted: PersonaAttError;
  /** Whether an encrypted but unauthenticated (Just Works) link is enough. */
  readonly justWorksEnough: boolean;
}

export interface PeripheralPersona {
  /** Per setting of the platform's API (macOS: readEncryptionRequired, …). */
  readonly answers: Readonly<Record<string, Rule<PeripheralAnswer>>>;
  readonly securityRequest: Rule<'never' | 'after-att-error' | 'on-connect'>;
  readonly onPairingRequest: Rule<'accept' | 'refuse' | 'silence'>;
}

export interface Persona {
  readonly name: string;
  readonly title: string;
  /** Which versions the rules were seen on. */
  readonly platform: string;
  readonly about?: string;
  readonly central?: CentralPersona;
  readonly peripheral?: PeripheralPersona;
  /** The file it came from, as shown to the user. */
  readonly source: string;
}
