// Capture files: readers (btsnoop, PacketLogger, pcap, pcapng), writers and conversion.
export * from './capture-record.js';
export * from './open-capture.js';
export * from './link-layer.js';
export * from './capture-writer.js';
export * from './convert.js';
export * from './capture-timeline.js';
