// `blebench peripheral --as macos[:VARIANT]`: the persona's peripheral part applied to the profile and
// the Security Manager before anything opens (exit 2 naming the persona, the file and the place).
import { BadInputError } from '../../common/base/errors/blebench-error.js';
import type { ResolvedProfile } from '../../common/stack/gatt/resolved-profile.js';
import { loadPersona } from '../../common/apps/persona/load-persona.js';
import { pairingConfig } from '../../common/stack/smp/pairing-config.js';
import type { SmpSetup } from '../../common/stack/smp/link-session.js';
import { peripheralPersonaSetup } from './peripheral-persona.js';
import { sendSecurityRequests } from './security-requests.js';
import type { Tap } from '../../common/stack/trace/tap.js';

export interface PeripheralAs {
  profile: ResolvedProfile;
  /** The lines to say at start: what the persona changed and what it does not act out. */
  said: string[];
  /** Applies the persona's answer to a Pairing Request to the Security Manager. */
  apply(smp: SmpSetup): void;
  /** Sends the persona's Security Requests on the served links (needs the Security Manager); returns the stop. */
  attach(tap: Tap, requestSecurity: () => boolean): () => void;
}

export function peripheralAsFrom(opts: { as?: string; interactive?: boolean; onRepairing?: string }, profile: ResolvedProfile): PeripheralAs | undefined {
  if (opts.as === undefined) return undefined;
  if (opts.as.includes(',')) throw new BadInputError('BAD_FLAG', '--as: a peripheral is one persona at a time', { path: '--as' });
  const persona = loadPersona(opts.as);
  const setup = peripheralPersonaSetup(persona, profile);
  return {
    profile: setup.profile,
    said: setup.said.map((l) => `as ${persona.title}: ${l}`),
    apply: (smp) => {
      smp.config = pairingConfig({ ...smp.config, ...setup.config });
    },
    attach: (tap, requestSecurity) => sendSecurityRequests(setup.securityRequest, tap, requestSecurity),
  };
}
