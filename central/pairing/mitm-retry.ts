// A persona's second retry, as Android's framework does it (AOSP BluetoothGatt.java: on status 5 or 15
// the request is re-issued with AUTHENTICATION_NO_MITM, and on a second 5/15 with AUTHENTICATION_MITM;
// gatt_auth.cc then needs an authenticated key, else the app gets GATT_AUTH_FAIL 137): when a request
// re-sent on a link encrypted with an unauthenticated key fails again with one of those errors, the
// central pairs once more asking for MITM (Vol 3 Part H 3.5.1), and re-sends only if the new key is
// authenticated. The IO capabilities still choose the method (2.3.5.1): against a peer they gave Just
// Works, the new key is unauthenticated again and the error stays.
import type { LinkSession } from '../../common/stack/smp/link-session.js';
import type { LinkState } from '../../common/stack/trace/link-state.js';
import { AttError } from '../errors.js';
import type { PairingReport } from './pairing-report.js';

export interface MitmRetry {
  /** The ATT errors that bring the MITM pairing (a persona's `then: pair-with-mitm`). */
  readonly errors: ReadonlySet<number> | undefined;
  readonly link: LinkState;
  readonly session: LinkSession | undefined;
  /** Pairs asking for MITM. */
  pair(trigger: string): Promise<PairingReport>;
}

/** Where the operation's record keeps the MITM pairing. */
export interface MitmRecord {
  mitmPairing?: PairingReport;
}

/** Is this failure one the MITM pairing is for: such an error, on a link encrypted (by our Security Manager) with an unauthenticated key? */
export function mitmDue(r: MitmRetry, e: unknown, rec: MitmRecord): e is AttError {
  return e instanceof AttError && !!r.errors?.has(e.attCode) && r.link.encrypted && r.session?.security !== undefined && !r.session.security.authenticated && rec.mitmPairing === undefined;
}

/** Sends the request (again); when it fails as mitmDue says, pairs asking for MITM and re-sends once if that gave an authenticated key. */
export async function withMitmRetry<T>(r: MitmRetry, rec: MitmRecord, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (e) {
    if (!mitmDue(r, e, rec)) throw e;
    const report = await r.pair(`then: ${e.label}; pair again asking for MITM`);
    rec.mitmPairing = report;
    if (report.error) throw report.error;
    // Android: GATT_SEC_ENCRYPT_MITM with an unauthenticated key fails the operation (gatt_sec_check_complete), no re-send.
    if (!r.session?.security?.authenticated) throw e;
    return send();
  }
}
