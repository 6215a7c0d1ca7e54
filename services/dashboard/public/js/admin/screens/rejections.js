// Rejected messages with their reasons. A message can be corrected in an editor and sent again
// through POST /api/v1/ingest, where it passes the same validation as any new message.
import { config, requestJson, tenantPath } from '../../api.js';
import { formatDateTime, hasString, t } from '../../i18n.js';
import { el } from '../../page.js';
import { can } from '../permissions.js';
import { dataTable, formField, resultRegion, runAction } from '../ui.js';

const FORMATS = ['json', 'senml', 'ttn-v3', 'chirpstack-v4', 'sensor-community'];

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
    const query = new URLSearchParams({ device: device.input.value.trim(), format: format.input.value });
    const sent = await runAction(
      region,
      () => requestJson('POST', `/api/v1/ingest?${query}`, { token: session.token, body: payload.input.value, contentType: contentType.input.value }),
      (answer) => t('admin.rejections.sent', { id: answer.id }),
    );
    // NOTE: the original rejection stays listed, because the dead letter has no mark for a message that was sent again.
    if (sent) {
      panel.remove();
      onSent();
    }
  });
  return panel;
}

export async function render(container, context) {
  const { session, tenant } = context;
  const canResubmit = can(session.claims, 'rejections.resubmit', tenant);
  const region = resultRegion('rejection-result');
  const reason = formField('rejection-reason', t('admin.rejections.reason'), { options: [['', t('admin.rejections.allReasons')], ...config.rejectionCodes.map((code) => [code, `${reasonLabel(code)} (${code})`])] });
  const device = formField('rejection-device', t('admin.rejections.device'));
  const limit = formField('rejection-limit', t('admin.rejections.limit'), { options: [['50', '50'], ['100', '100'], ['500', '500']], value: '100' });
  const filterForm = el('form', { id: 'rejection-filter', className: 'form-row' }, reason.field, device.field, limit.field, el('div', { className: 'buttons' }, el('button', { type: 'submit' }, t('admin.show'))));
  const list = el('div');
  const editorSlot = el('div');

  const load = async () => {
    const query = new URLSearchParams({ limit: limit.input.value });
    if (reason.input.value) {
      query.set('reason', reason.input.value);
    }
    if (device.input.value.trim()) {
      query.set('device', device.input.value.trim());
    }
    const result = await runAction(region, () => requestJson('GET', tenantPath(tenant, `/rejections?${query}`), { token: session.token }), (page) => t('admin.rejections.total', { shown: page.items.length, total: page.total }));
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
      ];
      if (canResubmit) {
        const button = el('button', { type: 'button', className: 'secondary' }, t('admin.rejections.correct'), el('span', { className: 'visually-hidden' }, `: ${item.deviceId}, ${formatDateTime(item.rejectedAt)}`));
        button.addEventListener('click', () => {
          const panel = editor(item, { session, region, onSent: load });
          editorSlot.replaceChildren(panel);
          panel.querySelector('h3').focus();
        });
        cells.push(button);
      }
      return cells;
    });
    const columns = [t('admin.rejections.rejectedAt'), t('admin.rejections.reason'), t('admin.rejections.detail'), t('admin.rejections.device'), t('admin.rejections.field'), t('admin.rejections.format')];
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
