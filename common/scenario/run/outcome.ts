// How a step ended, from what its operation threw. The central's errors carry the protocol and code
// (central/errors.ts: kind 'att' | 'smp' | 'hci' with `code`, kind 'timeout' with `timeoutMs`); the
// runner reads that shape instead of importing central/ (design.md: arrows run downward).
import type { StepOutcome } from '../expect/types.js';
import { protocolCode, type CodeProtocol } from '../protocol-codes.js';

const PROTOCOLS = new Set<CodeProtocol>(['att', 'smp', 'hci']);

export function outcomeOf(error: unknown): StepOutcome {
  const e = error as { kind?: unknown; code?: unknown; timeoutMs?: unknown; message?: unknown } | null;
  if (e && typeof e === 'object') {
    if (PROTOCOLS.has(e.kind as CodeProtocol) && typeof e.code === 'number') return { kind: 'code', code: protocolCode(e.kind as CodeProtocol, e.code) };
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
