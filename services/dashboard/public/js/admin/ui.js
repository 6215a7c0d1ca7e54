// Building blocks of the console screens: tables, labelled form fields and the result line.
import { ApiError } from '../api.js';
import { t } from '../i18n.js';
import { el, showStatus } from '../page.js';

/** Builds a table with a caption from header texts (`columns`) and arrays of cell contents (`rows`). */
export function dataTable(id, caption, columns, rows) {
  const body = rows.length > 0 ? rows.map((cells) => el('tr', {}, cells.map((cell, index) => (index === 0 ? el('th', { scope: 'row' }, cell) : el('td', {}, cell))))) : [el('tr', {}, el('td', { colspan: columns.length }, t('admin.empty')))];
  return el(
    'div',
    { className: 'table-scroll', role: 'region', 'aria-label': caption, tabindex: '0' },
    el('table', { id }, el('caption', {}, caption), el('thead', {}, el('tr', {}, columns.map((column) => el('th', { scope: 'col' }, column)))), el('tbody', {}, body)),
  );
}

/** Builds a labelled input, or a select when `options` are given. Returns `{ field, input }`. */
export function formField(id, label, { type = 'text', value = '', options, required = false, hint, attributes = {} } = {}) {
  let input;
  if (options) {
    input = el('select', { id, name: id, required, ...attributes }, options.map(([optionValue, text]) => el('option', { value: optionValue, selected: String(optionValue) === String(value) }, text)));
  } else if (type === 'textarea') {
    input = el('textarea', { id, name: id, required, rows: 8, spellcheck: 'false', ...attributes }, value);
  } else {
    input = el('input', { id, name: id, type, value, required, autocomplete: 'off', spellcheck: 'false', ...attributes });
  }
  const hintElement = hint ? el('p', { id: `${id}-hint`, className: 'note' }, hint) : null;
  if (hintElement) {
    input.setAttribute('aria-describedby', hintElement.id);
  }
  const field = el('div', { className: `field${type === 'textarea' ? ' field--wide' : ''}` }, el('label', { for: id }, label), input, hintElement);
  return { field, input };
}

/** Returns a message for a failed request in the console's words. */
export function errorText(error) {
  if (error instanceof ApiError && error.status === 401) {
    return t('admin.unauthorized');
  }
  if (error instanceof ApiError && error.status === 403) {
    return t('admin.forbidden', { message: error.message });
  }
  return t('admin.requestFailed', { message: error.message });
}

/** Runs an action and reports its outcome in a live region; returns the action's result or undefined. */
export async function runAction(region, action, successText) {
  showStatus(t('admin.working'), 'info', region);
  try {
    const result = await action();
    showStatus(typeof successText === 'function' ? successText(result) : successText, 'success', region);
    return result;
  } catch (error) {
    showStatus(errorText(error), 'error', region);
    return undefined;
  }
}

/** Creates a live region for the outcome of a screen's actions. */
export function resultRegion(id) {
  return el('p', { id, className: 'action-result', role: 'status', 'aria-live': 'polite' });
}

/** Returns the query of the address's hash (`#/datastreams?filter=…`), which links between screens carry. */
export function hashQuery() {
  const hash = location.hash;
  const start = hash.indexOf('?');
  return new URLSearchParams(start === -1 ? '' : hash.slice(start + 1));
}
