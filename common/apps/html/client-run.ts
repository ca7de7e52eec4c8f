// The run report's page script (plain browser JavaScript, inlined): the summary, the filters by status and
// tag, and per scenario (drawn when opened) its steps, each expectation held or not with a link from a failed
// one to its packet, and the chart; an arrow chosen shows its entries' decoded fields and bytes.
export const RUN_SCRIPT = String.raw`
function openScenario(section, s, colours) {
  if (section._chart) return section._chart;
  const body = el('div', 'body', undefined, section);
  if (s.reason) el('p', 'reason', s.reason, body);
  const chartHost = document.createElement('div');
  chartHost.id = section.id + '-chart';
  const detail = document.createElement('div');
  detail.className = 'detail';
  const goto = (key) => section._chart.goto(key);
  const verdictList = (parent, verdicts) => {
    const ul = el('ul', 'verdicts', undefined, parent);
    for (const v of verdicts) {
      const li = el('li', v.ok ? 'ok' : 'bad', undefined, ul);
      if (!v.ok && v.goto) {
        const a = el('a', 'goto', v.message, li);
        a.href = '#' + chartHost.id;
        a.dataset.goto = v.goto;
        a.addEventListener('click', (ev) => {
          ev.preventDefault();
          goto(v.goto);
        });
      } else li.textContent = v.message;
      if (v.path) el('span', 'file', ' ' + v.path, li);
    }
  };
  el('h3', '', 'Steps', body);
  const ol = el('ol', 'steps', undefined, body);
  for (const st of s.steps) {
    const li = el('li', 'step', undefined, ol);
    el('b', '', st.label, li);
    el('span', 'outcome', ' → ' + st.outcome + ' (' + st.durationMs.toFixed(1) + ' ms)', li);
    verdictList(li, st.verdicts);
  }
  if (s.verdicts.length) {
    el('h3', '', 'Scenario expectations', body);
    verdictList(body, s.verdicts);
  }
  el('h3', '', 'Sequence (' + s.chart.arrows.length + ' arrows)', body);
  legend(body, colours);
  body.appendChild(chartHost);
  body.appendChild(detail);
  section._chart = drawChart(chartHost, s.chart, colours, (i, keys) => showEntries(detail, s.chart, keys));
  return section._chart;
}

function main() {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const colours = data.colours;
  const { header, counts } = reportHeader('blebench run');
  el('span', 'n-passed', data.passed + ' passed', counts);
  el('span', 'n-failed', data.failed + ' failed' + (data.errors ? ' (' + data.errors + ' could not run)' : ''), counts);
  el('span', 'seed', 'seed ' + data.seed, counts);
  el('span', 'time', (data.durationMs / 1000).toFixed(2) + ' s', counts);
  el('span', 'when', data.generatedAt, counts);
  const filters = el('div', 'filters', undefined, header);
  const shown = { passed: true, failed: true, error: true };
  const main = el('main', '', undefined, document.body);
  const sections = [];
  let tag = '';
  const apply = () => {
    for (const sec of sections) sec.hidden = !shown[sec.dataset.status] || (tag !== '' && !sec.dataset.tags.split(' ').includes(tag));
  };
  for (const status of ['passed', 'failed', 'error']) {
    const label = el('label', '', undefined, filters);
    const box = el('input', '', undefined, label);
    box.type = 'checkbox';
    box.checked = true;
    box.name = 'status-' + status;
    box.addEventListener('change', () => {
      shown[status] = box.checked;
      apply();
    });
    label.appendChild(document.createTextNode(' ' + status));
  }
  const tags = [...new Set(data.scenarios.flatMap((s) => s.tags))].sort();
  const select = el('select', '', undefined, filters);
  select.name = 'tag';
  el('option', '', 'every tag', select).value = '';
  for (const t of tags) el('option', '', t, select).value = t;
  select.addEventListener('change', () => {
    tag = select.value;
    apply();
  });
  if (!data.scenarios.length) el('p', 'empty', 'No scenarios ran.', main);
  data.scenarios.forEach((s, n) => {
    const sec = el('details', 'scenario', undefined, main);
    sec.id = 'scenario-' + n;
    sec.dataset.status = s.status;
    sec.dataset.tags = s.tags.join(' ');
    const sum = el('summary', '', undefined, sec);
    el('span', 'badge ' + s.status, s.status, sum);
    el('span', 'name', s.name, sum);
    el('span', 'file', s.file, sum);
    for (const t of s.tags) el('span', 'tag', t, sum);
    el('span', 'dur', s.durationMs.toFixed(0) + ' ms', sum);
    sec.addEventListener('toggle', () => {
      if (sec.open) openScenario(sec, s, colours);
    });
    sections.push(sec);
  });
  // A failed scenario is open from the start: its reason and its links are one click from the summary.
  for (const sec of sections) if (sec.dataset.status !== 'passed') sec.open = true;
  document.body.dataset.ready = 'true';
}
main();
`;
