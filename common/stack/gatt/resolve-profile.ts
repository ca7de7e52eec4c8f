// A parsed profile document to the ResolvedProfile: schema first, then the checks across services
// and characteristics (UUID syntax and duplicates, names, includes, advertising size).
import type { ProfileInput, ServiceInput } from './profile-input.js';
import { IssueList, pointer, type ProfileIssue } from './profile-issues.js';
import type { ResolvedCharacteristic, ResolvedProfile, ResolvedService } from './resolved-profile.js';
import { resolveCharacteristic } from './resolve-characteristic.js';
import { checkSchema } from './schema-check.js';
import { attributeHandleCount, BASE_SERVICE_HANDLES, MAX_ATTRIBUTE_HANDLES } from './handle-count.js';
import { parseUuid, uuidProblem, type CanonicalUuid } from './uuid.js';

export type ProfileResolveResult = { ok: true; profile: ResolvedProfile } | { ok: false; issues: readonly ProfileIssue[] };

/** Advertising PDU payload and scan response: 31 octets each. Core v5.4 Vol 6 Part B 2.3.1.3; AD structure: Vol 3 Part C 11. */
const AD_MAX = 31;
const FLAGS_AD = 3;

export function resolveProfileDocument(doc: unknown, source: string): ProfileResolveResult {
  const issues = new IssueList();
  if (!checkSchema(doc, issues)) return { ok: false, issues: issues.items };
  const input = doc as ProfileInput;
  const names = new Map<string, string>();
  const serviceUuids = new Map<string, string>();
  const built = input.services.map((s, i) => resolveService(s, pointer('services', i), input, names, serviceUuids, issues));
  const includes = checkIncludes(input.services, built, issues);
  const services = built.map((s, i) => ({ ...s, includes: includes[i]! }));
  const advertising = resolveAdvertising(input, services, issues);
  const handles = attributeHandleCount(services);
  if (handles > MAX_ATTRIBUTE_HANDLES) {
    issues.add(
      'out-of-range',
      pointer('services'),
      `the profile "${input.name}" needs ${handles} attribute handles when served (services, characteristics, descriptors and the stack's own ${BASE_SERVICE_HANDLES}), more than the ${MAX_ATTRIBUTE_HANDLES} a GATT server has (handles 0x0001..0xFFFF, Core v5.4 Vol 3 Part F 3.2.2); split it or serve fewer attributes`,
    );
  }
  if (!issues.empty) return { ok: false, issues: issues.items };
  return {
    ok: true,
    profile: { name: input.name, ...(input.about !== undefined ? { about: input.about } : {}), source, advertising, services },
  };
}

function unique(kind: 'duplicate-uuid' | 'duplicate-name', seen: Map<string, string>, key: string, path: string, what: string, issues: IssueList): void {
  const earlier = seen.get(key);
  if (earlier === undefined) seen.set(key, path);
  else issues.add(kind, path, `${what} is already used at ${earlier}`, [earlier]);
}

function resolveService(
  s: ServiceInput,
  at: string,
  input: ProfileInput,
  names: Map<string, string>,
  serviceUuids: Map<string, string>,
  issues: IssueList,
): ResolvedService {
  const uuid = parseUuid(s.uuid);
  if (uuid === undefined) issues.add('bad-uuid', at + pointer('uuid'), uuidProblem(s.uuid)!);
  else unique('duplicate-uuid', serviceUuids, uuid, at + pointer('uuid'), `service UUID ${s.uuid}`, issues);
  unique('duplicate-name', names, `service:${s.name}`, at + pointer('name'), `the service name "${s.name}"`, issues);
  const charUuids = new Map<string, string>();
  const characteristics: ResolvedCharacteristic[] = (s.characteristics ?? []).map((c, j) => {
    const cAt = at + pointer('characteristics', j);
    const cu = parseUuid(c.uuid);
    if (cu !== undefined) unique('duplicate-uuid', charUuids, cu, cAt + pointer('uuid'), `characteristic UUID ${c.uuid} (in service "${s.name}")`, issues);
    // Names are how consoles, scenarios and matrices refer to characteristics: unique in the whole profile.
    unique('duplicate-name', names, `characteristic:${c.name}`, cAt + pointer('name'), `the characteristic name "${c.name}"`, issues);
    return resolveCharacteristic(c, { at: cAt, serviceName: s.name, serviceUuid: uuid ?? s.uuid, defaultMinKeySize: input.minKeySize }, issues);
  });
  return {
    name: s.name,
    uuid: uuid ?? s.uuid,
    ...(s.about !== undefined ? { about: s.about } : {}),
    primary: (s.type ?? 'primary') === 'primary',
    includes: [],
    characteristics,
    path: at,
  };
}

/** Included services name other services of the profile, never themselves, never in a cycle. Vol 3 Part G 3.2. */
function checkIncludes(inputs: readonly ServiceInput[], services: readonly ResolvedService[], issues: IssueList): string[][] {
  const edges = new Map<number, number[]>();
  inputs.forEach((s, i) => {
    const targets: number[] = [];
    (s.includes ?? []).forEach((ref, k) => {
      const path = pointer('services', i, 'includes', k);
      const refUuid = parseUuid(ref);
      const byName = services.findIndex((t) => t.name === ref);
      const byUuid = services.map((t, n) => (refUuid !== undefined && t.uuid === refUuid ? n : -1)).filter((n) => n >= 0);
      const target = byName >= 0 ? byName : byUuid.length === 1 ? byUuid[0]! : -1;
      if (target < 0) {
        issues.add('inconsistent', path, `"${ref}" names no service in this profile; give the name (or UUID) of another service listed under "services"`);
      } else if (target === i) {
        issues.add('inconsistent', path, `service "${s.name}" cannot include itself`);
      } else targets.push(target);
    });
    edges.set(i, targets);
  });
  const state = new Map<number, 'visiting' | 'done'>();
  const visit = (n: number, trail: number[]): void => {
    if (state.get(n) === 'done') return;
    if (state.get(n) === 'visiting') {
      const loop = [...trail.slice(trail.indexOf(n)), n].map((x) => `"${services[x]!.name}"`).join(' → ');
      issues.add('inconsistent', pointer('services', n, 'includes'), `included services form a loop (${loop}); a service may not include itself, even through others`);
      return;
    }
    state.set(n, 'visiting');
    for (const m of edges.get(n) ?? []) visit(m, [...trail, n]);
    state.set(n, 'done');
  };
  for (const n of edges.keys()) visit(n, []);
  return inputs.map((_, i) => (edges.get(i) ?? []).map((t) => services[t]!.name));
}

function resolveAdvertising(input: ProfileInput, services: readonly ResolvedService[], issues: IssueList): ResolvedProfile['advertising'] {
  const localName = input.advertising?.localName || input.name;
  const namePath = input.advertising?.localName ? pointer('advertising', 'localName') : pointer('name');
  const nameOctets = Buffer.byteLength(localName, 'utf8');
  if (2 + nameOctets > AD_MAX) {
    issues.add(
      'value-constraint',
      namePath,
      `the local name is ${nameOctets} octets in UTF-8, but a scan response holds at most ${AD_MAX - 2}: shorten it${input.advertising?.localName ? '' : ' or set advertising.localName'}`,
    );
  }
  let serviceUuids: CanonicalUuid[];
  if (input.advertising?.serviceUuids) {
    serviceUuids = [];
    input.advertising.serviceUuids.forEach((u, i) => {
      const c = parseUuid(u);
      if (c === undefined) issues.add('bad-uuid', pointer('advertising', 'serviceUuids', i), uuidProblem(u)!);
      else serviceUuids.push(c);
    });
  } else {
    const first = services.find((s) => s.primary && parseUuid(s.uuid) !== undefined);
    serviceUuids = first ? [first.uuid] : [];
  }
  const octets = FLAGS_AD + listOctets(serviceUuids, 4, 2) + listOctets(serviceUuids, 8, 4) + listOctets(serviceUuids, 32, 16);
  if (octets > AD_MAX) {
    issues.add(
      'value-constraint',
      pointer('advertising', 'serviceUuids'),
      `these service UUIDs need ${octets} octets of advertising data with the flags, but an advertisement holds ${AD_MAX}: advertise fewer (one 128-bit UUID, or up to thirteen 16-bit ones)`,
    );
  }
  return { localName, serviceUuids };
}

/** One AD structure listing every UUID of one size: 2 header octets plus the UUIDs. */
function listOctets(uuids: readonly string[], hexLength: number, octets: number): number {
  const n = uuids.filter((u) => u.length === hexLength).length;
  return n ? 2 + n * octets : 0;
}
