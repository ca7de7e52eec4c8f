// `blebench central --as ios[,android,…]`: the personas, each with a central part, checked before
// anything opens (exit 2 naming the persona, the file and the place). A persona sets the central's
// Security Manager and its reactions, so the flags that set them too are refused beside it.
import { BadInputError } from '../common/base/errors/blebench-error.js';
import { loadPersonas } from '../common/apps/persona/load-persona.js';
import type { Persona } from '../common/apps/persona/persona-types.js';
import { centralPartOf } from '../common/apps/persona/persona-central.js';
import { PAIRING_FLAG_NAMES } from './pairing-options.js';

/** The flags a persona decides instead (their option names as commander keeps them). */
const PERSONA_DECIDES: Record<string, string> = {
  methods: '--methods',
  policy: '--policy',
  ioCapability: PAIRING_FLAG_NAMES.ioCapability,
  bonding: PAIRING_FLAG_NAMES.bonding,
  mitm: PAIRING_FLAG_NAMES.mitm,
  sc: PAIRING_FLAG_NAMES.sc,
  minKeySize: PAIRING_FLAG_NAMES.minKeySize,
  maxKeySize: PAIRING_FLAG_NAMES.maxKeySize,
  onKeyMissing: '--on-key-missing',
};

export function personasFrom(opts: { as?: string } & Record<string, unknown>, explicit: (key: string) => boolean = () => true): Persona[] | undefined {
  if (opts.as === undefined) return undefined;
  const personas = loadPersonas(opts.as);
  for (const p of personas) centralPartOf(p);
  for (const [key, flag] of Object.entries(PERSONA_DECIDES)) {
    if (opts[key] !== undefined && explicit(key)) {
      throw new BadInputError('BAD_FLAG', `${flag} with --as: the persona sets the central's Security Manager and what it does on each error (fixtures/personas/${personas[0]!.name}.yaml)`, { path: flag }, {
        hint: 'drop the flag, or copy the persona file, change it and pass its path: --as ./my-phone.yaml',
      });
    }
  }
  if (opts.keys !== undefined) {
    throw new BadInputError('BAD_FLAG', '--keys with --as: each persona\'s column meets the target as a new phone, so the central forgets its bonds before it; a key store would be emptied', { path: '--keys' }, {
      hint: 'drop --keys: the bonds a persona makes live for its column only',
    });
  }
  return personas;
}
