// Reporters: table (default), json, junit, mermaid; to a stream or atomically to a file.
export * from './result.js';
export { tableReport } from './table.js';
export { jsonReport, scenarioRecord } from './json.js';
export { junitReport, classNameOf } from './junit.js';
export { mermaidReport } from './mermaid.js';
export { REPORTERS, renderReport, writeReport, writeAtomically, type ReporterName, type ReportTarget } from './write-report.js';
