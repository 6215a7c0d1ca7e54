// Datastream page: one datastream's chart over a chosen range, raw or aggregated, the data table
// with a signature check per raw value, and the open-data downloads.
import { currentTenant, getJson, tenantPath } from './api.js';
import { onLanguageChange, t } from './i18n.js';
import { el, initPage, showStatus } from './page.js';
import { datastreamMeta, renderDatastreamData } from './datastream-section.js';
import { thingUrl, useCaseBadge, useCaseUrl } from './portal-data.js';
import { renderRangeControls } from './range-controls.js';
import { readView, timeSpan, writeView } from './time-range.js';

const params = new URLSearchParams(location.search);
const state = {
  tenant: currentTenant(),
  id: params.get('id'),
  view: readView(params),
  datastream: null,
  thing: null,
  destroyChart: null,
  request: 0,
};

function renderHeader() {
  const { datastream, thing } = state;
  document.getElementById('datastream-heading').textContent = datastream.name;
  document.title = `${datastream.name} – ${t('common.siteTitle')}`;
  const context = document.getElementById('datastream-context');
  context.replaceChildren();
  if (thing) {
    context.append(t('datastream.partOf'), ' ', el('a', { href: thingUrl(state.tenant, thing) }, thing.name), ' (', el('a', { href: useCaseUrl(state.tenant, thing.useCase) }, useCaseBadge(thing.useCase)), ')');
  }
  document.getElementById('datastream-meta').replaceChildren(datastreamMeta(datastream));
}

function changeView(changes) {
  state.view = { ...state.view, ...changes };
  history.replaceState(null, '', `?${writeView(new URLSearchParams({ tenant: state.tenant, id: state.id }), state.view)}`);
  renderControls();
  loadData();
}

function renderControls() {
  renderRangeControls(document.getElementById('controls'), state.view, changeView);
}

async function loadData() {
  const request = ++state.request;
  const span = timeSpan(state.view, Date.now());
  state.destroyChart?.();
  const parts = { chart: document.getElementById('chart-panel'), downloads: document.getElementById('downloads'), status: document.getElementById('status') };
  const destroy = await renderDatastreamData(parts, state.tenant, state.datastream, state.view, span, { tableOpen: true });
  if (request === state.request) {
    state.destroyChart = destroy;
  } else {
    destroy?.();
  }
}

async function main() {
  initPage();
  document.getElementById('tenant-note').textContent = t('common.tenant', { tenant: state.tenant });
  if (!state.id) {
    showStatus(t('datastream.missingId'), 'error');
    return;
  }
  try {
    state.datastream = await getJson(tenantPath(state.tenant, `/datastreams/${encodeURIComponent(state.id)}`));
    state.thing = await getJson(tenantPath(state.tenant, `/things/${encodeURIComponent(state.datastream.thingId)}`)).catch(() => null);
  } catch (error) {
    showStatus(t('common.loadFailed', { message: error.message }), 'error');
    return;
  }
  // The heading and title now name the datastream, so the static translation must not reset them.
  delete document.getElementById('datastream-heading').dataset.i18n;
  delete document.querySelector('title').dataset.i18n;
  renderHeader();
  renderControls();
  await loadData();

  onLanguageChange(() => {
    document.getElementById('tenant-note').textContent = t('common.tenant', { tenant: state.tenant });
    renderHeader();
    renderControls();
    loadData();
  });
}

main();
