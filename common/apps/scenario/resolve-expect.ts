// `expect:` blocks → StepExpectations: outcome codes, values, link security, timeline expectations.
import { encodeValue } from '../../stack/gatt/value-input.js';
import { pointer } from '../../base/input/issues.js';
import { codeAt, matcherAt, oneKeyOf, type Names } from './resolve-names.js';
import type { ExpectedOutcome, PduMatcher, StepExpectations, TimelineExpectation, TimelineScope, ValueExpectation, ValueNotation } from './scenario.js';
import type { CodeInput, ExpectInput, MatcherInput, TimelineExpectationInput, ValueExpectationInput } from './scenario-input.js';

const OK: ExpectedOutcome = { kind: 'ok' };
const WORDS: Record<string, ExpectedOutcome> = { ok: OK, error: { kind: 'error' }, timeout: { kind: 'timeout' } };

export function outcomeAt(n: Names, input: CodeInput, path: string): ExpectedOutcome {
  const word = typeof input === 'string' ? WORDS[input.trim().toLowerCase()] : undefined;
  if (word) return word;
  if (typeof input === 'number') {
    n.issues.add('unknown-code', path, `${input} alone does not say which protocol: write "ATT 0x05", "SMP 0x03" or "HCI 0x3E" (or ok, error, timeout)`);
    return OK;
  }
  const code = codeAt(n, input, ['att', 'smp', 'hci'], path);
  return code ? { kind: 'code', code } : OK;
}

export function valueExpectationAt(n: Names, input: ValueExpectationInput, path: string): ValueExpectation | undefined {
  const { text, regex, length, ...exact } = input;
  const forms = [text !== undefined, regex !== undefined, length !== undefined, Object.keys(exact).length > 0].filter(Boolean).length;
  if (forms !== 1) {
    n.issues.add('bad-value', path, forms === 0 ? 'a value expectation needs one of "hex", "utf8", "bytes", "number", "text", "regex" or "length"' : 'a value expectation takes one form: "hex", "utf8", "bytes", "number", "text", "regex" or "length"');
    return undefined;
  }
  if (text !== undefined) return { kind: 'text', text };
  if (length !== undefined) return { kind: 'length', length };
  if (regex !== undefined) {
    try {
      return { kind: 'regex', pattern: new RegExp(regex, 'u') };
    } catch (e) {
      n.issues.add('bad-value', path + pointer('regex'), `not a regular expression: ${(e as Error).message}`);
      return undefined;
    }
  }
  const r = encodeValue(exact);
  if (r.ok) return { kind: 'exact', bytes: r.value, notation: notationOf(exact) };
  n.issues.add('bad-value', path, r.problem);
  return undefined;
}

function notationOf(v: ValueExpectationInput): ValueNotation {
  if (v.utf8 !== undefined) return { kind: 'utf8' };
  if (v.bytes !== undefined) return { kind: 'bytes' };
  if (v.number !== undefined) return { kind: 'number', width: v.width ?? 1, endianness: v.endianness ?? 'little', signed: v.signed ?? false };
  return { kind: 'hex' };
}

function scopeOf(input: { scope?: TimelineScope }, fallback: TimelineScope): TimelineScope {
  return input.scope ?? fallback;
}

function optionalMatcher(n: Names, input: MatcherInput | string | undefined, path: string): PduMatcher | undefined {
  return input === undefined ? undefined : matcherAt(n, input, path);
}

export function timelineExpectationAt(n: Names, input: TimelineExpectationInput, path: string, fallbackScope: TimelineScope): TimelineExpectation | undefined {
  const kind = oneKeyOf(n, input, ['pdu', 'none', 'order'] as const, path, 'a timeline expectation');
  const i = input as Record<string, unknown>;
  const scope = scopeOf(input as { scope?: TimelineScope }, fallbackScope);
  const x = timelineKindAt(n, kind, i, path, scope);
  if (!x || i.central === undefined) return x;
  const central = String(i.central);
  if (!n.centrals?.includes(central)) {
    n.issues.add('inconsistent', path + pointer('central'), n.centrals ? `no central is named "${central}"; the centrals are ${n.centrals.join(', ')}` : '"central" names one of several centrals, and this scenario has one `central`');
    return undefined;
  }
  return { ...x, central };
}

function timelineKindAt(n: Names, kind: 'pdu' | 'none' | 'order' | undefined, i: Record<string, unknown>, path: string, scope: TimelineScope): TimelineExpectation | undefined {
  const input = i as TimelineExpectationInput;
  if (kind === 'order') {
    const seq = (i.order as Array<MatcherInput | string>).map((m, k) => matcherAt(n, m, path + pointer('order', k)));
    if (seq.some((m) => m === undefined)) return undefined;
    return { kind: 'order', sequence: seq as PduMatcher[], ...(i.at ? { at: i.at as 'central' } : {}), scope, path };
  }
  if (kind === 'none') {
    const none = i.none as MatcherInput & { before?: MatcherInput | string; after?: MatcherInput | string };
    const at = path + pointer('none');
    const match = matcherAt(n, none, at);
    const before = optionalMatcher(n, none.before, at + pointer('before'));
    const after = optionalMatcher(n, none.after, at + pointer('after'));
    if (!match) return undefined;
    return { kind: 'none', match, ...(before ? { before } : {}), ...(after ? { after } : {}), scope, path };
  }
  if (kind !== 'pdu') return undefined;
  const seen = input as MatcherInput & { count?: number; 'at-least'?: number; 'at-most'?: number; before?: MatcherInput | string; after?: MatcherInput | string };
  const match = matcherAt(n, seen, path);
  const before = optionalMatcher(n, seen.before, path + pointer('before'));
  const after = optionalMatcher(n, seen.after, path + pointer('after'));
  if (seen.count !== undefined && (seen['at-least'] !== undefined || seen['at-most'] !== undefined)) {
    n.issues.add('inconsistent', path + pointer('count'), '"count" is exact: give it alone, or "at-least"/"at-most" without it');
  }
  if (seen['at-least'] !== undefined && seen['at-most'] !== undefined && seen['at-least'] > seen['at-most']) {
    n.issues.add('inconsistent', path + pointer('at-least'), `at-least ${seen['at-least']} is more than at-most ${seen['at-most']}`);
  }
  if (!match) return undefined;
  return {
    kind: 'seen',
    match,
    ...(seen.count !== undefined ? { count: seen.count } : {}),
    ...(seen['at-least'] !== undefined ? { atLeast: seen['at-least'] } : {}),
    ...(seen['at-most'] !== undefined ? { atMost: seen['at-most'] } : {}),
    ...(before ? { before } : {}),
    ...(after ? { after } : {}),
    scope,
    path,
  };
}

export function timelineExpectationsAt(n: Names, inputs: readonly TimelineExpectationInput[] | undefined, path: string, fallbackScope: TimelineScope): TimelineExpectation[] {
  return (inputs ?? []).map((t, i) => timelineExpectationAt(n, t, path + pointer(i), fallbackScope)).filter((t): t is TimelineExpectation => t !== undefined);
}

export function expectationsAt(n: Names, input: ExpectInput | undefined, path: string): StepExpectations {
  const e = input ?? {};
  const s = e.security;
  const value = e.value === undefined ? undefined : valueExpectationAt(n, e.value, path + pointer('value'));
  return {
    outcome: e.outcome === undefined ? OK : outcomeAt(n, e.outcome, path + pointer('outcome')),
    outcomeExplicit: e.outcome !== undefined,
    ...(value ? { value } : {}),
    ...(s
      ? {
          security: {
            ...(s.encrypted !== undefined ? { encrypted: s.encrypted } : {}),
            ...(s.authenticated !== undefined ? { authenticated: s.authenticated } : {}),
            ...(s['key-size'] !== undefined ? { keySize: s['key-size'] } : {}),
            ...(s.bonded !== undefined ? { bonded: s.bonded } : {}),
          },
        }
      : {}),
    timeline: timelineExpectationsAt(n, e.timeline, path + pointer('timeline'), 'step'),
  };
}

