// central.steps → Step[]: one action per step, characteristics resolved against the profile, values encoded.
import { HCI_STATUS } from '../../base/codes/hci.js';
import { encodeValue } from '../../stack/gatt/value-input.js';
import { pointer } from '../../base/input/issues.js';
import { protocolCode } from './protocol-codes.js';
import { expectationsAt, valueExpectationAt } from './resolve-expect.js';
import { characteristicAt, codeAt, matcherAt, oneKeyOf, type Names } from './resolve-names.js';
import { DEFAULT_STEP_TIMEOUT_MS, type CharacteristicRef, type Step, type StepExpectations } from './scenario.js';
import { STEP_KINDS } from './scenario-schema.js';
import type { StepInput } from './scenario-input.js';

type Body = Record<string, unknown> | string | null;

/** The characteristic a step names, as a bare string or { characteristic }. */
function target(n: Names, body: Body, path: string): CharacteristicRef | undefined {
  if (typeof body === 'string') return characteristicAt(n, body, path);
  return characteristicAt(n, String((body as Record<string, unknown>).characteristic), path + pointer('characteristic'));
}

export function stepAt(n: Names, input: StepInput, index: number, path: string): Step | undefined {
  const kind = oneKeyOf(n, input, STEP_KINDS, path, 'a step');
  const expect: StepExpectations = expectationsAt(n, input.expect, path + pointer('expect'));
  if (!kind) return undefined;
  const at = path + pointer(kind);
  const body = (input as Record<string, unknown>)[kind] as Body;
  const o = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const base = (label: string) => ({ index, path, label: input.name ?? label, expect });
  const timeoutMs = (o['timeout-ms'] as number | undefined) ?? DEFAULT_STEP_TIMEOUT_MS;

  switch (kind) {
    case 'connect':
      return { ...base('connect'), kind, timeoutMs };
    case 'discover':
    case 'pair':
    case 'reconnect':
      return { ...base(kind), kind };
    case 'read': {
      const c = target(n, body, at);
      const cccd = o.descriptor === 'cccd';
      return c && { ...base(cccd ? `read the CCCD of ${c.name}` : `read ${c.name}`), kind, characteristic: c, ...(cccd ? { descriptor: 'cccd' as const } : {}) };
    }
    case 'unsubscribe': {
      const c = target(n, body, at);
      return c && { ...base(`${kind} ${c.name}`), kind, characteristic: c };
    }
    case 'subscribe': {
      const c = target(n, body, at);
      const mode = (o.mode as 'notify' | 'indicate' | undefined) ?? subscribeMode(n, c, at);
      return c && { ...base(`subscribe to ${c.name} (${mode})`), kind, characteristic: c, mode };
    }
    case 'write': {
      const c = target(n, body, at);
      const v = encodeValue(o.value as Parameters<typeof encodeValue>[0]);
      if (!v.ok) n.issues.add('bad-value', at + pointer('value'), v.problem);
      const withResponse = (o.response as boolean | undefined) ?? true;
      return c && v.ok ? { ...base(`write ${c.name}${withResponse ? '' : ' (without response)'}`), kind, characteristic: c, value: v.value, withResponse } : undefined;
    }
    case 'wait-notification': {
      const c = target(n, body, at);
      const value = o.value === undefined ? undefined : valueExpectationAt(n, o.value as never, at + pointer('value'));
      const count = (o.count as number | undefined) ?? 1;
      return c && { ...base(`wait for ${count} notification${count === 1 ? '' : 's'} of ${c.name}`), kind, characteristic: c, count, ...(value ? { value } : {}), timeoutMs };
    }
    case 'disconnect': {
      // HCI Disconnect takes one of a few reasons; 0x13 is the usual "the user ended it". Vol 4 Part E 7.1.6.
      const reason = o.reason === undefined ? protocolCode('hci', HCI_STATUS.REMOTE_USER_TERMINATED_CONNECTION) : codeAt(n, o.reason as string | number, ['hci'], at + pointer('reason'));
      return reason && { ...base('disconnect'), kind, reason };
    }
    case 'wait': {
      const m = matcherAt(n, o.for as never, at + pointer('for'));
      return m && { ...base(`wait for ${m.pdu.name}`), kind, for: m, timeoutMs };
    }
    case 'hold-idle':
      return { ...base(`hold the link idle for ${String(o.ms)} ms`), kind, ms: o.ms as number };
    case 'advance-clock':
      return { ...base(`advance the radio's clock ${String(o.seconds)} s`), kind, seconds: o.seconds as number };
    case 'forget-bonds':
      return o['new-irk'] ? { ...base('the central forgets its bonds and makes a new IRK'), kind, newIrk: true } : { ...base('the central forgets its bonds'), kind, newIrk: false };
    case 'factory-reset': {
      if (o['same-irk'] && !o['new-identity']) n.issues.add('inconsistent', at + pointer('same-irk'), 'same-irk goes with new-identity: a reset that keeps its identity keeps its IRK anyway');
      if (!o['new-identity']) return { ...base('the peripheral forgets its bonds (factory reset)'), kind };
      const same = o['same-irk'] === true;
      return { ...base(same ? 'the peripheral forgets its bonds and takes a new identity address, keeping its IRK' : 'the peripheral forgets its bonds and takes a new identity address and IRK'), kind, newIdentity: same ? 'same-irk' : 'fresh' };
    }
    case 'firmware-update': {
      const ref = String(o.profile);
      const found = n.lookupProfile?.(ref) ?? { ok: false as const, problem: 'no profile can be looked up here' };
      if (!found.ok) {
        n.issues.add('profile', at + pointer('profile'), found.problem);
        return undefined;
      }
      const serviceChanged = (o['service-changed'] as boolean | undefined) ?? true;
      return { ...base(`the peripheral's firmware is updated to "${found.profile.name}"${serviceChanged ? '' : ' (no Service Changed)'}`), kind, profileRef: ref, profile: found.profile, serviceChanged };
    }
    case 'change-stored-key': {
      const part = o.part as 'key' | 'ediv-rand';
      return { ...base(part === 'key' ? "change the central's kept key" : "change the EDIV and Rand of the central's kept key"), kind, part };
    }
  }
}

/** notify when the characteristic can notify, else indicate; an issue when it can do neither. */
function subscribeMode(n: Names, c: CharacteristicRef | undefined, path: string): 'notify' | 'indicate' {
  if (!c) return 'notify';
  const p = n.profile.services.flatMap((s) => s.characteristics).find((x) => x.name === c.name)!.properties;
  if (p.notify) return 'notify';
  if (p.indicate) return 'indicate';
  n.issues.add('inconsistent', path, `"${c.name}" can neither notify nor indicate (its properties say so), so nothing can subscribe to it`);
  return 'notify';
}
