// `blebench explain --central PLATFORM`: for a finding, what that platform's user saw and its app got,
// from the platform's persona (fixtures/personas/), each with the rule and how sure it is. Platforms
// without a persona file (zephyr, nimble, …) get none; `linux` is BlueZ's.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { defaultPersonasDir, loadPersona } from '../persona/load-persona.js';
import type { CentralPersona, Persona, PlatformError, Rule } from '../persona/persona-types.js';
import { PERSONA_ATT_ERRORS } from '../persona/persona-types.js';
import type { PatternId, Platform } from './patterns.js';

const PERSONA_OF: Partial<Record<Platform, string>> = { ios: 'ios', macos: 'macos', android: 'android', windows: 'windows', linux: 'bluez', noble: 'noble' };

/** The central persona for a platform, when there is one. */
export function personaFor(platform: Platform): Persona | undefined {
  const name = PERSONA_OF[platform];
  if (!name || !existsSync(path.join(defaultPersonasDir(), `${name}.yaml`))) return undefined;
  const p = loadPersona(name);
  return p.central ? p : undefined;
}

const cite = (what: string, r: Rule<unknown>) => `[${what}: ${r.confidence}; ${r.source}]`;
const error = (e: PlatformError) => `${e.name}${e.code !== undefined ? ` ${e.code}` : ''}${e.text ? ` "${e.text}"` : ''}`;
const failed = (c: CentralPersona) => {
  const v = c.app.securityFailed.value;
  return v === 'att-error' ? `the ATT error that started it (as ${c.app.attError.value.name ?? 'CBATTError'})` : error(v);
};

/** One line for the finding, or undefined when the persona has no rule that speaks to it. */
/** `recognised`: the platform was recognised from the capture, not given (said with the persona's file). */
export function personaView(id: PatternId, persona: Persona, recognised = false): string | undefined {
  const c = persona.central!;
  const who = `as ${persona.title} (${persona.source}${recognised ? ', recognised from its Pairing Request' : ''})`;
  switch (id) {
    case 'peripheral-lost-bond':
    case 'key-mismatch': {
      const r = c.onEncryptionFailed[id === 'key-mismatch' ? '0x3D' : '0x06'];
      return `${who}: ${r.value === 'stop' ? 'no new pairing' : 'it pairs again'}; the user sees ${c.user.keyMissing.value.words}; the app gets ${error(c.app.keyMissing.value)} ${cite('onEncryptionFailed', r)}`;
    }
    case 'no-pairing-after-security-error': {
      const pairs = PERSONA_ATT_ERRORS.filter((k) => c.onAttError[k].value.action === 'encrypt-or-pair');
      return `${who}: pairs after ${pairs.join(', ') || 'no ATT error'} (the user sees ${c.user.pairing.value.words}); gives ${PERSONA_ATT_ERRORS.filter((k) => !pairs.includes(k)).join(', ')} to the app ${cite('onAttError 0x05', c.onAttError['0x05'])}`;
    }
    case 'pairing-refused':
    case 'sc-only-vs-legacy':
    case 'passkey-or-confirm-failed':
    case 'numeric-comparison-rejected':
      return `${who}: the pairing fails and the app gets ${failed(c)} ${cite('app securityFailed', c.app.securityFailed)}`;
    case 'pairing-timeout':
      return `${who}: ${c.user.pairing.value.words}, unanswered until the ${c.timeouts.value.smpSeconds} s SMP timeout; the app gets ${failed(c)} ${cite('app securityFailed', c.app.securityFailed)}`;
    case 'mitm-unreachable':
    case 'security-too-low-after-pairing': {
      const r = c.onAttError['0x05'];
      return `${who}: ${c.user.pairing.value.words}; after pairing the request fails again${r.value.then === 'pair-with-mitm' ? ', it pairs again asking for MITM and then the app gets ' + failed(c) : ` and the app gets it (as ${c.app.attError.value.name ?? 'CBATTError'})`} ${cite('onAttError 0x05', r)}`;
    }
    case 'security-request-ignored':
      return `${who}: a Security Request ${c.onSecurityRequest.value === 'ignore' ? 'is ignored' : 'makes it encrypt with its key or pair'} ${cite('onSecurityRequest', c.onSecurityRequest)}`;
    default:
      return undefined;
  }
}
