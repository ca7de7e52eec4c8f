// The explain report's page script (plain browser JavaScript, inlined): the capture, each connection's story,
// the findings (cause, what to do), each line and each piece of evidence linked to its frame in the chart.
export const EXPLAIN_SCRIPT = String.raw`
function main() {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const colours = data.colours;
  const { counts } = reportHeader('blebench explain');
  el('span', 'file', data.file, counts);
  el('span', '', data.format + ', ' + data.records + ' records', counts);
  el('span', data.clean ? 'n-passed' : 'n-failed', data.clean ? 'no known problem found' : data.findings.length + (data.findings.length === 1 ? ' finding' : ' findings'), counts);
  const main = el('main', '', undefined, document.body);
  const chartHost = document.createElement('div');
  chartHost.id = 'capture-chart';
  const detail = document.createElement('div');
  detail.className = 'detail';
  let chart;
  const frameLink = (parent, item) => {
    const li = el('li', item.goto ? 'linked' : '', undefined, parent);
    if (item.goto) {
      const a = el('a', 'goto', 'frame ' + item.frame, li);
      a.href = '#capture-chart';
      a.dataset.goto = item.goto;
      a.dataset.frame = String(item.frame);
      a.addEventListener('click', (ev) => {
        ev.preventDefault();
        chart.goto(item.goto);
      });
    } else el('span', 'file', 'frame ' + item.frame, li);
    li.appendChild(document.createTextNode('  ' + item.text));
    return li;
  };
  const findings = el('section', 'findings', undefined, main);
  el('h2', '', 'Findings', findings);
  if (!data.findings.length) el('p', 'empty', 'None: nothing in this capture shows a known security problem.', findings);
  for (const f of data.findings) {
    const box = el('div', 'finding', undefined, findings);
    box.dataset.id = f.id;
    el('h3', '', f.id + ': ' + f.title, box);
    el('p', '', 'What happened: ' + f.because, box);
    el('p', '', 'Cause: ' + f.cause, box);
    el('p', '', 'Central: ' + f.central, box);
    el('p', '', 'Peripheral: ' + f.peripheral, box);
    const ul = el('ul', 'evidence', undefined, box);
    for (const e of f.evidence) frameLink(ul, e);
  }
  const story = el('section', 'story', undefined, main);
  el('h2', '', 'Story', story);
  if (!data.connections.length) el('p', 'empty', 'No connection in this capture.', story);
  for (const c of data.connections) {
    el('h3', '', c.title, story);
    const ul = el('ul', 'lines', undefined, story);
    for (const l of c.lines) frameLink(ul, l);
    el('p', 'outcome', 'How it ended: ' + c.outcome, story);
  }
  chart = sequenceSection(main, data.chart, colours, chartHost, detail);
  document.body.dataset.ready = 'true';
}
main();
`;
