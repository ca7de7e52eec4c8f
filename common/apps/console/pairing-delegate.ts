// The Security Manager's questions in a console (`--passkey ask`, `--numeric-comparison ask`): a
// passkey to type is asked for as 6 digits (empty cancels: Pairing Failed 0x01 Passkey Entry Failed),
// a number to compare is shown with a yes/no question (no: 0x0C Numeric Comparison Failed), a passkey
// to show is printed in a box. The questions cannot wait for the menu, so they close it and take the
// terminal (ConsolePrompts' urgent questions). The engine's 30-second SMP timer keeps running while
// the person thinks (Core v5.4 Vol 3 Part H 3.4); when it expires, or the peer fails the pairing, or
// the link goes, the question closes and says why.
import type { SmpSetup } from '../../stack/smp/link-session.js';
import type { PairingDelegate, PromptInfo } from '../../stack/smp/pairing-config.js';
import { ConsoleInterrupted, PromptAborted, type ConsolePrompts } from './prompts.js';

export interface ConsolePairingDelegateOptions {
  prompts: ConsolePrompts;
  print: (text: string) => void;
  /** Ctrl-C at a pairing question: the console ends as on Ctrl-C anywhere (the pairing is cancelled first). */
  onInterrupt: () => void;
}

/** A passkey is six decimal digits, 000000 to 999999. Vol 3 Part H 2.3.5.3. */
const PASSKEY_DIGITS = /^\d{6}$/;

export const passkeyText = (passkey: number) => String(passkey).padStart(6, '0');

/** Checks what was typed at the passkey prompt: six digits, or nothing (cancel). */
export function checkPasskeyAnswer(text: string): true | string {
  const t = text.trim();
  if (t === '' || PASSKEY_DIGITS.test(t)) return true;
  return `a passkey is 6 digits (000000 to 999999), "${t}" is not; leave it empty to cancel the pairing`;
}

/** The passkey as a box that stands out among the events. */
export function passkeyBox(passkey: number, info: Pick<PromptInfo, 'peerAddress'>): string {
  const lines = [`PASSKEY  ${passkeyText(passkey)}`, `type it on ${info.peerAddress} (Passkey Entry)`];
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  return [`┏${'━'.repeat(width)}┓`, ...lines.map((l) => `┃  ${l.padEnd(width - 2)}┃`), `┗${'━'.repeat(width)}┛`].join('\n');
}

export function consolePairingDelegate(o: ConsolePairingDelegateOptions): PairingDelegate {
  /** One question; undefined when it closed without an answer (why is printed). */
  const ask = async <T>(what: string, question: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await question();
    } catch (e) {
      if (e instanceof ConsoleInterrupted) {
        // The cancel goes to the engine first (its Pairing Failed is written now); the console closes the link after.
        setImmediate(o.onInterrupt);
        return undefined;
      }
      if (e instanceof PromptAborted) {
        o.print(`✗ ${what} closed: ${e.message}`);
        return undefined;
      }
      throw e;
    }
  };
  const method = (info: PromptInfo) => (info.secureConnections ? 'LE Secure Connections' : 'LE legacy');
  return {
    displayPasskey(passkey, info) {
      o.print(passkeyBox(passkey, info));
    },
    async enterPasskey(info) {
      const typed = await ask('the passkey question', () =>
        o.prompts.input(`pairing with ${info.peerAddress} (${method(info)} Passkey Entry): type the 6-digit passkey it shows (empty cancels)`, {
          signal: info.signal,
          validate: checkPasskeyAnswer,
          urgent: true,
        }),
      );
      if (typed === undefined) return null;
      const t = typed.trim();
      if (t === '') {
        o.print('passkey entry cancelled: the pairing fails with 0x01 Passkey Entry Failed');
        return null;
      }
      return Number(t);
    },
    async compareNumbers(value, info) {
      const yes = await ask('the numeric comparison', () =>
        o.prompts.confirm(`pairing with ${info.peerAddress} (LE Secure Connections Numeric Comparison): does it show ${passkeyText(value)}?`, {
          signal: info.signal,
          default: false,
          urgent: true,
        }),
      );
      if (yes === false) o.print('the numbers differ: the pairing fails with 0x0C Numeric Comparison Failed');
      return yes === true;
    },
  };
}

/**
 * A console's Security Manager setup with its questions asked in that console, and the signal that
 * ends the console: Ctrl-C anywhere (`interrupt`), or at a pairing question.
 */
export function consoleSecurity(o: { smp: SmpSetup | undefined; interrupt: AbortSignal; prompts: ConsolePrompts; print: (text: string) => void }): {
  smp: SmpSetup | undefined;
  interrupt: AbortSignal;
} {
  const atQuestion = new AbortController();
  return {
    interrupt: AbortSignal.any([o.interrupt, atQuestion.signal]),
    smp: o.smp && { ...o.smp, delegate: consolePairingDelegate({ prompts: o.prompts, print: o.print, onInterrupt: () => atQuestion.abort(new ConsoleInterrupted()) }) },
  };
}
