// peripheral/: the bleno-backed server role.
export { servePeripheral, PeripheralServer, PeripheralError } from './peripheral-server.js';
export { DEFAULT_MAX_CENTRALS } from './bleno/index.js';
export * from './server-types.js';
export type { RequestRecord, RequestOutcome, RequestOperation } from './answers/request-record.js';
export type { IndicationResult } from './gatt/indications.js';
export type { KeptBond } from './pairing/security-record.js';
