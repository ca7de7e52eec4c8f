// A scenario as written in its file (YAML or JSON): kebab-case keys, names where the spec has names.
// scenario-schema.ts is the same shape as a JSON Schema; resolve-scenario.ts turns it into a Scenario.
import type { ValueInput } from '../../stack/gatt/profile-input.js';

export type SideInput = 'central' | 'peripheral';
/** A code by name or number: "ATT 0x05", "Insufficient Authentication", "SMP 0x03", "HCI 0x3E", 5. */
export type CodeInput = string | number;

export interface ScenarioInput {
  $schema?: string;
  name: string;
  description: string;
  /** Bluetooth SIG qualification test IDs: GATT/SR/GAR/BI-04-C, SM/CEN/JW/BI-01-C. */
  qualification?: string[];
  tags?: string[];
  'time-limit-ms'?: number;
  peripheral: PeripheralInput;
  faults?: FaultInput[];
  /** One central (this, or `centrals`). */
  central?: CentralInput;
  /** Two or more centrals connected to the one peripheral, each named, each with its own steps (run in turns). */
  centrals?: NamedCentralInput[];
  /** Expectations on the whole run's timelines. */
  expect?: { timeline?: TimelineExpectationInput[] };
}

export interface PeripheralInput {
  /** A built-in profile name or a file, relative to the scenario file. */
  profile: string;
  /** Initial values by characteristic name or UUID. */
  values?: Record<string, ValueInput>;
  behaviours?: BehaviourInput[];
  /** Run blebench's Security Manager with this configuration instead of bleno's SMP. */
  'security-manager'?: SecurityManagerInput;
}

/** One role's pairing configuration (common/stack/smp PairingConfig), in the scenario's words. */
export interface SecurityManagerInput {
  'io-capability'?: string;
  bonding?: boolean;
  mitm?: boolean | 'no' | 'requested' | 'required';
  sc?: 'no' | 'allowed' | 'only';
  'min-key-size'?: number;
  'max-key-size'?: number;
  /** A fixed passkey, a random one shown, or asked (nobody answers in a scenario: cancelled, 0x01). */
  passkey?: number | 'random' | 'ask';
  'numeric-comparison'?: 'accept' | 'reject' | 'ask';
  'debug-keys'?: boolean;
  'accept-debug-keys'?: boolean;
  /** false: every Pairing Request is answered 0x05 Pairing Not Supported. */
  pairable?: boolean;
  /** Use a resolvable private address from this role's IRK, made by the host or by the controller (Vol 6 Part B 1.3.2.2). */
  privacy?: 'host' | 'controller';
  /** Seconds between new RPAs (1..3600, default 900). */
  'rpa-timeout'?: number;
  /** false: this role does not distribute its IRK and identity address (IdKey clear, Vol 3 Part H 3.6.1). */
  'identity-key'?: boolean;
  /** false: this role keeps the peers' IRKs but never resolves their RPAs with them (a known bug, shown). */
  'resolve-private-addresses'?: boolean;
  /** The peripheral's answer to a Pairing Request from a central it holds a bond with (common/stack/smp/repairing-policy.ts). */
  'on-repairing'?: 'accept' | 'refuse-unless-stronger' | 'refuse';
}

export type GattOperationInput = 'read' | 'write' | 'write-without-response' | 'subscribe';

export type BehaviourInput =
  | { 'refuse-pairing': { reason: CodeInput } }
  | { answer: { characteristic: string; operation: GattOperationInput; error: CodeInput; nth?: number; repeat?: boolean } }
  | { 'disconnect-after': { pdu: string; 'sent-by'?: SideInput; reason?: CodeInput; nth?: number } }
  | { 'security-request-after': { pdu: string; 'sent-by'?: SideInput; nth?: number } }
  | { delay: { ms: number; characteristic?: string; operation?: Exclude<GattOperationInput, 'write-without-response'> } }
  | { notify: ScheduleInput }
  | { indicate: ScheduleInput };

export interface ScheduleInput {
  characteristic: string;
  'every-ms': number;
  count: number;
  /** Values in turn (the last repeats); default: the characteristic's value. */
  values?: ValueInput[];
}

interface FaultCommon {
  nth?: number;
  repeat?: boolean;
  label?: string;
}
export interface AclFaultTarget extends FaultCommon {
  pdu: string;
  'sent-by'?: SideInput;
}
export type FaultInput =
  | { drop: AclFaultTarget }
  | { delay: AclFaultTarget & { ms: number } }
  | { disconnect: AclFaultTarget & { reason?: CodeInput } }
  /** Payload offsets count from the opcode/code (0); `replace` is hex ("0f", "0f 00"); at least one of xor, replace, truncate. */
  | { corrupt: AclFaultTarget & { at?: number; xor?: number; replace?: string; truncate?: number } }
  | { 'refuse-encryption': FaultCommon & { status?: CodeInput } }
  | { 'fail-connection': FaultCommon & { status?: CodeInput } }
  /** The controller answers this HCI command ("LE Create Connection") with an error status (default 0x0C Command Disallowed). */
  | { 'refuse-command': FaultCommon & { command: string; status?: CodeInput } };

export type PairingPolicy = 'on-error' | 'never' | 'upfront';

export interface CentralInput {
  /** A platform persona (fixtures/personas/: ios, android, … or NAME:VARIANT): its Security Manager, the ATT errors it pairs for, its answer to a missing key. */
  as?: string;
  pairing?: PairingPolicy;
  /** What the central does when the peer has no key for its bond (Encryption Change 0x06): pair again, or stop (iOS since 13.4). */
  'on-key-missing'?: 'pair' | 'stop';
  /** Run blebench's Security Manager with this configuration instead of noble's SMP. */
  'security-manager'?: SecurityManagerInput;
  /** The central's time limit for one operation (discover, read, write, subscribe, pair); default the runner's. */
  'timeout-ms'?: number;
  /** How the central uses the GATT cache it keeps with a bond (Core Vol 3 Part G 2.5.2; README "GATT caching"). */
  'gatt-cache'?: { mode?: 'verify' | 'trust' | 'off'; 'robust-caching'?: boolean; 'service-changed'?: boolean };
  steps: StepInput[];
}

/** One of several centrals: a name (its timeline and its steps' labels carry it) and a central's fields. */
export interface NamedCentralInput extends CentralInput {
  name: string;
}

/** One action key, plus optional `name` and `expect`. */
export interface StepInput {
  name?: string;
  expect?: ExpectInput;
  connect?: { 'timeout-ms'?: number } | null;
  discover?: null | Record<string, never>;
  /** A characteristic's value, or (descriptor: cccd) this central's Client Characteristic Configuration of it. */
  read?: string | { characteristic: string; descriptor?: 'cccd' };
  write?: { characteristic: string; value: ValueInput; response?: boolean };
  subscribe?: string | { characteristic: string; mode?: 'notify' | 'indicate' };
  unsubscribe?: string | { characteristic: string };
  'wait-notification'?: { characteristic: string; count?: number; value?: ValueExpectationInput; 'timeout-ms'?: number };
  pair?: null | Record<string, never>;
  disconnect?: null | { reason?: CodeInput };
  reconnect?: null | Record<string, never>;
  wait?: { for: MatcherInput | string; 'timeout-ms'?: number };
  'hold-idle'?: { ms: number };
  'advance-clock'?: { seconds: number };
  /** The central's kept key (key) or its EDIV and Rand (ediv-rand) becomes another: the peer's differs or is missing. */
  'change-stored-key'?: { part: StoredKeyPart };
  /** The central forgets every bond it keeps (a phone's "Forget This Device"); new-irk: and makes a new IRK (a phone reset). */
  'forget-bonds'?: null | { 'new-irk'?: boolean };
  /**
   * The peripheral forgets every bond it keeps (a factory reset or a re-flash); new-identity: and takes a
   * new random static identity address and IRK (same-irk: keeps the IRK, as another unit flashed with it).
   */
  'factory-reset'?: null | { 'new-identity'?: boolean; 'same-irk'?: boolean };
  /** The peripheral restarts with another profile (a firmware update), its bonds kept; service-changed: false is a firmware without Service Changed. */
  'firmware-update'?: { profile: string; 'service-changed'?: boolean };
}

export type StoredKeyPart = 'key' | 'ediv-rand';

export interface ExpectInput {
  outcome?: CodeInput;
  value?: ValueExpectationInput;
  security?: { encrypted?: boolean; authenticated?: boolean; 'key-size'?: number; bonded?: boolean };
  timeline?: TimelineExpectationInput[];
}

/** A value exactly (hex/utf8/bytes/number as in profiles), or text, a regular expression, a length. */
export type ValueExpectationInput = ValueInput & { text?: string; regex?: string; length?: number };

export interface MatcherInput {
  pdu: string;
  'sent-by'?: SideInput;
  /** Whose tap (HCI seam) to look at; default the central's when there is one. */
  at?: SideInput;
  /** With several centrals, which central's tap `at: central` means (default: the step's own; in the run's expectations, the first). */
  central?: string;
  /** Decoded fields, by the tap's field names; a name matches the field or its "…Name" twin. */
  fields?: Record<string, unknown>;
}

export type ScopeInput = 'step' | 'run';

export type TimelineExpectationInput =
  | (MatcherInput & { count?: number; 'at-least'?: number; 'at-most'?: number; before?: MatcherInput | string; after?: MatcherInput | string; scope?: ScopeInput })
  | { none: MatcherInput & { before?: MatcherInput | string; after?: MatcherInput | string }; scope?: ScopeInput }
  | { order: Array<MatcherInput | string>; at?: SideInput; scope?: ScopeInput };
