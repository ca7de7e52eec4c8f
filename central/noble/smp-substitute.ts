// blebench's Security Manager in place of noble's SMP (lib/hci-socket/smp.js: LE legacy Just Works,
// NoInputNoOutput, no key kept, a Pairing Random where Pairing Failed is meant).
//
// noble's AclStream (lib/hci-socket/acl-stream.js) builds `new Smp(this, localAddressType,
// localAddress, remoteAddressType, remoteAddress)` from `require('./smp')`, bound once per process, and
// listens for its 'stk', 'fail' and 'end'. So a substitute constructor goes into require.cache for
// smp.js before acl-stream.js first loads. Per connection it looks up the factory of the noble
// instance the AclStream belongs to (keyed by AclStream._hci, filled by loadNoble with `smp`) and
// otherwise builds noble's own Smp, so a noble loaded without `smp` (the seam check) is unchanged.
import type { LinkState } from '../../common/stack/trace/link-state.js';
import { EventEmitter } from 'node:events';
import { L2CAP_CID } from '../../common/base/codes/l2cap.js';
import { HCI_STATUS } from '../../common/base/codes/hci.js';
import { createLinkSession, noteResolvedIdentity, type LinkSession, type SmpSetup } from '../../common/stack/smp/link-session.js';
import { toWire } from '../../common/stack/smp/byte-order.js';
import type { DeviceAddress } from '../../common/stack/smp/engine-types.js';
import type { Tap } from '../../common/stack/trace/tap.js';
import { guardNobleSmp, type NobleSmpPrototype } from './guards.js';
import { NOBLE_ACL_STREAM_FILE, NOBLE_SMP_FILE, NobleInternalsChanged, NobleLoadError, nobleRequire, type NobleAclStream } from './internals.js';

/** Builds the SMP object of one connection of the noble instance it was registered for. */
export type NobleSmpFactory = (acl: NobleAclStream, local: DeviceAddress, peer: DeviceAddress) => object;
const NOBLE_SMP_MARK = Symbol.for('blebench.noble-smp-substitute');
interface NobleSmpSubstitute {
  [NOBLE_SMP_MARK]: true;
  factories: WeakMap<object, NobleSmpFactory>;
}

const nobleAddress = (address: string, type: string): DeviceAddress => ({ address: address.toUpperCase(), type: type === 'random' ? 'random' : 'public' });

/** Puts the substitute in place (once per process) and returns its factory registry. */
export function installNobleSmp(): WeakMap<object, NobleSmpFactory> {
  const cached = nobleRequire.cache[NOBLE_SMP_FILE]?.exports as Partial<NobleSmpSubstitute> | undefined;
  if (cached?.[NOBLE_SMP_MARK] && cached.factories) return cached.factories;
  if (nobleRequire.cache[NOBLE_ACL_STREAM_FILE]) {
    throw new NobleLoadError("noble's lib/hci-socket/acl-stream.js was loaded before blebench could put its Security Manager in place of noble's smp.js");
  }
  const Original = nobleRequire(NOBLE_SMP_FILE) as (new (acl: unknown, lat: string, la: string, rat: string, ra: string) => object) & { prototype: NobleSmpPrototype };
  guardNobleSmp(Original.prototype);
  const factories = new WeakMap<object, NobleSmpFactory>();
  function Smp(acl: NobleAclStream, localAddressType: string, localAddress: string, remoteAddressType: string, remoteAddress: string): object {
    const factory = factories.get(acl._hci);
    if (!factory) return new Original(acl, localAddressType, localAddress, remoteAddressType, remoteAddress);
    return factory(acl, nobleAddress(localAddress, localAddressType), nobleAddress(remoteAddress, remoteAddressType));
  }
  const substitute = Object.assign(Smp, { [NOBLE_SMP_MARK]: true as const, factories, Original });
  nobleRequire.cache[NOBLE_SMP_FILE] = {
    id: NOBLE_SMP_FILE,
    filename: NOBLE_SMP_FILE,
    loaded: true,
    exports: substitute,
    children: [],
    paths: [],
  } as unknown as NodeJS.Module;
  return factories;
}

/**
 * What noble's AclStream sees as its Smp: an EventEmitter with sendPairingRequest() (what
 * AclStream.encrypt() calls) that emits 'fail' (→ AclStream 'encryptFail') and 'end'. Inside, one
 * LinkSession as central: SMP PDUs (CID 0x0006) in, 'encrypt' (noble drops the status: it is read
 * from the tap's Encryption Change) in, PDUs and LE Enable Encryption out.
 */
export class NobleSmpSession extends EventEmitter {
  readonly session: LinkSession;

  constructor(acl: NobleAclStream, local: DeviceAddress, peer: DeviceAddress, setup: SmpSetup, tap: Tap, sessions: Map<number, LinkSession>) {
    super();
    const handle = acl._handle;
    if (typeof acl.write !== 'function' || typeof acl._hci?.startLeEncryption !== 'function') {
      throw new NobleInternalsChanged('AclStream.write or AclStream._hci.startLeEncryption is not a function');
    }
    // Our address on this link as the tap saw it made (an RPA with privacy): f5/f6 and c1 take the
    // addresses of the connection (Vol 3 Part H 2.2.7, 2.2.3); noble only knows its public one.
    const seen = tap.link(handle);
    this.session = createLinkSession({
      ...setup,
      role: 'central',
      local: seen?.localAddress ? { address: seen.localAddress.toUpperCase(), type: seen.localAddressType ?? 'public' } : local,
      peer,
      handle,
      link: {
        sendPdu: (pdu) => acl.write(L2CAP_CID.SMP, pdu),
        startEncryption: (ltk) => {
          const ediv = Buffer.alloc(2);
          ediv.writeUInt16LE(ltk.ediv);
          acl._hci.startLeEncryption(handle, toWire(ltk.rand), ediv, toWire(ltk.key));
        },
      },
    });
    noteResolvedIdentity(this.session, seen);
    sessions.set(handle, this.session);
    this.session.on('outcome', (o) => {
      if (o.result === 'failed') this.emit('fail');
    });
    acl.on('data', (cid: number, data: Buffer) => {
      if (cid === L2CAP_CID.SMP && data.length > 0) this.session.input({ type: 'pdu', pdu: Buffer.from(data) });
    });
    acl.on('encrypt', (encrypt: number | boolean) => {
      const status = tap.link(handle)?.encryptionStatus ?? (encrypt ? 0 : HCI_STATUS.UNSPECIFIED_ERROR);
      this.session.input({ type: 'encryption', encrypted: !!encrypt, status });
    });
    // A pairing on an encrypted link ends in Encryption Key Refresh Complete (Vol 4 Part E 7.7.39), which noble does not report.
    const onRefresh = (l: LinkState, e: { name: string }) => {
      if (l.handle === handle && e.name === 'HCI Encryption Key Refresh Complete') this.session.input({ type: 'encryption', encrypted: l.encrypted, status: l.encryptionStatus ?? 0 });
    };
    tap.on('encryption', onRefresh);
    acl.once('end', () => {
      tap.off('encryption', onRefresh);
      this.session.close();
      if (sessions.get(handle) === this.session) sessions.delete(handle);
      this.emit('end');
    });
  }

  /** noble's AclStream.encrypt(): encrypt with the stored key when there is one that fits, else pair. */
  sendPairingRequest(): void {
    this.session.input({ type: 'secure' });
  }
}
