// Connectors of the tenant (GET /api/v1/connectors) with their last run, and a button that
// starts a run now (POST /api/v1/connectors/{name}/runs).
import { requestJson } from '../../api.js';
import { formatDateTime, t } from '../../i18n.js';
import { el } from '../../page.js';
import { can } from '../permissions.js';
import { dataTable, resultRegion, runAction } from '../ui.js';

function lastRunText(run) {
  if (!run) {
    return t('admin.connectors.neverRun');
  }
  const counts = t('admin.connectors.counts', { published: run.published, deadLettered: run.deadLettered, dropped: run.dropped });
  const error = run.error ? ` ${run.error}` : '';
  return `${formatDateTime(run.startedAtMs)}: ${run.outcome}. ${counts}${error}`;
}

export async function render(container, { session, tenant }) {
  const region = resultRegion('connector-result');
  const list = el('div');
  const canRun = can(session.claims, 'connectors.run', tenant);

  const load = async () => {
    const query = session.claims.roles.includes('platform-admin') ? `?${new URLSearchParams({ tenant })}` : '';
    const result = await runAction(region, () => requestJson('GET', `/api/v1/connectors${query}`, { token: session.token }), (answer) => t('admin.connectors.loaded', { count: answer.items.length }));
    if (!result) {
      return;
    }
    const rows = result.items.map((item) => {
      const cells = [el('code', {}, item.name), item.decoder, item.schedule ?? t('admin.connectors.manual'), item.running ? t('admin.connectors.running') : lastRunText(item.lastRun), item.nextRunAt ? formatDateTime(item.nextRunAt) : '–'];
      if (canRun) {
        const button = el('button', { type: 'button', className: 'secondary', disabled: item.running }, t('admin.connectors.run'), el('span', { className: 'visually-hidden' }, `: ${item.name}`));
        button.addEventListener('click', async () => {
          if (await runAction(region, () => requestJson('POST', `/api/v1/connectors/${encodeURIComponent(item.name)}/runs`, { token: session.token }), t('admin.connectors.started', { name: item.name }))) {
            await load();
          }
        });
        cells.push(button);
      }
      return cells;
    });
    const columns = [t('admin.col.name'), t('admin.connectors.decoder'), t('admin.connectors.schedule'), t('admin.connectors.lastRun'), t('admin.connectors.nextRun')];
    if (canRun) {
      columns.push(t('admin.col.actions'));
    }
    list.replaceChildren(dataTable('connectors-table', t('admin.connectors.caption', { tenant }), columns, rows));
  };

  container.replaceChildren(el('p', {}, t('admin.connectors.intro')), region, list);
  await load();
}
