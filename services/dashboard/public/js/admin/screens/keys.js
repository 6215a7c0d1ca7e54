// Signing keys: the published JWKS, and for platform administrators the rotation through
// POST /api/v1/signing-keys/rotations. Older keys stay published, so older proofs still verify.
import { getJson, requestJson } from '../../api.js';
import { t } from '../../i18n.js';
import { el } from '../../page.js';
import { can } from '../permissions.js';
import { dataTable, resultRegion, runAction } from '../ui.js';

export async function render(container, { session, tenant }) {
  const list = el('div');
  const region = resultRegion('keys-result');
  let activeKeyId = null;
  const refresh = async () => {
    // The JWKS is served with max-age=300; after a rotation the cached copy would lack the new key.
    const jwks = await getJson('/api/v1/jwks.json', { cache: 'no-cache' });
    const rows = jwks.keys.map((key) => [el('code', {}, key.kid), key.alg ?? '', `${key.kty} ${key.crv ?? ''}`, key.kid === activeKeyId ? t('admin.keys.activeNow') : '']);
    list.replaceChildren(dataTable('keys-table', t('admin.keys.caption', { count: jwks.keys.length }), [t('admin.keys.kid'), t('admin.keys.alg'), t('admin.keys.type'), t('admin.keys.state')], rows));
  };
  container.replaceChildren(el('p', {}, t('admin.keys.intro')), el('p', {}, el('a', { href: '/api/v1/jwks.json' }, t('admin.keys.jwksLink'))), list, region);
  await refresh();

  if (!can(session.claims, 'keys.rotate', tenant)) {
    container.append(el('p', { className: 'note' }, t('admin.keys.rotateNeedsRole')));
    return;
  }
  const confirm = el('button', { type: 'button', id: 'rotate-confirm', hidden: true }, t('admin.keys.rotateConfirm'));
  const rotate = el('button', { type: 'button', id: 'rotate-key', className: 'secondary' }, t('admin.keys.rotate'));
  rotate.addEventListener('click', () => {
    confirm.hidden = false;
    confirm.focus();
  });
  confirm.addEventListener('click', async () => {
    confirm.hidden = true;
    const result = await runAction(region, () => requestJson('POST', '/api/v1/signing-keys/rotations', { token: session.token }), (answer) => t('admin.keys.rotated', { kid: answer.activeKeyId }));
    if (result) {
      activeKeyId = result.activeKeyId;
      await refresh();
    }
    rotate.focus();
  });
  container.append(el('h3', {}, t('admin.keys.rotateHeading')), el('p', {}, t('admin.keys.rotateIntro')), el('div', { className: 'buttons' }, rotate, confirm));
}
