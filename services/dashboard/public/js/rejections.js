// Rejections page for operators: lists the tenant's rejected messages with a tenant-admin token.
// The token is kept in sessionStorage, so it lasts for this tab only.
import { ApiError, config, currentTenant, getJson, tenantPath } from './api.js';
import { formatDateTime, hasString, onLanguageChange, t } from './i18n.js';
import { el, initPage, showStatus } from './page.js';

const TOKEN_KEY = 'stadtdaten.token';

const state = { tenant: currentTenant(), result: null };

function readToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

function writeToken(token) {
  try {
    if (token) {
      sessionStorage.setItem(TOKEN_KEY, token);
    } else {
      sessionStorage.removeItem(TOKEN_KEY);
    }
  } catch {
    // When storage is blocked, the token stays in the input field only.
  }
  renderTokenState();
}

function currentToken() {
  return readToken() || document.getElementById('token').value.trim();
}

function renderTokenState() {
  document.getElementById('token-state').textContent = readToken() ? t('rejections.tokenStored') : t('rejections.tokenNone');
}

function reasonLabel(code) {
  return hasString(`reason.${code}`) ? t(`reason.${code}`) : code;
}

function renderReasonOptions() {
  const select = document.getElementById('reason');
  const selected = select.value;
  const options = [el('option', { value: '' }, t('rejections.reasonAll'))];
  for (const code of config.rejectionCodes) {
    options.push(el('option', { value: code }, `${reasonLabel(code)} (${code})`));
  }
  select.replaceChildren(...options);
  select.value = selected;
}

/** Decodes the base64 payload for display; bytes that are not UTF-8 show as replacement characters. */
function payloadText(payloadBase64) {
  const binary = atob(payloadBase64);
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));

  return { text: new TextDecoder('utf-8', { fatal: false }).decode(bytes), bytes: bytes.length };
}

function payloadCell(item) {
  if (!item.payloadBase64) {
    return el('td', {}, '');
  }
  try {
    const payload = payloadText(item.payloadBase64);
    return el(
      'td',
      {},
      el('details', {}, el('summary', {}, t('rejections.showPayload', { bytes: payload.bytes })), el('pre', {}, payload.text)),
    );
  } catch {
    return el('td', {}, item.payloadBase64);
  }
}

function rejectionRow(item) {
  const field = item.field ? `${item.field}${item.entryIndex >= 0 ? ` [${item.entryIndex}]` : ''}` : '';

  return el(
    'tr',
    {},
    el('td', {}, formatDateTime(item.rejectedAt)),
    el('td', {}, reasonLabel(item.reasonCode), el('br'), el('code', {}, item.reasonCode)),
    el('td', {}, item.detail ?? ''),
    el('td', {}, item.deviceId ? el('code', {}, item.deviceId) : ''),
    el('td', {}, field),
    payloadCell(item),
  );
}

function renderResult() {
  const body = document.querySelector('#rejections-table tbody');
  if (!state.result) {
    body.replaceChildren();
    return;
  }
  const { total, items } = state.result;
  body.replaceChildren(...items.map(rejectionRow));
  showStatus(items.length === 0 ? t('rejections.none') : t('rejections.total', { shown: items.length, total }));
}

function errorText(error) {
  if (error instanceof ApiError && error.status === 401) {
    return t('rejections.unauthorized');
  }
  if (error instanceof ApiError && error.status === 403) {
    return t('rejections.forbidden');
  }
  return t('common.loadFailed', { message: error.message });
}

async function loadRejections() {
  const token = currentToken();
  if (!token) {
    state.result = null;
    renderResult();
    showStatus(t('rejections.tokenMissing'), 'error');
    document.getElementById('token').focus();
    return;
  }
  const query = new URLSearchParams({ limit: document.getElementById('limit').value });
  const reason = document.getElementById('reason').value;
  const device = document.getElementById('device').value.trim();
  if (reason) {
    query.set('reason', reason);
  }
  if (device) {
    query.set('device', device);
  }

  showStatus(t('common.loading'));
  try {
    state.result = await getJson(tenantPath(state.tenant, `/rejections?${query}`), { token });
    renderResult();
  } catch (error) {
    state.result = null;
    renderResult();
    showStatus(errorText(error), 'error');
  }
}

function main() {
  initPage();
  document.getElementById('tenant-note').textContent = t('common.tenant', { tenant: state.tenant });
  renderReasonOptions();
  renderTokenState();

  document.getElementById('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = document.getElementById('token');
    writeToken(input.value.trim());
    if (readToken()) {
      input.value = '';
    }
    loadRejections();
  });
  document.getElementById('token-forget').addEventListener('click', () => {
    writeToken('');
    document.getElementById('token').value = '';
    state.result = null;
    renderResult();
    showStatus(t('rejections.tokenNone'));
  });
  document.getElementById('filter-form').addEventListener('submit', (event) => {
    event.preventDefault();
    loadRejections();
  });

  onLanguageChange(() => {
    document.getElementById('tenant-note').textContent = t('common.tenant', { tenant: state.tenant });
    renderReasonOptions();
    renderTokenState();
    renderResult();
  });

  if (readToken()) {
    loadRejections();
  }
}

main();
