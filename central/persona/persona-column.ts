// A persona as one column of the security matrix (--as ios,android): before its phase the central's
// Security Manager takes the persona's Pairing Request, the phase connects with the persona's policy,
// the ATT errors it pairs for and its answer to a missing key, and each cell is told what the
// persona's app and user would see.
import { pairingConfig } from '../../common/stack/smp/pairing-config.js';
import type { SmpSetup } from '../../common/stack/smp/link-session.js';
import type { Persona } from '../../common/apps/persona/persona-types.js';
import type { PersonaColumn } from '../matrix/run-matrix.js';
import { PRIVACY_NOT_ACTED, personaCentralSetup } from '../../common/apps/persona/persona-central.js';
import { whatTheySee } from './persona-sees.js';

/**
 * `forget` makes both sides strangers again before the column (the central's bonds with the target and,
 * where blebench serves it, the peripheral's): each persona meets the peripheral as a new phone would,
 * not with the bond the column before it made.
 */
export function personaColumn(persona: Persona, smp: SmpSetup, forget: () => Promise<void>): PersonaColumn {
  const setup = personaCentralSetup(persona);
  const config = pairingConfig(setup.config);
  return {
    name: persona.name,
    policy: setup.policy,
    connect: { cures: setup.cures, mitmRetry: setup.mitmRetry, onKeyMissing: setup.onKeyMissing },
    prepare: async () => {
      smp.config = config;
      await forget();
    },
    annotate: (phase) => {
      for (const cell of phase.cells) cell.seen = whatTheySee(persona, cell);
      // The central's address is set once for the run (noble takes it at load): said where it is not this persona's.
      const privacyActed = JSON.stringify(smp.privacy ?? null) === JSON.stringify(setup.privacy ?? null);
      const privacyLine = setup.privacy ? PRIVACY_NOT_ACTED : `privacy: the central used a resolvable private address, which ${persona.title} does not`;
      const limits = [...setup.notActed, ...(privacyActed ? [] : [privacyLine])];
      if (limits.length) phase.limits = limits;
    },
  };
}
