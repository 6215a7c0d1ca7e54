// Datastream page: a uPlot chart of one datastream over 24 h, 7 d or 30 d, raw or averaged,
// the table of the same values and CSV downloads.
import { currentTenant, getJson, tenantPath } from './api.js';
import { formatDateTime, formatResult, formatTick, onLanguageChange, t, unitLabel, unitSymbol } from './i18n.js';
import { el, initPage, showStatus } from './page.js';

const HOUR_MS = 3_600_000;
const RANGES_MS = { '24h': 24 * HOUR_MS, '7d': 7 * 24 * HOUR_MS, '30d': 30 * 24 * HOUR_MS };
const AGGREGATION_INTERVALS = { raw: null, '15m': '15m', '1h': '1h', '1d': '1d' };
// NOTE: raw values beyond this count are not requested. The status line then suggests an aggregation.
const RAW_LIMIT = 10_000;
const CHART_HEIGHT_PX = 320;
const TIME_ZONE = 'Europe/Berlin';

const params = new URLSearchParams(location.search);
const state = {
  tenant: currentTenant(),
  id: params.get('id'),
  range: params.get('range') in RANGES_MS ? params.get('range') : '24h',
  aggregation: params.get('aggregation') in AGGREGATION_INTERVALS ? params.get('aggregation') : 'raw',
  datastream: null,
  thing: null,
  result: null,
  plot: null,
  requestCount: 0,
};

function unitText() {
  return unitSymbol(state.datastream?.unit);
}

function observationQuery(format) {
  const to = state.result ? new Date(state.result.requestedTo) : new Date();
  const from = new Date(to.getTime() - RANGES_MS[state.range]);
  const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
  const interval = AGGREGATION_INTERVALS[state.aggregation];
  if (interval) {
    query.set('aggregate', 'mean');
    query.set('interval', interval);
  } else {
    query.set('limit', String(RAW_LIMIT));
  }
  if (format) {
    query.set('format', format);
  }

  return query;
}

function observationsPath(query) {
  return tenantPath(state.tenant, `/datastreams/${encodeURIComponent(state.id)}/observations?${query}`);
}

function renderMeta() {
  const { datastream, thing } = state;
  const heading = document.getElementById('datastream-heading');
  heading.textContent = datastream.name;
  document.title = `${datastream.name} – ${t('common.siteTitle')}`;

  const thingValue = thing ? el('a', { href: `/#thing-${thing.id}` }, thing.name) : datastream.thingId;
  const unit = datastream.unit ?? {};
  const label = unitLabel(unit);
  const unitValue = unit.symbol && label ? `${label} (${unit.symbol})` : label || unit.symbol || unit.code;
  const entries = [
    [t('datastream.thing'), thingValue],
    [t('datastream.observedProperty'), datastream.observedProperty?.name ?? ''],
    [t('datastream.unit'), unitValue],
  ];
  document
    .getElementById('datastream-meta')
    .replaceChildren(...entries.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
}

function renderControls() {
  for (const button of document.querySelectorAll('.range-button')) {
    button.setAttribute('aria-pressed', String(button.dataset.range === state.range));
  }
  document.getElementById('aggregation').value = state.aggregation;
}

function renderDownloads() {
  document.getElementById('csv-link').href = observationsPath(observationQuery('csv'));
  document.getElementById('csv-de-link').href = observationsPath(observationQuery('csv-de'));
}

function destroyPlot() {
  state.plot?.destroy();
  state.plot = null;
}

function renderChart(observations) {
  const container = document.getElementById('chart');
  const xs = observations.map((observation) => Date.parse(observation.phenomenonTime) / 1000);
  const ys = observations.map((observation) => (typeof observation.result === 'number' ? observation.result : null));
  const numbers = ys.filter((value) => value !== null);
  destroyPlot();
  container.replaceChildren();

  if (numbers.length === 0) {
    const message = observations.length === 0 ? t('datastream.noData') : t('datastream.chartNoNumbers');
    container.setAttribute('aria-label', message);
    container.append(el('p', { className: 'chart-empty' }, message));
    return;
  }

  const unit = unitText();
  container.setAttribute(
    'aria-label',
    t('datastream.chartLabel', {
      name: state.datastream.name,
      count: numbers.length,
      min: formatResult(Math.min(...numbers)),
      max: formatResult(Math.max(...numbers)),
      unit,
    }),
  );
  const options = {
    width: Math.max(container.clientWidth, 280),
    height: CHART_HEIGHT_PX,
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), TIME_ZONE),
    scales: { x: { time: true } },
    series: [
      { label: t('datastream.colTime'), value: (plot, seconds) => (seconds == null ? '' : formatDateTime(seconds * 1000)) },
      {
        label: unit ? `${state.datastream.name} (${unit})` : state.datastream.name,
        stroke: '#1f4e99',
        fill: 'rgba(31, 78, 153, 0.08)',
        width: 2,
        points: { show: numbers.length <= 200 },
        value: (plot, value) => (value == null ? '' : formatResult(value)),
      },
    ],
    axes: [
      { values: (plot, splits, axisIndex, stepSeconds) => splits.map((seconds) => formatTick(seconds * 1000, stepSeconds)) },
      { label: unit, size: 64, values: (plot, splits) => splits.map((value) => formatResult(value)) },
    ],
  };
  state.plot = new uPlot(options, [xs, ys], container);
}

function renderTable(observations, aggregated) {
  const unit = unitText();
  document.getElementById('value-column').textContent = unit ? `${t('datastream.colValue')} (${unit})` : t('datastream.colValue');
  document.getElementById('count-column').hidden = !aggregated;
  document.getElementById('data-caption').textContent = t('datastream.tableCaption', {
    from: formatDateTime(state.result.from),
    to: formatDateTime(state.result.to),
  });

  const rows = observations.map((observation) =>
    el(
      'tr',
      {},
      el('td', {}, formatDateTime(observation.phenomenonTime)),
      el('td', { className: 'number' }, formatResult(observation.result)),
      aggregated ? el('td', { className: 'number' }, observation.count ?? '') : null,
    ),
  );
  document.querySelector('#data-table tbody').replaceChildren(...rows);
}

function renderObservations() {
  const observations = state.result.observations;
  const aggregated = AGGREGATION_INTERVALS[state.aggregation] !== null;
  renderChart(observations);
  renderTable(observations, aggregated);

  let message = observations.length === 0 ? t('datastream.noData') : t('datastream.loaded', { count: observations.length });
  if (!aggregated && observations.length >= RAW_LIMIT) {
    message = `${message} ${t('datastream.truncated', { limit: RAW_LIMIT })}`;
  }
  showStatus(message);
}

async function loadObservations() {
  const request = ++state.requestCount;
  const query = observationQuery(null);
  const requestedTo = query.get('to');
  showStatus(t('common.loading'));
  try {
    const result = await getJson(observationsPath(query));
    if (request !== state.requestCount) {
      return;
    }
    result.observations.sort((a, b) => Date.parse(a.phenomenonTime) - Date.parse(b.phenomenonTime));
    state.result = { ...result, from: result.from ?? query.get('from'), to: result.to ?? requestedTo, requestedTo };
    renderObservations();
    renderDownloads();
  } catch (error) {
    if (request === state.requestCount) {
      showStatus(t('common.loadFailed', { message: error.message }), 'error');
    }
  }
}

function changeView(changes) {
  Object.assign(state, changes);
  state.result = null;
  const query = new URLSearchParams({ tenant: state.tenant, id: state.id, range: state.range, aggregation: state.aggregation });
  history.replaceState(null, '', `?${query}`);
  renderControls();
  loadObservations();
}

function wireControls() {
  for (const button of document.querySelectorAll('.range-button')) {
    button.addEventListener('click', () => changeView({ range: button.dataset.range }));
  }
  document.getElementById('aggregation').addEventListener('change', (event) => changeView({ aggregation: event.target.value }));

  const chart = document.getElementById('chart');
  new ResizeObserver(() => {
    state.plot?.setSize({ width: Math.max(chart.clientWidth, 280), height: CHART_HEIGHT_PX });
  }).observe(chart);
}

async function main() {
  initPage();
  document.getElementById('tenant-note').textContent = t('common.tenant', { tenant: state.tenant });
  renderControls();
  if (!state.id) {
    showStatus(t('datastream.missingId'), 'error');
    return;
  }

  try {
    const [datastream, things] = await Promise.all([
      getJson(tenantPath(state.tenant, `/datastreams/${encodeURIComponent(state.id)}`)),
      getJson(tenantPath(state.tenant, '/things')),
    ]);
    state.datastream = datastream;
    state.thing = things.find((thing) => thing.id === datastream.thingId) ?? null;
  } catch (error) {
    showStatus(t('common.loadFailed', { message: error.message }), 'error');
    return;
  }
  // The heading and title now name the datastream, so the static translation must not reset them.
  delete document.getElementById('datastream-heading').dataset.i18n;
  delete document.querySelector('title').dataset.i18n;
  renderMeta();
  renderDownloads();
  wireControls();
  await loadObservations();

  onLanguageChange(() => {
    document.getElementById('tenant-note').textContent = t('common.tenant', { tenant: state.tenant });
    renderMeta();
    if (state.result) {
      renderObservations();
    }
  });
}

main();
