// Loading the observations of a view, and the open-data downloads of a datastream: every
// format the observations route offers, the SensorThings API address and the licence.
import { config, getJson, observationFormats, sensorThingsUrl, tenantPath } from './api.js';
import { formatResult, hasString, t } from './i18n.js';
import { el } from './page.js';
import { observationQuery } from './time-range.js';

/** Raw values one request returns at most (the API's limit); a longer range needs an aggregation. */
export const RAW_LIMIT = 10_000;

export function observationsPath(tenant, datastreamId, query) {
  return tenantPath(tenant, `/datastreams/${encodeURIComponent(datastreamId)}/observations?${query}`);
}

/**
 * Loads the points of a datastream for a view: raw `{ time, value, id, phenomenonTime,
 * resultTime }` or aggregated `{ time, value, count }`, oldest first. `truncated` is true when
 * the raw limit cut the range.
 */
export async function loadPoints(tenant, datastream, view, span) {
  const query = observationQuery(view, span, RAW_LIMIT);
  const body = await getJson(observationsPath(tenant, datastream.id, query));
  const points = body.observations.map((observation) => ({
    time: Date.parse(observation.phenomenonTime),
    value: observation.result,
    count: observation.count,
    id: observation.id,
    phenomenonTime: observation.phenomenonTime,
    resultTime: observation.resultTime,
  }));
  points.sort((a, b) => a.time - b.time);
  return { points, truncated: view.aggregation === 'raw' && points.length >= RAW_LIMIT };
}

function formatLabel(format) {
  const key = `downloads.format.${format}`;
  return hasString(key) ? t(key) : format.toUpperCase();
}

/** Builds the licence line with its link, shown with every download list. */
export function licenceNote() {
  return el(
    'p',
    { className: 'licence' },
    t('downloads.licence'),
    ' ',
    el('a', { href: config.licence.url, rel: 'license' }, `${config.licence.name} (${config.licence.id.replace('by-2-0', 'by-2.0')})`),
    '. ',
    t('downloads.attribution'),
  );
}

/**
 * Renders the download list of one datastream for the time span of a view into `container`: one
 * link per format of the observations route, each with the raw values of the time span.
 */
export async function renderDownloads(container, tenant, datastream, view, span) {
  const formats = await observationFormats();
  const query = observationQuery({ ...view, aggregation: 'raw' }, span, RAW_LIMIT);
  const links = formats.map((format) => {
    const formatQuery = new URLSearchParams(query);
    formatQuery.set('format', format);
    return el('li', {}, el('a', { href: observationsPath(tenant, datastream.id, formatQuery), download: true, dataset: { format } }, formatLabel(format)));
  });
  const sensorThings = el(
    'li',
    {},
    el('a', { href: `${sensorThingsUrl(tenant, 'Datastreams', datastream.id)}/Observations`, dataset: { format: 'sensorthings' } }, t('downloads.sensorThings')),
  );
  container.replaceChildren(
    el('p', { className: 'note' }, t('downloads.rangeNote', { limit: formatResult(RAW_LIMIT) })),
    el('ul', { className: 'downloads' }, links, sensorThings),
    licenceNote(),
  );
}
