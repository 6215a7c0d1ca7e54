// Service health: the readiness checks of /health/ready, the consumer lag per consumer group
// and the platform's own counters from /metrics (Prometheus text format).
import { t, formatResult } from '../../i18n.js';
import { el } from '../../page.js';
import { dataTable, resultRegion, runAction } from '../ui.js';

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses Prometheus text exposition lines into `{ name, labels, value }`; comments are skipped. */
export function parseMetrics(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line);
    if (!match || line.startsWith('#')) {
      continue;
    }
    const labels = Object.fromEntries([...(match[3] ?? '').matchAll(LABEL)].map((label) => [label[1], label[2]]));
    samples.push({ name: match[1], labels, value: Number(match[4]) });
  }
  return samples;
}

async function fetchText(path) {
  const response = await fetch(path);
  return { status: response.status, text: await response.text() };
}

export async function render(container) {
  const region = resultRegion('health-result');
  const readiness = el('div');
  const lag = el('div');
  const counters = el('div');
  const refresh = el('button', { type: 'button', className: 'secondary' }, t('admin.health.refresh'));

  const load = () =>
    runAction(region, async () => {
      const [ready, metrics] = await Promise.all([fetchText('/health/ready'), fetchText('/metrics')]);
      const body = JSON.parse(ready.text);
      const checkRows = Object.entries(body.checks ?? {}).map(([name, ok]) => [name, el('span', { className: ok ? 'ok-text' : 'error-text' }, `${ok ? '✓' : '✗'} ${t(ok ? 'admin.health.up' : 'admin.health.down')}`)]);
      readiness.replaceChildren(
        el('p', { className: body.ready ? 'ok-text' : 'error-text' }, `${body.ready ? '✓' : '✗'} ${t(body.ready ? 'admin.health.ready' : 'admin.health.notReady')}`),
        dataTable('readiness-table', t('admin.health.checksCaption'), [t('admin.health.check'), t('admin.health.state')], checkRows),
      );
      const samples = parseMetrics(metrics.text);
      const lagRows = samples.filter((sample) => sample.name === 'stadtdaten_consumer_lag').map((sample) => [sample.labels.group ?? '–', formatResult(sample.value)]);
      lag.replaceChildren(dataTable('lag-table', t('admin.health.lagCaption'), [t('admin.health.group'), t('admin.health.lag')], lagRows));
      const counterRows = samples
        .filter((sample) => sample.name.startsWith('stadtdaten_') && sample.name !== 'stadtdaten_consumer_lag' && !sample.name.endsWith('_bucket'))
        .slice(0, 100)
        .map((sample) => [el('code', {}, sample.name), Object.entries(sample.labels).map(([name, value]) => `${name}=${value}`).join(', '), formatResult(sample.value)]);
      counters.replaceChildren(dataTable('metrics-table', t('admin.health.metricsCaption'), [t('admin.health.metric'), t('admin.health.labels'), t('admin.health.value')], counterRows));
      return body;
    }, t('admin.health.loaded'));

  refresh.addEventListener('click', load);
  container.replaceChildren(
    el('p', {}, t('admin.health.intro')),
    el('div', { className: 'buttons' }, refresh),
    region,
    el('h3', {}, t('admin.health.readinessHeading')),
    readiness,
    el('h3', {}, t('admin.health.lagHeading')),
    el('p', { className: 'note' }, t('admin.health.lagNote')),
    lag,
    el('h3', {}, t('admin.health.metricsHeading')),
    counters,
  );
  await load();
}
