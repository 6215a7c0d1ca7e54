// Map page: a Leaflet map with one marker per thing, the same things as a table, and the
// latest values, refreshed every 10 s while the tab is visible.
import { config, currentTenant, getJson, tenantPath } from './api.js';
import { formatDateTime, formatResult, onLanguageChange, t, unitSymbol } from './i18n.js';
import { el, initPage, showStatus } from './page.js';
import { useCaseStyle } from './use-cases.js';

const REFRESH_INTERVAL_MS = 10_000;
const DARMSTADT_CENTER = [49.8728, 8.6512];
const OUTLINE_URL = '/darmstadt-outline.geojson';

const state = {
  tenant: currentTenant(),
  things: [],
  /** thing id → its datastreams, in the order of the thing's datastreamIds */
  datastreamsByThing: new Map(),
  /** datastream id → { phenomenonTime, result } */
  latest: new Map(),
  /** thing id → Leaflet marker */
  markers: new Map(),
  /** datastream id → the table's value elements, updated in place so focus stays put */
  valueElements: new Map(),
  outlineLayer: null,
  lastRefresh: null,
  /** Message of a failed first load. The page then shows no values and does not refresh. */
  loadError: null,
};

function datastreamUrl(datastream) {
  const query = new URLSearchParams({ tenant: state.tenant, id: datastream.id });
  return `/datastream.html?${query}`;
}

/** Returns the latest value with its unit, and its time, of a datastream. */
function latestTexts(datastream) {
  const latest = state.latest.get(datastream.id);
  if (!latest) {
    return { value: t('common.noValue'), time: '' };
  }
  const unit = typeof latest.result === 'number' ? unitSymbol(datastream.unit) : '';

  return { value: `${formatResult(latest.result)}${unit ? ` ${unit}` : ''}`, time: formatDateTime(latest.phenomenonTime) };
}

function lastUpdateOf(thing) {
  const times = (state.datastreamsByThing.get(thing.id) ?? [])
    .map((datastream) => state.latest.get(datastream.id)?.phenomenonTime)
    .filter(Boolean)
    .sort();

  return times.length > 0 ? formatDateTime(times[times.length - 1]) : t('common.noValue');
}

function useCaseBadge(useCase) {
  const style = useCaseStyle(useCase);

  return el(
    'span',
    { className: 'use-case' },
    el('span', { className: 'use-case-icon', style: `background:${style.color}`, 'aria-hidden': 'true' }, style.short),
    ` ${style.label}`,
  );
}

/** Builds the list of a thing's datastreams with latest value, unit and time, each linked. */
function datastreamList(thing, registerElements) {
  const datastreams = state.datastreamsByThing.get(thing.id) ?? [];
  if (datastreams.length === 0) {
    return el('p', {}, t('map.noDatastreams'));
  }
  const items = datastreams.map((datastream) => {
    const texts = latestTexts(datastream);
    const value = el('span', { className: 'latest-value' }, texts.value);
    const time = el('span', { className: 'latest-time' }, texts.time);
    if (registerElements) {
      state.valueElements.set(datastream.id, { datastream, value, time });
    }

    return el('li', {}, el('a', { href: datastreamUrl(datastream) }, datastream.name), ': ', value, ' ', time);
  });

  return el('ul', { className: 'datastream-list' }, items);
}

function popupContent(thing) {
  return el(
    'div',
    { className: 'popup' },
    el('p', { className: 'popup-title' }, el('strong', {}, thing.name)),
    el('p', {}, useCaseBadge(thing.useCase)),
    datastreamList(thing, false),
  );
}

function thingLatLng(thing) {
  const geometry = thing.location;
  if (!geometry) {
    return null;
  }
  if (geometry.type === 'Point' && Array.isArray(geometry.coordinates)) {
    return L.latLng(geometry.coordinates[1], geometry.coordinates[0]);
  }
  try {
    return L.geoJSON(geometry).getBounds().getCenter();
  } catch {
    return null;
  }
}

function markerIcon(thing) {
  const style = useCaseStyle(thing.useCase);
  const html = el('span', { className: 'thing-marker', style: `background:${style.color}` }, style.short).outerHTML;

  return L.divIcon({ className: 'thing-marker-wrapper', html, iconSize: [32, 32], iconAnchor: [16, 16], popupAnchor: [0, -16] });
}

function markerLabel(thing) {
  return t('map.markerLabel', { name: thing.name, useCase: useCaseStyle(thing.useCase).label });
}

function renderMarkers(map) {
  for (const marker of state.markers.values()) {
    marker.remove();
  }
  state.markers.clear();

  for (const thing of state.things) {
    const position = thingLatLng(thing);
    if (!position) {
      continue;
    }
    const label = markerLabel(thing);
    const marker = L.marker(position, { icon: markerIcon(thing), title: label, keyboard: true, riseOnHover: true });
    marker.bindPopup(() => popupContent(thing), { maxWidth: 320 });
    marker.addTo(map);
    const element = marker.getElement();
    element?.setAttribute('aria-label', label);
    element?.setAttribute('data-thing-id', thing.id);
    state.markers.set(thing.id, marker);
  }
}

function showOnMap(map, thing) {
  const marker = state.markers.get(thing.id);
  if (!marker) {
    return;
  }
  map.setView(marker.getLatLng(), Math.max(map.getZoom(), 15));
  marker.openPopup();
  document.getElementById('map').scrollIntoView({ block: 'center' });
  marker.getElement()?.focus();
}

function thingRow(map, thing) {
  const nameCell = el('th', { scope: 'row' }, el('span', { className: 'thing-name' }, thing.name));
  if (state.markers.has(thing.id)) {
    const button = el(
      'button',
      { type: 'button', className: 'link-button' },
      t('map.showOnMap'),
      el('span', { className: 'visually-hidden' }, `: ${thing.name}`),
    );
    button.addEventListener('click', () => showOnMap(map, thing));
    nameCell.append(el('br'), button);
  } else {
    nameCell.append(el('br'), el('span', { className: 'note' }, t('map.noLocation')));
  }

  return el(
    'tr',
    { id: `thing-${thing.id}`, dataset: { thingId: thing.id } },
    nameCell,
    el('td', {}, useCaseBadge(thing.useCase)),
    el('td', {}, datastreamList(thing, true)),
    el('td', { className: 'last-update' }, lastUpdateOf(thing)),
  );
}

function renderTable(map) {
  const body = document.querySelector('#things-table tbody');
  state.valueElements.clear();
  if (state.things.length === 0) {
    body.replaceChildren(el('tr', {}, el('td', { colspan: 4 }, t('map.noThings'))));
    return;
  }
  body.replaceChildren(...state.things.map((thing) => thingRow(map, thing)));
}

function renderLegend() {
  const useCases = [...new Set(state.things.map((thing) => thing.useCase))].sort();
  document.getElementById('legend').replaceChildren(...useCases.map((useCase) => el('li', {}, useCaseBadge(useCase))));
}

function renderLastRefresh() {
  const text = state.lastRefresh ? t('map.lastRefresh', { time: formatDateTime(state.lastRefresh) }) : '';
  document.getElementById('last-refresh').textContent = text;
}

function render(map) {
  renderMarkers(map);
  renderTable(map);
  renderLegend();
  renderLastRefresh();
}

/** Writes refreshed values into the table and an open popup without rebuilding the page. */
function updateValues() {
  for (const { datastream, value, time } of state.valueElements.values()) {
    const texts = latestTexts(datastream);
    value.textContent = texts.value;
    time.textContent = texts.time;
  }
  for (const thing of state.things) {
    const cell = document.querySelector(`#things-table tr[data-thing-id="${CSS.escape(thing.id)}"] .last-update`);
    if (cell) {
      cell.textContent = lastUpdateOf(thing);
    }
    const marker = state.markers.get(thing.id);
    if (marker?.isPopupOpen()) {
      marker.getPopup().update();
    }
  }
  renderLastRefresh();
}

async function loadThings() {
  state.things = await getJson(tenantPath(state.tenant, '/things'));
  state.things.sort((a, b) => a.name.localeCompare(b.name, 'de'));

  // NOTE: one request per thing, because the API filters datastreams by thing only.
  const lists = await Promise.all(
    state.things.map((thing) =>
      getJson(tenantPath(state.tenant, `/datastreams?thing=${encodeURIComponent(thing.id)}`)),
    ),
  );
  state.things.forEach((thing, index) => {
    const order = thing.datastreamIds ?? [];
    const datastreams = [...lists[index]].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
    state.datastreamsByThing.set(thing.id, datastreams);
  });
}

async function refreshLatest() {
  const entries = await getJson(tenantPath(state.tenant, '/latest'));
  state.latest = new Map(entries.map((entry) => [entry.datastreamId, entry]));
  state.lastRefresh = new Date().toISOString();
}

function renderOutlineNote() {
  const note = document.getElementById('map-note');
  if (config.tileUrl) {
    note.textContent = '';
  } else {
    note.textContent = state.outlineLayer ? t('map.outlineNote') : t('map.outlineMissing');
  }
}

async function addBackground(map) {
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution ?? '', maxZoom: 19 }).addTo(map);
    return;
  }
  try {
    const response = await fetch(OUTLINE_URL);
    if (response.ok) {
      const outline = await response.json();
      const style = { color: '#1a1a1a', weight: 2, dashArray: '6 4', fillColor: '#c9d6e3', fillOpacity: 0.35 };
      state.outlineLayer = L.geoJSON(outline, { style, interactive: false }).addTo(map);
    }
  } catch {
    // Without the outline the markers still work, and the note below the map reports the missing outline.
  }
  renderOutlineNote();
}

/** Fits the view to the markers, or to the city outline while there are none. */
function fitView(map) {
  const markerBounds = L.latLngBounds([...state.markers.values()].map((marker) => marker.getLatLng()));
  const bounds = markerBounds.isValid() ? markerBounds : state.outlineLayer?.getBounds();
  if (bounds?.isValid()) {
    map.fitBounds(bounds, { padding: [32, 32], maxZoom: 15 });
  }
}

function startRefresh() {
  let running = false;
  const refresh = async () => {
    if (document.visibilityState !== 'visible' || running) {
      return;
    }
    running = true;
    try {
      await refreshLatest();
      updateValues();
      renderStatus();
    } catch (error) {
      showStatus(t('common.loadFailed', { message: error.message }), 'error');
    } finally {
      running = false;
    }
  };
  setInterval(refresh, REFRESH_INTERVAL_MS);
  document.addEventListener('visibilitychange', refresh);
}

function renderStatus() {
  if (state.loadError) {
    showStatus(t('common.loadFailed', { message: state.loadError }), 'error');
  } else {
    showStatus(t('map.thingCount', { count: state.things.length }));
  }
}

async function main() {
  initPage();
  document.getElementById('tenant-note').textContent = t('common.tenant', { tenant: state.tenant });
  const map = L.map('map', { center: DARMSTADT_CENTER, zoom: 12, scrollWheelZoom: false });
  onLanguageChange(() => {
    render(map);
    renderOutlineNote();
    document.getElementById('tenant-note').textContent = t('common.tenant', { tenant: state.tenant });
    renderStatus();
  });
  await addBackground(map);

  showStatus(t('common.loading'));
  try {
    await loadThings();
    await refreshLatest();
  } catch (error) {
    state.loadError = error.message;
  }
  render(map);
  fitView(map);
  renderStatus();
  if (!state.loadError) {
    startRefresh();
  }
}

main();
