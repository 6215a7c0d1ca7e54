// Devices of the tenant, and a form that registers or changes one through POST /api/v1/catalog
// (with a dry run that only reports the changes).
import { ApiError, getJson, requestJson, tenantPath } from '../../api.js';
import { t } from '../../i18n.js';
import { el } from '../../page.js';
import { can } from '../permissions.js';
import { dataTable, formField, hashQuery, resultRegion, runAction } from '../ui.js';

const CLASSIFICATIONS = ['public', 'internal', 'personal'];

/**
 * Lists the tenant's devices. The query API has no device route yet, so the list is derived
 * from the datastreams, which name their device. A device route, where present, wins.
 */
async function loadDevices(tenant, token) {
  try {
    return { devices: await getJson(tenantPath(tenant, '/devices'), { token }), derived: false };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) {
      throw error;
    }
  }
  // TODO: drop the derived list once GET /api/v1/tenants/{tenant}/devices exists; it misses device type and defaults.
  const datastreams = await getJson(tenantPath(tenant, '/datastreams'), { token });
  const byDevice = new Map();
  for (const datastream of datastreams) {
    const device = byDevice.get(datastream.deviceId) ?? { id: datastream.deviceId, thingId: datastream.thingId, datastreamIds: [], classifications: new Set() };
    device.datastreamIds.push(datastream.id);
    device.classifications.add(datastream.classification);
    byDevice.set(datastream.deviceId, device);
  }
  const devices = [...byDevice.values()].map((device) => ({ ...device, classification: [...device.classifications].join(', ') }));
  return { devices: devices.sort((a, b) => a.id.localeCompare(b.id)), derived: true };
}

export async function render(container, { session, tenant }) {
  const editable = can(session.claims, 'catalog.apply', tenant);
  const list = el('div');
  const region = resultRegion('device-result');
  const things = await getJson(tenantPath(tenant, '/things'), { token: session.token });
  const fields = {
    id: formField('device-id', t('admin.col.id'), { required: true, hint: t('admin.devices.idHint'), attributes: { pattern: '[A-Za-z0-9_:\\-]{1,128}' } }),
    type: formField('device-type', t('admin.devices.type'), { required: true, hint: t('admin.devices.typeHint') }),
    thing: formField('device-thing', t('admin.devices.thing'), { options: things.map((thing) => [thing.id, `${thing.name} (${thing.id})`]) }),
    name: formField('device-name', t('admin.col.name')),
    classification: formField('device-classification', t('admin.devices.classification'), { options: CLASSIFICATIONS.map((value) => [value, t(`admin.classification.${value}`)]), value: 'internal' }),
    retention: formField('device-retention', t('admin.devices.retentionDays'), { type: 'number', hint: t('admin.devices.retentionHint'), attributes: { min: '1', step: '1' } }),
  };

  const filter = formField('device-filter', t('admin.devices.filter'), { type: 'search', value: hashQuery().get('filter') ?? '' });
  let loaded = { devices: [], derived: false };

  const renderList = () => {
    const { devices, derived } = loaded;
    const text = filter.input.value.trim().toLowerCase();
    const matching = devices.filter((device) => !text || device.id.toLowerCase().includes(text) || (device.thingId ?? '').toLowerCase().includes(text));
    const columns = [t('admin.col.id'), t('admin.devices.thing'), t('admin.devices.classification'), t('admin.things.datastreams')];
    if (editable) {
      columns.push(t('admin.col.actions'));
    }
    const rows = matching.map((device) => {
      const cells = [el('code', {}, device.id), device.thingId, device.classification, String(device.datastreamIds?.length ?? 0)];
      if (editable) {
        const button = el('button', { type: 'button', className: 'secondary' }, t('admin.edit'), el('span', { className: 'visually-hidden' }, `: ${device.id}`));
        button.addEventListener('click', () => {
          fields.id.input.value = device.id;
          fields.thing.input.value = device.thingId;
          fields.type.input.value = device.deviceTypeId ?? '';
          fields.name.input.value = device.name ?? '';
          if (CLASSIFICATIONS.includes(device.classification)) {
            fields.classification.input.value = device.classification;
          }
          fields.id.input.focus();
        });
        cells.push(button);
      }
      return cells;
    });
    list.replaceChildren(dataTable('devices-table', t('admin.devices.caption', { tenant, shown: matching.length, total: devices.length }), columns, rows), derived ? el('p', { className: 'note' }, t('admin.devices.derivedNote')) : '');
  };
  const refresh = async () => {
    loaded = await loadDevices(tenant, session.token);
    renderList();
  };
  filter.input.addEventListener('input', renderList);

  container.replaceChildren(el('p', {}, t('admin.devices.intro')), filter.field, list, region);
  await refresh();
  if (!editable) {
    container.append(el('p', { className: 'note' }, t('admin.readOnly')));
    return;
  }

  const submit = async (dryRun) => {
    const device = {
      tenant,
      id: fields.id.input.value.trim(),
      type: fields.type.input.value.trim(),
      thing: fields.thing.input.value,
      name: fields.name.input.value.trim() || undefined,
      classification: fields.classification.input.value,
      retentionDays: fields.retention.input.value ? Number(fields.retention.input.value) : undefined,
    };
    const path = `/api/v1/catalog${dryRun ? '?dryRun=true' : ''}`;
    const result = await runAction(region, () => requestJson('POST', path, { token: session.token, body: { devices: [device] } }), (outcome) =>
      `${t(dryRun ? 'admin.dryRunResult' : 'admin.catalogResult', outcome)} ${(outcome.changes ?? []).join('; ')}`.trim(),
    );
    if (result && !dryRun) {
      await refresh();
    }
  };
  const dryRunButton = el('button', { type: 'button', className: 'secondary' }, t('admin.dryRun'));
  dryRunButton.addEventListener('click', () => {
    if (form.reportValidity()) {
      submit(true);
    }
  });
  const form = el('form', { id: 'device-form', className: 'form-row' }, Object.values(fields).map((entry) => entry.field), el('div', { className: 'buttons' }, el('button', { type: 'submit' }, t('admin.save')), dryRunButton));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit(false);
  });
  container.append(el('h3', {}, t('admin.devices.formHeading')), form);
}
