// Controls of a chart view: preset ranges, a custom range of days and the aggregation. Every
// control is a native button, input or select, so it works by keyboard as it is.
import { t } from './i18n.js';
import { el } from './page.js';
import { AGGREGATE_FUNCTIONS, AGGREGATIONS, RANGES_MS, berlinDay } from './time-range.js';

/**
 * Renders the controls for `view` into `container` and calls `onChange(changes)` when the
 * visitor picks another range or aggregation. `idPrefix` keeps ids unique on the page.
 */
export function renderRangeControls(container, view, onChange, idPrefix = 'view') {
  const rangeButtons = Object.keys(RANGES_MS).map((range) => {
    const button = el('button', { type: 'button', className: 'range-button', 'aria-pressed': String(view.range === range), dataset: { range } }, t(`range.${range}`));
    button.addEventListener('click', () => onChange({ range }));
    return button;
  });

  const today = berlinDay(Date.now());
  const fromInput = el('input', { type: 'date', id: `${idPrefix}-from`, value: view.from ?? today, max: today, required: true });
  const toInput = el('input', { type: 'date', id: `${idPrefix}-to`, value: view.to ?? today, max: today, required: true });
  const customForm = el(
    'form',
    { className: 'custom-range', 'aria-labelledby': `${idPrefix}-custom-label` },
    el('span', { id: `${idPrefix}-custom-label`, className: 'control-label' }, t('range.custom')),
    el('label', { for: fromInput.id }, t('range.from')),
    fromInput,
    el('label', { for: toInput.id }, t('range.to')),
    toInput,
    el('button', { type: 'submit', className: view.range === 'custom' ? '' : 'secondary', 'aria-pressed': String(view.range === 'custom') }, t('range.apply')),
  );
  customForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const from = fromInput.value;
    const to = toInput.value;
    if (!from || !to || from > to) {
      toInput.setCustomValidity(t('range.invalid'));
      toInput.reportValidity();
      return;
    }
    toInput.setCustomValidity('');
    onChange({ range: 'custom', from, to });
  });

  const aggregationSelect = el(
    'select',
    { id: `${idPrefix}-aggregation` },
    AGGREGATIONS.map((aggregation) => el('option', { value: aggregation, selected: view.aggregation === aggregation }, t(`aggregation.${aggregation}`))),
  );
  aggregationSelect.addEventListener('change', () => onChange({ aggregation: aggregationSelect.value }));
  const functionSelect = el(
    'select',
    { id: `${idPrefix}-aggregate`, disabled: view.aggregation === 'raw' },
    AGGREGATE_FUNCTIONS.map((name) => el('option', { value: name, selected: view.aggregate === name }, t(`aggregate.${name}`))),
  );
  functionSelect.addEventListener('change', () => onChange({ aggregate: functionSelect.value }));

  container.replaceChildren(
    el('div', { role: 'group', 'aria-labelledby': `${idPrefix}-range-label`, className: 'control' }, el('span', { id: `${idPrefix}-range-label`, className: 'control-label' }, t('range.label')), rangeButtons),
    customForm,
    el('div', { className: 'control' }, el('label', { for: aggregationSelect.id, className: 'control-label' }, t('aggregation.label')), aggregationSelect),
    el('div', { className: 'control' }, el('label', { for: functionSelect.id, className: 'control-label' }, t('aggregate.label')), functionSelect),
  );
}
