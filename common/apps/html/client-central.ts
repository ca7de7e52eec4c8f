// The central report's page script (plain browser JavaScript, inlined): the matrix, each cell coloured and
// a link to its place in the sequence chart of the central's tap; the differences from the profile.
export const CENTRAL_SCRIPT = String.raw`
function main() {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const colours = data.colours;
  const { counts } = reportHeader('blebench central');
  el('span', '', 'target ' + data.target, counts);
  el('span', '', 'policy ' + data.policy, counts);
  el('span', data.differences.length ? 'n-failed' : 'n-passed', data.differences.length ? data.differences.length + ' differences from the profile' : 'no difference from the profile', counts);
  const main = el('main', '', undefined, document.body);
  const chartHost = document.createElement('div');
  chartHost.id = 'central-chart';
  const detail = document.createElement('div');
  detail.className = 'detail';
  let chart;
  const key = el('p', 'legend', 'cells:', main);
  for (const [cls, words] of [['value', 'value (the operation did what was asked)'], ['security', 'security error'], ['other', 'other error']]) {
    el('i', 'cell-' + cls, undefined, key);
    key.appendChild(document.createTextNode(words));
  }
  const table = el('table', 'matrix', undefined, main);
  const head = el('tr', '', undefined, el('thead', '', undefined, table));
  el('th', '', 'characteristic · operation', head);
  for (const p of data.phases) el('th', '', p, head);
  const body = el('tbody', '', undefined, table);
  data.rows.forEach((row, r) => {
    const tr = el('tr', '', undefined, body);
    el('th', '', row, tr);
    data.phases.forEach((_p, c) => {
      const cell = data.cells[r][c];
      const td = el('td', 'cell-' + cell.cls, undefined, tr);
      td.title = cell.why;
      if (cell.goto) {
        const a = el('a', 'goto', cell.text, td);
        a.href = '#central-chart';
        a.dataset.goto = cell.goto;
        a.addEventListener('click', (ev) => {
          ev.preventDefault();
          chart.goto(cell.goto);
        });
      } else td.textContent = cell.text;
      if (cell.why) el('div', 'why', cell.why, td);
    });
  });
  if (data.differences.length) {
    el('h2', '', 'Differences from the profile', main);
    const ul = el('ul', '', undefined, main);
    for (const d of data.differences) el('li', 'reason', d, ul);
  }
  chart = sequenceSection(main, data.chart, colours, chartHost, detail);
  document.body.dataset.ready = 'true';
}
main();
`;
