// What the controller says it supports, checked against what it does and against the LE features it
// reports. Read Local Supported Commands (Core v5.4 Vol 4 Part E 7.4.2, bit table 6.27) walked bit by
// bit: every command it lists is answered with something other than 0x01 Unknown HCI Command. LE
// Read Local Supported Features (7.8.3, bits Vol 6 Part B 4.6) against the conditions of Vol 4 Part E
// 3.1 (Table 3.1): a command "mandatory if feature X" must be listed when X is claimed, one
// "otherwise excluded" must not be listed when X is not.
import { afterEach, describe, expect, it } from 'vitest';
import { EVT, HCI_STATUS, OP } from '../../common/base/codes/hci.js';
import { Radio } from '../../common/stack/air/index.js';
import { SUPPORTED_COMMAND_BIT } from '../../common/stack/air/supported-commands.js';
import { hostFor, initHost } from './helpers/setup.js';

let radio: Radio | undefined;
afterEach(() => {
  radio?.close();
  radio = undefined;
});

/** LE feature bits (Vol 6 Part B 4.6) the conditions below name. */
const FEATURE = { LE_ENCRYPTION: 0, CONN_PARAMS_REQUEST: 1, LE_PING: 4, DATA_LENGTH_EXTENSION: 5, LL_PRIVACY: 6, LE_2M_PHY: 8, LE_CODED_PHY: 11, EXTENDED_ADVERTISING: 12 } as const;

/**
 * Supported_Commands positions (6.27) written out here, not taken from the radio's own table, for the
 * commands whose presence depends on a feature, including commands the radio does not implement.
 */
const BIT = {
  LE_ENCRYPT: [27, 6],
  LE_RAND: [27, 7],
  LE_ENABLE_ENCRYPTION: [28, 0],
  LE_LTK_REQUEST_REPLY: [28, 1],
  LE_LTK_REQUEST_NEGATIVE_REPLY: [28, 2],
  READ_AUTHENTICATED_PAYLOAD_TIMEOUT: [32, 4],
  WRITE_AUTHENTICATED_PAYLOAD_TIMEOUT: [32, 5],
  LE_REMOTE_CONN_PARAM_REQUEST_REPLY: [33, 4],
  LE_REMOTE_CONN_PARAM_REQUEST_NEGATIVE_REPLY: [33, 5],
  LE_SET_DATA_LENGTH: [33, 6],
  LE_READ_SUGGESTED_DEFAULT_DATA_LENGTH: [33, 7],
  LE_WRITE_SUGGESTED_DEFAULT_DATA_LENGTH: [34, 0],
  LE_ADD_DEVICE_TO_RESOLVING_LIST: [34, 3],
  LE_REMOVE_DEVICE_FROM_RESOLVING_LIST: [34, 4],
  LE_CLEAR_RESOLVING_LIST: [34, 5],
  LE_READ_RESOLVING_LIST_SIZE: [34, 6],
  LE_READ_PEER_RESOLVABLE_ADDRESS: [34, 7],
  LE_READ_LOCAL_RESOLVABLE_ADDRESS: [35, 0],
  LE_SET_ADDRESS_RESOLUTION_ENABLE: [35, 1],
  LE_SET_RESOLVABLE_PRIVATE_ADDRESS_TIMEOUT: [35, 2],
  LE_READ_MAXIMUM_DATA_LENGTH: [35, 3],
  LE_READ_PHY: [35, 4],
  LE_SET_DEFAULT_PHY: [35, 5],
  LE_SET_PHY: [35, 6],
  LE_SET_ADVERTISING_SET_RANDOM_ADDRESS: [36, 1],
  LE_SET_EXTENDED_ADVERTISING_PARAMETERS: [36, 2],
  LE_SET_EXTENDED_ADVERTISING_DATA: [36, 3],
  LE_SET_EXTENDED_SCAN_RESPONSE_DATA: [36, 4],
  LE_SET_EXTENDED_ADVERTISING_ENABLE: [36, 5],
  LE_READ_MAXIMUM_ADVERTISING_DATA_LENGTH: [36, 6],
  LE_READ_NUMBER_OF_SUPPORTED_ADVERTISING_SETS: [36, 7],
  LE_REMOVE_ADVERTISING_SET: [37, 0],
  LE_CLEAR_ADVERTISING_SETS: [37, 1],
  LE_SET_EXTENDED_SCAN_PARAMETERS: [37, 5],
  LE_SET_EXTENDED_SCAN_ENABLE: [37, 6],
  LE_EXTENDED_CREATE_CONNECTION: [37, 7],
  LE_SET_PRIVACY_MODE: [39, 2],
} as const satisfies Record<string, readonly [number, number]>;
type Cmd = keyof typeof BIT;

/** A Table 3.1 condition: the feature test, and whether the command is excluded (or optional) without it. */
interface Condition {
  name: string;
  when: (has: (bit: number) => boolean) => boolean;
  without: 'excluded' | 'optional';
  commands: readonly Cmd[];
}

const CONDITIONS: readonly Condition[] = [
  // C4: LE Encryption (C60/C61 add the central/peripheral role, both of which this controller has)
  { name: 'C4/C60/C61 LE Encryption', when: (f) => f(FEATURE.LE_ENCRYPTION), without: 'excluded', commands: ['LE_ENCRYPT', 'LE_RAND', 'LE_ENABLE_ENCRYPTION', 'LE_LTK_REQUEST_REPLY', 'LE_LTK_REQUEST_NEGATIVE_REPLY'] },
  { name: 'C6 Connection Parameters Request procedure', when: (f) => f(FEATURE.CONN_PARAMS_REQUEST), without: 'excluded', commands: ['LE_REMOTE_CONN_PARAM_REQUEST_REPLY', 'LE_REMOTE_CONN_PARAM_REQUEST_NEGATIVE_REPLY'] },
  { name: 'C7/C155 LE Encryption and LE Ping', when: (f) => f(FEATURE.LE_ENCRYPTION) && f(FEATURE.LE_PING), without: 'excluded', commands: ['WRITE_AUTHENTICATED_PAYLOAD_TIMEOUT', 'READ_AUTHENTICATED_PAYLOAD_TIMEOUT'] },
  {
    name: 'C8 LE Data Packet Length Extension',
    when: (f) => f(FEATURE.DATA_LENGTH_EXTENSION),
    without: 'optional',
    commands: ['LE_SET_DATA_LENGTH', 'LE_READ_SUGGESTED_DEFAULT_DATA_LENGTH', 'LE_WRITE_SUGGESTED_DEFAULT_DATA_LENGTH', 'LE_READ_MAXIMUM_DATA_LENGTH'],
  },
  {
    name: 'C9 LL Privacy',
    when: (f) => f(FEATURE.LL_PRIVACY),
    without: 'excluded',
    commands: ['LE_ADD_DEVICE_TO_RESOLVING_LIST', 'LE_REMOVE_DEVICE_FROM_RESOLVING_LIST', 'LE_CLEAR_RESOLVING_LIST', 'LE_READ_RESOLVING_LIST_SIZE', 'LE_SET_ADDRESS_RESOLUTION_ENABLE', 'LE_SET_RESOLVABLE_PRIVATE_ADDRESS_TIMEOUT', 'LE_SET_PRIVACY_MODE'],
  },
  { name: 'C11 LE 2M PHY or LE Coded PHY', when: (f) => f(FEATURE.LE_2M_PHY) || f(FEATURE.LE_CODED_PHY), without: 'optional', commands: ['LE_READ_PHY', 'LE_SET_DEFAULT_PHY', 'LE_SET_PHY'] },
  {
    name: 'C17 Extended Advertising (advertising state)',
    when: (f) => f(FEATURE.EXTENDED_ADVERTISING),
    without: 'excluded',
    commands: [
      'LE_SET_ADVERTISING_SET_RANDOM_ADDRESS',
      'LE_SET_EXTENDED_ADVERTISING_PARAMETERS',
      'LE_SET_EXTENDED_ADVERTISING_DATA',
      'LE_SET_EXTENDED_SCAN_RESPONSE_DATA',
      'LE_SET_EXTENDED_ADVERTISING_ENABLE',
      'LE_READ_MAXIMUM_ADVERTISING_DATA_LENGTH',
      'LE_READ_NUMBER_OF_SUPPORTED_ADVERTISING_SETS',
      'LE_REMOVE_ADVERTISING_SET',
      'LE_CLEAR_ADVERTISING_SETS',
    ],
  },
  { name: 'C19 Extended Advertising (scanning state)', when: (f) => f(FEATURE.EXTENDED_ADVERTISING), without: 'excluded', commands: ['LE_SET_EXTENDED_SCAN_PARAMETERS', 'LE_SET_EXTENDED_SCAN_ENABLE'] },
  { name: 'C20 Extended Advertising (initiating state)', when: (f) => f(FEATURE.EXTENDED_ADVERTISING), without: 'excluded', commands: ['LE_EXTENDED_CREATE_CONNECTION'] },
];
/** C10: optional if LL Privacy is supported, otherwise excluded: only the exclusion can be checked. */
const C10: readonly Cmd[] = ['LE_READ_PEER_RESOLVABLE_ADDRESS', 'LE_READ_LOCAL_RESOLVABLE_ADDRESS'];

async function readBoth() {
  radio = new Radio({ name: 'supported-commands' });
  const h = hostFor(radio.createController(), 'host');
  await initHost(h);
  const mask = (await h.ok(OP.READ_LOCAL_SUPPORTED_COMMANDS)).ret;
  const features = (await h.ok(OP.LE_READ_LOCAL_SUPPORTED_FEATURES)).ret.readBigUInt64LE(0);
  const listed = ([octet, bit]: readonly [number, number]) => ((mask[octet]! >> bit) & 1) === 1;
  const has = (bit: number) => ((features >> BigInt(bit)) & 1n) === 1n;
  return { h, mask, listed, has };
}

describe('Read Local Supported Commands', () => {
  it('every command the bitmap lists is answered with something other than 0x01 Unknown HCI Command', async () => {
    const { h, mask } = await readBoth();
    expect(mask).toHaveLength(64);
    const byBit = new Map([...SUPPORTED_COMMAND_BIT].map(([op, [octet, bit]]) => [octet * 8 + bit, op]));
    const walked: number[] = [];
    for (let octet = 0; octet < 64; octet++) {
      for (let bit = 0; bit < 8; bit++) {
        if (!((mask[octet]! >> bit) & 1)) continue;
        const op = byBit.get(octet * 8 + bit);
        expect({ octet, bit, op }).toEqual({ octet, bit, op: expect.any(Number) }); // a bit with no command known to 6.27 here
        // empty parameters: most commands answer 0x12, some run; none may say it does not know the command
        const r = await h.command(op!, []);
        expect({ op: op!.toString(16), status: r.status }).not.toEqual({ op: op!.toString(16), status: HCI_STATUS.UNKNOWN_HCI_COMMAND });
        expect(r.event.code === EVT.COMMAND_COMPLETE || r.event.code === EVT.COMMAND_STATUS).toBe(true);
        walked.push(op!);
        if (op === OP.RESET) await initHost(h);
      }
    }
    // the walk found the commands it must have: something to check, and the encryption ones among them
    expect(walked.length).toBeGreaterThan(50);
    expect(walked).toEqual(expect.arrayContaining([OP.LE_ENABLE_ENCRYPTION, OP.LE_LONG_TERM_KEY_REQUEST_REPLY, OP.SET_EVENT_MASK_PAGE_2]));
  });

  it('the LE features and the listed commands agree with every Table 3.1 condition', async () => {
    const { listed, has } = await readBoth();
    const problems: string[] = [];
    for (const c of CONDITIONS) {
      const on = c.when(has);
      for (const cmd of c.commands) {
        if (on && !listed(BIT[cmd])) problems.push(`${c.name} is claimed, but ${cmd} is not listed`);
        if (!on && c.without === 'excluded' && listed(BIT[cmd])) problems.push(`${c.name} is not claimed, but ${cmd} is listed`);
      }
    }
    if (!has(FEATURE.LL_PRIVACY)) for (const cmd of C10) if (listed(BIT[cmd])) problems.push(`LL Privacy is not claimed, but ${cmd} is listed (C10)`);
    expect(problems).toEqual([]);
  });

  it('LE Extended Advertising (feature bit 12) is not claimed, and none of its commands are listed or answered', async () => {
    const { h, listed, has } = await readBoth();
    expect(has(FEATURE.EXTENDED_ADVERTISING)).toBe(false);
    const extended: Cmd[] = CONDITIONS.filter((c) => c.name.startsWith('C17') || c.name.startsWith('C19') || c.name.startsWith('C20')).flatMap((c) => [...c.commands]);
    expect(extended).toHaveLength(12);
    expect(extended.filter((c) => listed(BIT[c]))).toEqual([]);
    for (const op of [OP.LE_SET_EXTENDED_SCAN_PARAMETERS, OP.LE_SET_EXTENDED_SCAN_ENABLE, OP.LE_EXTENDED_CREATE_CONNECTION]) {
      expect((await h.command(op, [])).status).toBe(HCI_STATUS.UNKNOWN_HCI_COMMAND);
    }
  });

  it('the features the radio claims do have their commands: encryption, ping, parameter request, data length, PHY', async () => {
    const { listed, has } = await readBoth();
    for (const bit of [FEATURE.LE_ENCRYPTION, FEATURE.CONN_PARAMS_REQUEST, FEATURE.LE_PING, FEATURE.DATA_LENGTH_EXTENSION, FEATURE.LE_2M_PHY]) expect(has(bit)).toBe(true);
    for (const cmd of ['LE_ENABLE_ENCRYPTION', 'WRITE_AUTHENTICATED_PAYLOAD_TIMEOUT', 'LE_REMOTE_CONN_PARAM_REQUEST_REPLY', 'LE_SET_DATA_LENGTH', 'LE_SET_PHY'] as const) expect(listed(BIT[cmd])).toBe(true);
  });
});
