// Things of the tenant, and a form that creates or changes one through POST /api/v1/catalog.
import { getJson, requestJson, tenantPath } from '../../api.js';
import { formatResult, t } from '../../i18n.js';
import { el } from '../../page.js';
import { USE_CASES, useCaseStyle } from '../../use-case-styles.js';
import { can } from '../permissions.js';
import { dataTable, formField, resultRegion, runAction } from '../ui.js';

function pointText(thing) {
  const [longitude, latitude] = thing.location?.type === 'Point' ? thing.location.coordinates : [];
  return latitude === undefined ? thing.location?.type ?? '–' : `${formatResult(latitude)}, ${formatResult(longitude)}`;
}

export async function render(container, { session, tenant }) {
  const editable = can(session.claims, 'catalog.apply', tenant);
  const list = el('div');
  const region = resultRegion('thing-result');
  const fields = {
    id: formField('thing-id', t('admin.col.id'), { required: true, hint: t('admin.things.idHint'), attributes: { pattern: '[A-Za-z0-9_:\\-]{1,128}' } }),
    name: formField('thing-name', t('admin.col.name'), { required: true }),
    description: formField('thing-description', t('admin.things.description')),
    useCase: formField('thing-use-case', t('admin.things.useCase'), { options: USE_CASES.map((useCase) => [useCase, useCaseStyle(useCase).label]) }),
    latitude: formField('thing-latitude', t('admin.things.latitude'), { type: 'number', required: true, attributes: { step: 'any', min: '-90', max: '90' } }),
    longitude: formField('thing-longitude', t('admin.things.longitude'), { type: 'number', required: true, attributes: { step: 'any', min: '-180', max: '180' } }),
  };

  const fill = (thing) => {
    fields.id.input.value = thing.id;
    fields.name.input.value = thing.name;
    fields.description.input.value = thing.description ?? '';
    fields.useCase.input.value = thing.useCase;
    if (thing.location?.type === 'Point') {
      fields.longitude.input.value = String(thing.location.coordinates[0]);
      fields.latitude.input.value = String(thing.location.coordinates[1]);
    }
    fields.id.input.focus();
  };

  const refresh = async () => {
    const things = await getJson(tenantPath(tenant, '/things'), { token: session.token });
    const columns = [t('admin.col.id'), t('admin.col.name'), t('admin.things.useCase'), t('admin.things.position'), t('admin.things.datastreams')];
    if (editable) {
      columns.push(t('admin.col.actions'));
    }
    const rows = things.map((thing) => {
      const cells = [el('code', {}, thing.id), thing.name, useCaseStyle(thing.useCase).label, pointText(thing), String(thing.datastreamIds.length)];
      if (editable) {
        const button = el('button', { type: 'button', className: 'secondary' }, t('admin.edit'), el('span', { className: 'visually-hidden' }, `: ${thing.name}`));
        button.addEventListener('click', () => fill(thing));
        cells.push(button);
      }
      return cells;
    });
    list.replaceChildren(dataTable('things-table', t('admin.things.caption', { tenant }), columns, rows));
  };

  container.replaceChildren(el('p', {}, t('admin.things.intro')), list, region);
  await refresh();
  if (!editable) {
    container.append(el('p', { className: 'note' }, t('admin.readOnly')));
    return;
  }
  const form = el('form', { id: 'thing-form', className: 'form-row' }, Object.values(fields).map((entry) => entry.field), el('div', { className: 'buttons' }, el('button', { type: 'submit' }, t('admin.save'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const thing = {
      tenant,
      id: fields.id.input.value.trim(),
      name: fields.name.input.value.trim(),
      description: fields.description.input.value.trim() || undefined,
      useCase: fields.useCase.input.value,
      location: { type: 'Point', coordinates: [Number(fields.longitude.input.value), Number(fields.latitude.input.value)] },
    };
    const result = await runAction(region, () => requestJson('POST', '/api/v1/catalog', { token: session.token, body: { things: [thing] } }), (outcome) => t('admin.catalogResult', outcome));
    if (result) {
      await refresh();
    }
  });
  container.append(el('h3', {}, t('admin.things.formHeading')), form);
}
