// What the case runner needs from a role under test, whichever role it is: send a case, ask
// whether it is still alive, get the link back after a loss, say why it died.
import type { FuzzCase, FuzzProtocol, FuzzRole } from './fuzz-case.js';
import { BlebenchError } from '../../base/errors/blebench-error.js';
import type { AirServer } from '../../stack/air/index.js';
import type { TargetCommand, TargetDeath } from './target-process.js';

/** alive: it answered; dead: the process died; silent: no answer in time; link-lost: the link dropped. */
export type ProbeResult = 'alive' | 'dead' | 'silent' | 'link-lost';

export class LinkLost extends BlebenchError {
  readonly code = 'FUZZ_LINK_LOST';
  constructor(what: string) {
    super(`the link to the target dropped: ${what}`);
    this.name = 'LinkLost';
  }
}

export interface FuzzSession {
  /** Send one case. Throws LinkLost when there is no link to send it on. */
  send(c: FuzzCase): Promise<void>;
  probe(): Promise<ProbeResult>;
  /** A new link to the same (living) target; false when it cannot be had in time. */
  reconnect(): Promise<boolean>;
  death(): TargetDeath | undefined;
  stderrTail(): string;
  close(): Promise<void>;
}

/** What either role's target factory is given. */
export interface TargetOptions {
  label: string;
  air: AirServer;
  /** The command line of the target, given the air's listen spec (unix:PATH). */
  command: (air: string) => TargetCommand;
  probeTimeoutMs: number;
  startTimeoutMs: number;
  protocols?: readonly FuzzProtocol[];
}

export interface SessionFactory {
  /** "peripheral", "peripheral (Security Manager: ...)": names the target in counts and findings. */
  readonly label: string;
  readonly role: FuzzRole;
  /** Protocols this target is fuzzed with (default: all). */
  readonly protocols?: readonly FuzzProtocol[];
  readonly probeTimeoutMs: number;
  /** At most this many cases between probes (a central needs them spread over its rounds). */
  readonly maxBatch?: number;
  open(): Promise<FuzzSession>;
}
