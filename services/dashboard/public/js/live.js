// Live updates of the latest values through server-sent events. The stream is closed while the
// tab is hidden and opened again when it becomes visible; the server then sends a fresh snapshot.
import { tenantPath } from './api.js';

/**
 * Opens `/api/v1/tenants/{tenant}/latest/stream` and calls `onEntries(entries, kind)` with the
 * entries of each `snapshot` and `update` event. `onState(state)` receives `connecting`, `open`,
 * `paused` (tab hidden) or `error` (the browser retries by itself). Returns a stop function.
 */
export function connectLive(tenant, { onEntries, onState = () => undefined }) {
  let source = null;
  let stopped = false;

  const open = () => {
    if (source || stopped) {
      return;
    }
    onState('connecting');
    source = new EventSource(tenantPath(tenant, '/latest/stream'));
    source.addEventListener('open', () => onState('open'));
    source.addEventListener('error', () => onState(source?.readyState === EventSource.CLOSED ? 'closed' : 'error'));
    for (const kind of ['snapshot', 'update']) {
      source.addEventListener(kind, (event) => {
        let entries;
        try {
          entries = JSON.parse(event.data);
        } catch {
          return;
        }
        onEntries(entries, kind);
      });
    }
  };
  const close = () => {
    source?.close();
    source = null;
  };
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') {
      close();
      onState('paused');
    } else {
      open();
    }
  };

  document.addEventListener('visibilitychange', onVisibility);
  if (document.visibilityState !== 'hidden') {
    open();
  } else {
    onState('paused');
  }

  return () => {
    stopped = true;
    document.removeEventListener('visibilitychange', onVisibility);
    close();
  };
}
