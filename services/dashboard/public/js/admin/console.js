// Admin console: login, the menu of screens the token's roles allow, and the screen named in
// the address (#/things, #/rejections, …). Each screen lives in js/admin/screens/.
import { config, currentTenant, getJson } from '../api.js';
import { onLanguageChange, t } from '../i18n.js';
import { el, initPage, showStatus } from '../page.js';
import '../strings/admin.js';
import { visibleScreens } from './permissions.js';
import { acceptPastedToken, completeOidcLogin, currentSession, logout, startOidcLogin } from './session.js';

const SCREEN_MODULES = {
  tenants: () => import('./screens/tenants.js'),
  things: () => import('./screens/things.js'),
  devices: () => import('./screens/devices.js'),
  datastreams: () => import('./screens/datastreams.js'),
  rejections: () => import('./screens/rejections.js'),
  quality: () => import('./screens/quality.js'),
  keys: () => import('./screens/keys.js'),
  audit: () => import('./screens/audit.js'),
  health: () => import('./screens/health.js'),
  connectors: () => import('./screens/connectors.js'),
};

const state = { session: null, tenant: currentTenant(), tenants: [], rendering: 0 };

function screenIdFromHash() {
  const id = location.hash.replace(/^#\/?/, '').split('?')[0];
  const allowed = visibleScreens(state.session.claims, state.tenant).map((screen) => screen.id);
  return allowed.includes(id) ? id : allowed[0];
}

function renderLogin(message) {
  document.getElementById('console').hidden = true;
  const login = document.getElementById('login');
  login.hidden = false;
  const status = el('p', { id: 'login-status', role: 'status', 'aria-live': 'polite', className: message ? 'error-text' : '' }, message ?? '');
  if (config.login.mode === 'oidc') {
    const button = el('button', { type: 'button', id: 'oidc-login' }, t('admin.loginOidc'));
    button.addEventListener('click', () => startOidcLogin().catch((error) => showStatus(t('admin.loginFailed', { message: error.message }), 'error', status)));
    login.replaceChildren(el('h2', {}, t('admin.loginHeading')), el('p', {}, t('admin.loginOidcIntro')), button, status);
    return;
  }
  const input = el('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'token-hint' });
  const form = el(
    'form',
    { id: 'token-form', className: 'form-row' },
    el('div', { className: 'field field--wide' }, el('label', { for: 'token' }, t('admin.tokenLabel')), input, el('p', { id: 'token-hint', className: 'note' }, t('admin.tokenHint'))),
    el('div', { className: 'buttons' }, el('button', { type: 'submit' }, t('admin.tokenSubmit'))),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const problem = acceptPastedToken(input.value);
    if (problem) {
      showStatus(t(`admin.token.${problem}`), 'error', status);
      input.focus();
      return;
    }
    input.value = '';
    start();
  });
  login.replaceChildren(el('h2', {}, t('admin.loginHeading')), el('p', {}, t('admin.tokenIntro')), el('pre', { className: 'command' }, 'node services/platform/dist/main.js token --tenant darmstadt --role tenant-admin'), form, status);
}

function renderIdentity() {
  const { claims } = state.session;
  const identity = document.getElementById('identity');
  const logoutButton = el('button', { type: 'button', id: 'logout', className: 'secondary' }, t('admin.logout'));
  logoutButton.addEventListener('click', async () => {
    await logout();
    state.session = null;
    renderLogin(t('admin.loggedOut'));
  });
  const parts = [t('admin.signedInAs', { subject: claims.subject, tenant: claims.tenant || '–', roles: claims.roles.join(', ') || '–' }), ' ', logoutButton];
  if (claims.roles.includes('platform-admin') && state.tenants.length > 0) {
    const select = el('select', { id: 'tenant-select' }, state.tenants.map((tenant) => el('option', { value: tenant.id, selected: tenant.id === state.tenant }, `${tenant.name} (${tenant.id})`)));
    select.addEventListener('change', () => {
      state.tenant = select.value;
      const query = new URLSearchParams(location.search);
      query.set('tenant', state.tenant);
      history.replaceState(null, '', `?${query}${location.hash}`);
      renderMenu();
      renderScreen(false);
    });
    parts.push(' ', el('label', { for: 'tenant-select' }, t('admin.tenantSelect')), ' ', select);
  } else {
    parts.push(' ', t('admin.tenantFixed', { tenant: state.tenant }));
  }
  identity.replaceChildren(...parts);
}

function renderMenu() {
  const current = screenIdFromHash();
  const items = visibleScreens(state.session.claims, state.tenant).map((screen) =>
    el('li', {}, el('a', { href: `#/${screen.id}`, 'aria-current': screen.id === current ? 'page' : false }, t(`admin.screen.${screen.id}`))),
  );
  document.getElementById('admin-menu').replaceChildren(...items);
}

/** Renders the screen of the address; `moveFocus` puts focus on its heading, as after following a menu link. */
async function renderScreen(moveFocus) {
  const rendering = ++state.rendering;
  const id = screenIdFromHash();
  const container = document.getElementById('screen');
  const module = await SCREEN_MODULES[id]();
  if (rendering !== state.rendering) {
    return;
  }
  const heading = el('h2', { id: 'screen-heading', tabindex: '-1' }, t(`admin.screen.${id}`));
  const body = el('div', { className: 'screen-body' });
  container.replaceChildren(heading, body);
  document.title = `${t(`admin.screen.${id}`)} – ${t('admin.title')}`;
  if (moveFocus) {
    heading.focus();
  }
  await module.render(body, { session: state.session, tenant: state.tenant, tenants: state.tenants });
}

async function start() {
  state.session = currentSession();
  if (!state.session) {
    renderLogin();
    return;
  }
  if (!state.session.claims.roles.includes('platform-admin')) {
    state.tenant = state.session.claims.tenant || state.tenant;
  }
  state.tenants = await getJson('/api/v1/tenants').catch(() => []);
  document.getElementById('login').hidden = true;
  document.getElementById('console').hidden = false;
  renderIdentity();
  renderMenu();
  await renderScreen(false);
}

async function main() {
  initPage();
  document.getElementById('login-mode').textContent = t(config.login.mode === 'oidc' ? 'admin.modeOidc' : 'admin.modeToken');
  const completed = await completeOidcLogin().catch((error) => ({ ok: false, message: error.message }));
  if (completed && !completed.ok) {
    renderLogin(t('admin.loginFailed', { message: completed.message }));
    return;
  }
  if (completed?.ok && completed.returnHash) {
    history.replaceState(null, '', `${location.pathname}${location.search}${completed.returnHash}`);
  }
  window.addEventListener('hashchange', () => {
    if (state.session) {
      renderMenu();
      renderScreen(true);
    }
  });
  onLanguageChange(() => {
    document.getElementById('login-mode').textContent = t(config.login.mode === 'oidc' ? 'admin.modeOidc' : 'admin.modeToken');
    if (state.session) {
      renderIdentity();
      renderMenu();
      renderScreen(false);
    } else {
      renderLogin();
    }
  });
  await start();
}

main().catch((error) => showStatus(t('common.loadFailed', { message: error.message }), 'error'));
