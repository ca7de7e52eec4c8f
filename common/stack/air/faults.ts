// The fault plan: a typed, data-driven rule list that makes the radio misbehave on purpose.
// Evaluated at four points only: each L2CAP PDU start in the ACL path, LE Enable Encryption,
// connection establishment, and each HCI command a host sends. Plain data, so scenario files can
// carry it as JSON.

/** What to do with a matching ACL packet (the whole L2CAP PDU it starts). */
export type AclFaultAction =
  | { kind: 'drop' } // the PDU never arrives (the sender still gets Number Of Completed Packets)
  | { kind: 'delay'; ms: number } // the PDU, and everything behind it on that link direction, arrives ms later
  | { kind: 'disconnect'; reason: number } // the link drops: both hosts get Disconnection Complete with reason
  | AclCorruptAction; // the PDU arrives altered (see corruptPayload)

/**
 * The PDU arrives altered. Offsets count from the first L2CAP payload byte (the ATT opcode or SMP
 * code is offset 0). Applied in this order: `replace` writes its bytes from `at` (bytes past the
 * PDU's end are ignored), `xor` XORs the byte at `at`, `truncate` keeps the first n payload bytes
 * (the L2CAP length follows). A fragmented PDU is reassembled, altered, and sent on in fragments of
 * the first fragment's size.
 */
export interface AclCorruptAction {
  kind: 'corrupt';
  /** Payload offset for `replace` and `xor`; default 0. */
  at?: number;
  /** XOR the byte at `at` with this (0..255). */
  xor?: number;
  /** Write these bytes from `at`. */
  replace?: readonly number[];
  /** Keep only the first n payload bytes. */
  truncate?: number;
}

/** The L2CAP payload after a corrupt action (a new Buffer; the input is not changed). */
export function corruptPayload(payload: Buffer, action: AclCorruptAction): Buffer {
  const out = Buffer.from(payload);
  const at = action.at ?? 0;
  if (action.replace) for (let i = 0; i < action.replace.length && at + i < out.length; i++) out[at + i] = action.replace[i]! & 0xff;
  if (action.xor !== undefined && at < out.length) out[at] = (out[at]! ^ action.xor) & 0xff;
  return action.truncate !== undefined && action.truncate < out.length ? out.subarray(0, action.truncate) : out;
}

export interface AclMatch {
  /** Address of the controller whose host sent the packet ('AA:BB:CC:DD:EE:FF'). */
  from?: string;
  /** Which way the packet travels on the link. */
  direction?: 'central-to-peripheral' | 'peripheral-to-central';
  /** L2CAP channel id: 0x0004 ATT, 0x0005 LE signalling, 0x0006 SMP. */
  cid?: number;
  /** First payload bytes after the L2CAP header, e.g. [0x12] ATT Write Request, [0x01] SMP Pairing Request. */
  prefix?: readonly number[];
}

interface RuleCommon {
  /** Fire at the Nth match (1-based). Default 1. */
  nth?: number;
  /** Keep firing on every match from the Nth on. Default false: fire once. */
  repeat?: boolean;
  /** Free text shown in logs. */
  label?: string;
}

export interface AclFaultRule extends RuleCommon {
  on: 'acl';
  match?: AclMatch;
  action: AclFaultAction;
}

export interface LinkMatch {
  /** Address of the central (initiating) controller. */
  central?: string;
  /** Address of the peripheral (advertising) controller. */
  peripheral?: string;
}

/** The peripheral's link layer refuses LE encryption: the central's host gets Encryption Change with status. */
export interface EncryptionFaultRule extends RuleCommon {
  on: 'encryption';
  match?: LinkMatch;
  status: number;
}

/** Connection creation fails: the initiating host gets LE Connection Complete with status (e.g. 0x3E). */
export interface ConnectFaultRule extends RuleCommon {
  on: 'connect';
  match?: LinkMatch;
  status: number;
}

/**
 * The controller answers an HCI command with an error status instead of carrying it out, the way the
 * spec says that command answers (Vol 4 Part E 4.4): Command Status for a command whose outcome comes
 * as its own event (LE Create Connection, LE Enable Encryption; no event follows), Command Complete
 * with the status and zeroed return parameters otherwise (LE Set Advertising Enable, LE Long Term Key
 * Request Reply). E.g. 0x0C Command Disallowed, 0x07 Memory Capacity Exceeded, 0x02 Unknown
 * Connection Identifier (codes: common/base/codes/hci.ts HCI_STATUS).
 */
export interface CommandFaultRule extends RuleCommon {
  on: 'command';
  /** The HCI command's opcode (common/base/codes/hci.ts OP). */
  opcode: number;
  /** Address of the controller whose host sends the command; any controller when left out. */
  controller?: string;
  status: number;
}

export type FaultRule = AclFaultRule | EncryptionFaultRule | ConnectFaultRule | CommandFaultRule;

/** What the ACL path hands the plan for each L2CAP PDU start. */
export interface AclPacketFacts {
  from: string;
  direction: 'central-to-peripheral' | 'peripheral-to-central';
  cid: number;
  /** L2CAP payload bytes present in this first fragment. */
  payload: Buffer;
}

export interface FaultHit {
  rule: FaultRule;
  at: number; // Date.now()
}

interface LiveRule {
  rule: FaultRule;
  matches: number;
  fired: number;
}

export class FaultPlan {
  private live: LiveRule[] = [];
  /** Every time a rule fired, in order. */
  readonly hits: FaultHit[] = [];

  /** Add a rule; returns a function that removes it. */
  add(rule: FaultRule): () => void {
    const entry: LiveRule = { rule: Object.freeze({ ...rule }) as FaultRule, matches: 0, fired: 0 };
    this.live.push(entry);
    return () => {
      this.live = this.live.filter((e) => e !== entry);
    };
  }

  /** Replace every rule. */
  load(rules: readonly FaultRule[]): void {
    this.clear();
    for (const r of rules) this.add(r);
  }

  clear(): void {
    this.live = [];
  }

  /** No rules at all: the ACL path skips the plan. */
  get empty(): boolean {
    return this.live.length === 0;
  }

  get rules(): readonly FaultRule[] {
    return this.live.map((e) => e.rule);
  }

  /** @internal The ACL path asks: what happens to this PDU? First rule that fires wins. */
  onAcl(facts: AclPacketFacts): AclFaultAction | undefined {
    const hit = this.fire('acl', (r) => aclMatches((r as AclFaultRule).match, facts));
    return hit ? (hit as AclFaultRule).action : undefined;
  }

  /** @internal Encryption start: a status to refuse with, or undefined. */
  onEncryption(central: string, peripheral: string): number | undefined {
    const hit = this.fire('encryption', (r) => linkMatches((r as EncryptionFaultRule).match, central, peripheral));
    return hit ? (hit as EncryptionFaultRule).status : undefined;
  }

  /** @internal Connection establishment: a status to fail with, or undefined. */
  onConnect(central: string, peripheral: string): number | undefined {
    const hit = this.fire('connect', (r) => linkMatches((r as ConnectFaultRule).match, central, peripheral));
    return hit ? (hit as ConnectFaultRule).status : undefined;
  }

  /** @internal An HCI command from a host: a status to answer with instead of running it, or undefined. */
  onCommand(controller: string, opcode: number): number | undefined {
    const hit = this.fire('command', (r) => (r as CommandFaultRule).opcode === opcode && sameAddress((r as CommandFaultRule).controller, controller));
    return hit ? (hit as CommandFaultRule).status : undefined;
  }

  private fire(on: FaultRule['on'], matches: (r: FaultRule) => boolean): FaultRule | undefined {
    if (this.live.length === 0) return undefined;
    for (const e of this.live) {
      if (e.rule.on !== on || !matches(e.rule)) continue;
      e.matches++;
      const nth = e.rule.nth ?? 1;
      const due = e.rule.repeat ? e.matches >= nth : e.matches === nth;
      if (!due) continue;
      e.fired++;
      this.hits.push({ rule: e.rule, at: Date.now() });
      return e.rule;
    }
    return undefined;
  }
}

function sameAddress(a: string | undefined, b: string): boolean {
  return a === undefined || a.toUpperCase() === b.toUpperCase();
}

function aclMatches(m: AclMatch | undefined, f: AclPacketFacts): boolean {
  if (!m) return true;
  if (!sameAddress(m.from, f.from)) return false;
  if (m.direction !== undefined && m.direction !== f.direction) return false;
  if (m.cid !== undefined && m.cid !== f.cid) return false;
  if (m.prefix) {
    if (f.payload.length < m.prefix.length) return false;
    for (let i = 0; i < m.prefix.length; i++) if (f.payload[i] !== m.prefix[i]) return false;
  }
  return true;
}

function linkMatches(m: LinkMatch | undefined, central: string, peripheral: string): boolean {
  return !m || (sameAddress(m.central, central) && sameAddress(m.peripheral, peripheral));
}
