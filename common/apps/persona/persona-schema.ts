// JSON Schema (draft-07) of a persona file: the shape persona-types.ts declares. Every rule is
// { value, source, confidence, note?, variants? }; rule() builds that around the value's own schema.
// What a schema cannot say (an `unknown` rule must offer variants; a central or a peripheral part, or
// both) is in persona-checks.ts and load-persona.ts.
// renewalMinutes: at most the controller's RPA timeout, 0x0E10 s = 60 min (Core v5.4 Vol 4 Part E 7.8.45).
import { RPA_TIMEOUT_S } from '../../base/codes/hci.js';
import { IO_CAPABILITY_NAMES } from '../../stack/smp/pairing-config.js';
import { ATT_ERROR_ACTIONS, ATT_ERROR_STYLES, CONFIDENCES, KEY_DISTRIBUTION_KEYS, PERSONA_ATT_ERRORS, THEN_ACTIONS, USER_SEES } from './persona-types.js';

const text = { type: 'string', minLength: 1 } as const;
const keySize = { type: 'integer', minimum: 7, maximum: 16 } as const; // Vol 3 Part H 3.5.1 (Maximum Encryption Key Size 7..16)
const confidence = { enum: [...CONFIDENCES] } as const;

function rule(value: object): object {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['value', 'source', 'confidence'],
    properties: {
      value,
      source: text,
      confidence,
      note: text,
      variants: {
        type: 'object',
        minProperties: 1,
        additionalProperties: {
          type: 'object',
          additionalProperties: false,
          required: ['value', 'about'],
          properties: { value, about: text, source: text, confidence },
        },
      },
    },
  };
}

const object = (required: string[], properties: Record<string, object>) => ({ type: 'object', additionalProperties: false, required, properties });
const keys = { type: 'array', uniqueItems: true, items: { enum: [...KEY_DISTRIBUTION_KEYS] } };
const platformError = object(['name'], { name: text, code: { type: 'integer', minimum: 0 }, text: text });
const userSees = object(['shows', 'words'], { shows: { enum: [...USER_SEES] }, words: text });
const attReaction = object(['action', 'resend'], { action: { enum: [...ATT_ERROR_ACTIONS] }, resend: { type: 'integer', minimum: 0, maximum: 10 }, then: { enum: [...THEN_ACTIONS] } });
const perAttError = (value: object) => object([...PERSONA_ATT_ERRORS], Object.fromEntries(PERSONA_ATT_ERRORS.map((c) => [c, value])));

const central = object(['securityManager', 'privacy', 'onAttError', 'onSecurityRequest', 'onEncryptionFailed', 'timeouts', 'app', 'user'], {
  securityManager: object(['ioCapability', 'bonding', 'mitm', 'secureConnections', 'keypress', 'maxKeySize', 'minKeySize', 'keyDistribution'], {
    ioCapability: rule({ enum: [...IO_CAPABILITY_NAMES] }),
    bonding: rule({ type: 'boolean' }),
    mitm: rule({ type: 'boolean' }),
    secureConnections: rule({ enum: ['no', 'allowed', 'only'] }),
    keypress: rule({ type: 'boolean' }),
    maxKeySize: rule(keySize),
    minKeySize: rule(keySize),
    keyDistribution: rule(object(['initiator', 'responder'], { initiator: keys, responder: keys })),
  }),
  privacy: rule(object(['rpa'], { rpa: { type: 'boolean' }, renewalMinutes: { type: 'integer', minimum: 1, maximum: RPA_TIMEOUT_S.MAX / 60 } })),
  onAttError: perAttError(rule(attReaction)),
  onSecurityRequest: rule({ enum: ['encrypt-or-pair', 'ignore'] }),
  onEncryptionFailed: object(['0x06', '0x3D'], { '0x06': rule({ enum: ['pair', 'stop'] }), '0x3D': rule({ enum: ['pair', 'stop'] }) }),
  timeouts: rule(object(['smpSeconds', 'attSeconds'], { smpSeconds: { type: 'integer', minimum: 1, maximum: 600 }, attSeconds: { type: 'integer', minimum: 1, maximum: 600 } })),
  app: object(['attError', 'securityFailed', 'keyMissing'], {
    attError: rule(object(['style'], { style: { enum: [...ATT_ERROR_STYLES] }, name: text, texts: object([], Object.fromEntries(PERSONA_ATT_ERRORS.map((c) => [c, text]))) })),
    securityFailed: rule({ anyOf: [{ const: 'att-error' }, platformError], expected: '"att-error" or { name, code?, text? }' }),
    keyMissing: rule(platformError),
  }),
  user: object(['pairing', 'keyMissing'], { pairing: rule(userSees), keyMissing: rule(userSees) }),
});

const peripheral = object(['answers', 'securityRequest', 'onPairingRequest'], {
  answers: {
    type: 'object',
    minProperties: 1,
    additionalProperties: rule(object(['unencrypted', 'justWorksEnough'], { unencrypted: { enum: [...PERSONA_ATT_ERRORS] }, justWorksEnough: { type: 'boolean' } })),
  },
  securityRequest: rule({ enum: ['never', 'after-att-error', 'on-connect'] }),
  onPairingRequest: rule({ enum: ['accept', 'refuse', 'silence'] }),
});

export const PERSONA_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://blebench.dev/schemas/persona.json',
  title: 'blebench platform persona',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'title', 'platform'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
    title: text,
    platform: text,
    about: text,
    central,
    peripheral,
  },
} as const;
