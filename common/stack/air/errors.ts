// Errors the virtual radio throws to its callers: values with a code and a plain-words explanation.
// A bad --listen value is bad input (exit 2); a closed radio or no pty support is a transport
// unavailable (exit 3): common/base/errors/error-codes.ts.
import { BlebenchError } from '../../base/errors/blebench-error.js';

export type AirErrorCode =
  | 'AIR_BAD_LISTEN_SPEC' // the --listen value is not unix:PATH or tcp:HOST:PORT
  | 'AIR_NOT_LOOPBACK' // tcp listening refused on a non-loopback host
  | 'AIR_ADDRESS_IN_USE' // a socket file or address already has a listener, or a controller address is taken
  | 'AIR_NOT_A_SOCKET' // the unix PATH exists and is not a socket: refusing to remove it
  | 'AIR_PTY_UNAVAILABLE' // pty: no pseudo-terminal here (Windows, or python3 missing)
  | 'AIR_CLOSED'; // the radio was closed

export class AirError extends BlebenchError {
  constructor(
    readonly code: AirErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AirError';
  }
}
