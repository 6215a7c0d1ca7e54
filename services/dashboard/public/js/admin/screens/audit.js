// The audit log (GET /api/v1/audit, newest first, paged by cursor) and the check of its hash
// chain (GET /api/v1/audit/verification). Platform administrators only.
import { requestJson } from '../../api.js';
import { formatDateTime, t } from '../../i18n.js';
import { el } from '../../page.js';
import { dataTable, formField, resultRegion, runAction } from '../ui.js';

const ACTIONS = ['DATA_READ_NON_PUBLIC', 'PERSONAL_DATA_READ', 'EXPORT', 'KEY_ROTATED', 'KEY_CREATED', 'CATALOG_CHANGED', 'DATASTREAM_CHANGED', 'LOGIN_FAILED', 'PERSONAL_DATA_DELETED', 'BACKUP_CREATED', 'BACKUP_RESTORED'];

function actorText(actor) {
  if (actor.kind === 'principal') {
    return `${actor.subject} (${actor.tenant || '–'}; ${actor.roles.join(', ')})`;
  }
  return actor.kind === 'system' ? `${t('admin.audit.system')}: ${actor.subject}` : t('admin.audit.anonymous');
}

function entryRow(entry) {
  const resource = [entry.target.resourceType, entry.target.resourceId].filter(Boolean).join(' ');
  return [String(entry.sequence), formatDateTime(entry.timeMs), el('code', {}, entry.action), actorText(entry.actor), entry.target.tenant ?? '–', resource, t(`admin.audit.outcome.${entry.outcome}`), el('code', { className: 'details' }, JSON.stringify(entry.details ?? {}))];
}

export async function render(container, { session }) {
  const region = resultRegion('audit-result');
  const action = formField('audit-action', t('admin.audit.action'), { options: [['', t('admin.audit.allActions')], ...ACTIONS.map((name) => [name, name])] });
  const tenantFilter = formField('audit-tenant', t('admin.audit.tenant'));
  const subject = formField('audit-subject', t('admin.audit.subject'));
  const form = el('form', { id: 'audit-filter', className: 'form-row' }, action.field, tenantFilter.field, subject.field, el('div', { className: 'buttons' }, el('button', { type: 'submit' }, t('admin.show'))));
  const list = el('div');
  const more = el('button', { type: 'button', className: 'secondary', hidden: true }, t('admin.audit.older'));
  const verify = el('button', { type: 'button', className: 'secondary' }, t('admin.audit.verify'));
  let entries = [];
  let cursor = null;

  const load = async (append) => {
    const query = new URLSearchParams({ limit: '50' });
    for (const [name, field] of [['action', action], ['tenant', tenantFilter], ['subject', subject]]) {
      if (field.input.value.trim()) {
        query.set(name, field.input.value.trim());
      }
    }
    if (append && cursor) {
      query.set('cursor', cursor);
    }
    const page = await runAction(region, () => requestJson('GET', `/api/v1/audit?${query}`, { token: session.token }), (result) => t('admin.audit.loaded', { count: result.items.length }));
    if (!page) {
      return;
    }
    entries = append ? [...entries, ...page.items] : page.items;
    cursor = page.nextCursor;
    more.hidden = !cursor;
    const columns = [t('admin.audit.sequence'), t('admin.audit.time'), t('admin.audit.action'), t('admin.audit.actor'), t('admin.audit.tenant'), t('admin.audit.resource'), t('admin.audit.outcome'), t('admin.audit.details')];
    list.replaceChildren(dataTable('audit-table', t('admin.audit.caption', { count: entries.length }), columns, entries.map(entryRow)));
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load(false);
  });
  more.addEventListener('click', () => load(true));
  verify.addEventListener('click', () =>
    runAction(region, () => requestJson('GET', '/api/v1/audit/verification', { token: session.token }), (result) =>
      result.valid ? t('admin.audit.chainValid', { checked: result.checked }) : t('admin.audit.chainBroken', { sequence: result.sequence, message: result.message }),
    ),
  );

  container.replaceChildren(el('p', {}, t('admin.audit.intro')), form, el('div', { className: 'buttons' }, verify), region, list, more);
  await load(false);
}
