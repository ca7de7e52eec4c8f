// JSON Schema (draft-07) of a profile: the shape profile-input.ts declares. What a schema cannot
// say (UUID syntax, duplicates, properties vs security, CCCD rules) is in profile-checks.
// `expected` is an annotation blebench reads to word "must be one of these shapes" errors.
import { GATT_OPERATIONS, MAX_KEY_SIZE, MIN_KEY_SIZE, SECURITY_LEVELS } from './security-levels.js';

const name = { type: 'string', minLength: 1 } as const;
const strings = { type: 'array', items: { type: 'string' } } as const;
const keySize = { type: 'integer', minimum: MIN_KEY_SIZE, maximum: MAX_KEY_SIZE } as const;

export const PROFILE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://blebench.dev/schemas/profile.json',
  title: 'blebench GATT profile',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'services'],
  properties: {
    $schema: { type: 'string' },
    name,
    about: { type: 'string' },
    advertising: {
      type: 'object',
      additionalProperties: false,
      properties: { localName: { type: 'string' }, serviceUuids: strings },
    },
    minKeySize: keySize,
    recorded: {
      type: 'object',
      additionalProperties: false,
      required: ['at', 'by'],
      properties: {
        at: { type: 'string' },
        by: { type: 'string' },
        from: {
          type: 'object',
          additionalProperties: false,
          properties: { address: { type: 'string' }, addressType: { type: 'string' }, name: { type: 'string' }, serviceUuids: strings },
        },
        transport: { type: 'string' },
        host: { type: 'string' },
        policy: { type: 'string' },
        pairings: strings,
        guesses: strings,
      },
    },
    services: { type: 'array', minItems: 1, items: { $ref: '#/definitions/service' } },
  },
  definitions: {
    service: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'uuid'],
      properties: {
        name,
        uuid: { type: 'string' },
        about: { type: 'string' },
        type: { enum: ['primary', 'secondary'] },
        includes: strings,
        characteristics: { type: 'array', items: { $ref: '#/definitions/characteristic' } },
      },
    },
    characteristic: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'uuid'],
      properties: {
        name,
        uuid: { type: 'string' },
        about: { type: 'string' },
        properties: {
          type: 'array',
          items: {
            enum: ['broadcast', 'read', 'writeWithoutResponse', 'write', 'notify', 'indicate', 'authenticatedSignedWrites', 'extendedProperties'],
          },
        },
        reliableWrite: { type: 'boolean' },
        writableAuxiliaries: { type: 'boolean' },
        security: {
          type: 'object',
          additionalProperties: false,
          properties: Object.fromEntries(GATT_OPERATIONS.map((op) => [op, { $ref: '#/definitions/security' }])),
        },
        signedWrite: { enum: ['unauthenticated', 'authenticated'] },
        coreBluetooth: {
          type: 'object',
          additionalProperties: false,
          properties: { properties: strings, permissions: strings },
        },
        android: {
          type: 'object',
          additionalProperties: false,
          properties: { properties: strings, permissions: strings, cccdPermissions: strings },
        },
        userDescription: { type: 'string' },
        presentationFormat: { $ref: '#/definitions/presentationFormat' },
        cccd: {
          type: 'object',
          additionalProperties: false,
          properties: { security: { $ref: '#/definitions/security' } },
        },
        descriptors: { type: 'array', items: { $ref: '#/definitions/descriptor' } },
        value: { $ref: '#/definitions/value' },
        constraints: {
          type: 'object',
          additionalProperties: false,
          properties: {
            maxLength: { type: 'integer', minimum: 0, maximum: 512 },
            fixedLength: { type: 'integer', minimum: 0, maximum: 512 },
            allowedValues: { type: 'array', minItems: 1, items: { $ref: '#/definitions/value' } },
          },
        },
      },
    },
    security: {
      expected: `a level ("${SECURITY_LEVELS.join('", "')}") or an object { "level", "minKeySize", "errorOverride" }`,
      anyOf: [
        { type: 'string', enum: [...SECURITY_LEVELS] },
        {
          type: 'object',
          additionalProperties: false,
          required: ['level'],
          properties: {
            level: { enum: [...SECURITY_LEVELS] },
            minKeySize: keySize,
            errorOverride: { type: ['integer', 'string'] },
          },
        },
      ],
    },
    value: {
      type: 'object',
      additionalProperties: false,
      properties: {
        hex: { type: 'string' },
        utf8: { type: 'string' },
        bytes: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 255 } },
        number: { type: 'number' },
        width: { enum: [1, 2, 3, 4, 6, 8] },
        endianness: { enum: ['little', 'big'] },
        signed: { type: 'boolean' },
      },
    },
    presentationFormat: {
      type: 'object',
      additionalProperties: false,
      required: ['format'],
      properties: {
        format: { type: 'string' },
        exponent: { type: 'integer', minimum: -128, maximum: 127 },
        unit: { type: ['string', 'integer'] },
        namespace: { type: 'integer', minimum: 0, maximum: 255 },
        description: { type: 'integer', minimum: 0, maximum: 65535 },
      },
    },
    descriptor: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'uuid'],
      properties: {
        name,
        uuid: { type: 'string' },
        value: { $ref: '#/definitions/value' },
        readable: { type: 'boolean' },
        writable: { type: 'boolean' },
        security: {
          type: 'object',
          additionalProperties: false,
          properties: { read: { $ref: '#/definitions/security' }, write: { $ref: '#/definitions/security' } },
        },
      },
    },
  },
} as const;
