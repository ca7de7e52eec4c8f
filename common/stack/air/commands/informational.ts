// Informational (OGF 0x04) and Status (OGF 0x05) parameters. Core v5.4 Vol 4 Part E 7.4, 7.5.
import { HCI_STATUS, OP } from '../../../base/codes/hci.js';
import { COMPANY_ID_TESTING, LINK_ENCRYPTION_KEY_SIZE, HCI_SUBVERSION, LMP_FEATURES_PAGE_0, LMP_MAX_PAGE, LMP_SUBVERSION } from '../capabilities.js';
import { ok, withLink, type CommandSpec } from './types.js';

export const informationalCommands: ReadonlyArray<readonly [number, CommandSpec]> = [
  // 7.4.1 Read Local Version Information: HCI_Version, HCI_Subversion, LMP_Version, Company_Identifier, LMP_Subversion
  [
    OP.READ_LOCAL_VERSION_INFORMATION,
    { length: 0, answer: 'complete', returns: 8, run: ({ c }) => ok().u8(c.options.hciVersion).u16(HCI_SUBVERSION).u8(c.options.hciVersion).u16(COMPANY_ID_TESTING).u16(LMP_SUBVERSION).build() },
  ],
  // 7.4.3 Read Local Supported Features (LMP features page 0)
  [OP.READ_LOCAL_SUPPORTED_FEATURES, { length: 0, answer: 'complete', returns: 8, run: () => ok().bytesOf(LMP_FEATURES_PAGE_0).build() }],
  // 7.4.4 Read Local Extended Features: Page_Number, Max_Page_Number, features
  [
    OP.READ_LOCAL_EXTENDED_FEATURES,
    {
      length: 1,
      answer: 'complete',
      returns: 10,
      run: ({ params }) => (params[0]! > LMP_MAX_PAGE ? HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS : ok().u8(params[0]!).u8(LMP_MAX_PAGE).bytesOf(LMP_FEATURES_PAGE_0).build()),
    },
  ],
  // 7.4.5 Read Buffer Size: an LE-only controller has no BR/EDR ACL or SCO buffers; LE buffers are
  // reported by LE Read Buffer Size (non-zero there means the host must use those, 7.8.2)
  [OP.READ_BUFFER_SIZE, { length: 0, answer: 'complete', returns: 7, run: () => ok().u16(0).u8(0).u16(0).u16(0).build() }],
  // 7.4.6 Read BD_ADDR
  [OP.READ_BD_ADDR, { length: 0, answer: 'complete', returns: 6, run: ({ c }) => ok().bytesOf(c.addressBytes).build() }],
  // 7.5.4 Read RSSI: what this side hears of the peer
  [OP.READ_RSSI, { length: 2, answer: 'complete', returns: 3, echoesHandle: true, run: (ctx) => withLink(ctx, (end) => ok().u16(end.handle).i8(end.peer.controller.options.rssi).build()) }],
  // 7.5.7 Read Encryption Key Size: only meaningful on an encrypted link
  [
    OP.READ_ENCRYPTION_KEY_SIZE,
    {
      length: 2,
      answer: 'complete',
      returns: 3,
      echoesHandle: true,
      run: (ctx) => withLink(ctx, (end) => (end.link.encrypted ? ok().u16(end.handle).u8(LINK_ENCRYPTION_KEY_SIZE).build() : HCI_STATUS.COMMAND_DISALLOWED)),
    },
  ],
];
