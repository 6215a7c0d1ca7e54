// Use-case page: without ?useCase= the list of topics; with it, the topic's measuring points with
// their current value and trend, and one chart that compares an observed property across them.
import { currentTenant } from './api.js';
import { formatDateTime, onLanguageChange, t } from './i18n.js';
import { el, initPage, showStatus } from './page.js';
import { licenceNote, loadPoints } from './downloads.js';
import { datastreamUrl, loadCatalog, loadLatest, thingUrl, useCaseBadge, useCaseUrl } from './portal-data.js';
import { renderRangeControls } from './range-controls.js';
import { renderSeriesChart } from './series-chart.js';
import { summarizeThing, trendOf } from './thing-summary.js';
import { readView, timeSpan, writeView } from './time-range.js';
import { USE_CASES, useCaseDescription, useCaseStyle } from './use-case-styles.js';

/** Series one chart compares at most; the table lists every measuring point. */
const MAX_SERIES = 8;
const PREFERRED_PROPERTY = { parking: /free/, 'air-quality': /pm10|pm2_5|no2/, waste: /fill/, 'ev-charging': /available|point/ };

const params = new URLSearchParams(location.search);
const state = {
  tenant: currentTenant(),
  useCase: params.get('useCase'),
  property: params.get('property'),
  view: readView(params, { range: '7d', aggregation: '1h' }),
  catalog: null,
  latest: new Map(),
  things: [],
  trends: new Map(),
  destroyChart: null,
  request: 0,
};

function renderOverview() {
  const counts = new Map();
  for (const thing of state.catalog.things) {
    counts.set(thing.useCase, (counts.get(thing.useCase) ?? 0) + 1);
  }
  const present = [...USE_CASES.filter((useCase) => counts.has(useCase)), ...[...counts.keys()].filter((useCase) => !USE_CASES.includes(useCase))];
  document.getElementById('use-case-content').replaceChildren(
    el('ul', { className: 'use-case-list' }, present.map((useCase) =>
      el('li', {}, el('a', { href: useCaseUrl(state.tenant, useCase) }, useCaseBadge(useCase)), ` – ${t('useCasePage.thingCount', { count: counts.get(useCase) })}. `, useCaseDescription(useCase)),
    )),
  );
  showStatus(t('useCasePage.overviewStatus', { count: present.length }));
}

/** Observed properties of the topic's datastreams, the preferred one first. */
function propertiesOfUseCase() {
  const properties = new Map();
  for (const thing of state.things) {
    for (const datastream of state.catalog.byThing.get(thing.id) ?? []) {
      const property = datastream.observedProperty;
      if (property && datastream.valueSchema?.type !== 'string' && datastream.valueSchema?.type !== 'boolean') {
        const entry = properties.get(property.id) ?? { property, count: 0 };
        entry.count += 1;
        properties.set(property.id, entry);
      }
    }
  }
  const preferred = PREFERRED_PROPERTY[state.useCase];
  return [...properties.values()].sort((a, b) => Number(preferred?.test(b.property.id) ?? 0) - Number(preferred?.test(a.property.id) ?? 0) || b.count - a.count).map((entry) => entry.property);
}

function seriesDatastreams() {
  return state.things.map((thing) => ({ thing, datastream: (state.catalog.byThing.get(thing.id) ?? []).find((datastream) => datastream.observedProperty?.id === state.property) })).filter((entry) => entry.datastream);
}

function renderTable() {
  const rows = state.things.map((thing) => {
    const summary = summarizeThing(thing, state.catalog.byThing.get(thing.id) ?? [], state.latest);
    const trend = state.trends.get(thing.id);
    const swatch = summary?.color ? el('span', { className: 'swatch', style: `background:${summary.color};color:${summary.textColor}`, 'aria-hidden': 'true' }, summary.text) : '';
    return el(
      'tr',
      { dataset: { thingId: thing.id } },
      el('th', { scope: 'row' }, el('a', { href: thingUrl(state.tenant, thing) }, thing.name)),
      el('td', {}, swatch, swatch ? ' ' : '', summary?.label ?? t('common.noValue')),
      el('td', {}, trend ? `${trend.symbol} ${trend.label}` : '–'),
    );
  });
  document.querySelector('#use-case-things tbody').replaceChildren(...rows);
}

function renderSeriesDownloads(charted) {
  document.getElementById('series-downloads').replaceChildren(
    el('ul', { className: 'downloads' }, charted.map((entry) => el('li', {}, el('a', { href: datastreamUrl(state.tenant, entry.datastream) }, t('useCasePage.downloadsOf', { name: entry.datastream.name }))))),
    licenceNote(),
  );
}

async function renderChart() {
  const request = ++state.request;
  const span = timeSpan(state.view, Date.now());
  const entries = seriesDatastreams();
  const charted = entries.slice(0, MAX_SERIES);
  document.getElementById('chart-note').textContent = entries.length > MAX_SERIES ? t('useCasePage.seriesLimit', { shown: MAX_SERIES, total: entries.length }) : '';

  showStatus(t('common.loading'));
  let results;
  try {
    results = await Promise.all(charted.map((entry) => loadPoints(state.tenant, entry.datastream, state.view, span)));
  } catch (error) {
    showStatus(t('common.loadFailed', { message: error.message }), 'error');
    return;
  }
  if (request !== state.request) {
    return;
  }

  state.trends = new Map(charted.map((entry, index) => [entry.thing.id, trendOf(results[index].points.map((point) => ({ time: point.time, value: point.value })))]));
  state.destroyChart?.();
  const property = charted[0]?.datastream.observedProperty?.name ?? '';
  state.destroyChart = renderSeriesChart(
    document.getElementById('chart-panel'),
    charted.map((entry, index) => ({ label: entry.thing.name, unit: entry.datastream.unit, points: results[index].points })),
    {
      title: t('useCasePage.chartTitle', { property }),
      caption: t('useCasePage.tableCaption', { property, from: formatDateTime(span.fromMs), to: formatDateTime(span.toMs) }),
      aggregated: state.view.aggregation !== 'raw',
      showCount: false,
      tableOpen: false,
    },
  );
  renderSeriesDownloads(charted);
  renderTable();

  showStatus(t('useCasePage.status', { count: state.things.length }));
}

function renderPropertySelect(properties) {
  const select = document.getElementById('property');
  select.replaceChildren(...properties.map((property) => el('option', { value: property.id, selected: property.id === state.property }, property.name)));
  select.onchange = () => {
    state.property = select.value;
    updateAddress();
    renderChart();
  };
}

function updateAddress() {
  history.replaceState(null, '', `?${writeView(new URLSearchParams({ tenant: state.tenant, useCase: state.useCase, property: state.property ?? '' }), state.view)}`);
}

function renderTopic() {
  const style = useCaseStyle(state.useCase);
  document.getElementById('use-case-heading').textContent = t('useCasePage.heading', { useCase: style.label });
  document.title = `${style.label} – ${t('common.siteTitle')}`;
  document.getElementById('use-case-intro').textContent = useCaseDescription(state.useCase);
  document.getElementById('topic').hidden = false;
  const properties = propertiesOfUseCase();
  if (!properties.some((property) => property.id === state.property)) {
    state.property = properties[0]?.id ?? null;
  }
  renderPropertySelect(properties);
  renderTopicControls();
  renderTable();
}

function renderTopicControls() {
  renderRangeControls(document.getElementById('controls'), state.view, (changes) => {
    state.view = { ...state.view, ...changes };
    updateAddress();
    renderTopicControls();
    renderChart();
  });
}

async function main() {
  initPage();
  document.getElementById('tenant-note').textContent = t('common.tenant', { tenant: state.tenant });
  showStatus(t('common.loading'));
  try {
    state.catalog = await loadCatalog(state.tenant);
    state.latest = await loadLatest(state.tenant);
  } catch (error) {
    showStatus(t('common.loadFailed', { message: error.message }), 'error');
    return;
  }
  const render = async () => {
    if (!state.useCase) {
      renderOverview();
      return;
    }
    state.things = state.catalog.things.filter((thing) => thing.useCase === state.useCase);
    delete document.getElementById('use-case-heading').dataset.i18n;
    delete document.querySelector('title').dataset.i18n;
    renderTopic();
    await renderChart();
  };
  await render();
  onLanguageChange(() => {
    document.getElementById('tenant-note').textContent = t('common.tenant', { tenant: state.tenant });
    render();
  });
}

main();
