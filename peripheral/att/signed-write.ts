// Signed Write Command: verified with the central's CSRK, or dropped (a command is never answered).
// Core v5.4 Vol 3 Part F 3.4.5.4; Vol 3 Part H 2.4.5 (signature = SignCounter || MAC, the MAC the 64
// most significant bits of AES-CMAC over the PDU and SignCounter); Vol 3 Part C 10.4.2 (a counter
// not above the last one received is a replay).
import { ATT_ERROR } from '../../common/base/codes/att.js';
import type { AttSignedWriteCommand } from '../../common/stack/att/index.js';
import { aesCmac } from '../../common/stack/smp/aes.js';
import { checkValue } from '../../common/stack/gatt/index.js';
import { applyWrite, note } from './attribute-access.js';
import { NO_ANSWER, type Answer, type AttConnection, type AttServerContext } from './att-context.js';

const SIGN_COUNTER_LENGTH = 4;
const MAC_LENGTH = 8;

/** The 12-octet signature of `signed` (the PDU octets before the signature) with this counter, as it goes on air. */
export function attSignature(csrk: Buffer, signed: Buffer, signCounter: number): Buffer {
  const counter = Buffer.alloc(SIGN_COUNTER_LENGTH);
  counter.writeUInt32LE(signCounter);
  // The spec's functions take octet strings most significant first: the air's order reversed.
  const mac = aesCmac(csrk, Buffer.concat([signed, counter]).reverse());
  return Buffer.concat([counter, Buffer.from(mac.subarray(0, MAC_LENGTH)).reverse()]);
}

export function handleSignedWriteCommand(req: AttSignedWriteCommand, octets: Buffer, conn: AttConnection, ctx: AttServerContext): Answer {
  const a = ctx.table.at(req.handle);
  const drop = (why: string) => {
    if (a) note(ctx, a, req.opcode, 'signed', { ok: false, attError: ATT_ERROR.WRITE_NOT_PERMITTED, reason: why }, { silent: true });
    else ctx.log.info({ handle: req.handle }, `a Signed Write Command was dropped: ${why}`);
    return NO_ANSWER;
  };
  if (!a) return drop('no attribute has this handle');
  if (a.kind !== 'profile' || a.served.kind !== 'value' || !a.served.characteristic.def.properties.authenticatedSignedWrites) {
    return drop('the attribute does not take Signed Write Commands (no authenticatedSignedWrites property)');
  }
  const csrk = ctx.signingKey();
  if (!csrk) return drop('no signing key (CSRK) was distributed by this central, so the signature cannot be verified');
  const counter = req.signature.readUInt32LE(0);
  if (conn.signCounter !== undefined && counter <= conn.signCounter) return drop(`SignCounter ${counter} is not above the last one received (${conn.signCounter}): a replay`);
  const expected = attSignature(csrk, octets.subarray(0, octets.length - req.signature.length), counter);
  if (!expected.equals(req.signature)) return drop('the signature does not match the CSRK');
  conn.signCounter = counter;
  const c = a.served.characteristic;
  // The signature stands in for encryption (Vol 3 Part C 10.4.2); the value's own rules still hold.
  const v = checkValue(c.def.constraints, req.value);
  if (!v.ok) return drop(v.reason);
  applyWrite(a, req.value, conn, ctx);
  note(ctx, a, req.opcode, 'signed', { ok: true, reason: `the signature checks with the central's CSRK (SignCounter ${counter}); "${c.def.name}" written` });
  return NO_ANSWER;
}
