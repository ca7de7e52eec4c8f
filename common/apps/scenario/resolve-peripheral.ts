// peripheral: and faults: → PeripheralSetup and the virtual radio's FaultRule list (common/stack/air/faults.ts).
import { privacyOf, securityManagerConfig } from './resolve-security-manager.js';
import type { SecurityManagerInput } from './scenario-input.js';
import type { PairingConfig } from '../../stack/smp/pairing-config.js';
import type { AclFaultAction, FaultRule } from '../../stack/air/faults.js';
import { HCI_STATUS } from '../../base/codes/hci.js';
import type { ResolvedProfile } from '../../stack/gatt/resolved-profile.js';
import { encodeValue } from '../../stack/gatt/value-input.js';
import { pointer } from '../../base/input/issues.js';
import { protocolCode, showCode } from './protocol-codes.js';
import { characteristicAt, codeAt, oneKeyOf, pduAt, type Names } from './resolve-names.js';
import type { Behaviour, BehaviourOperation, CharacteristicRef, PeripheralSetup, ScenarioRole } from './scenario.js';
import type { AclFaultTarget, BehaviourInput, FaultInput, PeripheralInput, ScheduleInput } from './scenario-input.js';

const BEHAVIOURS = ['refuse-pairing', 'answer', 'disconnect-after', 'security-request-after', 'delay', 'notify', 'indicate'] as const;
const FAULTS = ['drop', 'delay', 'disconnect', 'corrupt', 'refuse-encryption', 'fail-connection', 'refuse-command'] as const;

export function peripheralAt(n: Names, input: PeripheralInput, profile: ResolvedProfile, path: string): PeripheralSetup {
  const values = Object.entries(input.values ?? {}).flatMap(([name, v]) => {
    const at = path + pointer('values', name);
    const c = characteristicAt(n, name, at);
    const r = encodeValue(v);
    if (!r.ok) n.issues.add('bad-value', at, r.problem);
    return c && r.ok ? [{ characteristic: c, value: r.value }] : [];
  });
  const behaviours = (input.behaviours ?? []).map((b, i) => behaviourAt(n, b, path + pointer('behaviours', i))).filter((b): b is Behaviour => b !== undefined);
  const smp = input['security-manager'] ? securityManagerAt(n, input['security-manager'], path + pointer('security-manager'), 'peripheral') : undefined;
  const privacy = privacyOf(input['security-manager']);
  return { profileRef: input.profile, profile, values, behaviours, ...(smp ? { smp } : {}), ...(privacy ? { privacy } : {}) };
}

function behaviourAt(n: Names, input: BehaviourInput, path: string): Behaviour | undefined {
  const kind = oneKeyOf(n, input, BEHAVIOURS, path, 'a behaviour');
  if (!kind) return undefined;
  const at = path + pointer(kind);
  const o = (input as Record<string, Record<string, unknown>>)[kind]!;
  switch (kind) {
    case 'refuse-pairing': {
      const reason = codeAt(n, o.reason as string | number, ['smp'], at + pointer('reason'));
      return reason && { path, kind, reason };
    }
    case 'answer': {
      const c = characteristicAt(n, o.characteristic as string, at + pointer('characteristic'));
      const error = codeAt(n, o.error as string | number, ['att'], at + pointer('error'));
      const operation = o.operation as BehaviourOperation;
      if (c && !canDo(n, c, operation)) {
        n.issues.add('inconsistent', at + pointer('operation'), `"${c.name}" has no ${operation === 'subscribe' ? 'notify or indicate property (no CCCD to write)' : `"${operation}" property`} in the profile: such a request is refused (0x02/0x03) before any chosen answer`);
        return undefined;
      }
      return c && error && { path, kind, characteristic: c, operation, error, nth: (o.nth as number | undefined) ?? 1, repeat: (o.repeat as boolean | undefined) ?? true };
    }
    case 'disconnect-after': {
      const pdu = pduAt(n, o.pdu as string, at + pointer('pdu'));
      const reason = o.reason === undefined ? protocolCode('hci', HCI_STATUS.REMOTE_USER_TERMINATED_CONNECTION) : codeAt(n, o.reason as string | number, ['hci'], at + pointer('reason'));
      const sentBy = o['sent-by'] as ScenarioRole | undefined;
      return pdu && reason && { path, kind, pdu, reason, nth: (o.nth as number | undefined) ?? 1, ...(sentBy ? { sentBy } : {}) };
    }
    case 'security-request-after': {
      const pdu = pduAt(n, o.pdu as string, at + pointer('pdu'));
      const sentBy = o['sent-by'] as ScenarioRole | undefined;
      return pdu && { path, kind, pdu, nth: (o.nth as number | undefined) ?? 1, ...(sentBy ? { sentBy } : {}) };
    }
    case 'delay': {
      const c = o.characteristic === undefined ? undefined : characteristicAt(n, o.characteristic as string, at + pointer('characteristic'));
      if (o.characteristic !== undefined && !c) return undefined;
      const operation = o.operation as Exclude<BehaviourOperation, 'write-without-response'> | undefined;
      return { path, kind, ms: o.ms as number, ...(c ? { characteristic: c } : {}), ...(operation ? { operation } : {}) };
    }
    case 'notify':
    case 'indicate':
      return scheduleAt(n, kind, o as unknown as ScheduleInput, path, at);
  }
}

/** Whether the profile's characteristic has the property an operation needs (subscribe: a CCCD). */
function canDo(n: Names, c: CharacteristicRef, operation: BehaviourOperation): boolean {
  const p = n.profile.services.flatMap((x) => x.characteristics).find((x) => x.name === c.name)!.properties;
  return operation === 'subscribe' ? p.notify || p.indicate : p[operation === 'write-without-response' ? 'writeWithoutResponse' : operation];
}

function scheduleAt(n: Names, kind: 'notify' | 'indicate', s: ScheduleInput, path: string, at: string): Behaviour | undefined {
  const c = characteristicAt(n, s.characteristic, at + pointer('characteristic'));
  if (!c) return undefined;
  const resolved = n.profile.services.flatMap((x) => x.characteristics).find((x) => x.name === c.name)!;
  if (!resolved.properties[kind]) {
    n.issues.add('inconsistent', at + pointer('characteristic'), `"${c.name}" cannot ${kind} (it has no "${kind}" property in the profile)`);
    return undefined;
  }
  const values: Buffer[] = [];
  for (const [i, v] of (s.values ?? []).entries()) {
    const r = encodeValue(v);
    if (r.ok) values.push(r.value);
    else n.issues.add('bad-value', at + pointer('values', i), r.problem);
  }
  return { path, kind, characteristic: c as CharacteristicRef, everyMs: s['every-ms'], count: s.count, values: values.length ? values : [resolved.value] };
}

export function faultsAt(n: Names, inputs: readonly FaultInput[] | undefined, path: string): FaultRule[] {
  return (inputs ?? []).map((f, i) => faultAt(n, f, path + pointer(i))).filter((f): f is FaultRule => f !== undefined);
}

function common(o: { nth?: number; repeat?: boolean; label?: string }, label: string) {
  return { ...(o.nth !== undefined ? { nth: o.nth } : {}), ...(o.repeat !== undefined ? { repeat: o.repeat } : {}), label: o.label ?? label };
}

function faultAt(n: Names, input: FaultInput, path: string): FaultRule | undefined {
  const kind = oneKeyOf(n, input, FAULTS, path, 'a fault');
  if (!kind) return undefined;
  const at = path + pointer(kind);
  const o = ((input as Record<string, unknown>)[kind] ?? {}) as Record<string, unknown>;
  if (kind === 'refuse-encryption' || kind === 'fail-connection') {
    // Defaults: the peripheral has no key → 0x06 PIN or Key Missing (Vol 6 Part B 5.1.3.1);
    // the connection never comes up → 0x3E Connection Failed to be Established (Vol 4 Part E 7.7.65.1).
    const fallback = kind === 'refuse-encryption' ? HCI_STATUS.PIN_OR_KEY_MISSING : HCI_STATUS.CONNECTION_FAILED_TO_BE_ESTABLISHED;
    const status = o.status === undefined ? protocolCode('hci', fallback) : codeAt(n, o.status as string | number, ['hci'], at + pointer('status'));
    if (!status) return undefined;
    return { on: kind === 'refuse-encryption' ? 'encryption' : 'connect', status: status.code, ...common(o, `${kind} with ${showCode(status)}`) };
  }
  if (kind === 'refuse-command') {
    // The controller answers the command with an error status, as Command Status or Command Complete
    // per that command (Vol 4 Part E 4.4); default 0x0C Command Disallowed (Vol 1 Part F 1.3).
    const c = pduAt(n, String(o.command), at + pointer('command'));
    if (!c) return undefined;
    if (!c.command) {
      n.issues.add('inconsistent', at + pointer('command'), `"${c.name}" is not an HCI command: the controller can only refuse a command its host sends ("LE Create Connection", "LE Set Advertising Enable")`);
      return undefined;
    }
    const status = o.status === undefined ? protocolCode('hci', HCI_STATUS.COMMAND_DISALLOWED) : codeAt(n, o.status as string | number, ['hci'], at + pointer('status'));
    if (!status) return undefined;
    return { on: 'command', opcode: c.command.opcode, status: status.code, ...common(o, `refuse ${c.name} with ${showCode(status)}`) };
  }
  const t = o as unknown as AclFaultTarget & { ms?: number; reason?: string | number; at?: number; xor?: number; replace?: string; truncate?: number };
  const pdu = pduAt(n, t.pdu, at + pointer('pdu'));
  if (!pdu) return undefined;
  if (!pdu.air) {
    n.issues.add('inconsistent', at + pointer('pdu'), `"${pdu.name}" never crosses the air: the radio can only ${kind} PDUs carried as ACL data (ATT, SMP, L2CAP signaling)`);
    return undefined;
  }
  let action: AclFaultAction;
  if (kind === 'drop') action = { kind: 'drop' };
  else if (kind === 'delay') action = { kind: 'delay', ms: t.ms! };
  else if (kind === 'corrupt') {
    const c = corruptAt(n, t, at);
    if (!c) return undefined;
    action = c;
  } else {
    // A link lost mid-exchange looks like a supervision timeout to both hosts (0x08). Vol 6 Part B 4.5.2.
    const reason = t.reason === undefined ? protocolCode('hci', HCI_STATUS.CONNECTION_TIMEOUT) : codeAt(n, t.reason, ['hci'], at + pointer('reason'));
    if (!reason) return undefined;
    action = { kind: 'disconnect', reason: reason.code };
  }
  const from = t['sent-by'];
  const direction = from === undefined ? undefined : from === 'central' ? ('central-to-peripheral' as const) : ('peripheral-to-central' as const);
  return {
    on: 'acl',
    match: { cid: pdu.air.cid, prefix: [pdu.air.opcode], ...(direction ? { direction } : {}) },
    action,
    ...common(t, `${kind} ${pdu.name}${from ? ` from the ${from}` : ''}`),
  };
}

/** corrupt: { at, xor, replace (hex), truncate } → the radio's corrupt action; at least one change. */
function corruptAt(n: Names, t: { at?: number; xor?: number; replace?: string; truncate?: number }, at: string): AclFaultAction | undefined {
  if (t.xor === undefined && t.replace === undefined && t.truncate === undefined) {
    n.issues.add('inconsistent', at, 'corrupt needs at least one of "xor", "replace" (hex) or "truncate"');
    return undefined;
  }
  let replace: number[] | undefined;
  if (t.replace !== undefined) {
    const digits = t.replace.replace(/^0x/i, '').replace(/[\s:]/g, '');
    if (!/^([0-9a-fA-F]{2})+$/.test(digits)) {
      n.issues.add('bad-value', at + pointer('replace'), `"${t.replace}" is not hex octets (e.g. "0f" or "0f 00")`);
      return undefined;
    }
    replace = [...Buffer.from(digits, 'hex')];
  }
  return {
    kind: 'corrupt',
    ...(t.at !== undefined ? { at: t.at } : {}),
    ...(t.xor !== undefined ? { xor: t.xor } : {}),
    ...(replace ? { replace } : {}),
    ...(t.truncate !== undefined ? { truncate: t.truncate } : {}),
  };
}

/** A security-manager: block as a PairingConfig; a problem is an issue at the block's path. */
export function securityManagerAt(n: Names, input: SecurityManagerInput, path: string, role: 'central' | 'peripheral'): PairingConfig | undefined {
  if (input.privacy === undefined && input['rpa-timeout'] !== undefined) n.issues.add('inconsistent', path + pointer('rpa-timeout'), 'an RPA timeout without privacy: add privacy: host or privacy: controller');
  const r = securityManagerConfig(input, role);
  if (r.ok) return r.config;
  n.issues.add('inconsistent', path, r.problem);
  return undefined;
}
