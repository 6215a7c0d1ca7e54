// Map page: the tenant's things on a Leaflet map with one layer per use case, grid clustering,
// live values over server-sent events and the same things as a searchable list below the map.
import { config, currentTenant } from './api.js';
import { formatDateTime, onLanguageChange, t } from './i18n.js';
import { connectLive } from './live.js';
import { ThingLayer } from './map-layer.js';
import { el, initPage, showStatus } from './page.js';
import { datastreamValueList, loadCatalog, loadLatest, thingLatLng, thingUrl, useCaseBadge, useCaseUrl } from './portal-data.js';
import { airQualityClasses, summarizeThing } from './thing-summary.js';
import { USE_CASES, useCaseDescription, useCaseStyle } from './use-case-styles.js';

const DARMSTADT_CENTER = [49.8728, 8.6512];
const OUTLINE_URL = '/darmstadt-outline.geojson';
const LIST_PAGE_ROWS = 50;
/** Milliseconds the page waits for the live stream before it loads the latest values once by itself. */
const LIVE_FALLBACK_MS = 5000;

const state = {
  tenant: currentTenant(),
  catalog: null,
  latest: new Map(),
  positions: new Map(),
  visibleUseCases: new Set(),
  filter: '',
  listRows: LIST_PAGE_ROWS,
  outlineLayer: null,
  layer: null,
  liveState: 'connecting',
  lastUpdate: null,
  loadError: null,
};

function describe(thing) {
  return summarizeThing(thing, state.catalog.byThing.get(thing.id) ?? [], state.latest);
}

function lastUpdateOf(thing) {
  const times = (state.catalog.byThing.get(thing.id) ?? []).map((datastream) => state.latest.get(datastream.id)?.phenomenonTime).filter(Boolean).sort();
  return times.length > 0 ? times[times.length - 1] : null;
}

function popupContent(thing) {
  const summary = describe(thing);
  return el(
    'div',
    { className: 'popup', dataset: { thingId: thing.id } },
    el('p', { className: 'popup-title' }, el('strong', {}, thing.name)),
    el('p', {}, useCaseBadge(thing.useCase)),
    summary ? el('p', { className: 'popup-summary' }, summary.label) : '',
    datastreamValueList(state.tenant, state.catalog.byThing.get(thing.id) ?? [], state.latest),
    el('p', {}, el('a', { href: thingUrl(state.tenant, thing) }, t('map.thingDetails', { name: thing.name }))),
  );
}

function presentUseCases() {
  const present = new Set(state.catalog.things.map((thing) => thing.useCase));
  return [...USE_CASES.filter((useCase) => present.has(useCase)), ...[...present].filter((useCase) => !USE_CASES.includes(useCase)).sort()];
}

function renderLayerList() {
  const counts = new Map();
  for (const thing of state.catalog.things) {
    counts.set(thing.useCase, (counts.get(thing.useCase) ?? 0) + 1);
  }
  const items = presentUseCases().map((useCase) => {
    const id = `layer-${useCase}`;
    const checkbox = el('input', { type: 'checkbox', id, checked: state.visibleUseCases.has(useCase), dataset: { useCase } });
    checkbox.addEventListener('change', () => {
      if (checkbox.checked) {
        state.visibleUseCases.add(useCase);
      } else {
        state.visibleUseCases.delete(useCase);
      }
      state.layer.setVisibleUseCases(new Set(state.visibleUseCases));
      state.listRows = LIST_PAGE_ROWS;
      renderList();
    });
    const description = useCaseDescription(useCase);
    return el(
      'li',
      {},
      checkbox,
      ' ',
      el('label', { for: id }, useCaseBadge(useCase), ` (${counts.get(useCase)})`),
      description ? el('span', { className: 'note layer-description' }, ` – ${description} `) : ' ',
      el('a', { href: useCaseUrl(state.tenant, useCase) }, t('map.useCasePage'), el('span', { className: 'visually-hidden' }, `: ${useCaseStyle(useCase).label}`)),
    );
  });
  document.getElementById('layer-list').replaceChildren(...items);
}

function renderLegend() {
  const classes = airQualityClasses().map((entry) =>
    el('li', {}, el('span', { className: 'swatch', style: `background:${entry.color};color:${entry.text}`, 'aria-hidden': 'true' }, String(entry.level)), ` ${entry.level} – ${entry.name}`),
  );
  document.getElementById('legend').replaceChildren(
    el('p', {}, t('map.legendMarker')),
    el('h3', {}, t('airQuality.legendHeading')),
    el('p', { className: 'note' }, t('airQuality.legendNote')),
    el('ul', { className: 'legend' }, classes),
  );
}

function visibleThings() {
  const filter = state.filter.toLocaleLowerCase('de');
  return state.catalog.things.filter((thing) => state.visibleUseCases.has(thing.useCase) && (!filter || thing.name.toLocaleLowerCase('de').includes(filter)));
}

function thingRow(thing) {
  const summary = describe(thing);
  const time = lastUpdateOf(thing);
  const nameCell = el('th', { scope: 'row' }, el('a', { href: thingUrl(state.tenant, thing), className: 'thing-name' }, thing.name));
  if (state.positions.has(thing.id)) {
    const button = el('button', { type: 'button', className: 'link-button' }, t('map.showOnMap'), el('span', { className: 'visually-hidden' }, `: ${thing.name}`));
    button.addEventListener('click', () => {
      document.getElementById('map').scrollIntoView({ block: 'center' });
      state.layer.showThing(thing.id);
    });
    nameCell.append(el('br'), button);
  } else {
    nameCell.append(el('br'), el('span', { className: 'note' }, t('map.noLocation')));
  }
  return el(
    'tr',
    { id: `thing-${thing.id}`, dataset: { thingId: thing.id } },
    nameCell,
    el('td', {}, useCaseBadge(thing.useCase)),
    el('td', { className: 'thing-summary' }, summary?.label ?? t('common.noValue')),
    el('td', { className: 'last-update' }, time ? formatDateTime(time) : t('common.noValue')),
  );
}

function renderList() {
  const things = visibleThings();
  const body = document.querySelector('#things-table tbody');
  const shown = things.slice(0, state.listRows);
  body.replaceChildren(...(shown.length > 0 ? shown.map(thingRow) : [el('tr', {}, el('td', { colspan: 4 }, t('map.noThings')))]));
  const more = document.getElementById('list-more');
  more.hidden = things.length <= state.listRows;
  more.textContent = t('map.moreRows', { count: Math.min(LIST_PAGE_ROWS, things.length - shown.length) });
  document.getElementById('list-count').textContent = t('map.listCount', { shown: shown.length, total: things.length });
}

function renderStatus() {
  if (state.loadError) {
    showStatus(t('common.loadFailed', { message: state.loadError }), 'error');
    return;
  }
  showStatus(t('map.thingCount', { count: state.catalog?.things.length ?? 0 }));
  const live = document.getElementById('live-status');
  const time = state.lastUpdate ? ` ${t('map.lastRefresh', { time: formatDateTime(state.lastUpdate) })}` : '';
  live.textContent = `${t(`live.${state.liveState}`)}${time}`;
  live.dataset.state = state.liveState;
}

let refreshScheduled = false;

/** Applies live entries. The DOM is updated at most once per animation frame. */
function applyEntries(entries) {
  for (const entry of entries) {
    state.latest.set(entry.datastreamId, entry);
  }
  state.lastUpdate = new Date().toISOString();
  if (refreshScheduled) {
    return;
  }
  refreshScheduled = true;
  requestAnimationFrame(() => {
    refreshScheduled = false;
    state.layer.updateValues();
    renderList();
    renderStatus();
  });
}

function startLive() {
  let received = false;
  connectLive(state.tenant, {
    onEntries: (entries) => {
      received = true;
      applyEntries(entries);
    },
    onState: (liveState) => {
      state.liveState = liveState;
      renderStatus();
    },
  });
  setTimeout(async () => {
    if (received) {
      return;
    }
    try {
      applyEntries([...(await loadLatest(state.tenant)).values()]);
    } catch (error) {
      showStatus(t('common.loadFailed', { message: error.message }), 'error');
    }
  }, LIVE_FALLBACK_MS);
}

async function addBackground(map) {
  const note = document.getElementById('map-note');
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution ?? '', maxZoom: 19 }).addTo(map);
    note.textContent = '';
    return;
  }
  try {
    const response = await fetch(OUTLINE_URL);
    if (response.ok) {
      const style = { color: '#1a1a1a', weight: 2, dashArray: '6 4', fillColor: '#c9d6e3', fillOpacity: 0.35 };
      state.outlineLayer = L.geoJSON(await response.json(), { style, interactive: false }).addTo(map);
    }
  } catch {
    // Without the outline the markers still work, and the note below the map reports the missing outline.
  }
  note.dataset.i18n = state.outlineLayer ? 'map.outlineNote' : 'map.outlineMissing';
  note.textContent = t(note.dataset.i18n);
}

function fitView(map) {
  const bounds = L.latLngBounds([...state.positions.values()]);
  const target = bounds.isValid() ? bounds : state.outlineLayer?.getBounds();
  if (target?.isValid()) {
    map.fitBounds(target, { padding: [32, 32], maxZoom: 15 });
  }
}

function wireList() {
  const search = document.getElementById('thing-search');
  search.addEventListener('input', () => {
    state.filter = search.value.trim();
    state.listRows = LIST_PAGE_ROWS;
    renderList();
  });
  document.getElementById('list-more').addEventListener('click', () => {
    state.listRows += LIST_PAGE_ROWS;
    renderList();
  });
}

async function main() {
  initPage();
  document.getElementById('tenant-note').textContent = t('common.tenant', { tenant: state.tenant });
  const map = L.map('map', { center: DARMSTADT_CENTER, zoom: 12, scrollWheelZoom: false, keyboard: true });
  // The zoom level on the container lets scripts and tests follow the view without Leaflet's object.
  const recordZoom = () => {
    map.getContainer().dataset.zoom = String(map.getZoom());
  };
  map.on('zoomend', recordZoom);
  recordZoom();
  // Escape closes an open popup from anywhere in the map and returns focus to its marker.
  map.getContainer().addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && state.layer?.closePopup()) {
      event.preventDefault();
    }
  });
  await addBackground(map);
  showStatus(t('common.loading'));
  try {
    state.catalog = await loadCatalog(state.tenant);
  } catch (error) {
    state.loadError = error.message;
    renderStatus();
    return;
  }
  state.visibleUseCases = new Set(state.catalog.things.map((thing) => thing.useCase));
  for (const thing of state.catalog.things) {
    const position = thingLatLng(thing);
    if (position) {
      state.positions.set(thing.id, position);
    }
  }
  state.layer = new ThingLayer(map, { describe, popup: popupContent, thingUrl: (thing) => thingUrl(state.tenant, thing) });
  state.layer.setThings(state.catalog.things.filter((thing) => state.positions.has(thing.id)).map((thing) => ({ thing, latLng: state.positions.get(thing.id) })));
  fitView(map);
  renderLayerList();
  renderLegend();
  wireList();
  renderList();
  renderStatus();
  startLive();

  onLanguageChange(() => {
    document.getElementById('tenant-note').textContent = t('common.tenant', { tenant: state.tenant });
    state.layer.refresh();
    renderLayerList();
    renderLegend();
    renderList();
    renderStatus();
  });
}

main();
