// The profile describing test/helpers/bleno-gatt.ts's small GATT, as a TypeScript object; `change`
// lets a test make it differ from the target in one place.
import { defineProfile } from '../../common/stack/gatt/define-profile.js';
import type { ProfileInput } from '../../common/stack/gatt/profile-input.js';
import type { ResolvedProfile } from '../../common/stack/gatt/resolved-profile.js';
import { SMALL } from './bleno-gatt.js';

type Chars = NonNullable<ProfileInput['services'][number]['characteristics']>;

export function smallProfile(change: (chars: Chars) => void = () => {}): ResolvedProfile {
  const characteristics: Chars = [
    { name: 'Open Read', uuid: SMALL.openRead, properties: ['read'], value: { utf8: SMALL.openValue.toString() } },
    { name: 'Secure Read', uuid: SMALL.secureRead, properties: ['read'], security: { read: 'encrypted' }, value: { utf8: SMALL.secureValue.toString() } },
    { name: 'Open Write', uuid: SMALL.openWrite, properties: ['read', 'write'], value: { utf8: 'w0' } },
    { name: 'Secure Write', uuid: SMALL.secureWrite, properties: ['read', 'write'], security: { write: 'encrypted' }, value: { utf8: 's0' } },
    { name: 'Open Command', uuid: SMALL.openCommand, properties: ['writeWithoutResponse'] },
    { name: 'Open Notify', uuid: SMALL.openNotify, properties: ['notify'] },
    { name: 'Secure Notify', uuid: SMALL.secureNotify, properties: ['notify'], security: { notify: 'encrypted' } },
    { name: 'Open Indicate', uuid: SMALL.openIndicate, properties: ['indicate'] },
    { name: 'Long Read', uuid: SMALL.longRead, properties: ['read'], value: { utf8: SMALL.longValue.toString() } },
  ];
  change(characteristics);
  return defineProfile({ name: 'small', advertising: { localName: SMALL.name }, services: [{ name: 'Small', uuid: SMALL.service, characteristics }] });
}
