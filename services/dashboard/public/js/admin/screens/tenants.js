// Tenants: the list, and for platform administrators a form that creates or renames a tenant
// through POST /api/v1/catalog.
import { getJson, requestJson } from '../../api.js';
import { t } from '../../i18n.js';
import { el } from '../../page.js';
import { can } from '../permissions.js';
import { dataTable, formField, resultRegion, runAction } from '../ui.js';

const STORAGE_PROFILES = ['onprem-darz', 'de', 'eu'];

export async function render(container, { session, tenant }) {
  const list = el('div');
  const region = resultRegion('tenant-result');
  const refresh = async () => {
    const tenants = await getJson('/api/v1/tenants');
    list.replaceChildren(dataTable('tenants-table', t('admin.tenants.caption'), [t('admin.col.id'), t('admin.col.name')], tenants.map((entry) => [el('code', {}, entry.id), entry.name])));
  };
  container.replaceChildren(el('p', {}, t('admin.tenants.intro')), list, region);
  await refresh();

  if (!can(session.claims, 'tenants.create', tenant)) {
    container.append(el('p', { className: 'note' }, t('admin.tenants.createNeedsRole')));
    return;
  }
  const id = formField('tenant-id', t('admin.col.id'), { required: true, hint: t('admin.tenants.idHint'), attributes: { pattern: '[a-z][a-z0-9-]{1,62}' } });
  const name = formField('tenant-name', t('admin.col.name'), { required: true });
  const profile = formField('tenant-profile', t('admin.tenants.storageProfile'), { options: STORAGE_PROFILES.map((value) => [value, value]) });
  const form = el('form', { id: 'tenant-form', className: 'form-row' }, id.field, name.field, profile.field, el('div', { className: 'buttons' }, el('button', { type: 'submit' }, t('admin.save'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const catalog = { tenants: [{ id: id.input.value.trim(), name: name.input.value.trim(), storageProfile: profile.input.value }] };
    const result = await runAction(region, () => requestJson('POST', '/api/v1/catalog', { token: session.token, body: catalog }), (outcome) => t('admin.catalogResult', outcome));
    if (result) {
      await refresh();
    }
  });
  container.append(el('h3', {}, t('admin.tenants.createHeading')), form);
}
