// The page's chart drawer (plain browser JavaScript, inlined into the report): four lanes, one row per arrow,
// the bands of the link's security behind them. Only the rows in view (and a margin) are in the DOM, redrawn
// as the chart scrolls, so a 10,000-packet timeline opens as fast as a short one. Text is set with
// textContent only: labels from peers and files are never read as markup.
export const DIAGRAM_SCRIPT = String.raw`
const SVG_NS = 'http://www.w3.org/2000/svg';
const LANE_X = [110, 330, 550, 770];
const CHART_WIDTH = 1000;
const ROW = 24;
const MARGIN_ROWS = 80;
const LABEL_MAX = 70;
const CHAR_PX = 6;
const KINDS = ['att-request', 'att-response', 'att-error', 'att-notify', 'smp', 'smp-failed', 'hci-event', 'hci-command'];

function svg(tag, attrs, parent) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const k in attrs) el.setAttribute(k, String(attrs[k]));
  if (parent) parent.appendChild(el);
  return el;
}
function el(tag, cls, text, parent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (parent) parent.appendChild(e);
  return e;
}
function bandWords(level, keySize) {
  return keySize && (level === 'encrypted' || level === 'authenticated') ? level + ', key size ' + keySize : level;
}
/** A label that fits between its lanes (about CHAR_PX per character), cut with an ellipsis; the full text is its title. */
function cut(text, width) {
  const max = Math.min(LABEL_MAX, Math.floor(width / CHAR_PX));
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/** The colours of the security bands, in words. */
function legend(parent, colours) {
  const p = el('p', 'legend', 'link security:', parent);
  for (const level of Object.keys(colours)) {
    const i = el('i', '', undefined, p);
    i.style.background = colours[level];
    p.appendChild(document.createTextNode(level));
  }
}

function hexDump(hex) {
  const lines = [];
  for (let i = 0; i < hex.length; i += 32) {
    const row = hex.slice(i, i + 32).match(/../g) || [];
    lines.push((i / 2).toString(16).padStart(4, '0') + '  ' + row.join(' '));
  }
  return lines.join('\n');
}

/** The decoded fields and bytes of an arrow's entries, into 'into'. */
function showEntries(into, chart, keys) {
  into.replaceChildren();
  for (const key of keys) {
    const e = chart.entries[key];
    if (!e) continue;
    const box = el('section', 'entry', undefined, into);
    const [side, seq] = key.split(':');
    el('h4', '', side + ' tap · #' + seq + ' · ' + (e.dir === 'tx' ? 'host → controller' : 'controller → host') + ' · ' + e.ms.toFixed(3) + ' ms · ' + e.layer, box);
    el('p', 'summary', e.summary, box);
    el('pre', 'fields', JSON.stringify(e.fields, null, 2), box);
    el('pre', 'bytes', hexDump(e.raw), box);
  }
}

/**
 * A chart in 'host' (an element), drawn lazily. onPick(index, keys) is called when an arrow is chosen.
 * Returns { goto(key), arrowCount }.
 */
function drawChart(host, chart, colours, onPick) {
  const arrows = chart.arrows;
  const byKey = new Map();
  arrows.forEach((a, i) => a[5].forEach((k) => byKey.set(k, i)));
  host.classList.add('chart');
  host.dataset.arrows = String(arrows.length);
  const head = el('div', 'lanes', undefined, host);
  ['Central host', 'Central controller', 'Peripheral controller', 'Peripheral host'].forEach((t, i) => {
    const s = el('span', '', t, head);
    s.style.left = LANE_X[i] - 90 + 'px';
  });
  const scroller = el('div', 'scroller', undefined, host);
  const height = Math.max(arrows.length, 1) * ROW + ROW;
  const root = svg('svg', { width: CHART_WIDTH, height: height, viewBox: '0 0 ' + CHART_WIDTH + ' ' + height, role: 'img' }, scroller);
  const defs = svg('defs', {}, root);
  for (const name of ['head', 'head-error']) {
    const m = svg('marker', { id: host.id + '-' + name, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
    svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: name }, m);
  }
  const bands = svg('g', { class: 'bands' }, root);
  for (const x of LANE_X) svg('line', { x1: x, x2: x, y1: 0, y2: height, class: 'lifeline' }, root);
  const rows = svg('g', { class: 'rows' }, root);
  let drawn = [-1, -1];
  let focus = -1;

  function drawRow(i) {
    const a = arrows[i];
    const kind = KINDS[a[2]];
    const y = i * ROW + ROW;
    const g = svg('g', { class: 'arrow k-' + kind + (i === focus ? ' focus' : ''), 'data-i': i, 'data-entries': a[5].join(' '), tabindex: 0 }, rows);
    const x1 = LANE_X[a[0]];
    const x2 = LANE_X[a[1]];
    const bad = kind === 'att-error' || kind === 'smp-failed';
    svg('rect', { x: 0, y: y - ROW + 2, width: CHART_WIDTH, height: ROW - 2, class: 'hit' }, g);
    svg('line', { x1: x1, x2: x2 + (x2 > x1 ? -2 : 2), y1: y - 4, y2: y - 4, 'marker-end': 'url(#' + host.id + '-' + (bad ? 'head-error' : 'head') + ')' }, g);
    const t = svg('text', { x: (x1 + x2) / 2, y: y - 8, 'text-anchor': 'middle' }, g);
    t.textContent = cut(a[3], Math.abs(x2 - x1));
    const title = svg('title', {}, g);
    title.textContent = a[3];
    const ms = svg('text', { x: 4, y: y - 8, class: 'ms' }, g);
    ms.textContent = a[4].toFixed(1);
  }

  function render() {
    const first = Math.max(0, Math.floor(scroller.scrollTop / ROW) - MARGIN_ROWS);
    const last = Math.min(arrows.length, Math.ceil((scroller.scrollTop + scroller.clientHeight) / ROW) + MARGIN_ROWS);
    if (first === drawn[0] && last === drawn[1]) return;
    drawn = [first, last];
    rows.replaceChildren();
    bands.replaceChildren();
    for (const s of chart.spans) {
      if (s[1] <= first || s[0] >= last) continue;
      const r = svg('rect', { x: 0, y: s[0] * ROW + 4, width: CHART_WIDTH, height: (s[1] - s[0]) * ROW, fill: colours[s[2]] || 'none', class: 'band', 'data-level': s[2] }, bands);
      const label = svg('title', {}, r);
      label.textContent = bandWords(s[2], s[3]);
      const t = svg('text', { x: CHART_WIDTH - 6, y: s[0] * ROW + 16, 'text-anchor': 'end', class: 'band-label' }, bands);
      t.textContent = bandWords(s[2], s[3]);
    }
    for (let i = first; i < last; i++) drawRow(i);
  }

  let pending = false;
  scroller.addEventListener('scroll', () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      render();
    });
  });
  function pick(i) {
    focus = i;
    for (const g of rows.querySelectorAll('.focus')) g.classList.remove('focus');
    const g = rows.querySelector('[data-i="' + i + '"]');
    if (g) g.classList.add('focus');
    onPick(i, arrows[i][5]);
    return g;
  }
  rows.addEventListener('click', (ev) => {
    const g = ev.target.closest('.arrow');
    if (g) pick(Number(g.dataset.i));
  });
  rows.addEventListener('keydown', (ev) => {
    const g = ev.target.closest('.arrow');
    if (g && (ev.key === 'Enter' || ev.key === ' ')) {
      ev.preventDefault();
      pick(Number(g.dataset.i));
    }
  });
  render();
  return {
    arrowCount: arrows.length,
    goto(key) {
      const i = byKey.get(key);
      if (i === undefined) return false;
      scroller.scrollTop = Math.max(0, i * ROW - scroller.clientHeight / 2);
      render();
      const g = pick(i);
      if (g) g.scrollIntoView({ block: 'center' });
      return true;
    },
  };
}

/** The page's header: its title, and the counts row the page fills. */
function reportHeader(title) {
  const header = el('header', '', undefined, document.body);
  el('h1', '', title, header);
  return { header, counts: el('div', 'counts', undefined, header) };
}

/** The page's sequence section: its heading, the legend, the chart and the picked arrow's details below it. */
function sequenceSection(main, chartData, colours, chartHost, detail) {
  el('h2', '', 'Sequence (' + chartData.arrows.length + ' arrows)', main);
  legend(main, colours);
  main.appendChild(chartHost);
  main.appendChild(detail);
  return drawChart(chartHost, chartData, colours, (i, keys) => showEntries(detail, chartData, keys));
}
`;
