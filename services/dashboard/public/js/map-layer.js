// The things on the Leaflet map: one marker per thing, grouped by grid clustering where they
// lie close together at the current zoom. Only the markers inside the view (with a margin) are
// in the DOM, so thousands of things stay responsive. Markers are focusable buttons; Enter on
// a cluster zooms into it, or lists its things where zooming cannot separate them.
import { clusterByGrid, clustersInView } from './grid-cluster.js';
import { t } from './i18n.js';
import { el } from './page.js';
import { useCaseStyle } from './use-case-styles.js';

const CELL_SIZE_PX = 56;
const VIEW_MARGIN_PX = 200;
/** Zoom level from which every thing gets its own marker. */
const NO_CLUSTER_ZOOM = 18;

export class ThingLayer {
  /**
   * `describe(thing)` returns `{ text, label, color?, textColor? }` for a thing's marker,
   * `popup(thing)` the popup's content element and `thingUrl(thing)` the address of its page.
   */
  constructor(map, { describe, popup, thingUrl }) {
    this.map = map;
    this.describe = describe;
    this.popup = popup;
    this.thingUrl = thingUrl;
    this.entries = [];
    this.visibleUseCases = null;
    this.clustersByZoom = new Map();
    this.markers = new Map();
    map.on('zoomend', () => this.render());
    map.on('moveend', () => this.render());
  }

  /** Sets the things: `{ thing, latLng }` each. */
  setThings(entries) {
    this.entries = entries;
    this.clustersByZoom.clear();
    this.clear();
    this.render();
  }

  /** Shows only things of these use cases; null shows all. */
  setVisibleUseCases(useCases) {
    this.visibleUseCases = useCases;
    this.clustersByZoom.clear();
    this.clear();
    this.render();
  }

  visibleEntries() {
    return this.visibleUseCases ? this.entries.filter((entry) => this.visibleUseCases.has(entry.thing.useCase)) : this.entries;
  }

  /** Redraws every marker, e.g. after new values arrived or the language changed. */
  refresh() {
    this.clear();
    this.render();
  }

  /**
   * Writes new values into the markers in the DOM without replacing them, so focus and open
   * popups stay where they are. A popup is rebuilt only while focus is outside it.
   */
  updateValues() {
    for (const [key, marker] of this.markers) {
      if (!key.startsWith('thing:')) {
        continue;
      }
      const thing = marker.options.thing;
      const element = marker.getElement();
      const summary = this.describe(thing);
      const style = useCaseStyle(thing.useCase);
      const marked = element?.querySelector('.thing-marker');
      if (!element || !marked) {
        continue;
      }
      marked.style.background = summary?.color ?? style.color;
      marked.style.color = summary?.textColor ?? '#ffffff';
      let value = marked.querySelector('.thing-marker-value');
      if (summary && !value) {
        value = el('span', { className: 'thing-marker-value' });
        marked.append(value);
      }
      if (value) {
        value.textContent = summary?.text ?? '';
      }
      const label = this.markerLabel(thing, summary);
      element.setAttribute('aria-label', label);
      element.setAttribute('title', label);
      const popup = marker.getPopup();
      if (marker.isPopupOpen() && !popup.getElement()?.contains(document.activeElement)) {
        popup.setContent(this.popup(thing));
      }
    }
  }

  markerLabel(thing, summary) {
    const style = useCaseStyle(thing.useCase);
    return summary ? t('map.markerLabelValue', { name: thing.name, useCase: style.label, value: summary.label }) : t('map.markerLabel', { name: thing.name, useCase: style.label });
  }

  clear() {
    for (const marker of this.markers.values()) {
      marker.remove();
    }
    this.markers.clear();
  }

  clustersAt(zoom) {
    if (!this.clustersByZoom.has(zoom)) {
      const points = this.visibleEntries().map((entry) => {
        const point = this.map.project(entry.latLng, zoom);
        return { x: point.x, y: point.y, item: entry };
      });
      const cellSize = zoom >= NO_CLUSTER_ZOOM ? 1 : CELL_SIZE_PX;
      this.clustersByZoom.set(zoom, clusterByGrid(points, cellSize));
    }
    return this.clustersByZoom.get(zoom);
  }

  /** Draws the markers in view; each call leaves a `stadtdaten:map-render` performance measure. */
  render() {
    const started = performance.now();
    const zoom = this.map.getZoom();
    const bounds = this.map.getPixelBounds();
    const view = { minX: bounds.min.x - VIEW_MARGIN_PX, minY: bounds.min.y - VIEW_MARGIN_PX, maxX: bounds.max.x + VIEW_MARGIN_PX, maxY: bounds.max.y + VIEW_MARGIN_PX };
    const visible = clustersInView(this.clustersAt(zoom), view);
    const keys = new Set();
    for (const cluster of visible) {
      const key = cluster.items.length === 1 ? `thing:${cluster.items[0].thing.id}` : `cluster:${zoom}:${cluster.key}`;
      keys.add(key);
      if (!this.markers.has(key)) {
        this.markers.set(key, this.createMarker(cluster, zoom));
      }
    }
    for (const [key, marker] of this.markers) {
      if (!keys.has(key)) {
        marker.remove();
        this.markers.delete(key);
      }
    }
    performance.measure('stadtdaten:map-render', { start: started, detail: { zoom, markers: this.markers.size } });
  }

  createMarker(cluster, zoom) {
    if (cluster.items.length === 1) {
      return this.thingMarker(cluster.items[0]);
    }
    return this.clusterMarker(cluster, zoom);
  }

  thingMarker(entry) {
    const { thing } = entry;
    const style = useCaseStyle(thing.useCase);
    const summary = this.describe(thing);
    const background = summary?.color ?? style.color;
    const foreground = summary?.textColor ?? '#ffffff';
    const html = el(
      'span',
      { className: 'thing-marker', style: `background:${background};color:${foreground}` },
      el('span', { className: 'thing-marker-kind' }, style.short),
      summary ? el('span', { className: 'thing-marker-value' }, summary.text) : '',
    ).outerHTML;
    const label = this.markerLabel(thing, summary);
    const icon = L.divIcon({ className: 'thing-marker-wrapper', html, iconSize: null, iconAnchor: [18, 14], popupAnchor: [0, -14] });
    const marker = L.marker(entry.latLng, { icon, title: label, keyboard: true, riseOnHover: true, alt: label, thing });
    marker.bindPopup(() => this.popup(thing), { maxWidth: 340 });
    marker.on('popupopen', () => {
      this.popupMarker = marker;
    });
    marker.addTo(this.map);
    const element = marker.getElement();
    element?.setAttribute('aria-label', label);
    element?.setAttribute('data-thing-id', thing.id);
    element?.setAttribute('data-use-case', thing.useCase);
    return marker;
  }

  clusterMarker(cluster, zoom) {
    const count = cluster.items.length;
    const label = t('map.clusterLabel', { count });
    const html = el('span', { className: 'cluster-marker' }, String(count)).outerHTML;
    let size = 36;
    if (count >= 1000) {
      size = 52;
    } else if (count >= 100) {
      size = 44;
    }
    const icon = L.divIcon({ className: 'cluster-marker-wrapper', html, iconSize: [size, size] });
    const latLng = this.map.unproject([cluster.x, cluster.y], zoom);
    const marker = L.marker(latLng, { icon, title: label, keyboard: true, alt: label });
    marker.on('click', () => this.openCluster(cluster, marker));
    marker.addTo(this.map);
    const element = marker.getElement();
    element?.setAttribute('aria-label', label);
    element?.setAttribute('data-cluster-size', String(count));
    // Leaflet turns Enter into a click for popups only; a group opens by Enter or Space as a button does.
    element?.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        this.openCluster(cluster, marker);
      }
    });
    return marker;
  }

  /** Zooms into a cluster, or lists its things where the maximum zoom cannot separate them. */
  openCluster(cluster, marker) {
    const bounds = L.latLngBounds(cluster.items.map((entry) => entry.latLng));
    const targetZoom = this.map.getBoundsZoom(bounds, false, L.point(40, 40));
    if (targetZoom > this.map.getZoom() && this.map.getZoom() < this.map.getMaxZoom()) {
      this.map.fitBounds(bounds, { padding: [40, 40], maxZoom: this.map.getMaxZoom() });
      return;
    }
    const list = el(
      'ul',
      { className: 'cluster-list' },
      cluster.items.slice(0, 50).map((entry) => el('li', {}, el('a', { href: this.thingUrl(entry.thing) }, entry.thing.name))),
    );
    const note = cluster.items.length > 50 ? el('p', { className: 'note' }, t('map.clusterTruncated', { count: cluster.items.length })) : '';
    marker.bindPopup(el('div', {}, el('p', {}, t('map.clusterLabel', { count: cluster.items.length })), list, note));
    marker.on('popupopen', () => {
      this.popupMarker = marker;
    });
    marker.openPopup();
  }

  /** Closes the open popup and puts focus back on its marker; returns false when none was open. */
  closePopup() {
    const marker = this.popupMarker;
    if (!marker?.isPopupOpen()) {
      return false;
    }
    marker.closePopup();
    marker.getElement()?.focus();
    return true;
  }

  /** Centres the map on a thing, opens its popup and focuses its marker. */
  showThing(thingId) {
    const entry = this.entries.find((candidate) => candidate.thing.id === thingId);
    if (!entry) {
      return;
    }
    this.map.setView(entry.latLng, Math.max(this.map.getZoom(), NO_CLUSTER_ZOOM - 1));
    this.render();
    const marker = this.markers.get(`thing:${thingId}`);
    marker?.openPopup();
    marker?.getElement()?.focus();
  }
}
