import { resolve } from 'node:path';

type Listener = () => void;

const listenersByPath = new Map<string, Set<Listener>>();

/**
 * Registers a listener that runs after every append committed in this process to the log
 * file at `path`, by any instance. Returns the function that removes the listener.
 * Appends of other processes are not reported, so subscriptions poll for those.
 */
export function onLocalAppend(path: string, listener: Listener): () => void {
  const key = resolve(path);
  const listeners = listenersByPath.get(key) ?? new Set<Listener>();
  listeners.add(listener);
  listenersByPath.set(key, listeners);

  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && listenersByPath.get(key) === listeners) listenersByPath.delete(key);
  };
}

export function notifyLocalAppend(path: string): void {
  for (const listener of listenersByPath.get(resolve(path)) ?? []) {
    listener();
  }
}
