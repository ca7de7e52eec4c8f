// The answers and delays chosen at run time (PeripheralServer.answerWith, delayAnswers): which request
// gets which ATT Error Response instead of the security decision (access-policy.ts), and how long an
// answer is held (held-answers.ts). Core v5.4 Vol 3 Part F 3.4.1.1 (error codes), 3.3.3 (the 30 s
// transaction timeout bounds a delay).
import type { Logger } from '../../common/base/log/logger.js';
import { codeText, type ChosenAnswer } from './access-policy.js';
import { PeripheralError } from '../peripheral-error.js';
import type { ServedCharacteristic } from '../gatt/served-profile.js';
import { MAX_ANSWER_DELAY_MS, type AnswerOperation, type AnswerOptions, type DelayOperation } from '../server-types.js';

const ANSWER_OPERATIONS: readonly AnswerOperation[] = ['read', 'write', 'writeWithoutResponse', 'subscribe'];
const DELAY_OPERATIONS: readonly DelayOperation[] = ['read', 'write', 'subscribe'];

interface AnswerRule {
  readonly code: number;
  readonly nth: number;
  readonly repeat: boolean;
  /** Requests of this operation seen since the rule was set (that passed the property checks). */
  seen: number;
}

const ruleKey = (name: string, operation: string) => `${name}\u0000${operation}`;

export class RuntimeAnswers {
  private readonly answers = new Map<string, AnswerRule>();
  private readonly delays = new Map<string, number>();

  constructor(private readonly log: Logger) {}

  /** See PeripheralServer.answerWith. */
  answerWith(c: ServedCharacteristic, operation: AnswerOperation, code: number | null, options: AnswerOptions = {}): void {
    const name = c.def.name;
    if (!ANSWER_OPERATIONS.includes(operation)) throw new PeripheralError(`answerWith: the operation is one of ${ANSWER_OPERATIONS.join(', ')}, not "${String(operation)}"`);
    const key = ruleKey(name, operation);
    if (code === null) {
      if (this.answers.delete(key)) this.log.info({ characteristic: name, operation }, `"${name}" ${operation} is answered by the profile again`);
      return;
    }
    if (!Number.isInteger(code) || code < 0x01 || code > 0xff) throw new PeripheralError(`an ATT error code is one octet from 0x01 (Vol 3 Part F 3.4.1.1), not ${code}`);
    const has = operation === 'subscribe' ? c.cccd !== undefined : c.def.properties[operation];
    if (!has) throw new PeripheralError(`"${name}" has no ${operation === 'subscribe' ? 'CCCD (neither notify nor indicate)' : `${operation} property`}: such requests are refused by the property check before any chosen answer`);
    const nth = options.nth ?? 1;
    if (!Number.isInteger(nth) || nth < 1) throw new PeripheralError(`answerWith nth counts requests from 1, not ${nth}`);
    this.answers.set(key, { code, nth, repeat: options.repeat ?? true, seen: 0 });
    const which = nth === 1 ? (options.repeat === false ? 'the next request' : 'every request') : options.repeat === false ? `request #${nth}` : `every request from #${nth} on`;
    this.log.info({ characteristic: name, operation, attError: code }, `"${name}" ${operation}: ${which} will be answered ${codeText(code)}, as asked`);
  }

  /** See PeripheralServer.delayAnswers (the name is checked there). */
  delayAnswers(name: string, operation: DelayOperation | '*', ms: number): void {
    if (operation !== '*' && !DELAY_OPERATIONS.includes(operation)) {
      throw new PeripheralError(`delayAnswers: the operation is one of ${DELAY_OPERATIONS.join(', ')} or '*', not "${String(operation)}"${String(operation) === 'writeWithoutResponse' ? ' (a Write Command gets no answer to delay)' : ''}`);
    }
    if (!Number.isFinite(ms) || ms < 0 || ms > MAX_ANSWER_DELAY_MS) throw new PeripheralError(`delayAnswers takes 0 to ${MAX_ANSWER_DELAY_MS} ms (the ATT transaction timeout), not ${ms}`);
    const key = ruleKey(name, operation);
    if (ms === 0) this.delays.delete(key);
    else this.delays.set(key, ms);
    const what = `${name === '*' ? 'every characteristic' : `"${name}"`} ${operation === '*' ? 'read, write and subscribe' : operation}`;
    this.log.info({ characteristic: name, operation, ms }, ms === 0 ? `answers to ${what} are no longer delayed` : `answers to ${what} will be held ${ms} ms`);
  }

  /** The answer chosen for this request, counting it (asked once per request that passed the property checks). */
  chosenAnswer(name: string, operation: AnswerOperation): ChosenAnswer | undefined {
    const rule = this.answers.get(ruleKey(name, operation));
    if (!rule) return undefined;
    const n = ++rule.seen;
    if (n < rule.nth || (n > rule.nth && !rule.repeat)) return undefined;
    return { attError: rule.code, reason: `answered ${codeText(rule.code)} as asked (answerWith, request #${n} since), instead of the security decision` };
  }

  /** How long to hold an answer: the most specific rule (name+operation, name+'*', '*'+operation, '*'+'*'). */
  delayFor(name: string, operation: DelayOperation): number {
    return this.delays.get(ruleKey(name, operation)) ?? this.delays.get(ruleKey(name, '*')) ?? this.delays.get(ruleKey('*', operation)) ?? this.delays.get(ruleKey('*', '*')) ?? 0;
  }
}
