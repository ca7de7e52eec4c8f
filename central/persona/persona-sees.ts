// What a persona's app and user would see for one matrix cell, computed from the persona's rules and
// the cell's facts (the first ATT error, the pairing it started, the final outcome): "iOS: the pairing
// dialog appears; after Pair the read returns the value" / "iOS: no dialog; the app gets CBATTError 5
// "Authentication is insufficient."". Each sentence names the rule it comes from and how sure that is.
import type { CentralPersona, Persona, Rule } from '../../common/apps/persona/persona-types.js';
import type { CellBase } from '../matrix/matrix-types.js';
import { isKeyMissing } from '../pairing/key-missing-policy.js';

/** 0x06 PIN or Key Missing, as a plain test (isKeyMissing's type guard would narrow the other branch to nothing). */
const keyMissing = (e: unknown): boolean => isKeyMissing(e);
import { AttError, OperationTimeout, type CentralError } from '../errors.js';
import { attErrorWords, personaKeyOf, platformErrorWords } from './platform-error.js';
import { centralPartOf } from '../../common/apps/persona/persona-central.js';

const OK_WORDS: Record<CellBase['operation'], string> = {
  read: 'the read returns the value',
  write: 'the write succeeds',
  writeWithoutResponse: 'the Write Command goes out (no answer comes, none is sent)',
  notify: 'notifications are on',
  indicate: 'indications are on',
};

const OP_WORDS: Record<CellBase['operation'], string> = { read: 'read', write: 'write', writeWithoutResponse: 'Write Command', notify: 'subscription', indicate: 'subscription' };

/** "(rule onAttError 0x05: vendor)" — which rule decided and how sure it is. */
const cite = (path: string, rule: Rule<unknown>) => `[${path}: ${rule.confidence}]`;

/** What the app gets for an error that ends a request, in the persona's words. */
export function appGets(c: CentralPersona, e: CentralError): string {
  if (e instanceof AttError) return attErrorWords(c.app.attError.value, e.attCode);
  if (keyMissing(e)) return platformErrorWords(c.app.keyMissing.value);
  return `an error (${e.label})`;
}

export function whatTheySee(persona: Persona, cell: CellBase): string {
  const c = centralPartOf(persona);
  const who = persona.title;
  const ok = OK_WORDS[cell.operation];
  const final = cell.outcome.kind === 'error' ? cell.outcome.error : undefined;
  const first = cell.firstError ?? final;
  if (!first) return `${who}: no dialog; ${ok}`;
  if (keyMissing(first)) {
    const rule = c.onEncryptionFailed['0x06'];
    return `${who}: ${c.user.keyMissing.value.words}; the app gets ${platformErrorWords(c.app.keyMissing.value)} ${cite('onEncryptionFailed 0x06', rule)}`;
  }
  const key = first instanceof AttError ? personaKeyOf(first.attCode) : undefined;
  if (!key) return `${who}: no dialog; the app gets ${appGets(c, first)}`;
  const rule = c.onAttError[key];
  const gives = `the app gets ${appGets(c, first)}`;
  if (rule.value.action === 'give-up') return `${who}: no dialog; ${gives} ${cite(`onAttError ${key}`, rule)}`;
  const pairing = cell.pairing;
  if (cell.mitmPairing) return `${who}: ${mitmActed(c, cell, final)} ${cite(`onAttError ${key} then`, rule)}`;
  const security = (cell as { security?: { encrypted?: boolean; authenticated?: boolean } }).security;
  if (!pairing) {
    // The persona would raise security, but the central's one attempt per link is spent: the link is already encrypted, or an earlier attempt failed.
    if (security?.encrypted && !security.authenticated && rule.value.then === 'pair-with-mitm') return `${who}: ${mitmAgain(c, who, 'the pairing that encrypted this link', first)} ${cite(`onAttError ${key} then`, rule)}`;
    const why = security?.encrypted ? 'the link is already encrypted, so pairing again with the same IO capabilities cannot help' : 'an earlier attempt on this link failed';
    return `${who}: no dialog (${why}); ${gives} ${cite(`onAttError ${key}`, rule)}`;
  }
  const shows = c.user.pairing.value;
  const dialog = `${shows.words} ${cite('user pairing', c.user.pairing)}`;
  if (pairing.error) {
    const failed = c.app.securityFailed.value;
    const gets = failed === 'att-error' ? attErrorWords(c.app.attError.value, (first as AttError).attCode) : platformErrorWords(failed);
    // Never answered: the central's SMP timer ended it (Vol 3 Part H 3.4); no method was chosen, so no dialog (our inference; research part B1, cause 1's "silence").
    if (!pairing.response && pairing.error instanceof OperationTimeout) return `${who}: no dialog (the peer never answered the Pairing Request; the pairing ended at the SMP timeout, ${c.timeouts.value.smpSeconds} s) [inference]; the app gets ${gets} ${cite('app securityFailed', c.app.securityFailed)}`;
    // Refused before the features were exchanged: no method was chosen, so nothing could be shown (our inference; research part B1, cause 1).
    if (!pairing.response) return `${who}: no dialog to answer (the peer refused the Pairing Request at once: ${pairing.error.label}) [inference]; the app gets ${gets} ${cite('app securityFailed', c.app.securityFailed)}`;
    return `${who}: ${dialog}; the pairing fails (${pairing.error.label}): the app gets ${failed === 'att-error' ? attErrorWords(c.app.attError.value, (first as AttError).attCode) : platformErrorWords(failed)} ${cite('app securityFailed', c.app.securityFailed)}`;
  }
  const after = shows.shows === 'dialog' ? 'after Pair' : 'after pairing';
  if (!final) return `${who}: ${dialog}; ${after} ${ok} ${cite(`onAttError ${key}`, rule)}`;
  // Paired, re-sent, and it still failed: a persona that pairs again asking for MITM says what that brings.
  const again = `${after} the ${OP_WORDS[cell.operation]} still fails`;
  if (rule.value.then === 'pair-with-mitm' && final instanceof AttError && personaKeyOf(final.attCode) && c.onAttError[personaKeyOf(final.attCode)!].value.action !== 'give-up') {
    return `${who}: ${dialog}; ${again} (${attErrorWords(c.app.attError.value, final.attCode)}); ${mitmAgain(c, who, `the ${pairing.method ?? 'Just Works'} pairing`, final)} ${cite(`onAttError ${key} then`, rule)}`;
  }
  return `${who}: ${dialog}; ${again}: the app gets ${appGets(c, final)} ${cite(`onAttError ${key}`, rule)}`;
}

/** A persona that pairs again asking for MITM (Android's second retry): with the same peer it gets the same method, no authenticated key, and the app the security failure. */
function mitmAgain(c: CentralPersona, who: string, before: string, error: CentralError): string {
  const failed = c.app.securityFailed.value;
  return `${who} pairs again asking for MITM (${c.user.pairing.value.words}); a peer whose IO capabilities gave ${before} gives the same method again, no authenticated key, and the app gets ${failed === 'att-error' ? appGets(c, error) : platformErrorWords(failed)}`;
}

/** The MITM pairing acted out (central/pairing/mitm-retry.ts): each prompt the user met, and what the app got. */
function mitmActed(c: CentralPersona, cell: CellBase, final: CentralError | undefined): string {
  const shows = c.user.pairing.value;
  const first = cell.pairing ? `${shows.words}; ${shows.shows === 'dialog' ? 'after Pair' : 'after pairing'} the ${OP_WORDS[cell.operation]} fails again; ` : '';
  const m = cell.mitmPairing!;
  const failedWords = (e: CentralError) => (c.app.securityFailed.value === 'att-error' ? appGets(c, e) : platformErrorWords(c.app.securityFailed.value));
  const again = `it pairs again asking for MITM (${shows.words})`;
  if (m.error) return `${first}${again}; that pairing fails (${m.error.label}): the app gets ${failedWords(m.error)}`;
  if (final) return `${first}${again}: the peer's IO capabilities give ${m.method ?? 'the same method'} again, the key is not authenticated, and the app gets ${failedWords(final)}`;
  return `${first}${again}: ${m.method ?? 'an authenticated method'}, and then ${OK_WORDS[cell.operation]}`;
}
