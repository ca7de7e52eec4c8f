// Encryption commands. Core v5.4 Vol 4 Part E 7.8.24 (LE Enable Encryption), 7.8.25 (LTK Request
// Reply), 7.8.26 (LTK Request Negative Reply).
import { HCI_STATUS, OP, ROLE } from '../../../base/codes/hci.js';
import { enableEncryption, longTermKeyNegativeReply, longTermKeyReply } from '../encryption.js';
import { ok, OK, withLink, type CommandSpec } from './types.js';

const RAND_LENGTH = 8;
const LTK_LENGTH = 16;

export const leEncryptionCommands: ReadonlyArray<readonly [number, CommandSpec]> = [
  // Connection_Handle, Random_Number(8), Encrypted_Diversifier(2), Long_Term_Key(16); central only
  [
    OP.LE_ENABLE_ENCRYPTION,
    {
      length: 2 + RAND_LENGTH + 2 + LTK_LENGTH,
      answer: 'status',
      run: (ctx) =>
        withLink(ctx, (end) => {
          if (end.role !== ROLE.CENTRAL) return HCI_STATUS.COMMAND_DISALLOWED;
          const p = ctx.params;
          return enableEncryption(end, p.subarray(2, 2 + RAND_LENGTH), p.readUInt16LE(2 + RAND_LENGTH), p.subarray(4 + RAND_LENGTH));
        }),
    },
  ],
  [
    OP.LE_LONG_TERM_KEY_REQUEST_REPLY,
    {
      length: 2 + LTK_LENGTH,
      answer: 'complete',
      returns: 2,
      echoesHandle: true,
      run: (ctx) =>
        withLink(ctx, (end) => {
          const status = longTermKeyReply(end, Buffer.from(ctx.params.subarray(2)));
          return status === OK ? ok().u16(end.handle).build() : status;
        }),
    },
  ],
  [
    OP.LE_LONG_TERM_KEY_REQUEST_NEGATIVE_REPLY,
    {
      length: 2,
      answer: 'complete',
      returns: 2,
      echoesHandle: true,
      run: (ctx) =>
        withLink(ctx, (end) => {
          const status = longTermKeyNegativeReply(end);
          return status === OK ? ok().u16(end.handle).build() : status;
        }),
    },
  ],
];
