import { type PlaintextChannel, type TransportConfig, plaintextConnections } from '@stadtdaten/config';
import type { Logger } from '@stadtdaten/observability';

/**
 * Logs one warning per connection to a production system without TLS. The process gets this
 * far only where STADTDATEN_ALLOW_PLAINTEXT allows them, or in a test that builds the module
 * without runService.
 */
export function warnPlaintextConnections(logger: Logger, adapters: TransportConfig): void {
  for (const channel of plaintextConnections(adapters)) {
    logger.warn(
      { setting: channel.setting, target: channel.target, fix: channel.fix },
      'connection without TLS, allowed by STADTDATEN_ALLOW_PLAINTEXT',
    );
  }
}

/**
 * Logs the listeners without TLS: one warning for all that are bound to loopback addresses,
 * and one warning for each other one, which STADTDATEN_ALLOW_PLAINTEXT allowed.
 */
export function warnPlaintextListeners(logger: Logger, channels: PlaintextChannel[]): void {
  const listeners = channels.filter((channel) => channel.kind === 'listener');
  const loopback = listeners.filter((channel) => channel.loopbackOnly);
  if (loopback.length > 0) {
    logger.warn(
      { listeners: loopback.map((channel) => channel.target) },
      'listening without TLS on loopback only; only this machine can connect',
    );
  }
  for (const channel of listeners.filter((listener) => !listener.loopbackOnly)) {
    logger.warn(
      { setting: channel.setting, target: channel.target, fix: channel.fix },
      'listening without TLS, allowed by STADTDATEN_ALLOW_PLAINTEXT',
    );
  }
}
