// A step's own expectations: how it ended, the value it returned, the link's security after it.
import { showCode } from '../protocol-codes.js';
import type { ExpectedOutcome, SecurityExpectation, Step, ValueExpectation } from '../scenario.js';
import type { LinkSecurity, StepOutcome, StepResult, Verdict } from './types.js';
import { notationNoun, showInNotation } from './value-notation.js';
import { hexWords } from './words.js';

function happened(o: StepOutcome): string {
  switch (o.kind) {
    case 'ok':
      return 'it succeeded';
    case 'code':
      return `it failed with ${showCode(o.code)}`;
    case 'timeout':
      return `it did not finish within ${o.afterMs} ms`;
    case 'error':
      return `it failed: ${o.message}`;
  }
}

function wanted(e: ExpectedOutcome): string {
  switch (e.kind) {
    case 'ok':
      return 'to succeed';
    case 'error':
      return 'to fail';
    case 'timeout':
      return 'not to finish in time';
    case 'code':
      return `to fail with ${showCode(e.code)}`;
  }
}

function outcomeHolds(e: ExpectedOutcome, o: StepOutcome): boolean {
  switch (e.kind) {
    case 'ok':
      return o.kind === 'ok';
    case 'error':
      return o.kind !== 'ok';
    case 'timeout':
      return o.kind === 'timeout';
    case 'code':
      return o.kind === 'code' && o.code.protocol === e.code.protocol && o.code.code === e.code.code;
  }
}

export function checkOutcome(step: Step, result: StepResult): Verdict {
  const e = step.expect.outcome;
  const ok = outcomeHolds(e, result.outcome);
  const message = ok ? `${step.label}: ${happened(result.outcome)}${step.expect.outcomeExplicit ? ', as expected' : ''}` : `expected ${step.label} ${wanted(e)}; ${happened(result.outcome)}`;
  return { ok, message, path: step.path + (step.expect.outcomeExplicit ? '/expect/outcome' : '') };
}

export function valueHolds(v: ValueExpectation, got: Buffer): boolean {
  switch (v.kind) {
    case 'exact':
      return got.equals(v.bytes);
    case 'text':
      return got.toString('utf8') === v.text;
    case 'regex':
      return v.pattern.test(got.toString('utf8'));
    case 'length':
      return got.length === v.length;
  }
}

export function valueWords(v: ValueExpectation): string {
  switch (v.kind) {
    case 'exact':
      return v.notation ? `${notationNoun(v.notation)} ${showInNotation(v.bytes, v.notation)}` : `the value ${hexWords(v.bytes)}`;
    case 'text':
      return `the text ${JSON.stringify(v.text)}`;
    case 'regex':
      return `a value matching ${String(v.pattern)}`;
    case 'length':
      return `a value of ${v.length} octet${v.length === 1 ? '' : 's'}`;
  }
}

export function gotWords(v: ValueExpectation, got: Buffer): string {
  const octets = `${got.length} octet${got.length === 1 ? '' : 's'}`;
  // In the notation the scenario used, the hex beside it.
  if (v.kind === 'text' || v.kind === 'regex') return `got ${showInNotation(got, { kind: 'utf8' })}, ${octets}`;
  if (v.kind === 'exact' && v.notation && v.notation.kind !== 'hex') return `got ${showInNotation(got, v.notation)}`;
  return `got ${hexWords(got)} (${octets})`;
}

export function checkValueExpectation(step: Step, v: ValueExpectation, got: Buffer | undefined, path: string): Verdict {
  if (got === undefined) return { ok: false, message: `expected ${step.label} to return ${valueWords(v)}; it returned no value`, path };
  const ok = valueHolds(v, got);
  return { ok, message: ok ? `${step.label} returned ${valueWords(v)}` : `expected ${step.label} to return ${valueWords(v)}; ${gotWords(v, got)}`, path };
}

/** wait-notification: enough arrived, and each one holds the value asked for. */
export function checkNotifications(step: Extract<Step, { kind: 'wait-notification' }>, got: readonly Buffer[] | undefined): Verdict[] {
  const list = got ?? [];
  const out: Verdict[] = [];
  const path = step.path + '/wait-notification';
  const enough = list.length >= step.count;
  out.push({
    ok: enough,
    message: enough ? `received ${list.length} notification${list.length === 1 ? '' : 's'} of ${step.characteristic.name}` : `expected ${step.count} notification${step.count === 1 ? '' : 's'} of ${step.characteristic.name}; received ${list.length}`,
    path,
  });
  if (step.value) {
    const v = step.value;
    const bad = list.findIndex((b) => !valueHolds(v, b));
    out.push(
      bad < 0
        ? { ok: true, message: `every notification of ${step.characteristic.name} held ${valueWords(v)}`, path: path + '/value' }
        : { ok: false, message: `expected every notification of ${step.characteristic.name} to hold ${valueWords(v)}; notification ${bad + 1} ${gotWords(v, list[bad]!).replace(/^got/, 'was')}`, path: path + '/value' },
    );
  }
  return out;
}

export function checkSecurityExpectation(step: Step, want: SecurityExpectation, got: LinkSecurity | undefined): Verdict[] {
  const path = step.path + '/expect/security';
  if (!got) return [{ ok: false, message: `expected the link's security after ${step.label}; the run reported none (no link?)`, path }];
  const out: Verdict[] = [];
  const flag = (key: 'encrypted' | 'authenticated' | 'bonded', word: string) => {
    const w = want[key];
    if (w === undefined) return;
    const ok = got[key] === w;
    out.push({ ok, message: ok ? `after ${step.label} the link is ${w ? '' : 'not '}${word}` : `expected the link ${w ? 'to be' : 'not to be'} ${word} after ${step.label}; it is${got[key] ? '' : ' not'}`, path: `${path}/${key}` });
  };
  flag('encrypted', 'encrypted');
  flag('authenticated', 'authenticated (MITM)');
  flag('bonded', 'bonded');
  if (want.keySize !== undefined) {
    const ok = got.keySize === want.keySize;
    out.push({
      ok,
      message: ok ? `after ${step.label} the key size is ${want.keySize} octets` : `expected key size ${want.keySize} octets after ${step.label}; ${got.keySize === undefined ? 'it is unknown (the link is not encrypted)' : `it is ${got.keySize}`}`,
      path: `${path}/key-size`,
    });
  }
  return out;
}
