// Rejected messages with their reasons. A message can be corrected in an editor and sent again
// through POST /api/v1/ingest?rejection=<id>, where it passes the same validation as any new
// message; the server marks the rejection as re-submitted, so it leaves the list of open ones.
import { config, requestJson, tenantPath } from '../../api.js';
import { formatDateTime, hasString, t } from '../../i18n.js';
import { el, showStatus } from '../../page.js';
import { can } from '../permissions.js';
import { dataTable, errorText, formField, resultRegion, runAction } from '../ui.js';

const FORMATS = ['json', 'senml', 'ttn-v3', 'chirpstack-v4', 'sensor-community'];
/** Values of the state filter with their labels; the first is the default. */
const STATES = [
  ['open', 'admin.rejections.stateOpen'],
  ['resubmitted', 'admin.rejections.stateResubmitted'],
  ['all', 'admin.rejections.stateAll'],
];
const TOTAL_TEXT = { open: 'admin.rejections.totalOpen', resubmitted: 'admin.rejections.totalResubmitted', all: 'admin.rejections.total' };

function reasonLabel(code) {
  return hasString(`reason.${code}`) ? t(`reason.${code}`) : code;
}

/** Decodes the base64 payload; bytes that are not UTF-8 show as replacement characters. */
function payloadText(payloadBase64) {
  const bytes = Uint8Array.from(atob(payloadBase64 ?? ''), (char) => char.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

/** Pretty-prints JSON so it is easy to correct; other text stays as it is. */
function editableText(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function editor(item, { session, region, onSent }) {
  const payload = formField('resubmit-payload', t('admin.rejections.payload'), { type: 'textarea', value: editableText(payloadText(item.payloadBase64)), required: true, hint: t('admin.rejections.payloadHint') });
  const device = formField('resubmit-device', t('admin.rejections.device'), { value: item.deviceId, required: true });
  const format = formField('resubmit-format', t('admin.rejections.format'), { options: FORMATS.map((name) => [name, name]), value: FORMATS.includes(item.format) ? item.format : 'json' });
  const contentType = formField('resubmit-content-type', t('admin.rejections.contentType'), { value: item.contentType || 'application/json' });
  const cancel = el('button', { type: 'button', className: 'secondary' }, t('admin.cancel'));
  const form = el(
    'form',
    { id: 'resubmit-form', className: 'form-row' },
    payload.field,
    device.field,
    format.field,
    contentType.field,
    el('div', { className: 'buttons' }, el('button', { type: 'submit' }, t('admin.rejections.resubmit')), cancel),
  );
  const panel = el(
    'section',
    { className: 'panel', 'aria-labelledby': 'resubmit-heading' },
    el('h3', { id: 'resubmit-heading', tabindex: '-1' }, t('admin.rejections.editorHeading', { reason: reasonLabel(item.reasonCode) })),
    el('p', {}, t('admin.rejections.editorIntro', { detail: item.detail })),
    form,
  );
  cancel.addEventListener('click', () => panel.remove());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const query = new URLSearchParams({ device: device.input.value.trim(), format: format.input.value, rejection: item.id });
    const sent = await runAction(
      region,
      () => requestJson('POST', `/api/v1/ingest?${query}`, { token: session.token, body: payload.input.value, contentType: contentType.input.value }),
      (answer) => t('admin.rejections.sent', { id: answer.id }),
    );
    if (sent) {
      panel.remove();
      onSent();
    }
  });
  return panel;
}

function stateText(item) {
  if (item.state !== 'resubmitted') {
    return t('admin.rejections.open');
  }
  return t('admin.rejections.resubmittedBy', { time: formatDateTime(item.resubmittedAt), subject: item.resubmittedBy });
}

export async function render(container, context) {
  const { session, tenant } = context;
  const canResubmit = can(session.claims, 'rejections.resubmit', tenant);
  const region = resultRegion('rejection-result');
  const reason = formField('rejection-reason', t('admin.rejections.reason'), { options: [['', t('admin.rejections.allReasons')], ...config.rejectionCodes.map((code) => [code, `${reasonLabel(code)} (${code})`])] });
  const device = formField('rejection-device', t('admin.rejections.device'));
  const state = formField('rejection-state', t('admin.rejections.state'), { options: STATES.map(([value, key]) => [value, t(key)]), value: STATES[0][0] });
  const limit = formField('rejection-limit', t('admin.rejections.limit'), { options: [['50', '50'], ['100', '100'], ['500', '500']], value: '100' });
  const filterForm = el('form', { id: 'rejection-filter', className: 'form-row' }, state.field, reason.field, device.field, limit.field, el('div', { className: 'buttons' }, el('button', { type: 'submit' }, t('admin.show'))));
  const list = el('div');
  const editorSlot = el('div');

  /** Loads the list; `announce: false` reports errors only, so an earlier outcome stays in the result line. */
  const load = async ({ announce = true } = {}) => {
    const shownState = state.input.value;
    const query = new URLSearchParams({ limit: limit.input.value, state: shownState });
    if (reason.input.value) {
      query.set('reason', reason.input.value);
    }
    if (device.input.value.trim()) {
      query.set('device', device.input.value.trim());
    }
    const request = () => requestJson('GET', tenantPath(tenant, `/rejections?${query}`), { token: session.token });
    let result;
    if (announce) {
      result = await runAction(region, request, (page) => t(TOTAL_TEXT[shownState], { shown: page.items.length, total: page.total }));
    } else {
      result = await request().catch((error) => showStatus(errorText(error), 'error', region));
    }
    if (!result) {
      return;
    }
    const rows = result.items.map((item) => {
      const cells = [
        formatDateTime(item.rejectedAt),
        el('span', {}, reasonLabel(item.reasonCode), el('br'), el('code', {}, item.reasonCode)),
        item.detail ?? '',
        el('code', {}, item.deviceId),
        item.field ? `${item.field}${item.entryIndex >= 0 ? ` [${item.entryIndex}]` : ''}` : '',
        item.format,
        stateText(item),
      ];
      if (canResubmit && item.state === 'resubmitted') {
        cells.push('');
      } else if (canResubmit) {
        const button = el('button', { type: 'button', className: 'secondary' }, t('admin.rejections.correct'), el('span', { className: 'visually-hidden' }, `: ${item.deviceId}, ${formatDateTime(item.rejectedAt)}`));
        button.addEventListener('click', () => {
          // The reload keeps the outcome of the sending in the result line.
          const panel = editor(item, { session, region, onSent: () => load({ announce: false }) });
          editorSlot.replaceChildren(panel);
          panel.querySelector('h3').focus();
        });
        cells.push(button);
      }
      return cells;
    });
    const columns = [t('admin.rejections.rejectedAt'), t('admin.rejections.reason'), t('admin.rejections.detail'), t('admin.rejections.device'), t('admin.rejections.field'), t('admin.rejections.format'), t('admin.rejections.state')];
    if (canResubmit) {
      columns.push(t('admin.col.actions'));
    }
    list.replaceChildren(dataTable('rejections-table', t('admin.rejections.caption'), columns, rows));
  };
  filterForm.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });

  container.replaceChildren(el('p', {}, t('admin.rejections.intro')), filterForm, region, list, editorSlot);
  await load();
}
