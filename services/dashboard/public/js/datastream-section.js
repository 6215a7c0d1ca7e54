// One datastream on a page: unit, observed property and source, its chart with the data
// table behind it (each raw value with a signature check), and its downloads.
import { formatDateTime, t, unitLabel } from './i18n.js';
import { el, showStatus } from './page.js';
import { loadPoints, renderDownloads } from './downloads.js';
import { openProofDialog } from './proof-dialog.js';
import { renderSeriesChart } from './series-chart.js';
import { sourceText } from './portal-data.js';

function unitText(unit = {}) {
  const label = unitLabel(unit);
  if (unit.symbol && label) {
    return `${label} (${unit.symbol})`;
  }
  return label || unit.symbol || unit.code || '';
}

/** Builds the description list of a datastream: observed property, unit, source and description. */
export function datastreamMeta(datastream) {
  const property = datastream.observedProperty ?? {};
  const propertyValue = property.definition && /^https?:/.test(property.definition) ? el('a', { href: property.definition }, property.name) : property.name ?? '';
  const entries = [
    [t('datastream.observedProperty'), propertyValue],
    [t('datastream.unit'), unitText(datastream.unit)],
    [t('datastream.source'), sourceText(datastream)],
  ];
  if (datastream.description) {
    entries.push([t('datastream.description'), datastream.description]);
  }
  return el('dl', { className: 'meta' }, entries.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
}

/**
 * Loads and renders the chart, table and downloads of a datastream for a view into the
 * section's parts `{ chart, downloads, status }`. Returns a function that removes the chart, or
 * null when loading failed, and the status line then gives the reason.
 */
export async function renderDatastreamData(parts, tenant, datastream, view, span, { tableOpen = false } = {}) {
  showStatus(t('common.loading'), 'info', parts.status);
  let result;
  try {
    result = await loadPoints(tenant, datastream, view, span);
  } catch (error) {
    showStatus(t('common.loadFailed', { message: error.message }), 'error', parts.status);
    return null;
  }
  const aggregated = view.aggregation !== 'raw';
  const destroy = renderSeriesChart(parts.chart, [{ label: datastream.name, unit: datastream.unit, points: result.points }], {
    title: datastream.name,
    caption: t('chart.caption', { name: datastream.name, from: formatDateTime(span.fromMs), to: formatDateTime(span.toMs) }),
    aggregated,
    showCount: true,
    tableOpen,
    onCheck: aggregated ? undefined : (point, button) => openProofDialog(datastream, { id: point.id, phenomenonTime: point.phenomenonTime, resultTime: point.resultTime, result: point.value }, button),
  });
  await renderDownloads(parts.downloads, tenant, datastream, view, span);

  let message = result.points.length === 0 ? t('chart.noData') : t('datastream.loaded', { count: result.points.length });
  if (result.truncated) {
    message = `${message} ${t('datastream.truncated')}`;
  }
  showStatus(message, 'info', parts.status);
  return destroy;
}

/** Creates the empty parts of a datastream section under a heading of the given level. */
export function datastreamSection(datastream, headingLevel, headingContent) {
  const id = `ds-${datastream.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const parts = {
    status: el('p', { className: 'section-status', role: 'status', 'aria-live': 'polite' }),
    chart: el('div', { className: 'chart-panel' }),
    downloads: el('div', { className: 'downloads-panel' }),
  };
  const section = el(
    'section',
    { className: 'datastream-section', 'aria-labelledby': `${id}-heading`, dataset: { datastreamId: datastream.id } },
    el(`h${headingLevel}`, { id: `${id}-heading` }, headingContent ?? datastream.name),
    datastreamMeta(datastream),
    parts.status,
    parts.chart,
    el(`h${headingLevel + 1}`, {}, t('datastream.downloads')),
    parts.downloads,
  );
  return { section, parts };
}
