// The LE Security Manager: crypto toolbox, pairing engine, configuration, key store. Core v5.4 Vol 3 Part H.
export * from './toolbox.js';
export * from './p256.js';
export * from './byte-order.js';
export * from './pdu.js';
export * from './pairing-config.js';
export * from './association-model.js';
export * from './key-security.js';
export * from './engine-types.js';
export { PairingEngine, SMP_TIMEOUT_MS, type EngineState } from './pairing-engine.js';
export { SmpRunner, type SmpLink, type SmpRunnerOptions } from './pairing-runner.js';
export { RepeatedAttempts, type RepeatedAttemptsOptions } from './repeated-attempts.js';
export { INVALID_PUBLIC_KEY_REASON, DEBUG_KEY_REFUSED_REASON } from './sc-pairing.js';
export * from './bond.js';
export * from './key-store.js';
export * from './json-key-store.js';
export { LinkSession, createLinkSession, type LinkSessionOptions, type LinkSessionEvents, type SmpSetup } from './link-session.js';
