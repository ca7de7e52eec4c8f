// A characteristic's descriptors, in the order they are served: 0x2900 when extended properties
// apply, 0x2901, 0x2902 for notify/indicate, 0x2904, then custom ones as written.
// Core v5.4 Vol 3 Part G 3.3.3.
import { extendedPropertiesValue, type CharacteristicProperties, type ExtendedProperties } from './characteristic-properties.js';
import { DESCRIPTOR_UUID } from './descriptor-types.js';
import { didYouMean } from '../../base/input/did-you-mean.js';
import { encodePresentationFormat, FORMAT_NAMES, formatCode, formatName, NAMESPACE_BLUETOOTH_SIG, type PresentationFormat } from './presentation-format.js';
import type { CharacteristicInput, CustomDescriptorInput, PresentationFormatInput } from './profile-input.js';
import { IssueList, pointer } from './profile-issues.js';
import type { ResolvedDescriptor } from './resolved-profile.js';
import { MAX_ATTRIBUTE_VALUE_LENGTH, valueAt } from './resolve-value.js';
import { parseSecurity } from './security-input.js';
import { OPEN, type GattOperation, type SecurityRequirement } from './security-levels.js';
import { parseUuid, shortUuid, uuidProblem } from './uuid.js';

export interface DescriptorContext {
  readonly at: string;
  readonly props: CharacteristicProperties;
  readonly ext: ExtendedProperties;
  readonly security: Record<GattOperation, SecurityRequirement>;
  readonly cccdWrite: SecurityRequirement;
  readonly presentationFormat?: PresentationFormat;
  readonly defaultMinKeySize: number | undefined;
}

export function resolveDescriptors(input: CharacteristicInput, ctx: DescriptorContext, issues: IssueList): ResolvedDescriptor[] {
  const { at, props, ext } = ctx;
  const out: ResolvedDescriptor[] = [];
  if (ext.reliableWrite || ext.writableAuxiliaries) {
    // Vol 3 Part G 3.3.3.1: present when the Extended Properties bit (0x80) is set; read-only.
    const value = Buffer.alloc(2);
    value.writeUInt16LE(extendedPropertiesValue(ext));
    const path = at + pointer(ext.reliableWrite ? 'reliableWrite' : 'writableAuxiliaries');
    out.push(managed('extendedProperties', 'Characteristic Extended Properties', DESCRIPTOR_UUID.EXTENDED_PROPERTIES, value, path));
  }
  if (input.userDescription !== undefined) {
    // Vol 3 Part G 3.3.3.2: writable exactly when Writable Auxiliaries is set.
    const d = managed('userDescription', 'Characteristic User Description', DESCRIPTOR_UUID.USER_DESCRIPTION, Buffer.from(input.userDescription, 'utf8'), at + pointer('userDescription'));
    out.push(ext.writableAuxiliaries ? { ...d, writable: true, security: { read: OPEN, write: ctx.security.write } } : d);
  }
  if (props.notify || props.indicate) {
    // Vol 3 Part G 3.3.3.3: readable by anyone; its write may require security.
    const d = managed('cccd', 'Client Characteristic Configuration', DESCRIPTOR_UUID.CCCD, Buffer.alloc(2), at + pointer(input.cccd ? 'cccd' : 'properties'));
    out.push({ ...d, writable: true, security: { read: OPEN, write: ctx.cccdWrite } });
  }
  if (ctx.presentationFormat) {
    out.push(
      managed('presentationFormat', 'Characteristic Presentation Format', DESCRIPTOR_UUID.PRESENTATION_FORMAT, encodePresentationFormat(ctx.presentationFormat), at + pointer('presentationFormat')),
    );
  }
  const seen = new Map<string, string>();
  for (const d of out) seen.set(d.uuid, d.path);
  (input.descriptors ?? []).forEach((d, i) => {
    const r = customDescriptor(d, at + pointer('descriptors', i), ctx, seen, issues);
    if (r) out.push(r);
  });
  return out;
}

function managed(kind: ResolvedDescriptor['kind'], name: string, uuid: string, value: Buffer, path: string): ResolvedDescriptor {
  return { kind, name, uuid, value, readable: true, writable: false, security: { read: OPEN, write: OPEN }, path };
}

const MANAGED_ADVICE: Record<number, (ctx: DescriptorContext) => string> = {
  0x2900: () =>
    'the Characteristic Extended Properties descriptor (0x2900) is added automatically from "reliableWrite" and "writableAuxiliaries"; remove it and set those instead',
  0x2901: () => 'the User Description (0x2901) is written as "userDescription": "text"; remove it from descriptors',
  0x2902: (ctx) =>
    ctx.props.notify || ctx.props.indicate
      ? 'the CCCD (0x2902) is added automatically because this characteristic notifies or indicates; remove it, and set its write security with "cccd": { "security": ... } if it differs from the notify/indicate security'
      : 'a CCCD (0x2902) belongs only to a characteristic that notifies or indicates; add "notify" or "indicate" to properties and blebench adds the CCCD itself',
  0x2904: () => 'the Presentation Format (0x2904) is written as "presentationFormat": { "format": ... }; remove it from descriptors',
};

function customDescriptor(
  d: CustomDescriptorInput,
  at: string,
  ctx: DescriptorContext,
  seen: Map<string, string>,
  issues: IssueList,
): ResolvedDescriptor | undefined {
  const uuid = parseUuid(d.uuid);
  if (uuid === undefined) {
    issues.add('bad-uuid', at + pointer('uuid'), uuidProblem(d.uuid)!);
    return undefined;
  }
  const advice = MANAGED_ADVICE[shortUuid(uuid) ?? -1];
  if (advice) {
    issues.add('managed-descriptor', at + pointer('uuid'), advice(ctx));
    return undefined;
  }
  const earlier = seen.get(uuid);
  if (earlier !== undefined) {
    issues.add('duplicate-uuid', at + pointer('uuid'), `this characteristic already has a descriptor with UUID ${d.uuid} (at ${earlier})`, [earlier]);
    return undefined;
  }
  seen.set(uuid, at);
  const readable = d.readable ?? true;
  const writable = d.writable ?? false;
  const sec = (op: 'read' | 'write', allowed: boolean): SecurityRequirement => {
    const given = d.security?.[op];
    if (given === undefined) return OPEN;
    const path = at + pointer('security', op);
    if (!allowed) issues.add('security-without-property', path, `${op} security is set but the descriptor is not ${op === 'read' ? 'readable' : 'writable'}: set "${op === 'read' ? 'readable' : 'writable'}": true, or remove this`);
    return parseSecurity(given, path, ctx.defaultMinKeySize, issues);
  };
  const value = valueAt(d.value, at + pointer('value'), issues) ?? Buffer.alloc(0);
  if (value.length > MAX_ATTRIBUTE_VALUE_LENGTH) issues.add('value-constraint', at + pointer('value'), `the value is ${value.length} octets; an attribute holds at most ${MAX_ATTRIBUTE_VALUE_LENGTH}`);
  return { kind: 'custom', name: d.name, uuid, value, readable, writable, security: { read: sec('read', readable), write: sec('write', writable) }, path: at };
}

/** 0x2904 from its profile form; unknown format names and non-16-bit units are issues. */
export function resolvePresentationFormat(pf: PresentationFormatInput, at: string, issues: IssueList): PresentationFormat | undefined {
  const name = formatName(pf.format);
  const code = formatCode(pf.format);
  if (name === undefined || code === undefined) {
    issues.add('not-allowed-value', at + pointer('format'), `"${pf.format}" is not an Assigned Numbers format name${didYouMean(pf.format, FORMAT_NAMES)}; e.g. uint8, sint16, utf8s, medfloat16`);
    return undefined;
  }
  let unit = 0x2700; // "unitless", Assigned Numbers 3.5
  if (pf.unit !== undefined) {
    const u = typeof pf.unit === 'number' ? (pf.unit >= 0 && pf.unit <= 0xffff ? pf.unit : undefined) : shortUuid(pf.unit);
    if (u === undefined) {
      issues.add('bad-uuid', at + pointer('unit'), `the unit must be a 16-bit unit UUID like "0x27AD" (percentage) or "0x272F" (degree Celsius), not ${JSON.stringify(pf.unit)}`);
      return undefined;
    }
    unit = u;
  }
  return { format: code, formatName: name, exponent: pf.exponent ?? 0, unit, namespace: pf.namespace ?? NAMESPACE_BLUETOOTH_SIG, description: pf.description ?? 0 };
}
