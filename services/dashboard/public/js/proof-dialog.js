// "Is this value genuine?": a modal dialog that loads the signature proof of a shown value and
// the published keys, and verifies the value in the browser. The visitor may also enter a value
// seen elsewhere (a printout, a download) to check whether that one was signed.
import { ApiError, getJson } from './api.js';
import { formatDateTime, formatValueWithUnit, locale, t } from './i18n.js';
import { el } from './page.js';
import { fieldsOfShownValue, typedResult } from './proof/canonical.js';
import { verifyShownValue } from './proof/verify.js';

let jwksRequest;

/** Loads the JWKS once per page; `fresh` revalidates it, for a batch signed by a key newer than the cached set. */
function loadJwks(fresh = false) {
  if (fresh) {
    jwksRequest = undefined;
  }
  jwksRequest ??= getJson('/api/v1/jwks.json', { cache: fresh ? 'no-cache' : 'default' }).catch((error) => {
    jwksRequest = undefined;
    throw error;
  });
  return jwksRequest;
}

/** Reads a typed value as the visitor entered it; numbers accept a decimal comma. Returns undefined when unreadable. */
export function parseEnteredValue(text, example) {
  const trimmed = text.trim();
  if (typeof example === 'number') {
    const value = Number(normalizeNumberText(trimmed));
    return trimmed !== '' && Number.isFinite(value) ? value : undefined;
  }
  if (typeof example === 'boolean') {
    const lower = trimmed.toLowerCase();
    if ([t('common.yes'), 'true'].includes(lower)) {
      return true;
    }
    return [t('common.no'), 'false'].includes(lower) ? false : undefined;
  }
  if (typeof example === 'object' && example !== null) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return undefined;
    }
  }
  return text;
}

/**
 * Turns a number as typed into JavaScript notation. In German a comma is the decimal sign and
 * dots group thousands. A dot without a comma counts as a decimal point, unless it groups
 * exactly three digits ("1.234"). In English commas group thousands.
 */
function normalizeNumberText(text) {
  if (locale() !== 'de-DE') {
    return text.replace(/,/g, '');
  }
  if (text.includes(',')) {
    return text.replace(/\./g, '').replace(',', '.');
  }
  return /^-?\d{1,3}(\.\d{3})+$/.test(text) ? text.replace(/\./g, '') : text;
}

/** Writes a result so that parseEnteredValue reads back exactly the same value (no rounding, no grouping). */
function enteredText(result) {
  if (typeof result === 'object' && result !== null) {
    return JSON.stringify(result);
  }
  if (typeof result === 'number') {
    return locale() === 'de-DE' ? String(result).replace('.', ',') : String(result);
  }
  if (typeof result === 'boolean') {
    return result ? t('common.yes') : t('common.no');
  }
  return String(result);
}

function stepList(steps) {
  return el(
    'ul',
    { className: 'proof-steps' },
    steps.map((step) => el('li', {}, t(`proof.step.${step.step}`), ' ', el('code', { className: 'hash' }, step.value))),
  );
}

function resultPanel(outcome) {
  const genuine = outcome.ok;
  const children = [
    el('p', { className: 'proof-verdict' }, el('span', { 'aria-hidden': 'true' }, genuine ? '✓ ' : '✗ '), t(genuine ? 'proof.genuine' : 'proof.notGenuine')),
    el('p', {}, t(genuine ? 'proof.genuineText' : `proof.reason.${outcome.reason}`)),
  ];
  if (!genuine && outcome.detail) {
    children.push(el('p', { className: 'note' }, t('proof.technicalDetail', { detail: outcome.detail })));
  }
  if (outcome.steps?.length > 0) {
    children.push(el('details', {}, el('summary', {}, t('proof.showSteps')), stepList(outcome.steps)));
  }
  return el('div', { className: `proof-result proof-result--${genuine ? 'genuine' : 'not-genuine'}`, dataset: { verdict: genuine ? 'genuine' : 'not-genuine' } }, children);
}

async function runCheck(datastream, value, enteredResult, output) {
  output.replaceChildren(el('p', {}, t('proof.checking')));
  let proofDocument;
  let jwks;
  try {
    [proofDocument, jwks] = await Promise.all([getJson(`/api/v1/observations/${encodeURIComponent(value.id)}/proof`), loadJwks()]);
  } catch (error) {
    const key = error instanceof ApiError && error.status === 404 ? 'proof.noProof' : 'proof.loadFailed';
    output.replaceChildren(el('div', { className: 'proof-result proof-result--unknown', dataset: { verdict: 'unknown' } }, el('p', {}, t(key, { message: error.message }))));
    return;
  }
  const fields = { ...fieldsOfShownValue(datastream, value), result: typedResult(datastream, enteredResult) };
  let outcome = await verifyShownValue(fields, proofDocument, jwks);
  if (!outcome.ok && outcome.reason === 'UNKNOWN_KEY') {
    // A key rotated after this page loaded its copy of the JWKS is only in a fresh one.
    outcome = await verifyShownValue(fields, proofDocument, await loadJwks(true));
  }
  output.replaceChildren(resultPanel(outcome));
}

/**
 * Opens the dialog for one shown value `{ id, phenomenonTime, resultTime, result }` of the
 * datastream and runs the check at once. Focus returns to `trigger` when the dialog closes.
 */
export function openProofDialog(datastream, value, trigger) {
  const output = el('div', { className: 'proof-output', role: 'status', 'aria-live': 'polite' });
  const input = el('input', { id: 'proof-value', type: 'text', value: enteredText(value.result), autocomplete: 'off', 'aria-describedby': 'proof-value-hint' });
  const checkButton = el('button', { type: 'submit' }, t('proof.check'));
  const closeButton = el('button', { type: 'button', className: 'secondary' }, t('proof.close'));
  const form = el(
    'form',
    { className: 'proof-form' },
    el('div', { className: 'field' }, el('label', { for: 'proof-value' }, t('proof.valueLabel')), input, el('p', { id: 'proof-value-hint', className: 'note' }, t('proof.valueHint'))),
    el('div', { className: 'buttons' }, checkButton, closeButton),
  );
  const dialog = el(
    'dialog',
    { className: 'proof-dialog', 'aria-labelledby': 'proof-heading' },
    el('h2', { id: 'proof-heading' }, t('proof.heading')),
    el('p', {}, t('proof.intro')),
    el(
      'dl',
      { className: 'meta' },
      el('dt', {}, t('proof.datastream')),
      el('dd', {}, datastream.name),
      el('dt', {}, t('proof.time')),
      el('dd', {}, formatDateTime(value.phenomenonTime)),
      el('dt', {}, t('proof.shownValue')),
      el('dd', {}, formatValueWithUnit(value.result, datastream.unit)),
    ),
    form,
    output,
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const entered = parseEnteredValue(input.value, value.result);
    if (entered === undefined) {
      output.replaceChildren(el('p', { className: 'error-text' }, t('proof.unreadableValue')));
      input.focus();
      return;
    }
    runCheck(datastream, value, entered, output);
  });
  closeButton.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    dialog.remove();
    trigger?.focus();
  });

  document.body.append(dialog);
  dialog.showModal();
  runCheck(datastream, value, value.result, output);

  return dialog;
}
