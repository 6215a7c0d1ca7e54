// Notices on public datastreams whose data-quality check reports a problem, from the public
// quality status of the analytics service (GET /api/v1/quality/public/{tenant}).
import { getJson } from './api.js';
import { formatDateTime, hasString, t } from './i18n.js';
import { el } from './page.js';

/** Statuses without a notice: no problem, or nothing received yet, which the value list shows already. */
const QUIET_STATUSES = new Set(['ok', 'unknown']);

/**
 * Loads the quality status of the thing's public datastreams and returns those with a problem,
 * by datastream id. Returns an empty map where the status cannot be read, e.g. while the
 * analytics service does not run, because the page works without it.
 */
export async function loadQualityProblems(tenant, thingId) {
  try {
    const { items } = await getJson(`/api/v1/quality/public/${encodeURIComponent(tenant)}?${new URLSearchParams({ thing: thingId })}`);
    return new Map(items.filter((item) => !QUIET_STATUSES.has(item.status)).map((item) => [item.datastreamId, item]));
  } catch {
    return new Map();
  }
}

function noticeText(item) {
  if (item.status === 'stale') {
    return item.lastReceivedAt ? t('quality.notice.stale', { time: formatDateTime(item.lastReceivedAt) }) : t('quality.notice.staleNoTime');
  }
  const key = `quality.notice.${item.status}`;
  return hasString(key) ? t(key) : t('quality.notice.other');
}

/** Builds the notice of one datastream's quality problem in plain words. */
export function qualityNotice(item) {
  return el(
    'span',
    { className: 'quality-notice', dataset: { qualityStatus: item.status } },
    el('span', { 'aria-hidden': 'true' }, '⚠ '),
    el('strong', {}, t('quality.noticeLabel')),
    ' ',
    noticeText(item),
  );
}
