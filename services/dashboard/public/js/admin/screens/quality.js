// Data quality: the status of each checked device of the tenant and of each of its datastreams,
// from GET /api/v1/quality, which the analytics service's quality job fills. The API returns the
// token's own tenant; only a platform admin may name another one.
import { ApiError, getJson } from '../../api.js';
import { formatDateTime, t } from '../../i18n.js';
import { el, showStatus } from '../../page.js';
import { dataTable, errorText, formField, hashQuery, resultRegion } from '../ui.js';

/** Statuses in the API's order: no problem, not checked yet, then problems from the most severe one. */
const QUALITY_STATUSES = ['ok', 'unknown', 'stale', 'rejecting', 'out_of_range', 'flat_line', 'spike', 'clock_skew'];

/** Builds the status as symbol and words, so that it reads without its colour. */
function statusBadge(status) {
  const kind = status === 'ok' || status === 'unknown' ? status : 'problem';
  const symbol = { ok: '✓', unknown: '?', problem: '⚠' }[kind];
  return el('span', { className: `quality-status quality-status--${kind}`, dataset: { status } }, el('span', { 'aria-hidden': 'true' }, symbol), ` ${t(`admin.quality.status.${status}`)}`);
}

function ruleList(problems) {
  const rules = [...new Set(problems.map((problem) => problem.rule))];
  return rules.length === 0 ? '–' : el('span', {}, rules.flatMap((rule, index) => [index > 0 ? ', ' : '', el('code', {}, rule)]));
}

/** Joins the problem details, which the server writes in English, and marks them with `lang="en"` for screen readers. */
function detailText(problems) {
  const details = problems.map((problem) => problem.detail).filter(Boolean);
  return details.length === 0 ? '–' : el('span', { lang: 'en' }, details.join('; '));
}

function screenLink(screen, id, label) {
  return el('a', { href: `#/${screen}?${new URLSearchParams({ filter: id })}` }, label, ' ', el('code', {}, id));
}

function newestReceipt(datastreams) {
  const times = datastreams.map((datastream) => datastream.lastReceivedAt).filter(Boolean).sort();
  return times.length === 0 ? undefined : times[times.length - 1];
}

/** Table rows of one device: the device, then those of its datastreams that pass the filter. */
function deviceRows(device, statusFilter) {
  const datastreams = device.datastreams.filter((datastream) => !statusFilter || datastream.status === statusFilter);
  const received = newestReceipt(device.datastreams);
  const deviceProblems = device.problems.filter((problem) => !problem.datastreamId);
  const rows = [
    [
      screenLink('devices', device.deviceId, t('admin.quality.device')),
      statusBadge(device.status),
      ruleList(device.problems),
      device.since ? formatDateTime(device.since) : '–',
      received ? formatDateTime(received) : '–',
      detailText(deviceProblems),
    ],
  ];
  for (const datastream of datastreams) {
    const problems = device.problems.filter((problem) => problem.datastreamId === datastream.datastreamId);
    rows.push([
      el('span', { className: 'quality-datastream' }, screenLink('datastreams', datastream.datastreamId, t('admin.quality.datastream'))),
      statusBadge(datastream.status),
      ruleList(problems),
      '–',
      datastream.lastReceivedAt ? formatDateTime(datastream.lastReceivedAt) : '–',
      detailText(problems),
    ]);
  }
  return rows;
}

function matches(device, statusFilter) {
  return !statusFilter || device.status === statusFilter || device.datastreams.some((datastream) => datastream.status === statusFilter);
}

function statusLegend() {
  const entries = QUALITY_STATUSES.flatMap((status) => [el('dt', {}, statusBadge(status)), el('dd', {}, t(`admin.quality.meaning.${status}`))]);
  return el('details', { className: 'quality-legend' }, el('summary', {}, t('admin.quality.legend')), el('dl', { className: 'meta' }, entries));
}

export async function render(container, { session, tenant }) {
  const initial = hashQuery().get('status');
  const status = formField('quality-status', t('admin.quality.filter'), {
    options: [['', t('admin.quality.allStatuses')], ...QUALITY_STATUSES.map((value) => [value, t(`admin.quality.status.${value}`)])],
    value: QUALITY_STATUSES.includes(initial) ? initial : '',
  });
  const filterForm = el('form', { id: 'quality-filter', className: 'form-row' }, status.field, el('div', { className: 'buttons' }, el('button', { type: 'submit' }, t('admin.show'))));
  const region = resultRegion('quality-result');
  const list = el('div');

  const load = async () => {
    const statusFilter = status.input.value;
    showStatus(t('admin.working'), 'info', region);
    let items;
    try {
      ({ items } = await getJson(`/api/v1/quality?${new URLSearchParams({ tenant })}`, { token: session.token }));
    } catch (error) {
      const unavailable = error instanceof ApiError && error.status === 404;
      showStatus(unavailable ? t('admin.quality.unavailable') : errorText(error), 'error', region);
      list.replaceChildren();
      return;
    }
    const matching = items.filter((device) => matches(device, statusFilter));
    const columns = [t('admin.quality.subject'), t('admin.quality.statusColumn'), t('admin.quality.rule'), t('admin.quality.since'), t('admin.quality.lastReceived'), t('admin.quality.detail')];
    const rows = matching.flatMap((device) => deviceRows(device, statusFilter));
    list.replaceChildren(dataTable('quality-table', t('admin.quality.caption', { tenant }), columns, rows), items.length === 0 ? el('p', { className: 'note' }, t('admin.quality.noneChecked')) : '');
    showStatus(t('admin.quality.total', { shown: matching.length, total: items.length }), 'success', region);
  };
  filterForm.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });

  container.replaceChildren(el('p', {}, t('admin.quality.intro')), statusLegend(), filterForm, region, list);
  await load();
}
