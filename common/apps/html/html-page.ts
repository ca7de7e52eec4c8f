// One self-contained HTML file: the stylesheet, the data (JSON in a non-executed script element) and the
// page's script, all inline; no URL is ever fetched (the Content-Security-Policy says so to the browser too).
import { SECURITY_COLOURS } from '../sequence/mermaid.js';
import { DIAGRAM_SCRIPT } from './client-diagram.js';
import { REPORT_CSS } from './html-style.js';
import { scriptJson } from './report-data.js';

/** No network: only the inline style and script, and data: images. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

export function htmlPage(title: string, data: object, pageScript: string): string {
  const payload = scriptJson({ ...data, colours: SECURITY_COLOURS });
  const safeTitle = title.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${safeTitle}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<script type="application/json" id="report-data">${payload}</script>
<script>
"use strict";
${DIAGRAM_SCRIPT}
${pageScript}
</script>
</body>
</html>
`;
}
