// One characteristic from its profile form to the resolved model: final property bits (Core v5.4
// Vol 3 Part G 3.3.1.1), per-operation security, descriptors, value and constraints.
import { PROPERTY_NAMES, propertiesByte, type PropertyName } from './characteristic-properties.js';
import type { CharacteristicInput } from './profile-input.js';
import { IssueList, pointer } from './profile-issues.js';
import { readVocabularies } from './platform-vocabulary.js';
import type { ResolvedCharacteristic } from './resolved-profile.js';
import { resolveDescriptors, resolvePresentationFormat } from './resolve-descriptors.js';
import { cccdWriteSecurity, resolveSecurity } from './resolve-security.js';
import { resolveValue } from './resolve-value.js';
import { OPEN } from './security-levels.js';
import { parseUuid, uuidProblem, type CanonicalUuid } from './uuid.js';

export interface CharacteristicContext {
  readonly at: string;
  readonly serviceName: string;
  readonly serviceUuid: CanonicalUuid;
  readonly defaultMinKeySize: number | undefined;
}

export function resolveCharacteristic(input: CharacteristicInput, ctx: CharacteristicContext, issues: IssueList): ResolvedCharacteristic {
  const { at } = ctx;
  const uuid = parseUuid(input.uuid);
  if (uuid === undefined) issues.add('bad-uuid', at + pointer('uuid'), uuidProblem(input.uuid)!);

  const vocab = readVocabularies(input, at, issues);
  const listed: Array<{ name: PropertyName; path: string }> = [
    ...(input.properties ?? []).map((name, i) => ({ name, path: at + pointer('properties', i) })),
    ...vocab.properties,
  ];
  const ext = { reliableWrite: input.reliableWrite === true, writableAuxiliaries: input.writableAuxiliaries === true };
  const props = Object.fromEntries(PROPERTY_NAMES.map((n) => [n, listed.some((p) => p.name === n)])) as Record<PropertyName, boolean>;
  const listedExt = listed.find((p) => p.name === 'extendedProperties');
  if (listedExt && !ext.reliableWrite && !ext.writableAuxiliaries) {
    issues.add(
      'inconsistent',
      listedExt.path,
      'the Extended Properties bit follows from "reliableWrite" and "writableAuxiliaries"; set one of those to true (blebench then adds the 0x2900 descriptor), or remove this',
    );
  }
  // Vol 3 Part G 3.3.1.1: bit 0x80 means a 0x2900 descriptor follows.
  props.extendedProperties = ext.reliableWrite || ext.writableAuxiliaries;
  checkPropertyRules(input, at, props, vocab.signedWrite, issues);

  const security = resolveSecurity(input, at, props, vocab.security, ctx.defaultMinKeySize, issues);
  const notifies = props.notify || props.indicate;
  if (input.cccd !== undefined && !notifies) {
    issues.add(
      'security-without-property',
      at + pointer('cccd'),
      'a CCCD exists only on a characteristic that notifies or indicates; add "notify" or "indicate" to properties, or remove "cccd"',
    );
  }
  const cccdWrite = notifies ? cccdWriteSecurity(input, at, props, security, ctx.defaultMinKeySize, issues) : OPEN;
  const presentationFormat = input.presentationFormat ? resolvePresentationFormat(input.presentationFormat, at + pointer('presentationFormat'), issues) : undefined;
  const descriptors = resolveDescriptors(
    input,
    { at, props, ext, security, cccdWrite, presentationFormat, defaultMinKeySize: ctx.defaultMinKeySize },
    issues,
  );
  const { value, constraints } = resolveValue(input, at, issues);
  const signedMitm = input.signedWrite !== undefined ? input.signedWrite === 'authenticated' : vocab.signedWrite?.mitm;

  return {
    name: input.name,
    uuid: uuid ?? input.uuid,
    ...(input.about !== undefined ? { about: input.about } : {}),
    serviceName: ctx.serviceName,
    serviceUuid: ctx.serviceUuid,
    properties: props,
    propertiesByte: propertiesByte(props),
    extendedProperties: ext,
    security,
    ...(props.authenticatedSignedWrites ? { signedWrite: { mitm: signedMitm ?? false } } : {}),
    ...(input.userDescription !== undefined ? { userDescription: input.userDescription } : {}),
    ...(presentationFormat ? { presentationFormat } : {}),
    descriptors,
    value,
    constraints,
    path: at,
  };
}

function checkPropertyRules(
  input: CharacteristicInput,
  at: string,
  props: Record<PropertyName, boolean>,
  vocabSigned: { mitm: boolean; path: string } | undefined,
  issues: IssueList,
): void {
  if (!PROPERTY_NAMES.some((n) => props[n])) {
    issues.add(
      'inconsistent',
      at,
      `"${input.name}" has no properties, so a central could neither read, write nor subscribe to it: list some under "properties" (or coreBluetooth/android)`,
    );
  }
  if (input.reliableWrite && !props.write) {
    // Vol 3 Part G 4.9.5: a reliable write is a Prepare Write / Execute Write sequence on a writable characteristic.
    issues.add('inconsistent', at + pointer('reliableWrite'), 'a reliable write is a queued Write (Prepare Write, Execute Write), so the characteristic needs the "write" property');
  }
  if (input.writableAuxiliaries && input.userDescription === undefined) {
    issues.add('inconsistent', at + pointer('writableAuxiliaries'), 'writable auxiliaries makes the User Description (0x2901) writable, but this characteristic has no "userDescription"');
  }
  const signedPath = input.signedWrite !== undefined ? at + pointer('signedWrite') : vocabSigned?.path;
  if (signedPath !== undefined && !props.authenticatedSignedWrites) {
    issues.add('security-without-property', signedPath, 'signed-write security is set but the characteristic does not accept signed writes: add "authenticatedSignedWrites" (PROPERTY_SIGNED_WRITE)');
  }
  if (input.signedWrite !== undefined && vocabSigned && (input.signedWrite === 'authenticated') !== vocabSigned.mitm) {
    issues.add('vocabulary-conflict', vocabSigned.path, `signed writes are "${input.signedWrite}" at ${at + pointer('signedWrite')} but this says otherwise; say it once`, [at + pointer('signedWrite')]);
  }
}
