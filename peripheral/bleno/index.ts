// peripheral/bleno/: the one folder that loads @abandonware/bleno and reaches into it.
export { BLENO_VERSION_PINNED, BlenoLoadError, blenoVersion, type Bleno, type BlenoInternals } from './internals.js';
export type { AttChannel, PairingGate } from './hooks.js';
export { MGMT_MAX_IRKS, MGMT_MAX_LTKS, mgmtLtkInfo, type BlenoStoredKey } from './smp-substitute.js';
export { DEFAULT_MAX_CENTRALS, loadBleno, type LoadBlenoOptions, type LoadedBleno } from './load.js';
export * from './os.js';
