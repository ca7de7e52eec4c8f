// JSON Schema (draft-07) of a scenario file: the shape scenario-input.ts declares. What a schema cannot
// say (which PDU, code or characteristic a name means; one action per step) is in resolve-scenario.ts.
// `expected` is an annotation the shared checker (common/base/input/schema-check.ts) reads to word anyOf errors.
import { PROFILE_SCHEMA } from '../../stack/gatt/profile-schema.js';
import { ATT_TRANSACTION_TIMEOUT_MS } from '../../base/codes/att.js';
import { RPA_TIMEOUT_S } from '../../base/codes/hci.js';

const text = { type: 'string', minLength: 1 } as const;
const count = { type: 'integer', minimum: 0 } as const;
const positive = { type: 'integer', minimum: 1 } as const;
const side = { enum: ['central', 'peripheral'] } as const;
const code = { type: ['string', 'integer'] } as const;
const nothing = { type: ['object', 'null'], additionalProperties: false, properties: {} } as const;
const obj = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', additionalProperties: false, required, properties });
const charOrObject = (properties: Record<string, unknown>) => ({
  expected: 'a characteristic name or UUID, or { characteristic, ... }',
  anyOf: [text, obj({ characteristic: text, ...properties }, ['characteristic'])],
});
const operation = { enum: ['read', 'write', 'write-without-response', 'subscribe'] } as const;
/** A Write Command gets no answer: nothing to delay. */
const answeredOperation = { enum: ['read', 'write', 'subscribe'] } as const;
/** The longest delay: the ATT transaction timeout (Vol 3 Part F 3.3.3); peripheral/ MAX_ANSWER_DELAY_MS. */
export const MAX_DELAY_MS = ATT_TRANSACTION_TIMEOUT_MS;
const ruleCommon = { nth: positive, repeat: { type: 'boolean' }, label: { type: 'string' } } as const;
const aclTarget = { pdu: text, 'sent-by': side, ...ruleCommon } as const;
const schedule = obj({ characteristic: text, 'every-ms': positive, count: positive, values: { type: 'array', minItems: 1, items: { $ref: '#/definitions/value' } } }, ['characteristic', 'every-ms', 'count']);

/** A central's fields (one `central`, or each of `centrals` with its name). */
const CENTRAL_FIELDS = {
  as: { type: 'string', minLength: 1 },
  pairing: { enum: ['on-error', 'never', 'upfront'] },
  'on-key-missing': { enum: ['pair', 'stop'] },
  'security-manager': { $ref: '#/definitions/securityManager' },
  'timeout-ms': positive,
  'gatt-cache': obj({ mode: { enum: ['verify', 'trust', 'off'] }, 'robust-caching': { type: 'boolean' }, 'service-changed': { type: 'boolean' } }),
  steps: { type: 'array', minItems: 1, items: { $ref: '#/definitions/step' } },
} as const;

const STEP_ACTIONS = {
  connect: { type: ['object', 'null'], additionalProperties: false, properties: { 'timeout-ms': positive } },
  discover: nothing,
  read: charOrObject({ descriptor: { enum: ['cccd'] } }),
  write: obj({ characteristic: text, value: { $ref: '#/definitions/value' }, response: { type: 'boolean' } }, ['characteristic', 'value']),
  subscribe: charOrObject({ mode: { enum: ['notify', 'indicate'] } }),
  unsubscribe: charOrObject({}),
  'wait-notification': obj({ characteristic: text, count: positive, value: { $ref: '#/definitions/valueExpectation' }, 'timeout-ms': positive }, ['characteristic']),
  pair: nothing,
  disconnect: { type: ['object', 'null'], additionalProperties: false, properties: { reason: code } },
  reconnect: nothing,
  wait: obj({ for: { $ref: '#/definitions/matcherOrName' }, 'timeout-ms': positive }, ['for']),
  'hold-idle': obj({ ms: positive }, ['ms']),
  'advance-clock': obj({ seconds: positive }, ['seconds']),
  'change-stored-key': obj({ part: { enum: ['key', 'ediv-rand'] } }, ['part']),
  'forget-bonds': { type: ['object', 'null'], additionalProperties: false, properties: { 'new-irk': { type: 'boolean' } } },
  'factory-reset': { type: ['object', 'null'], additionalProperties: false, properties: { 'new-identity': { type: 'boolean' }, 'same-irk': { type: 'boolean' } } },
  'firmware-update': obj({ profile: text, 'service-changed': { type: 'boolean' } }, ['profile']),
} as const;

/** The step kinds, in the order the README lists them. */
export const STEP_KINDS = Object.keys(STEP_ACTIONS) as Array<keyof typeof STEP_ACTIONS>;

export const SCENARIO_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://blebench.dev/schemas/scenario.json',
  title: 'blebench scenario',
  ...obj(
    {
      $schema: { type: 'string' },
      name: text,
      description: { type: 'string' },
      qualification: { type: 'array', items: text },
      tags: { type: 'array', items: text },
      'time-limit-ms': positive,
      peripheral: obj(
        {
          profile: text,
          values: { type: 'object', additionalProperties: { $ref: '#/definitions/value' } },
          behaviours: { type: 'array', items: { $ref: '#/definitions/behaviour' } },
          'security-manager': { $ref: '#/definitions/securityManager' },
        },
        ['profile'],
      ),
      faults: { type: 'array', items: { $ref: '#/definitions/fault' } },
      central: obj(CENTRAL_FIELDS, ['steps']),
      // Several centrals at once: each named (a short word: it labels its timeline and steps), each with its steps.
      centrals: { type: 'array', minItems: 2, items: obj({ name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$' }, ...CENTRAL_FIELDS }, ['name', 'steps']) },
      expect: obj({ timeline: { type: 'array', items: { $ref: '#/definitions/timelineExpectation' } } }),
    },
    ['name', 'description', 'peripheral'],
  ),
  definitions: {
    securityManager: obj({
      'io-capability': { enum: ['DisplayOnly', 'DisplayYesNo', 'KeyboardOnly', 'NoInputNoOutput', 'KeyboardDisplay'] },
      bonding: { type: 'boolean' },
      mitm: { enum: [true, false, 'no', 'requested', 'required'] },
      sc: { enum: ['no', 'allowed', 'only'] },
      'min-key-size': { type: 'integer', minimum: 7, maximum: 16 },
      'max-key-size': { type: 'integer', minimum: 7, maximum: 16 },
      passkey: { oneOf: [{ type: 'integer', minimum: 0, maximum: 999999 }, { enum: ['random', 'ask'] }] },
      'numeric-comparison': { enum: ['accept', 'reject', 'ask'] },
      'debug-keys': { type: 'boolean' },
      'accept-debug-keys': { type: 'boolean' },
      pairable: { type: 'boolean' },
      privacy: { enum: ['host', 'controller'] },
      'rpa-timeout': { type: 'integer', minimum: RPA_TIMEOUT_S.MIN, maximum: RPA_TIMEOUT_S.MAX },
      'identity-key': { type: 'boolean' },
      'resolve-private-addresses': { type: 'boolean' },
      'on-repairing': { enum: ['accept', 'refuse-unless-stronger', 'refuse'] },
    }),
    value: PROFILE_SCHEMA.definitions.value,
    valueExpectation: {
      ...PROFILE_SCHEMA.definitions.value,
      properties: { ...PROFILE_SCHEMA.definitions.value.properties, text: { type: 'string' }, regex: { type: 'string' }, length: count },
    },
    // One key per behaviour or fault, like steps: resolve-scenario.ts checks there is exactly one, so a
    // misspelt key is reported as an unknown property with a "did you mean".
    behaviour: obj({
      'refuse-pairing': obj({ reason: code }, ['reason']),
      answer: obj({ characteristic: text, operation, error: code, nth: positive, repeat: { type: 'boolean' } }, ['characteristic', 'operation', 'error']),
      'disconnect-after': obj({ pdu: text, 'sent-by': side, reason: code, nth: positive }, ['pdu']),
      'security-request-after': obj({ pdu: text, 'sent-by': side, nth: positive }, ['pdu']),
      delay: obj({ ms: { ...positive, maximum: MAX_DELAY_MS }, characteristic: text, operation: answeredOperation }, ['ms']),
      notify: schedule,
      indicate: schedule,
    }),
    fault: obj({
      drop: obj(aclTarget, ['pdu']),
      delay: obj({ ...aclTarget, ms: positive }, ['pdu', 'ms']),
      disconnect: obj({ ...aclTarget, reason: code }, ['pdu']),
      corrupt: obj({ ...aclTarget, at: count, xor: { type: 'integer', minimum: 0, maximum: 255 }, replace: text, truncate: count }, ['pdu']),
      'refuse-encryption': { type: ['object', 'null'], additionalProperties: false, properties: { ...ruleCommon, status: code } },
      'fail-connection': { type: ['object', 'null'], additionalProperties: false, properties: { ...ruleCommon, status: code } },
      'refuse-command': obj({ ...ruleCommon, command: text, status: code }, ['command']),
    }),
    step: obj({ name: text, expect: { $ref: '#/definitions/expect' }, ...STEP_ACTIONS }),
    expect: obj({
      outcome: code,
      value: { $ref: '#/definitions/valueExpectation' },
      security: obj({ encrypted: { type: 'boolean' }, authenticated: { type: 'boolean' }, 'key-size': { type: 'integer', minimum: 1 }, bonded: { type: 'boolean' } }),
      timeline: { type: 'array', items: { $ref: '#/definitions/timelineExpectation' } },
    }),
    matcher: obj({ pdu: text, 'sent-by': side, at: side, fields: { type: 'object' } }, ['pdu']),
    matcherOrName: { expected: 'a PDU name or { pdu, sent-by, at, fields }', anyOf: [text, { $ref: '#/definitions/matcher' }] },
    // { pdu, ... } (seen, counted, ordered against another), { none: { pdu, ... } } or { order: [ ... ] }.
    timelineExpectation: obj({
      pdu: text,
      'sent-by': side,
      at: side,
      fields: { type: 'object' },
      count,
      'at-least': count,
      'at-most': count,
      before: { $ref: '#/definitions/matcherOrName' },
      after: { $ref: '#/definitions/matcherOrName' },
      none: obj({ pdu: text, 'sent-by': side, at: side, fields: { type: 'object' }, before: { $ref: '#/definitions/matcherOrName' }, after: { $ref: '#/definitions/matcherOrName' } }, ['pdu']),
      order: { type: 'array', minItems: 2, items: { $ref: '#/definitions/matcherOrName' } },
      scope: { enum: ['step', 'run'] },
      central: text,
    }),
  },
} as const;
