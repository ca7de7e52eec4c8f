// One connection's Security Manager: looks up the bond for this peer, builds the PairingEngine and its
// SmpRunner over the connection's SmpLink, keeps the bond a bonded pairing leaves, and reports outcomes
// and events. Knows nothing of noble or bleno: their loaders build the SmpLink and feed the inputs.
// Core v5.4 Vol 3 Part H 2.3 (pairing), 2.4.1 (bonding), 2.4.4.1 (encryption with a stored key).
import { EventEmitter } from 'node:events';
import { bondFromOutcome, engineBond, type Bond } from './bond.js';
import type { DeviceAddress, EngineEnvironment, PairingEvent, PairingOutcome, SmpAction, SmpInput } from './engine-types.js';
import type { KeySecurity } from './key-security.js';
import type { KeyStore } from './key-store.js';
import { IdentityResolver, sharesIrk, type ResolvedVia } from './identity-resolver.js';
import type { PrivacySetup } from './privacy-setup.js';
import type { PairingConfig, PairingDelegate } from './pairing-config.js';
import { PairingEngine, SMP_TIMEOUT_MS } from './pairing-engine.js';
import { SmpRunner, type SmpLink } from './pairing-runner.js';

/** What a role needs to run its own Security Manager: configuration, prompts, keys. */
export interface SmpSetup {
  config: PairingConfig;
  /** Asked when the config says 'ask'; without one, 'ask' cancels (Passkey Entry Failed / Numeric Comparison Failed). */
  delegate?: PairingDelegate;
  /** Where bonds are kept; without one, nothing outlives the connection. */
  keyStore?: KeyStore;
  /** Our identity address and IRK, distributed when IdKey is agreed (default: the connection address and a random IRK). */
  identity?: EngineEnvironment['identity'];
  /** The SMP timeout (default the spec's 30 s); tests shorten it. */
  timeoutMs?: number;
  /** Repeated-attempts gate shared by every connection of this role (Vol 3 Part H 2.3.6). */
  attempts?: EngineEnvironment['attempts'];
  /** Sees every session as it starts (logs, consoles, tests). */
  onSession?: (session: LinkSession) => void;
  /**
   * Use a resolvable private address made from our IRK (`identity.irk`, which the loaders then keep for
   * every connection). The role's loader applies it to the transport (common/stack/hci/host-privacy.ts).
   */
  privacy?: PrivacySetup;
  /**
   * false: never resolve a peer's RPA with the stored IRKs (a host with the bug of issue 18: it keeps the
   * IRK and finds no bond for the next RPA). Default true, as Vol 3 Part C 10.7.1.1 requires.
   */
  resolvePrivateAddresses?: boolean;
}

export interface LinkSessionOptions extends SmpSetup {
  role: 'central' | 'peripheral';
  /** Addresses on this connection. */
  local: DeviceAddress;
  peer: DeviceAddress;
  /** The connection handle (for logs and for the loaders' bookkeeping). */
  handle: number;
  link: SmpLink;
}

export interface LinkSessionEvents {
  outcome: [PairingOutcome];
  event: [PairingEvent];
  action: [SmpAction];
  /** A bonded pairing's keys, stored (or kept in memory when there is no key store). */
  bond: [Bond];
  /** A bonded pairing's keys that the key store could not save (kept in `bond`; the error says where they went). */
  bondNotSaved: [Bond, unknown];
  /** The key store could not be asked for this peer's bond: the session pairs without one, and says so. */
  lookupFailed: [unknown];
  /** Two identities behind one IRK (identity-resolver.ts sharesIrk): what was seen, and which bond was used. */
  sharedIrk: [SharedIrk];
}

/**
 * Devices that share one IRK (a known manufacturing fault: every unit flashed with the same key). Seen when
 * the peer's RPA resolves with the IRK of several bonds (`resolving`: the first stored is used), or when a
 * pairing distributes the IRK of the bond its RPA resolved to under another identity (`bonding`: the key
 * of that other device was tried first).
 */
export interface SharedIrk {
  when: 'resolving' | 'bonding';
  onAir: DeviceAddress;
  /** The identity whose bond was used for this link. */
  used: DeviceAddress;
  /** The other identities with the same IRK. */
  others: DeviceAddress[];
}

/** The words for a shared IRK, for reports, consoles and logs. */
export function describeSharedIrk(s: SharedIrk): string {
  const others = s.others.map((o) => `${o.address} (${o.type})`).join(', ');
  return s.when === 'resolving'
    ? `${s.onAir.address} resolves with the IRK of ${s.others.length + 1} bonds: ${s.used.address} (${s.used.type}), used as the first stored, and ${others}. These devices share one IRK (a manufacturing fault): their RPAs cannot be told apart, so a link may get the other device's key (0x06 or a MIC failure); each device needs its own IRK (Core Vol 3 Part H 2.4.2.1)`
    : `${s.onAir.address} resolved with the IRK of the bond with ${others}, but paired as ${s.used.address} (${s.used.type}) distributing that same IRK: two devices share one IRK (a manufacturing fault), so the other device's key was tried first; their RPAs cannot be told apart, and each device needs its own IRK (Core Vol 3 Part H 2.4.2.1)`;
}

export class LinkSession extends EventEmitter<LinkSessionEvents> {
  readonly role: 'central' | 'peripheral';
  readonly local: DeviceAddress;
  readonly peer: DeviceAddress;
  readonly handle: number;
  /** Resolves once the bond lookup is done and the engine runs (inputs before that are queued). */
  readonly ready: Promise<void>;
  readonly outcomes: PairingOutcome[] = [];
  /** The bond found at the start or made on this link. */
  bond: Bond | undefined;
  /** The security of the key the link is encrypted with now, from this session's outcomes (undefined: not encrypted by us). */
  security: KeySecurity | undefined;
  /** The association model of the pairing under way or last done on this link. */
  method: Extract<PairingEvent, { kind: 'method' }> | undefined;
  /** The pairing under way or last done used the spec's debug key (by either side): its key is a debug key. */
  debugKey = false;
  /** Why the bond lookup failed, when it did. */
  lookupError: unknown;
  /** Our identity: the address bonds are kept under (the identity we distribute, else the link's address). */
  readonly localIdentity: DeviceAddress;
  /** The peer's identity address, once known: resolved from its address on the air (a stored IRK), or distributed in this pairing. */
  peerIdentity: DeviceAddress | undefined;
  /** How the bond found at the start was tied to the peer's address on the air. */
  resolvedVia: ResolvedVia | undefined;
  /** Every shared IRK this link showed (also emitted as `sharedIrk`). */
  readonly sharedIrks: SharedIrk[] = [];
  private runnerNow: SmpRunner | undefined;
  private queue: SmpInput[] = [];
  private closed = false;

  constructor(private readonly options: LinkSessionOptions) {
    super();
    this.role = options.role;
    this.local = options.local;
    this.peer = options.peer;
    this.handle = options.handle;
    this.localIdentity = options.identity?.address ?? options.local;
    // A store that cannot answer is not "no key": the failure is an event of its own (the store was
    // checked at start, so only a store that broke since gets here), then the session goes on without one.
    // The one lookup by identity (identity-resolver.ts): the peer's address on the air, resolved with
    // every stored IRK when it is an RPA (Vol 3 Part C 10.7.1.1).
    const lookup = options.keyStore
      ? new IdentityResolver(options.keyStore, { useIrks: options.resolvePrivateAddresses !== false }).resolve(options.peer, this.localIdentity).then((r) => {
          if (r) {
            this.peerIdentity = r.identity;
            this.resolvedVia = r.via;
            if (r.alsoResolving.length) this.noteSharedIrk({ when: 'resolving', onAir: options.peer, used: r.identity, others: r.alsoResolving.map((b) => b.peer) });
          }
          return r?.bond;
        }, (err: unknown) => {
          this.lookupError = err;
          queueMicrotask(() => this.emit('lookupFailed', err));
          return undefined;
        })
      : Promise.resolve(undefined);
    this.ready = lookup.then((bond) => this.start(bond));
  }

  get runner(): SmpRunner | undefined {
    return this.runnerNow;
  }

  /** The SMP timeout this session's runner keeps (Vol 3 Part H 3.4). */
  get timeoutMs(): number {
    return this.options.timeoutMs ?? SMP_TIMEOUT_MS;
  }

  get config(): PairingConfig {
    return this.options.config;
  }

  /** Feed one input (queued until the bond lookup is done). */
  input(input: SmpInput): void {
    if (this.closed) return;
    if (this.runnerNow) this.runnerNow.input(input);
    else this.queue.push(input);
  }

  /** The next outcome from now on. */
  nextOutcome(): Promise<PairingOutcome> {
    return new Promise((resolve) => this.once('outcome', resolve));
  }

  /** The link is gone. */
  close(): void {
    this.closed = true;
    this.queue = [];
    this.runnerNow?.close();
  }

  private start(bond: Bond | undefined): void {
    this.bond = bond;
    const o = this.options;
    const engine = new PairingEngine(o.config, {
      role: o.role === 'central' ? 'initiator' : 'responder',
      local: o.local,
      peer: o.peer,
      ...(o.identity ? { identity: o.identity } : {}),
      ...(bond ? { bond: engineBond(bond) } : {}),
      ...(o.attempts ? { attempts: o.attempts } : {}),
    });
    this.runnerNow = new SmpRunner({
      engine,
      link: o.link,
      ...(o.delegate ? { delegate: o.delegate } : {}),
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      observe: (a) => this.observe(a),
    });
    if (this.closed) return this.runnerNow.close();
    const queued = this.queue;
    this.queue = [];
    for (const i of queued) this.runnerNow.input(i);
  }

  private noteSharedIrk(s: SharedIrk): void {
    this.sharedIrks.push(s);
    this.emit('sharedIrk', s);
  }

  private observe(action: SmpAction): void {
    this.emit('action', action);
    if (action.type === 'event') {
      if (action.event.kind === 'method') {
        this.method = action.event;
        this.debugKey = false;
      }
      if (action.event.kind === 'debug-key') this.debugKey = true;
      this.emit('event', action.event);
    }
    if (action.type !== 'done') return;
    const outcome = action.outcome;
    this.outcomes.push(outcome);
    if (outcome.result === 'paired' || outcome.result === 'encrypted') this.security = outcome.security;
    if (outcome.result === 'paired') this.peerIdentity = outcome.peerIdentity;
    const bond = bondFromOutcome(outcome, this.localIdentity);
    const resolved = this.resolvedVia === 'irk' ? this.bond : undefined;
    if (bond && resolved && sharesIrk({ identity: resolved.peer, irk: resolved.peerIrk }, { identity: bond.peer, irk: bond.peerIrk })) {
      this.noteSharedIrk({ when: 'bonding', onAir: this.options.peer, used: bond.peer, others: [resolved.peer] });
    }
    if (bond) {
      this.bond = bond;
      // `bond` only once it is stored; a failed write is `bondNotSaved` (the bond stays in this.bond).
      void (this.options.keyStore?.put(bond) ?? Promise.resolve()).then(
        () => this.emit('bond', bond),
        (err: unknown) => this.emit('bondNotSaved', bond, err),
      );
    }
    this.emit('outcome', outcome);
  }
}

/** Writes the identity the session's resolver found into the tap's link (consoles and reports read it there). */
export function noteResolvedIdentity(session: LinkSession, link: { peerIdentity?: { address: string; type: 'public' | 'random'; via: 'distributed' | 'irk' } } | undefined): void {
  void session.ready.then(() => {
    if (link && session.resolvedVia === 'irk' && session.peerIdentity) link.peerIdentity = { ...session.peerIdentity, via: 'irk' };
  });
}

export function createLinkSession(options: LinkSessionOptions): LinkSession {
  const session = new LinkSession(options);
  options.onSession?.(session);
  return session;
}
