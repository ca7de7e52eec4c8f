// How a step ended, from what its operation threw. The central's errors carry the protocol and its
// number (central/errors.ts: kind 'att' with `attCode`, 'smp' with `reason`, 'hci' with `status`,
// kind 'timeout' with `timeoutMs`); the
// runner reads that shape instead of importing central/ (design.md: arrows run downward).
import type { StepOutcome } from '../expect/types.js';
import { protocolCode, type CodeProtocol } from '../protocol-codes.js';

/** Where each protocol's error carries its number. */
const NUMBER_FIELD: Record<CodeProtocol, 'attCode' | 'reason' | 'status'> = { att: 'attCode', smp: 'reason', hci: 'status' };
const isProtocol = (kind: unknown): kind is CodeProtocol => typeof kind === 'string' && Object.hasOwn(NUMBER_FIELD, kind);

export function stepOutcomeOf(error: unknown): StepOutcome {
  const e = error as ({ kind?: unknown; timeoutMs?: unknown; message?: unknown } & Partial<Record<'attCode' | 'reason' | 'status', unknown>>) | null;
  if (e && typeof e === 'object') {
    const number = isProtocol(e.kind) ? e[NUMBER_FIELD[e.kind]] : undefined;
    if (isProtocol(e.kind) && typeof number === 'number') return { kind: 'code', code: protocolCode(e.kind, number) };
    if (e.kind === 'timeout' && typeof e.timeoutMs === 'number') return { kind: 'timeout', afterMs: e.timeoutMs };
  }
  return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
}

/** A step that waited for something that never came within its time. */
export class StepTimeout extends Error {
  readonly kind = 'timeout';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`no ${what} within ${timeoutMs} ms`);
  }
}
