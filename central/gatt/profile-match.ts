// Names for what the central discovered: when the device serves a known profile (the one given with
// --profile, or one of fixtures/profiles whose services it has), each characteristic gets the
// profile's name; otherwise its UUID. A profile matches by service and characteristic UUIDs.
import { allCharacteristics, displayUuid, listProfiles, loadProfile, parseUuid, type ResolvedCharacteristic, type ResolvedProfile } from '../../common/stack/gatt/index.js';
import type { DiscoveredCharacteristic, DiscoveredService } from './discovered.js';
import { uuidName } from '../../common/base/output/format.js';

export interface NamedCharacteristic {
  readonly c: DiscoveredCharacteristic;
  /** The profile's name, else the SIG's, else the UUID as people read it. */
  readonly name: string;
  readonly def?: ResolvedCharacteristic;
}

export interface ProfileMatch {
  readonly profile: ResolvedProfile;
  /** How many discovered characteristics the profile names. */
  readonly named: number;
}

/** How many of `services`' characteristics `profile` defines (same service and characteristic UUID). */
export function matchCount(profile: ResolvedProfile, services: readonly DiscoveredService[]): number {
  const defs = allCharacteristics(profile);
  let n = 0;
  for (const s of services) for (const c of s.characteristics) if (defs.some((d) => d.uuid === c.uuid && d.serviceUuid === s.uuid)) n++;
  return n;
}

/** The given profile when it names anything here; else the built-in profile that names the most. */
export function matchProfile(services: readonly DiscoveredService[], given?: ResolvedProfile): ProfileMatch | undefined {
  const candidates: ResolvedProfile[] = given ? [given] : builtInProfiles();
  let best: ProfileMatch | undefined;
  for (const profile of candidates) {
    const named = matchCount(profile, services);
    if (named > 0 && (!best || named > best.named)) best = { profile, named };
  }
  return best;
}

function builtInProfiles(): ResolvedProfile[] {
  const out: ResolvedProfile[] = [];
  for (const name of listProfiles()) {
    try {
      out.push(loadProfile(name));
    } catch {
      // A broken fixture only costs its names here.
    }
  }
  return out;
}

export function nameCharacteristics(services: readonly DiscoveredService[], match: ProfileMatch | undefined): NamedCharacteristic[] {
  const defs = match ? allCharacteristics(match.profile) : [];
  return services.flatMap((s) =>
    s.characteristics.map((c) => {
      const def = defs.find((d) => d.uuid === c.uuid && d.serviceUuid === s.uuid);
      // No profile names it: the SIG's name (Device Name, Appearance…), else the UUID.
      return def ? { c, name: def.name, def } : { c, name: uuidName(c.uuid, 'characteristic') ?? displayUuid(c.uuid) };
    }),
  );
}

let cached: ResolvedProfile[] | undefined;

/** The built-in profile whose advertised service UUIDs this advertisement carries, for the scan list. */
export function advertisedProfile(serviceUuids: readonly string[]): string | undefined {
  cached ??= builtInProfiles();
  const ads = new Set(serviceUuids.map((u) => parseUuid(u) ?? u));
  return cached.find((p) => p.advertising.serviceUuids.length > 0 && p.advertising.serviceUuids.every((u) => ads.has(u)))?.name;
}

/**
 * For the matrix walked with no --profile: the built-in profile that names the most of these
 * characteristics (by service and characteristic UUID), and its name for each; undefined when none does.
 */
export function builtInNames(chars: readonly DiscoveredCharacteristic[]): { profile: string; nameOf: (c: { uuid: string; serviceUuid: string }) => string | undefined } | undefined {
  const byService = new Map<string, DiscoveredCharacteristic[]>();
  for (const c of chars) byService.set(c.serviceUuid, [...(byService.get(c.serviceUuid) ?? []), c]);
  const services: DiscoveredService[] = [...byService].map(([uuid, characteristics]) => ({ uuid, startHandle: 0, endHandle: 0, characteristics }));
  const match = matchProfile(services);
  if (!match) return undefined;
  const defs = allCharacteristics(match.profile);
  return { profile: match.profile.name, nameOf: (c) => defs.find((d) => d.uuid === c.uuid && d.serviceUuid === c.serviceUuid)?.name };
}
