// The reports' stylesheet (inlined): system fonts, a summary bar, filters, scenario sections, the chart.
export const REPORT_CSS = `
:root { --pass: #1a7f37; --fail: #cf222e; --err: #9a6700; --muted: #57606a; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
header { background: #fff; border-bottom: 1px solid var(--line); padding: 12px 20px; position: sticky; top: 0; z-index: 2; }
header h1 { font-size: 18px; margin: 0 0 6px; }
.counts span { margin-right: 14px; }
.counts .n-passed { color: var(--pass); font-weight: 600; }
.counts .n-failed { color: var(--fail); font-weight: 600; }
.filters { margin-top: 8px; display: flex; gap: 14px; flex-wrap: wrap; align-items: center; }
.filters label { cursor: pointer; }
main { padding: 12px 20px 40px; }
details.scenario { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 0 0 8px; }
details.scenario > summary { padding: 8px 12px; cursor: pointer; display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
details.scenario[hidden] { display: none; }
.badge { font-weight: 700; font-size: 12px; padding: 1px 8px; border-radius: 10px; color: #fff; }
.badge.passed { background: var(--pass); } .badge.failed { background: var(--fail); } .badge.error { background: var(--err); }
.file, .dur, .tag { color: var(--muted); font-size: 12px; }
.tag { border: 1px solid var(--line); border-radius: 10px; padding: 0 6px; }
.body { padding: 4px 14px 14px; border-top: 1px solid var(--line); }
.reason { color: var(--fail); }
ol.steps { padding-left: 22px; }
ol.steps li { margin: 4px 0; }
.outcome { color: var(--muted); }
ul.verdicts { list-style: none; padding-left: 6px; margin: 2px 0; }
ul.verdicts li::before { content: "✓ "; color: var(--pass); font-weight: 700; }
ul.verdicts li.bad::before { content: "✗ "; color: var(--fail); }
ul.verdicts li.bad, ul.verdicts li.bad a { color: var(--fail); }
.chart { position: relative; margin-top: 10px; border: 1px solid var(--line); border-radius: 6px; background: #fff; width: 1020px; max-width: 100%; }
.chart .lanes { position: relative; height: 26px; border-bottom: 1px solid var(--line); font-weight: 600; font-size: 12px; }
.chart .lanes span { position: absolute; top: 5px; width: 180px; text-align: center; }
.chart .scroller { max-height: 60vh; overflow: auto; }
.chart svg { display: block; font-size: 11px; }
.chart .lifeline { stroke: #8c959f; stroke-dasharray: 3 3; }
.chart .arrow line { stroke: #24292f; stroke-width: 1.3; }
.chart .arrow text { fill: #1f2328; }
.chart .arrow .ms { fill: var(--muted); font-size: 10px; }
.chart .arrow .hit { fill: transparent; }
.chart .arrow { cursor: pointer; }
.chart .arrow:hover .hit { fill: rgba(9, 105, 218, 0.08); }
.chart .arrow.focus .hit { fill: rgba(255, 200, 0, 0.45); }
.chart .k-att-response line, .chart .k-hci-event line { stroke-dasharray: 5 3; }
.chart .k-att-error line, .chart .k-smp-failed line { stroke: var(--fail); stroke-width: 2; }
.chart .k-att-error text, .chart .k-smp-failed text { fill: var(--fail); font-weight: 600; }
.chart .k-hci-event line, .chart .k-hci-command line { stroke: #6639ba; }
.chart .head { fill: #24292f; } .chart .head-error { fill: var(--fail); }
.chart .band-label { fill: var(--muted); font-style: italic; }
.legend { margin: 6px 0; font-size: 12px; color: var(--muted); }
.legend i { display: inline-block; width: 12px; height: 12px; border: 1px solid var(--line); vertical-align: middle; margin: 0 4px 0 10px; }
.detail .entry { border-left: 3px solid #0969da; padding: 2px 10px; margin: 8px 0; background: #f6f8fa; }
.detail h4 { margin: 4px 0; font-size: 13px; }
.detail pre { margin: 4px 0; font-size: 12px; white-space: pre-wrap; word-break: break-all; }
.empty { color: var(--muted); }
table.matrix { border-collapse: collapse; background: #fff; font-size: 12px; margin: 8px 0; }
table.matrix th, table.matrix td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; max-width: 320px; }
table.matrix .why { color: var(--muted); font-size: 11px; }
.cell-value { background: #dafbe1; } .cell-security { background: #ffebe9; } .cell-other { background: #fff8c5; } .cell-none { background: #f6f8fa; }
.legend i.cell-value, .legend i.cell-security, .legend i.cell-other { display: inline-block; width: 12px; height: 12px; }
.finding { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--fail); border-radius: 6px; padding: 4px 12px; margin: 8px 0; }
.finding p { margin: 4px 0; }
ul.evidence, ul.lines { list-style: none; padding-left: 8px; }
ul.lines li { font-size: 13px; }
`;
