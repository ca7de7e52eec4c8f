// Phase 3, Transport Specific Key Distribution, on the encrypted link. Core v5.4 Vol 3 Part H 3.6.1:
// the responder sends its keys first, then the initiator; each in the order Encryption Information,
// Central Identification (LE legacy only: with SC the LTK comes from f5 and EncKey is ignored),
// Identity Information, Identity Address Information, Signing Information.
import { KEY_DIST, SMP_CODE } from '../../base/codes/smp.js';
import type { DeviceAddress, DistributedKeys, LongTermKey } from './engine-types.js';
import { maskKey, type PhaseContext } from './phase-context.js';
import type { SmpPdu } from './pdu.js';
import { addressTypeBit } from './byte-order.js';

export interface LocalKeyMaterial {
  identity?: { address: DeviceAddress; irk: Buffer };
  csrk?: Buffer;
}

type Code = SmpPdu['code'];

function codesFor(bits: number, secureConnections: boolean): Code[] {
  const codes: Code[] = [];
  if (bits & KEY_DIST.ENC_KEY && !secureConnections) codes.push(SMP_CODE.ENCRYPTION_INFORMATION, SMP_CODE.CENTRAL_IDENTIFICATION);
  if (bits & KEY_DIST.ID_KEY) codes.push(SMP_CODE.IDENTITY_INFORMATION, SMP_CODE.IDENTITY_ADDRESS_INFORMATION);
  if (bits & KEY_DIST.SIGN_KEY) codes.push(SMP_CODE.SIGNING_INFORMATION);
  return codes;
}

export class KeyDistributionPhase {
  readonly local: DistributedKeys = {};
  readonly peer: DistributedKeys = {};
  private readonly expected: Code[];
  private readonly ourBits: number;
  private sent = false;
  private pendingLtk: Buffer | undefined;

  constructor(
    private readonly ctx: PhaseContext,
    private readonly material: LocalKeyMaterial,
    private readonly finished: () => void,
  ) {
    const { initiatorKeys, responderKeys, secureConnections } = ctx.negotiated;
    const initiator = ctx.role === 'initiator';
    this.ourBits = initiator ? initiatorKeys : responderKeys;
    this.expected = codesFor(initiator ? responderKeys : initiatorKeys, secureConnections);
  }

  /** The link is encrypted: the responder sends first; the initiator waits for the responder's keys. */
  start(): void {
    if (this.ctx.role === 'responder' || this.expected.length === 0) this.sendOurs();
    this.maybeFinish();
  }

  onPdu(pdu: SmpPdu): boolean {
    if (pdu.code !== this.expected[0]) return false;
    this.expected.shift();
    switch (pdu.code) {
      case SMP_CODE.ENCRYPTION_INFORMATION:
        this.pendingLtk = pdu.ltk;
        break;
      case SMP_CODE.CENTRAL_IDENTIFICATION:
        this.peer.ltk = { key: this.pendingLtk!, ediv: pdu.ediv, rand: pdu.rand, keySize: this.ctx.negotiated.keySize };
        break;
      case SMP_CODE.IDENTITY_INFORMATION:
        this.peer.irk = pdu.irk;
        break;
      case SMP_CODE.IDENTITY_ADDRESS_INFORMATION:
        // parseSmp let only 0x00 (public) and 0x01 (static random) through. Vol 3 Part H 3.6.5.
        this.peer.identityAddress = { address: pdu.address, type: pdu.addressType === 1 ? 'random' : 'public' };
        break;
      case SMP_CODE.SIGNING_INFORMATION:
        this.peer.csrk = pdu.csrk;
        break;
    }
    if (this.expected.length === 0 && this.ctx.role === 'initiator') this.sendOurs();
    this.maybeFinish();
    return true;
  }

  private sendOurs(): void {
    if (this.sent) return;
    this.sent = true;
    const { ctx } = this;
    const { keySize, secureConnections } = ctx.negotiated;
    if (this.ourBits & KEY_DIST.ENC_KEY && !secureConnections) {
      const ltk: LongTermKey = { key: maskKey(ctx.random(16), keySize), ediv: ctx.random(2).readUInt16BE(0), rand: ctx.random(8), keySize };
      this.local.ltk = ltk;
      ctx.send({ code: SMP_CODE.ENCRYPTION_INFORMATION, ltk: ltk.key });
      ctx.send({ code: SMP_CODE.CENTRAL_IDENTIFICATION, ediv: ltk.ediv, rand: ltk.rand });
    }
    if (this.ourBits & KEY_DIST.ID_KEY) {
      const local = ctx.role === 'initiator' ? ctx.initiator : ctx.responder;
      const identity = this.material.identity ?? { address: local, irk: ctx.random(16) };
      this.local.irk = identity.irk;
      this.local.identityAddress = identity.address;
      ctx.send({ code: SMP_CODE.IDENTITY_INFORMATION, irk: identity.irk });
      ctx.send({ code: SMP_CODE.IDENTITY_ADDRESS_INFORMATION, addressType: addressTypeBit(identity.address.type), address: identity.address.address });
    }
    if (this.ourBits & KEY_DIST.SIGN_KEY) {
      this.local.csrk = this.material.csrk ?? ctx.random(16);
      ctx.send({ code: SMP_CODE.SIGNING_INFORMATION, csrk: this.local.csrk });
    }
  }

  private maybeFinish(): void {
    if (this.sent && this.expected.length === 0) this.finished();
  }
}
