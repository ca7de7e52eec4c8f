// The virtual radio (the mock transport): virtual LE controllers driven by H4 packets, sharing one
// simulated radio, and the stream server that puts them behind unix or loopback TCP sockets.
export { Radio, RADIO_DEFAULTS, type RadioOptions } from './radio.js';
export { VirtualController, CONTROLLER_DEFAULTS, type ControllerOptions, type ControllerCounters } from './controller.js';
export {
  FaultPlan,
  corruptPayload,
  type AclCorruptAction,
  type FaultRule,
  type AclFaultRule,
  type AclFaultAction,
  type AclMatch,
  type EncryptionFaultRule,
  type ConnectFaultRule,
  type CommandFaultRule,
  type LinkMatch,
  type FaultHit,
} from './faults.js';
export { startAirServer, parseListenSpec, type AirServer, type AirServerOptions } from './server.js';
export { AirError, type AirErrorCode } from './errors.js';
export { leEncrypt } from './commands/le-crypto.js';
export { SUPPORTED_COMMANDS } from './commands/table.js';
export { addressFromWire, addressToWire } from './bytes.js';
