// Small helpers for the common/stack/gatt tests.
import { expect } from 'vitest';
import { ProfileError, type ProfileInput, type ResolvedProfile } from '../../common/stack/gatt/index.js';

export const VENDOR = (n: number) => `b1eb${n.toString(16).padStart(4, '0')}-7e57-4b3e-9c1d-2f5e0b1c7a90`;

/** A one-service profile around the given characteristics. */
export function oneService(characteristics: ProfileInput['services'][number]['characteristics']): ProfileInput {
  return { name: 'test', services: [{ name: 'Service', uuid: VENDOR(0xf000), characteristics }] };
}

/** The model without where it came from (paths differ between vocabularies, meaning must not). */
export function meaning(profile: ResolvedProfile): unknown {
  return JSON.parse(JSON.stringify(profile, (k, v) => (k === 'path' || k === 'source' ? undefined : v)));
}

/** The ProfileError a call throws. */
export function profileError(run: () => unknown): ProfileError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ProfileError);
    return e as ProfileError;
  }
  throw new Error('expected a ProfileError, but nothing was thrown');
}
