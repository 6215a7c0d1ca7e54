// A chart panel: a uPlot line chart of one or more series, its own legend and the data table
// behind the chart, newest first and paged. The legend shows colour and line pattern, so colour
// is not the only way to tell series apart. Times are shown in Europe/Berlin.
import { TIME_ZONE, formatDateTime, formatResult, formatTick, t, unitSymbol } from './i18n.js';
import { el } from './page.js';

const CHART_HEIGHT_PX = 300;
const TABLE_PAGE_ROWS = 100;
const SERIES_STYLES = [
  { color: '#1f4e99', dash: [] },
  { color: '#b3261e', dash: [8, 4] },
  { color: '#2e6b30', dash: [2, 3] },
  { color: '#7b1fa2', dash: [10, 3, 2, 3] },
  { color: '#8a3b00', dash: [4, 4] },
  { color: '#005f73', dash: [12, 6] },
];

function styleOf(index) {
  return SERIES_STYLES[index % SERIES_STYLES.length];
}

/** Merges the series on one sorted time axis; a series without a point at a time gets null there. */
export function alignSeries(series) {
  const times = [...new Set(series.flatMap((entry) => entry.points.map((point) => point.time)))].sort((a, b) => a - b);
  const columns = series.map((entry) => {
    const byTime = new Map(entry.points.map((point) => [point.time, point]));
    return times.map((time) => byTime.get(time) ?? null);
  });
  return { times, columns };
}

function legendSample(style) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('width', '36');
  svg.setAttribute('height', '10');
  svg.setAttribute('aria-hidden', 'true');
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
  Object.entries({ x1: 0, y1: 5, x2: 36, y2: 5, stroke: style.color, 'stroke-width': 3, 'stroke-dasharray': style.dash.join(' ') }).forEach(([name, value]) =>
    line.setAttribute(name, String(value)),
  );
  svg.append(line);
  return svg;
}

function seriesLabel(entry) {
  const unit = unitSymbol(entry.unit);
  return unit ? `${entry.label} (${unit})` : entry.label;
}

function chartSummary(series) {
  const parts = series.map((entry) => {
    const numbers = entry.points.map((point) => point.value).filter((value) => typeof value === 'number');
    if (numbers.length === 0) {
      return t('chart.seriesEmpty', { name: entry.label });
    }
    return t('chart.seriesSummary', {
      name: entry.label,
      count: numbers.length,
      min: formatResult(Math.min(...numbers)),
      max: formatResult(Math.max(...numbers)),
      unit: unitSymbol(entry.unit),
    });
  });
  return `${parts.join(' ')} ${t('chart.tableHint')}`;
}

function drawChart(container, series, aligned) {
  const xs = aligned.times.map((time) => time / 1000);
  const ys = aligned.columns.map((column) => column.map((point) => (point && typeof point.value === 'number' ? point.value : null)));
  const units = [...new Set(series.map((entry) => unitSymbol(entry.unit)))];
  const options = {
    width: Math.max(container.clientWidth, 280),
    height: CHART_HEIGHT_PX,
    legend: { show: false },
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), TIME_ZONE),
    scales: { x: { time: true } },
    series: [
      {},
      ...series.map((entry, index) => ({
        label: seriesLabel(entry),
        stroke: styleOf(index).color,
        dash: styleOf(index).dash,
        width: 2,
        spanGaps: true,
        points: { show: entry.points.length <= 200 },
      })),
    ],
    axes: [
      { values: (plot, splits, axisIndex, stepSeconds) => splits.map((seconds) => formatTick(seconds * 1000, stepSeconds)) },
      { label: units.length === 1 ? units[0] : '', size: 64, values: (plot, splits) => splits.map((value) => formatResult(value)) },
    ],
  };
  const plot = new uPlot(options, [xs, ...ys], container);
  const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(container.clientWidth, 280), height: CHART_HEIGHT_PX }));
  observer.observe(container);
  return () => {
    observer.disconnect();
    plot.destroy();
  };
}

function tableRow(time, points, options) {
  const cells = [el('th', { scope: 'row' }, formatDateTime(time))];
  points.forEach((point) => {
    cells.push(el('td', { className: 'number' }, point ? formatResult(point.value) : '–'));
    if (options.aggregated && options.showCount) {
      cells.push(el('td', { className: 'number' }, point?.count ?? ''));
    }
  });
  if (options.onCheck) {
    const point = points[0];
    const button = point?.id ? el('button', { type: 'button', className: 'link-button check-button', dataset: { observationId: point.id } }, t('proof.checkShort'), el('span', { className: 'visually-hidden' }, `: ${formatDateTime(time)}`)) : '';
    if (button) {
      button.addEventListener('click', () => options.onCheck(point, button));
    }
    cells.push(el('td', {}, button));
  }
  return el('tr', {}, cells);
}

function renderTable(wrapper, series, aligned, options) {
  const headers = [el('th', { scope: 'col' }, t('chart.colTime'))];
  series.forEach((entry) => {
    headers.push(el('th', { scope: 'col', className: 'number' }, seriesLabel(entry)));
    if (options.aggregated && options.showCount) {
      headers.push(el('th', { scope: 'col', className: 'number' }, t('chart.colCount')));
    }
  });
  if (options.onCheck) {
    headers.push(el('th', { scope: 'col' }, t('proof.column')));
  }
  const body = el('tbody');
  const indexes = aligned.times.map((time, index) => index).reverse();
  let shown = 0;
  const more = el('button', { type: 'button', className: 'secondary' }, t('chart.moreRows', { count: TABLE_PAGE_ROWS }));
  const showMore = () => {
    const next = indexes.slice(shown, shown + TABLE_PAGE_ROWS);
    body.append(...next.map((index) => tableRow(aligned.times[index], aligned.columns.map((column) => column[index]), options)));
    shown += next.length;
    more.hidden = shown >= indexes.length;
    status.textContent = t('chart.rowsShown', { shown, total: indexes.length });
  };
  const status = el('p', { className: 'note', role: 'status' });
  more.addEventListener('click', showMore);
  const table = el('table', { className: 'data-table' }, el('caption', {}, options.caption), el('thead', {}, el('tr', {}, headers)), body);
  wrapper.replaceChildren(el('div', { className: 'table-scroll', role: 'region', 'aria-label': options.caption, tabindex: '0' }, table), status, more);
  showMore();
}

/**
 * Renders a chart panel into `container`. `series` is a list of `{ label, unit, points }` with
 * points `{ time, value, count?, id?, resultTime? }` (epoch ms). Options: `title`, `caption` of
 * the table, `aggregated`, `showCount`, `tableOpen`, and `onCheck(point, button)`, which adds a
 * check button per row (one series only). Returns a function that removes the chart again.
 */
export function renderSeriesChart(container, series, options) {
  const aligned = alignSeries(series);
  const hasNumbers = series.some((entry) => entry.points.some((point) => typeof point.value === 'number'));
  const legend = el(
    'ul',
    { className: 'chart-legend' },
    series.map((entry, index) => el('li', {}, legendSample(styleOf(index)), ' ', seriesLabel(entry))),
  );
  const chart = el('div', { className: 'chart', role: 'img', 'aria-label': hasNumbers ? `${options.title}: ${chartSummary(series)}` : t('chart.noNumbers') });
  const tableWrapper = el('div', { className: 'chart-table' });
  const details = el('details', { open: options.tableOpen ?? false }, el('summary', {}, t('chart.tableSummary', { title: options.title })), tableWrapper);

  container.replaceChildren(legend, chart, details);
  let destroy = () => container.replaceChildren();
  if (aligned.times.length === 0) {
    chart.append(el('p', { className: 'chart-empty' }, t('chart.noData')));
  } else if (!hasNumbers) {
    chart.append(el('p', { className: 'chart-empty' }, t('chart.noNumbers')));
  } else {
    const destroyPlot = drawChart(chart, series, aligned);
    destroy = () => {
      destroyPlot();
      container.replaceChildren();
    };
  }
  renderTable(tableWrapper, series, aligned, options);

  return destroy;
}
