// LE cryptography the controller offers its host: random numbers, AES-128, P-256 keys and DHKey.
// Core v5.4 Vol 4 Part E 7.8.22 (LE Encrypt), 7.8.23 (LE Rand), 7.8.36, 7.8.37; all multi-octet
// values travel least significant octet first, so they are reversed around the crypto calls.
import { createCipheriv, createECDH, randomBytes, type ECDH } from 'node:crypto';
import { HCI_STATUS, OP } from '../../../base/codes/hci.js';
import { leGenerateDhkeyComplete, leReadLocalP256PublicKeyComplete } from '../events.js';
import type { VirtualController } from '../controller.js';
import { ok, OK, type CommandSpec } from './types.js';

const AES_BLOCK = 16;
const P256_COORDINATE = 32;
const UNCOMPRESSED_POINT = 0x04;
const reversed = (b: Buffer): Buffer => Buffer.from(b).reverse();

/** AES-128 of the HCI LE Encrypt command: key and plaintext as HCI carries them, result likewise. */
export function leEncrypt(keyLe: Buffer, plaintextLe: Buffer): Buffer {
  const cipher = createCipheriv('aes-128-ecb', reversed(keyLe), null);
  cipher.setAutoPadding(false);
  return reversed(Buffer.concat([cipher.update(reversed(plaintextLe)), cipher.final()]));
}

const keys = new WeakMap<VirtualController, ECDH>();

function p256(c: VirtualController): ECDH {
  let k = keys.get(c);
  if (!k) {
    k = createECDH('prime256v1');
    k.generateKeys();
    keys.set(c, k);
  }
  return k;
}

/** X || Y, each coordinate least significant octet first. */
function hciPublicKey(k: ECDH): Buffer {
  const raw = k.getPublicKey(); // 0x04 || X (big-endian) || Y (big-endian)
  return Buffer.concat([reversed(raw.subarray(1, 1 + P256_COORDINATE)), reversed(raw.subarray(1 + P256_COORDINATE))]);
}

export const leCryptoCommands: ReadonlyArray<readonly [number, CommandSpec]> = [
  [OP.LE_RAND, { length: 0, answer: 'complete', returns: 8, run: () => ok().bytesOf(randomBytes(8)).build() }],
  [
    OP.LE_ENCRYPT,
    { length: 2 * AES_BLOCK, answer: 'complete', returns: AES_BLOCK, run: ({ params }) => ok().bytesOf(leEncrypt(params.subarray(0, AES_BLOCK), params.subarray(AES_BLOCK))).build() },
  ],
  [
    OP.LE_READ_LOCAL_P256_PUBLIC_KEY,
    {
      length: 0,
      answer: 'status',
      run: ({ c }) => {
        const k = createECDH('prime256v1');
        k.generateKeys();
        keys.set(c, k);
        c.afterCommand(() => c.send(leReadLocalP256PublicKeyComplete(OK, hciPublicKey(k))));
        return OK;
      },
    },
  ],
  [
    OP.LE_GENERATE_DHKEY,
    {
      length: 2 * P256_COORDINATE,
      answer: 'status',
      run: ({ c, params }) => {
        const remote = Buffer.concat([Buffer.from([UNCOMPRESSED_POINT]), reversed(params.subarray(0, P256_COORDINATE)), reversed(params.subarray(P256_COORDINATE))]);
        let event: Buffer;
        try {
          event = leGenerateDhkeyComplete(OK, reversed(p256(c).computeSecret(remote)));
        } catch {
          // not a point on the curve (7.8.37: reported in the complete event)
          event = leGenerateDhkeyComplete(HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS, Buffer.alloc(P256_COORDINATE));
        }
        c.afterCommand(() => c.send(event));
        return OK;
      },
    },
  ],
];
