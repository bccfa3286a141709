// The analytics dashboard: reads the service's own JSON API with the key the user gives (kept in
// sessionStorage, or passed once as #key=… in the address, which never reaches the server) and
// draws it with Chart.js, served by the service itself. Every number shown comes from the API
// as is; each element carries the raw value in data-value so it can be checked against the API.
'use strict';

const KEY_STORAGE = 'crm-analytics-api-key';
const charts = [];

// ---- formatting -------------------------------------------------------------------------------

const fixed = (n, digits) => (n === null || n === undefined ? '—' : n.toFixed(digits));

/** Per-currency amounts in minor units, e.g. { EUR: 125050 } → "1250.50 EUR". */
function money(byCurrency) {
  const entries = Object.entries(byCurrency || {}).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? '—' : entries.map(([currency, minor]) => `${(minor / 100).toFixed(2)} ${currency}`).join(' · ');
}

function formatValue(unit, value) {
  if (value === null || value === undefined) return '—';
  switch (unit) {
    case 'ratio':
      return `${fixed(value * 100, 1)} %`;
    case 'percent':
      return `${fixed(value, 1)} %`;
    case 'score':
      return fixed(value, 1);
    case 'hours':
      return `${fixed(value, 1)} h`;
    case 'count':
      return String(Math.round(value));
    case 'minor-units':
      return money(value);
    default:
      return String(value);
  }
}

/** A number to plot for a KPI value (amounts: the first currency). */
function plotted(unit, value) {
  if (value === null || value === undefined) return null;
  if (unit === 'minor-units') {
    const first = Object.keys(value).sort()[0];
    return first === undefined ? null : value[first] / 100;
  }
  return unit === 'ratio' ? value * 100 : value;
}

// ---- API --------------------------------------------------------------------------------------

function apiKey() {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.has('key')) {
    sessionStorage.setItem(KEY_STORAGE, hash.get('key'));
    hash.delete('key');
    history.replaceState(null, '', location.pathname + location.search + (hash.toString() ? `#${hash}` : ''));
  }
  return sessionStorage.getItem(KEY_STORAGE);
}

async function api(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== ''));
  const response = await fetch(`${path}${query.toString() ? `?${query}` : ''}`, { headers: { 'x-api-key': apiKey() || '' } });
  if (response.status === 404 && path === '/v1/models/current') return null;
  if (response.status === 401 || response.status === 403) {
    sessionStorage.removeItem(KEY_STORAGE);
    throw new Error(`the API refused the key (${response.status}); enter one with scope analytics:read`);
  }
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

// ---- drawing ----------------------------------------------------------------------------------

const el = (tag, attributes = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name === 'style') node.setAttribute('style', value);
    else node[name] = value;
  }
  node.append(...children);
  return node;
};

function table(target, header, rows) {
  target.replaceChildren(el('thead', {}, el('tr', {}, ...header.map((h) => el('th', { textContent: h })))), el('tbody', {}, ...rows));
}

function chart(canvas, config) {
  const made = new Chart(canvas, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } });
  charts.push(made);
  return made;
}

function tileDetail(report) {
  const d = report.details;
  switch (report.kpi) {
    case 'retention-rate':
    case 'churn-rate':
      return `${d.retained} of ${d.customersAtStart} previous buyers came back`;
    case 'historical-clv':
      return `${d.customers} customers to date`;
    case 'average-order-value':
      return `${d.orders} orders · net ${money(d.netRevenueMinorByCurrency)}`;
    case 'repeat-purchase-rate':
      return `${d.repeatPurchasers} of ${d.purchasers} buyers`;
    case 'conversion-rate':
      return `${d.convertedLeads} of ${d.leads} leads · win rate ${formatValue('ratio', d.winRate)}`;
    case 'nps':
      return `${d.responses} answers`;
    case 'csat':
      return `${d.responses} scores · mean ${fixed(d.averageScore, 2)}`;
    case 'ticket-resolution-time':
      return `p90 ${formatValue('hours', d.p90Hours)} · ${d.resolved} tickets`;
    case 'loyalty-engagement':
      return `${d.pointsEarned} points earned · ${d.pointsRedeemed} redeemed`;
    default:
      return '';
  }
}

function drawTiles(reports) {
  const tiles = reports.map((r) =>
    el(
      'div',
      { className: 'tile', dataset: { kpi: r.kpi, unit: r.unit, value: JSON.stringify(r.value) } },
      el('div', { className: 'tile-title', textContent: r.title }),
      el('div', { className: 'tile-value', textContent: formatValue(r.unit, r.value) }),
      el('div', { className: 'tile-detail', textContent: tileDetail(r) }),
    ),
  );
  const resolution = reports.find((r) => r.kpi === 'ticket-resolution-time');
  if (resolution) {
    tiles.push(
      el(
        'div',
        { className: 'tile', dataset: { kpi: 'ticket-resolution-p90', unit: 'hours', value: JSON.stringify(resolution.details.p90Hours) } },
        el('div', { className: 'tile-title', textContent: 'Ticket resolution time, p90' }),
        el('div', { className: 'tile-value', textContent: formatValue('hours', resolution.details.p90Hours) }),
        el('div', { className: 'tile-detail', textContent: `${resolution.details.withoutOpening} resolved without a known opening` }),
      ),
    );
  }
  document.getElementById('tiles').replaceChildren(...tiles);
}

function drawSeries(reports) {
  const container = document.getElementById('series');
  container.replaceChildren();
  for (const r of reports) {
    const canvas = el('canvas', { dataset: { kpi: r.kpi } });
    container.append(el('div', { className: 'chart' }, canvas));
    const label = r.unit === 'minor-units' ? `${r.title} (${Object.keys(r.value || {}).sort()[0] || '—'})` : r.unit === 'ratio' ? `${r.title} (%)` : r.title;
    chart(canvas, {
      type: 'line',
      data: {
        labels: r.series.map((p) => (p.from === p.to ? p.from : `${p.from}…${p.to}`)),
        datasets: [{ label, data: r.series.map((p) => plotted(r.unit, p.value)), spanGaps: true, borderColor: '#3358c4', backgroundColor: '#3358c4', tension: 0.2 }],
      },
      options: { plugins: { legend: { labels: { boxWidth: 10 } } } },
    });
  }
}

function drawCohorts(matrix) {
  const target = document.getElementById('cohorts');
  const offsets = Array.from({ length: matrix.maxOffset + 1 }, (_, i) => i);
  const rows = matrix.cohorts.map((c) =>
    el(
      'tr',
      { dataset: { cohort: c.cohort, size: String(c.size) } },
      el('td', { textContent: c.cohort }),
      el('td', { textContent: String(c.size) }),
      ...offsets.map((k) => {
        const cell = c.months[k];
        if (!cell) return el('td', {});
        const shade = cell.retention === null ? '#fff' : `hsl(220 70% ${Math.round(97 - 55 * cell.retention)}%)`;
        return el('td', {
          className: 'cell',
          textContent: cell.retention === null ? '—' : `${(cell.retention * 100).toFixed(1)} %`,
          dataset: { offset: String(k), active: String(cell.active), retention: JSON.stringify(cell.retention) },
          style: `background:${shade};color:${cell.retention !== null && cell.retention > 0.6 ? '#fff' : '#1d2433'}`,
        });
      }),
    ),
  );
  table(target, ['cohort', 'customers', ...offsets.map((k) => `+${k}`)], rows);
}

function drawModel(fit) {
  const label = document.getElementById('model-label');
  if (!fit) {
    label.textContent = 'no model fitted yet';
    table(document.getElementById('repeat-table'), [], []);
    table(document.getElementById('model-parameters'), [], []);
    return;
  }
  label.textContent = `fitted ${fit.fittedAt} on ${fit.customers} customers (as of ${fit.asOf})`;
  const counts = fit.repeatPurchaseCounts;
  chart(document.getElementById('repeat-chart'), {
    type: 'bar',
    data: {
      labels: counts.map((c) => c.repeatPurchases),
      datasets: [
        { label: 'actual', data: counts.map((c) => c.actual), backgroundColor: '#1d2433' },
        { label: 'BG/NBD expected', data: counts.map((c) => c.expected), backgroundColor: '#8fa8e8' },
      ],
    },
    options: { scales: { x: { title: { display: true, text: 'repeat purchases' } }, y: { title: { display: true, text: 'customers' } } } },
  });
  table(
    document.getElementById('repeat-table'),
    ['repeat purchases', 'actual', 'expected'],
    counts.map((c) =>
      el(
        'tr',
        { dataset: { repeatPurchases: c.repeatPurchases, actual: String(c.actual), expected: JSON.stringify(c.expected) } },
        el('td', { textContent: c.repeatPurchases }),
        el('td', { textContent: String(c.actual) }),
        el('td', { textContent: c.expected.toFixed(2) }),
      ),
    ),
  );
  const parameters = [
    ...Object.entries(fit.bgNbd.parameters).map(([name, value]) => ['BG/NBD', name, value]),
    ...(fit.gammaGamma ? Object.entries(fit.gammaGamma.parameters).map(([name, value]) => ['Gamma-Gamma', name, value]) : []),
  ];
  table(
    document.getElementById('model-parameters'),
    ['model', 'parameter', 'value'],
    parameters.map(([model, name, value]) =>
      el('tr', { dataset: { parameter: name, value: JSON.stringify(value) } }, el('td', { textContent: model }), el('td', { textContent: name }), el('td', { textContent: value.toPrecision(4) })),
    ),
  );
}

function drawSegments(sizes) {
  const segments = sizes.segments;
  chart(document.getElementById('segments-chart'), {
    type: 'bar',
    data: { labels: segments.map((s) => s.segmentName), datasets: [{ label: 'members', data: segments.map((s) => s.members), backgroundColor: '#3358c4' }] },
    options: { indexAxis: 'y' },
  });
  table(
    document.getElementById('segments-table'),
    ['segment', 'members'],
    segments.map((s) => el('tr', { dataset: { segment: s.segmentId, members: String(s.members) } }, el('td', { textContent: s.segmentName }), el('td', { textContent: String(s.members) }))),
  );
}

function drawAtRisk(list) {
  document.getElementById('at-risk-label').textContent =
    list.asOf === null ? 'no model fitted yet' : `${list.total} customers with churn risk ≥ ${list.threshold} (as of ${list.asOf}); highest first`;
  table(
    document.getElementById('at-risk'),
    ['customer', 'churn risk', 'level', 'P(alive)', 'open tickets', 'predicted CLV', 'why'],
    list.customers.map((c) =>
      el(
        'tr',
        { dataset: { customer: c.customerId, risk: JSON.stringify(c.churnRisk.score) } },
        el('td', { textContent: c.customerId }),
        el('td', { textContent: c.churnRisk.score.toFixed(3) }),
        el('td', { textContent: c.churnRisk.level }),
        el('td', { textContent: c.probabilityAlive.toFixed(3) }),
        el('td', { textContent: String(c.openTickets) }),
        el('td', { textContent: c.predictedClvMinor === null ? '—' : (c.predictedClvMinor / 100).toFixed(2) }),
        el('td', { textContent: c.churnRisk.reasons.join('; ') }),
      ),
    ),
  );
}

// ---- page -------------------------------------------------------------------------------------

function selection() {
  const form = document.getElementById('controls');
  const data = new FormData(form);
  return { from: data.get('from'), to: data.get('to'), granularity: data.get('granularity'), segment: data.get('segment') || undefined };
}

async function fillSegments() {
  const sizes = await api('/v1/segment-sizes');
  const select = document.querySelector('#controls select[name=segment]');
  const chosen = new URLSearchParams(location.search).get('segment') || select.value;
  select.replaceChildren(el('option', { value: '', textContent: 'all customers' }), ...sizes.segments.map((s) => el('option', { value: s.segmentId, textContent: `${s.segmentName} (${s.members})` })));
  select.value = chosen;
  return sizes;
}

async function load() {
  const status = document.getElementById('status');
  document.body.dataset.state = 'loading';
  status.className = '';
  status.textContent = 'Loading…';
  try {
    while (charts.length > 0) charts.pop().destroy();
    const sizes = await fillSegments();
    const s = selection();
    const [kpis, cohorts, fit, atRisk] = await Promise.all([
      api('/v1/kpis', s),
      api('/v1/cohorts', { to: s.to, segment: s.segment }),
      api('/v1/models/current'),
      api('/v1/at-risk', { segment: s.segment, limit: 25 }),
    ]);
    document.getElementById('period-label').textContent = `${kpis.from} … ${kpis.to}${kpis.segment ? ` · segment ${kpis.segment}` : ''} · by ${kpis.granularity}`;
    drawTiles(kpis.kpis);
    drawSeries(kpis.kpis);
    drawCohorts(cohorts);
    drawModel(fit);
    drawSegments(sizes);
    drawAtRisk(atRisk);
    status.textContent = '';
    document.body.dataset.state = 'ready';
  } catch (error) {
    status.className = 'error';
    status.textContent = error.message;
    document.body.dataset.state = 'error';
    if (!apiKey()) document.getElementById('key-form').hidden = false;
  }
}

function start() {
  const params = new URLSearchParams(location.search);
  const form = document.getElementById('controls');
  const today = new Date().toISOString().slice(0, 10);
  const monthAgo = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
  form.elements.from.value = params.get('from') || monthAgo;
  form.elements.to.value = params.get('to') || today;
  form.elements.granularity.value = params.get('granularity') || 'week';
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const s = selection();
    history.replaceState(null, '', `?${new URLSearchParams(Object.entries(s).filter(([, v]) => v))}`);
    load();
  });
  const keyForm = document.querySelector('#key-form form');
  keyForm.addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, new FormData(keyForm).get('key'));
    document.getElementById('key-form').hidden = true;
    load();
  });
  if (!apiKey()) {
    document.getElementById('key-form').hidden = false;
    document.body.dataset.state = 'needs-key';
    return;
  }
  load();
}

document.addEventListener('DOMContentLoaded', start);
