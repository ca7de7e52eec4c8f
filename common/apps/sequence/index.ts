// sequence: a timeline as a message sequence chart (lanes, arrows, the link's security), and its renderings.
export * from './sequence.js';
export { buildSequence, type SideTimelines } from './build-sequence.js';
export { renderMermaid } from './mermaid.js';
export { captureSequence, type CaptureSequence } from './capture-sequence.js';
