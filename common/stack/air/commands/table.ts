// Every command this controller implements, one table: opcode -> implementation. The Supported
// Commands mask (Vol 4 Part E 6.27, 7.4.2) is derived from the table, so it can never claim a
// command that is not here, or miss one that is.
import { OP } from '../../../base/codes/hci.js';
import { supportedCommandsMask, SUPPORTED_COMMANDS_LENGTH } from '../supported-commands.js';
import { basebandCommands } from './baseband.js';
import { informationalCommands } from './informational.js';
import { leAdvertisingCommands } from './le-advertising.js';
import { leConnectionCommands } from './le-connection.js';
import { leControllerCommands } from './le-controller.js';
import { leCryptoCommands } from './le-crypto.js';
import { leEncryptionCommands } from './le-encryption.js';
import { lePrivacyCommands } from './le-privacy.js';
import { leScanningCommands } from './le-scanning.js';
import { zephyrVendorCommands } from './vendor-zephyr.js';
import { ok, type CommandSpec, type CommandTable } from './types.js';
import { hex } from '../../../base/codes/code-table.js';

const table = new Map<number, CommandSpec>();
for (const group of [basebandCommands, informationalCommands, leControllerCommands, leCryptoCommands, leAdvertisingCommands, leScanningCommands, leConnectionCommands, leEncryptionCommands, lePrivacyCommands]) {
  for (const [op, spec] of group) {
    if (table.has(op)) throw new Error(`command ${hex(op, 4)} implemented twice`);
    table.set(op, spec);
  }
}
// 7.4.2 Read Local Supported Commands
table.set(OP.READ_LOCAL_SUPPORTED_COMMANDS, { length: 0, answer: 'complete', returns: SUPPORTED_COMMANDS_LENGTH, run: () => ok().bytesOf(SUPPORTED_COMMANDS).build() });

export const SUPPORTED_COMMANDS: Buffer = supportedCommandsMask(table.keys());
// Vendor commands answer, but 6.27 has no Supported Commands bit for them: added after the mask.
for (const [op, spec] of zephyrVendorCommands) {
  if (table.has(op)) throw new Error(`command ${hex(op, 4)} implemented twice`);
  table.set(op, spec);
}
export const COMMANDS: CommandTable = table;
