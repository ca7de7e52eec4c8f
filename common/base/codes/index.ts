// One import for every protocol code table: HCI, L2CAP, ATT, SMP.
export * from './code-table.js';
export * from './hci.js';
export * from './l2cap.js';
export * from './att.js';
export * from './smp.js';
export * from './mgmt.js';
export * from './gatt.js';
export * from './assigned-numbers.js';
