// A scenario's `central: { as: PERSONA }`: the persona (fixtures/personas/) loaded and turned into the
// central's Security Manager config, pairing policy, the ATT errors it pairs for and its answer to a
// missing key. A persona decides what `pairing`, `on-key-missing` and `security-manager` would, so a
// scenario gives one or the other; a persona that cannot be loaded is an issue at /central/as.
import { isBlebenchError } from '../../base/errors/blebench-error.js';
import { pointer } from '../../base/input/issues.js';
import { loadPersona } from '../persona/load-persona.js';
import { personaCentralSetup, type PersonaCentralSetup } from '../persona/persona-central.js';
import type { Names } from './resolve-names.js';
import type { CentralInput } from './scenario-input.js';

/** `from`: the scenario's folder, where a relative persona path is read from (as the profile's). */
export function centralPersonaAt(n: Names, central: CentralInput, at: string, from: string | undefined): { name: string; setup: PersonaCentralSetup } | undefined {
  for (const key of ['pairing', 'on-key-missing', 'security-manager'] as const) {
    if (central[key] !== undefined) n.issues.add('inconsistent', at + pointer(key), `"${key}" with "as": the persona "${central.as}" decides it; give one or the other`, [at + pointer('as')]);
  }
  try {
    const persona = loadPersona(central.as!, from !== undefined ? { from } : {});
    return { name: persona.name, setup: personaCentralSetup(persona) };
  } catch (e) {
    if (!isBlebenchError(e)) throw e;
    n.issues.add('persona', at + pointer('as'), e.message);
    return undefined;
  }
}
