import { AppError, ErrorCode } from '@stadtdaten/contracts';
import type { IConnackPacket, MqttClient } from 'mqtt';
import type { Logger } from 'pino';

/** Identity of one broker connection, for messages and log fields. */
export interface BrokerConnectionInfo {
  url: string;
  clientId: string;
  logger: Logger;
}

/** Reconnect attempts are logged at the first and then every 30th, since mqtt.js retries every second. */
const RECONNECT_LOG_INTERVAL = 30;

/**
 * Waits for the first CONNACK. On an error or after `timeoutMs` it ends the client, so mqtt.js
 * stops retrying, and rejects with a retriable UNAVAILABLE naming the broker.
 */
export function waitForFirstConnack(
  client: MqttClient,
  info: BrokerConnectionInfo,
  timeoutMs: number,
): Promise<IConnackPacket> {
  return new Promise<IConnackPacket>((resolve, reject) => {
    const fail = (cause: Error) => {
      clearTimeout(timer);
      client.removeListener('connect', succeed);
      client.end(true);
      reject(
        new AppError(
          ErrorCode.UNAVAILABLE,
          `mqtt broker ${info.url} refused or did not answer the connection: ${cause.message}; check the URL, the CA, the client certificate and the broker's ACL`,
          { cause, retriable: true },
        ),
      );
    };
    const succeed = (connack: IConnackPacket) => {
      clearTimeout(timer);
      client.removeListener('error', fail);
      resolve(connack);
    };
    const timer = setTimeout(() => fail(new Error(`no CONNACK within ${timeoutMs} ms`)), timeoutMs);
    client.once('error', fail);
    client.once('connect', succeed);
  });
}

/**
 * Subscribes at QoS 1 and throws unless the broker granted QoS 1 for every filter: with QoS 0 the
 * broker would not wait for the acknowledgement, and messages could be lost.
 */
export async function subscribeAtQos1(
  client: MqttClient,
  topics: string[],
  info: BrokerConnectionInfo,
): Promise<void> {
  const granted = await client.subscribeAsync(topics, { qos: 1 }).catch((error: Error) => {
    throw new AppError(
      ErrorCode.UNAVAILABLE,
      `mqtt subscription to ${topics.join(', ')} failed: ${error.message}; check the broker's ACL for client "${info.clientId}"`,
      { cause: error },
    );
  });
  const downgraded = granted.filter((grant) => grant.qos !== 1);
  if (downgraded.length > 0) {
    const grants = downgraded.map((grant) => `${grant.qos} for "${grant.topic}"`).join(', ');
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `mqtt broker granted QoS ${grants}: the gateway needs QoS 1 to acknowledge only stored messages; allow QoS 1 for client "${info.clientId}"`,
    );
  }
}

/**
 * Logs connection loss, reconnect attempts, reconnections and client errors while `isActive()`
 * returns true. The 'error' listener stays registered in every state, because an 'error' event
 * without a listener would throw.
 */
export function logConnectionEvents(
  client: MqttClient,
  info: BrokerConnectionInfo,
  isActive: () => boolean,
): void {
  let reconnectAttempts = 0;

  client.on('offline', () => {
    if (isActive()) {
      info.logger.warn({ url: info.url }, 'mqtt connection lost');
    }
  });
  client.on('reconnect', () => {
    reconnectAttempts += 1;
    if (isActive() && (reconnectAttempts === 1 || reconnectAttempts % RECONNECT_LOG_INTERVAL === 0)) {
      info.logger.warn({ url: info.url, attempt: reconnectAttempts }, 'mqtt reconnecting');
    }
  });
  client.on('connect', (connack: IConnackPacket) => {
    if (!isActive()) {
      return;
    }
    reconnectAttempts = 0;
    if (!connack.sessionPresent) {
      // mqtt.js subscribes again by itself, but whatever the broker held for the old session is gone.
      info.logger.warn(
        { clientId: info.clientId },
        'mqtt session not resumed; messages queued at the broker are lost',
      );
    }
    info.logger.info({ sessionPresent: connack.sessionPresent }, 'mqtt reconnected');
  });
  client.on('error', (error) => {
    if (isActive()) {
      info.logger.warn({ err: error, url: info.url }, 'mqtt client error');
    }
  });
}
