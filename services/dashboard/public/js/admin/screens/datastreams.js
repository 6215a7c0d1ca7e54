// Datastreams of the tenant: change name, description, classification and retention, retire
// and reactivate, each through PATCH /api/v1/tenants/{tenant}/datastreams/{id}.
import { getJson, requestJson, tenantPath } from '../../api.js';
import { t, unitSymbol } from '../../i18n.js';
import { el } from '../../page.js';
import { can } from '../permissions.js';
import { dataTable, formField, hashQuery, resultRegion, runAction } from '../ui.js';

const CLASSIFICATIONS = ['public', 'internal', 'personal'];

function datastreamPath(tenant, id) {
  return tenantPath(tenant, `/datastreams/${encodeURIComponent(id)}`);
}

export async function render(container, { session, tenant }) {
  const editable = can(session.claims, 'datastreams.edit', tenant);
  const list = el('div');
  const region = resultRegion('datastream-result');
  const filter = formField('datastream-filter', t('admin.datastreams.filter'), { type: 'search', value: hashQuery().get('filter') ?? '' });
  const fields = {
    id: formField('datastream-id', t('admin.col.id'), { required: true, attributes: { readonly: true } }),
    name: formField('datastream-name', t('admin.col.name'), { required: true }),
    description: formField('datastream-description', t('admin.things.description')),
    classification: formField('datastream-classification', t('admin.devices.classification'), { options: CLASSIFICATIONS.map((value) => [value, t(`admin.classification.${value}`)]) }),
    retention: formField('datastream-retention', t('admin.devices.retentionDays'), { type: 'number', hint: t('admin.devices.retentionHint'), attributes: { min: '1', step: '1' } }),
  };
  let datastreams = [];

  const patch = (id, body, successKey) =>
    runAction(region, () => requestJson('PATCH', datastreamPath(tenant, id), { token: session.token, body }), (updated) => t(successKey, { id: updated.id }));

  const row = (datastream) => {
    const cells = [
      el('code', {}, datastream.id),
      datastream.name,
      datastream.thingId,
      unitSymbol(datastream.unit) || datastream.unit?.code,
      t(`admin.classification.${datastream.classification}`),
      datastream.retentionDays === null ? t('admin.datastreams.keepForever') : t('admin.datastreams.days', { days: datastream.retentionDays }),
      t(datastream.retired ? 'admin.datastreams.retired' : 'admin.datastreams.active'),
    ];
    if (editable) {
      const edit = el('button', { type: 'button', className: 'secondary' }, t('admin.edit'), el('span', { className: 'visually-hidden' }, `: ${datastream.id}`));
      edit.addEventListener('click', () => {
        fields.id.input.value = datastream.id;
        fields.name.input.value = datastream.name;
        fields.description.input.value = datastream.description ?? '';
        fields.classification.input.value = datastream.classification;
        fields.retention.input.value = datastream.retentionDays === null ? '' : String(datastream.retentionDays);
        fields.name.input.focus();
      });
      const toggle = el('button', { type: 'button', className: 'secondary', dataset: { action: datastream.retired ? 'reactivate' : 'retire' } }, t(datastream.retired ? 'admin.datastreams.reactivate' : 'admin.datastreams.retire'), el('span', { className: 'visually-hidden' }, `: ${datastream.id}`));
      toggle.addEventListener('click', async () => {
        if (await patch(datastream.id, { retired: !datastream.retired }, datastream.retired ? 'admin.datastreams.reactivated' : 'admin.datastreams.retiredDone')) {
          await refresh();
        }
      });
      cells.push(el('span', { className: 'row-actions' }, edit, ' ', toggle));
    }
    return cells;
  };

  const renderList = () => {
    const text = filter.input.value.trim().toLowerCase();
    const shown = datastreams.filter((datastream) => !text || datastream.id.toLowerCase().includes(text) || datastream.name.toLowerCase().includes(text));
    const columns = [t('admin.col.id'), t('admin.col.name'), t('admin.devices.thing'), t('admin.datastreams.unit'), t('admin.devices.classification'), t('admin.datastreams.retention'), t('admin.datastreams.state')];
    if (editable) {
      columns.push(t('admin.col.actions'));
    }
    list.replaceChildren(dataTable('datastreams-table', t('admin.datastreams.caption', { shown: shown.length, total: datastreams.length }), columns, shown.map(row)));
  };
  const refresh = async () => {
    datastreams = await getJson(tenantPath(tenant, '/datastreams'), { token: session.token });
    renderList();
  };
  filter.input.addEventListener('input', renderList);

  container.replaceChildren(el('p', {}, t('admin.datastreams.intro')), filter.field, list, region);
  await refresh();
  if (!editable) {
    container.append(el('p', { className: 'note' }, t('admin.readOnly')));
    return;
  }
  const form = el('form', { id: 'datastream-form', className: 'form-row' }, Object.values(fields).map((entry) => entry.field), el('div', { className: 'buttons' }, el('button', { type: 'submit' }, t('admin.save'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {
      name: fields.name.input.value.trim(),
      description: fields.description.input.value,
      classification: fields.classification.input.value,
      retentionDays: fields.retention.input.value ? Number(fields.retention.input.value) : null,
    };
    if (await patch(fields.id.input.value, body, 'admin.datastreams.saved')) {
      await refresh();
    }
  });
  container.append(el('h3', {}, t('admin.datastreams.formHeading')), el('p', { className: 'note' }, t('admin.datastreams.formHint')), form);
}
