// Thing page: a measuring point with its latest values (live), each with a notice where the
// quality check reports a problem. Below them, each datastream has a chart with its data table
// and downloads, all over one chosen range and aggregation.
import { currentTenant, getJson, sensorThingsUrl, tenantPath } from './api.js';
import { formatResult, onLanguageChange, t } from './i18n.js';
import { connectLive } from './live.js';
import { el, initPage, showStatus } from './page.js';
import { datastreamSection, renderDatastreamData } from './datastream-section.js';
import { datastreamValueList, loadLatest, useCaseBadge, useCaseUrl } from './portal-data.js';
import { loadQualityProblems, qualityNotice } from './quality-notice.js';
import { renderRangeControls } from './range-controls.js';
import { summarizeThing, summarySourceText } from './thing-summary.js';
import { readView, timeSpan, writeView } from './time-range.js';

const params = new URLSearchParams(location.search);
const state = {
  tenant: currentTenant(),
  id: params.get('id'),
  view: readView(params),
  thing: null,
  datastreams: [],
  latest: new Map(),
  qualityProblems: new Map(),
  destroyers: [],
  request: 0,
};

function locationText(thing) {
  const geometry = thing.location;
  if (geometry?.type === 'Point') {
    const [longitude, latitude] = geometry.coordinates;
    return t('thing.coordinates', { latitude: formatResult(latitude), longitude: formatResult(longitude) });
  }
  return geometry ? geometry.type : t('map.noLocation');
}

function renderHeader() {
  const { thing } = state;
  document.getElementById('thing-heading').textContent = thing.name;
  document.title = `${thing.name} – ${t('common.siteTitle')}`;
  const entries = [
    [t('thing.useCase'), el('a', { href: useCaseUrl(state.tenant, thing.useCase) }, useCaseBadge(thing.useCase))],
    [t('thing.location'), locationText(thing)],
    [t('thing.sensorThings'), el('a', { href: sensorThingsUrl(state.tenant, 'Things', thing.id) }, t('thing.sensorThingsLink'))],
  ];
  if (thing.description) {
    entries.unshift([t('thing.description'), thing.description]);
  }
  document.getElementById('thing-meta').replaceChildren(...entries.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
}

function renderLatest() {
  const summary = summarizeThing(state.thing, state.datastreams, state.latest);
  document.getElementById('thing-summary').textContent = summary?.label ?? '';
  document.getElementById('thing-summary-source').textContent = summarySourceText(summary);
  const notices = new Map([...state.qualityProblems].map(([id, item]) => [id, qualityNotice(item)]));
  document.getElementById('latest-values').replaceChildren(datastreamValueList(state.tenant, state.datastreams, state.latest, notices));
}

function changeView(changes) {
  state.view = { ...state.view, ...changes };
  history.replaceState(null, '', `?${writeView(new URLSearchParams({ tenant: state.tenant, id: state.id }), state.view)}`);
  renderControls();
  renderCharts();
}

function renderControls() {
  renderRangeControls(document.getElementById('controls'), state.view, changeView);
}

async function renderCharts() {
  const request = ++state.request;
  for (const destroy of state.destroyers) {
    destroy?.();
  }
  state.destroyers = [];
  const span = timeSpan(state.view, Date.now());
  const container = document.getElementById('datastreams');
  const sections = state.datastreams.map((datastream) => ({ datastream, ...datastreamSection(datastream, 3) }));
  container.replaceChildren(...sections.map((entry) => entry.section));
  const destroyers = await Promise.all(sections.map((entry) => renderDatastreamData(entry.parts, state.tenant, entry.datastream, state.view, span)));
  if (request === state.request) {
    state.destroyers = destroyers;
  } else {
    destroyers.forEach((destroy) => destroy?.());
  }
}

function startLive() {
  const ids = new Set(state.datastreams.map((datastream) => datastream.id));
  connectLive(state.tenant, {
    onEntries: (entries, kind) => {
      const mine = entries.filter((entry) => ids.has(entry.datastreamId));
      if (mine.length === 0) {
        return;
      }
      for (const entry of mine) {
        state.latest.set(entry.datastreamId, entry);
        // An update is a value received just now, which ends "no current data"; the snapshot
        // repeats known values. Other problems stay until the next page load.
        if (kind === 'update' && state.qualityProblems.get(entry.datastreamId)?.status === 'stale') {
          state.qualityProblems.delete(entry.datastreamId);
        }
      }
      if (!document.getElementById('latest-values').contains(document.activeElement)) {
        renderLatest();
      }
    },
  });
}

async function main() {
  initPage();
  document.getElementById('tenant-note').textContent = t('common.tenant', { tenant: state.tenant });
  if (!state.id) {
    showStatus(t('thing.missingId'), 'error');
    return;
  }
  try {
    state.thing = await getJson(tenantPath(state.tenant, `/things/${encodeURIComponent(state.id)}`));
    state.datastreams = await getJson(tenantPath(state.tenant, `/datastreams?thing=${encodeURIComponent(state.id)}`));
    [state.latest, state.qualityProblems] = await Promise.all([loadLatest(state.tenant), loadQualityProblems(state.tenant, state.id)]);
  } catch (error) {
    showStatus(t('common.loadFailed', { message: error.message }), 'error');
    return;
  }
  const order = state.thing.datastreamIds ?? [];
  state.datastreams.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  delete document.getElementById('thing-heading').dataset.i18n;
  delete document.querySelector('title').dataset.i18n;
  renderHeader();
  renderLatest();
  renderControls();
  showStatus(t('thing.datastreamCount', { count: state.datastreams.length }));
  startLive();
  await renderCharts();

  onLanguageChange(() => {
    document.getElementById('tenant-note').textContent = t('common.tenant', { tenant: state.tenant });
    renderHeader();
    renderLatest();
    renderControls();
    renderCharts();
  });
}

main();
