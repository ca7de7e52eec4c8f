// The trace layer: decoding every HCI packet into a typed timeline, link state, btsnoop files.
export * from './timeline.js';
export * from './bytes.js';
export * from './hci-fields.js';
export * from './hci-commands.js';
export * from './hci-events.js';
export * from './hci-decode.js';
export * from './advertising-data.js';
export * from './l2cap-reassembly.js';
export * from './att-decode.js';
export * from './smp-decode.js';
export * from './signaling-decode.js';
export * from './packet-decoder.js';
export * from './link-state.js';
export * from './btsnoop-format.js';
export * from './btsnoop-writer.js';
export * from './btsnoop-reader.js';
export * from './narrate.js';
export { Tap, TapWaitError, LONG_RUN_HISTORY, type TapOptions, type TapEvents, type TapWaitOptions } from './tap.js';
