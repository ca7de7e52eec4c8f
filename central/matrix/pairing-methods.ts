// The matrix's pairing-method columns (--methods): for each method, how the central's Security
// Manager is configured and, on the virtual radio, how the peripheral it serves is, so that the spec's
// method-selection tables (Core Vol 3 Part H 2.3.5.1, Tables 2.8 and 2.9) pick that method.
// Neither side bonds: each method's phase pairs afresh on its own connection.
import type { PairingConfig } from '../../common/stack/smp/pairing-config.js';

export const PAIRING_METHODS = ['just-works', 'passkey', 'numeric-comparison'] as const;
export type MatrixMethod = (typeof PAIRING_METHODS)[number];

export const METHOD_TITLE: Record<MatrixMethod, string> = {
  'just-works': 'Just Works',
  passkey: 'Passkey Entry',
  'numeric-comparison': 'Numeric Comparison',
};

/** The passkey both sides know on the virtual radio (the peripheral "displays" it, the central "types" it). */
export const MOCK_PASSKEY = 123456;

export interface MethodConfigs {
  central: Partial<PairingConfig>;
  /** The peripheral blebench serves on mock. */
  peripheral: Partial<PairingConfig>;
}

export function methodConfigs(method: MatrixMethod): MethodConfigs {
  switch (method) {
    case 'just-works': {
      const c: Partial<PairingConfig> = { ioCapability: 'NoInputNoOutput', bonding: false, mitm: 'no' };
      return { central: c, peripheral: c };
    }
    case 'passkey':
      return {
        central: { ioCapability: 'KeyboardOnly', bonding: false, mitm: 'requested', passkey: { fixed: MOCK_PASSKEY } },
        peripheral: { ioCapability: 'DisplayOnly', bonding: false, mitm: 'requested', passkey: { fixed: MOCK_PASSKEY } },
      };
    case 'numeric-comparison': {
      const c: Partial<PairingConfig> = { ioCapability: 'DisplayYesNo', bonding: false, mitm: 'requested', secureConnections: 'only', numericComparison: 'accept' };
      return { central: c, peripheral: c };
    }
  }
}

/** "just-works,passkey" → the methods, in the order given, each once; undefined for anything else. */
export function parseMethods(list: string): MatrixMethod[] | string {
  const out: MatrixMethod[] = [];
  for (const raw of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(PAIRING_METHODS as readonly string[]).includes(raw)) return `"${raw}" is not a pairing method (${PAIRING_METHODS.join(', ')})`;
    if (!out.includes(raw as MatrixMethod)) out.push(raw as MatrixMethod);
  }
  return out.length ? out : `name at least one of ${PAIRING_METHODS.join(', ')}`;
}
