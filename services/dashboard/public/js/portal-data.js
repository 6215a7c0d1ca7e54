// Data every portal page shares: the tenant's things and datastreams, links between the pages,
// and the list of a thing's datastreams with latest value, unit, time, source and proof check.
import { getJson, tenantPath } from './api.js';
import { formatDateTime, formatValueWithUnit, t } from './i18n.js';
import { el } from './page.js';
import { openProofDialog } from './proof-dialog.js';
import { useCaseStyle } from './use-case-styles.js';

/** Loads things and datastreams with two requests; datastreams are grouped by thing in the thing's order. */
export async function loadCatalog(tenant) {
  const [things, datastreams] = await Promise.all([getJson(tenantPath(tenant, '/things')), getJson(tenantPath(tenant, '/datastreams'))]);
  things.sort((a, b) => a.name.localeCompare(b.name, 'de'));
  const byThing = new Map(things.map((thing) => [thing.id, []]));
  for (const datastream of datastreams) {
    byThing.get(datastream.thingId)?.push(datastream);
  }
  for (const thing of things) {
    const order = thing.datastreamIds ?? [];
    byThing.get(thing.id).sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  }
  return { things, datastreams, byThing, datastreamById: new Map(datastreams.map((datastream) => [datastream.id, datastream])) };
}

/** Loads the latest values once, as a fallback where the live stream cannot open. */
export async function loadLatest(tenant) {
  const entries = await getJson(tenantPath(tenant, '/latest'));
  return new Map(entries.map((entry) => [entry.datastreamId, entry]));
}

export function thingUrl(tenant, thing) {
  return `/thing.html?${new URLSearchParams({ tenant, id: thing.id })}`;
}

export function datastreamUrl(tenant, datastream) {
  return `/datastream.html?${new URLSearchParams({ tenant, id: datastream.id })}`;
}

export function useCaseUrl(tenant, useCase) {
  return `/use-case.html?${new URLSearchParams({ tenant, useCase })}`;
}

/** Builds the badge of a use case: its coloured short name and its name in words. */
export function useCaseBadge(useCase) {
  const style = useCaseStyle(useCase);
  return el(
    'span',
    { className: 'use-case' },
    el('span', { className: 'use-case-icon', style: `background:${style.color}`, 'aria-hidden': 'true' }, style.short),
    ` ${style.label}`,
  );
}

/** Names where a value comes from: the device that measured it and the tenant that publishes it. */
export function sourceText(datastream) {
  return t('source.device', { device: datastream.deviceId, tenant: datastream.tenant });
}

/**
 * Lists datastreams with their latest value, unit and time, each linked to its page, and a
 * button that checks the value's signature where the entry carries an observation id.
 * `notices` maps datastream ids to an element shown below the value, e.g. a quality notice.
 */
export function datastreamValueList(tenant, datastreams, latest, notices = new Map()) {
  if (datastreams.length === 0) {
    return el('p', {}, t('map.noDatastreams'));
  }
  const items = datastreams.map((datastream) => {
    const entry = latest.get(datastream.id);
    const parts = [el('a', { href: datastreamUrl(tenant, datastream) }, datastream.name), ': '];
    const notice = notices.get(datastream.id);
    if (!entry) {
      parts.push(t('common.noValue'), notice);
      return el('li', { dataset: { datastreamId: datastream.id } }, parts);
    }
    parts.push(el('span', { className: 'latest-value' }, formatValueWithUnit(entry.result, datastream.unit)), ' ', el('span', { className: 'latest-time' }, formatDateTime(entry.phenomenonTime)));
    if (entry.id && entry.resultTime) {
      const button = el('button', { type: 'button', className: 'link-button check-button' }, t('proof.checkShort'), el('span', { className: 'visually-hidden' }, `: ${datastream.name}`));
      button.addEventListener('click', () => openProofDialog(datastream, entry, button));
      parts.push(' ', button);
    }
    parts.push(notice);
    return el('li', { dataset: { datastreamId: datastream.id } }, parts);
  });
  return el('ul', { className: 'datastream-list' }, items);
}

/** Returns the thing's position for the map: a Point as it is, other geometries by their centre. */
export function thingLatLng(thing) {
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
