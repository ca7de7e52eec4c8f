// Controller & Baseband commands (OGF 0x03). Core v5.4 Vol 4 Part E 7.3.
import { HCI_STATUS, OP } from '../../../base/codes/hci.js';
import { LOCAL_NAME_LENGTH, TX_POWER } from '../capabilities.js';
import { handleAt, inRange, ok, OK, withLink, type CommandSpec } from './types.js';

const TX_POWER_TYPE = { CURRENT: 0x00, MAXIMUM: 0x01 } as const;

export const basebandCommands: ReadonlyArray<readonly [number, CommandSpec]> = [
  // 7.3.1 Set Event Mask
  [OP.SET_EVENT_MASK, { length: 8, answer: 'complete', run: ({ c, params }) => ((c.state.masks.page1 = params.readBigUInt64LE(0)), ok().build()) }],
  // 7.3.2 Reset: links drop (the peers see a supervision timeout), everything back to defaults
  [OP.RESET, { length: 0, answer: 'complete', run: ({ c }) => (c.reset(), ok().build()) }],
  // 7.3.11 / 7.3.12 Local name (248 octets, UTF-8, zero padded)
  [OP.WRITE_LOCAL_NAME, { length: LOCAL_NAME_LENGTH, answer: 'complete', run: ({ c, params }) => ((c.state.localName = Buffer.from(params)), ok().build()) }],
  [OP.READ_LOCAL_NAME, { length: 0, answer: 'complete', returns: LOCAL_NAME_LENGTH, run: ({ c }) => ok().bytesOf(c.state.localName).build() }],
  // 7.3.35 Read Transmit Power Level
  [
    OP.READ_TRANSMIT_POWER_LEVEL,
    {
      length: 3,
      answer: 'complete',
      returns: 3,
      echoesHandle: true,
      run: (ctx) =>
        withLink(ctx, (end) => {
          const type = ctx.params[2]!;
          if (type !== TX_POWER_TYPE.CURRENT && type !== TX_POWER_TYPE.MAXIMUM) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
          return ok().u16(end.handle).i8(type === TX_POWER_TYPE.CURRENT ? TX_POWER.CURRENT : TX_POWER.MAX).build();
        }),
    },
  ],
  // 7.3.38 Set Controller To Host Flow Control: 0x00..0x03 (recorded; ACL towards the host is not throttled)
  [
    OP.SET_CONTROLLER_TO_HOST_FLOW_CONTROL,
    {
      length: 1,
      answer: 'complete',
      run: ({ c, params }) => (params[0]! > 0x03 ? HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS : ((c.state.controllerToHostFlowControl = params[0]!), ok().build())),
    },
  ],
  // 7.3.39 Host Buffer Size
  [
    OP.HOST_BUFFER_SIZE,
    {
      length: 7,
      answer: 'complete',
      run: ({ c, params }) => {
        c.state.hostBufferSize = { aclLength: params.readUInt16LE(0), syncLength: params[2]!, aclPackets: params.readUInt16LE(3), syncPackets: params.readUInt16LE(5) };
        return ok().build();
      },
    },
  ],
  // 7.3.40 Host Number Of Completed Packets: no event unless in error
  [
    OP.HOST_NUMBER_OF_COMPLETED_PACKETS,
    { length: (p) => p.length >= 1 && p.length === 1 + 4 * p[0]!, answer: 'none', run: () => OK },
  ],
  // 7.3.58 / 7.3.59 Simple Pairing Mode (BR/EDR; kept so hosts that always send it get an answer)
  [OP.READ_SIMPLE_PAIRING_MODE, { length: 0, answer: 'complete', returns: 1, run: ({ c }) => ok().u8(c.state.simplePairingMode).build() }],
  [
    OP.WRITE_SIMPLE_PAIRING_MODE,
    { length: 1, answer: 'complete', run: ({ c, params }) => (params[0]! > 1 ? HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS : ((c.state.simplePairingMode = params[0]!), ok().build())) },
  ],
  // 7.3.69 Set Event Mask Page 2
  [OP.SET_EVENT_MASK_PAGE_2, { length: 8, answer: 'complete', run: ({ c, params }) => ((c.state.masks.page2 = params.readBigUInt64LE(0)), ok().build()) }],
  // 7.3.78 / 7.3.79 LE Host Support (Simultaneous_LE_Host is ignored, 7.3.79)
  [OP.READ_LE_HOST_SUPPORT, { length: 0, answer: 'complete', returns: 2, run: ({ c }) => ok().u8(c.state.leHostSupported).u8(0).build() }],
  [
    OP.WRITE_LE_HOST_SUPPORT,
    { length: 2, answer: 'complete', run: ({ c, params }) => (params[0]! > 1 ? HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS : ((c.state.leHostSupported = params[0]!), ok().build())) },
  ],
  // 7.3.91 / 7.3.92 Secure Connections Host Support
  [OP.READ_SECURE_CONNECTIONS_HOST_SUPPORT, { length: 0, answer: 'complete', returns: 1, run: ({ c }) => ok().u8(c.state.secureConnectionsHostSupport).build() }],
  [
    OP.WRITE_SECURE_CONNECTIONS_HOST_SUPPORT,
    {
      length: 1,
      answer: 'complete',
      run: ({ c, params }) => (params[0]! > 1 ? HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS : ((c.state.secureConnectionsHostSupport = params[0]!), ok().build())),
    },
  ],
  // 7.3.93 / 7.3.94 Authenticated Payload Timeout (10 ms units, 0x0001..0xFFFF)
  [
    OP.READ_AUTHENTICATED_PAYLOAD_TIMEOUT,
    { length: 2, answer: 'complete', returns: 4, echoesHandle: true, run: (ctx) => withLink(ctx, (end) => ok().u16(end.handle).u16(end.authenticatedPayloadTimeout).build()) },
  ],
  [
    OP.WRITE_AUTHENTICATED_PAYLOAD_TIMEOUT,
    {
      length: 4,
      answer: 'complete',
      returns: 2,
      echoesHandle: true,
      run: (ctx) =>
        withLink(ctx, (end) => {
          const t = ctx.params.readUInt16LE(2);
          if (!inRange(t, 0x0001, 0xffff)) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
          end.authenticatedPayloadTimeout = t;
          return ok().u16(handleAt(ctx.params)).build();
        }),
    },
  ],
];
