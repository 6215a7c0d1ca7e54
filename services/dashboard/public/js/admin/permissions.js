// Screens and actions the console offers for the roles of a token. They mirror the role checks
// of the API (the @Roles decorators and requireTenant). The API enforces them, and the console
// only hides what would be rejected. platform-admin passes every check and reaches every tenant.

const ACTION_ROLES = {
  'tenants.create': ['platform-admin'],
  'catalog.apply': ['tenant-admin'],
  'datastreams.edit': ['tenant-admin'],
  'rejections.view': ['tenant-admin'],
  'rejections.resubmit': ['tenant-admin'],
  'quality.view': ['tenant-admin', 'analyst'],
  'keys.rotate': ['platform-admin'],
  'audit.view': ['platform-admin'],
  'connectors.view': ['tenant-admin'],
  'connectors.run': ['tenant-admin'],
};

/** Screens in menu order, each with the action it needs (none: every signed-in user). */
export const SCREENS = [
  { id: 'tenants' },
  { id: 'things' },
  { id: 'devices' },
  { id: 'datastreams' },
  { id: 'rejections', needs: 'rejections.view' },
  { id: 'quality', needs: 'quality.view' },
  { id: 'keys' },
  { id: 'audit', needs: 'audit.view' },
  { id: 'health' },
  { id: 'connectors', needs: 'connectors.view' },
];

/** Tests whether the claims allow an action on the tenant: a needed role, and the token's own tenant unless platform-admin. */
export function can(claims, action, tenant = claims?.tenant) {
  if (!claims) {
    return false;
  }
  if (claims.roles.includes('platform-admin')) {
    return true;
  }
  const roles = ACTION_ROLES[action];
  if (!roles) {
    throw new Error(`console action "${action}" is unknown: add it to ACTION_ROLES`);
  }
  return roles.some((role) => claims.roles.includes(role)) && claims.tenant === tenant;
}

export function visibleScreens(claims, tenant) {
  return SCREENS.filter((screen) => !screen.needs || can(claims, screen.needs, tenant));
}
