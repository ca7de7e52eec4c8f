// peripheral/: the bleno-backed server role.
export { servePeripheral, PeripheralServer, PeripheralError } from './peripheral-server.js';
export * from './server-types.js';
export type { RequestRecord, RequestOutcome, RequestOperation } from './request-record.js';
export type { IndicationResult } from './indications.js';
export type { KeptBond } from './security-record.js';
