import type { MqttClient } from 'mqtt';
import {
  type DeviceCertificate,
  connectDevice,
  issueDeviceCertificate,
  removeDeviceCertificate,
} from './production-clients';

export interface OutgoingMessage {
  topic: string;
  payload: Buffer | string;
}

export interface PublishSummary {
  sent: number;
  /** PUBACKs with a success reason code. */
  acknowledged: number;
  failures: { topic: string; reason: string; code?: number }[];
}

/** Time the pacer waits for the gateway to handle one more message before it gives up. */
const STALL_TIMEOUT_MS = 60_000;

/**
 * Keeps the messages that the broker queues for the gateway below `maxBacklog`. Each gateway
 * connection handles one message at a time, and Mosquitto drops QoS 1 messages beyond a session's
 * `max_queued_messages` (1,000 by default in Mosquitto 2.0, higher in the dev services). Publishing
 * faster than the gateway reads could then lose messages although every publish was acknowledged.
 */
export class GatewayPacer {
  private published = 0;

  private constructor(
    private readonly handled: () => Promise<number>,
    private readonly baseline: number,
    private readonly maxBacklog: number,
  ) {}

  /** `handled` returns the gateway's count of MQTT messages it wrote to the event log. */
  static async create(handled: () => Promise<number>, maxBacklog = 300): Promise<GatewayPacer> {
    return new GatewayPacer(handled, await handled(), maxBacklog);
  }

  async admit(): Promise<void> {
    this.published++;
    let lastHandled = -1;
    let lastProgressAt = Date.now();
    for (;;) {
      const handled = (await this.handled()) - this.baseline;
      if (this.published - handled <= this.maxBacklog) {
        return;
      }
      if (handled !== lastHandled) {
        lastHandled = handled;
        lastProgressAt = Date.now();
      } else if (Date.now() - lastProgressAt > STALL_TIMEOUT_MS) {
        throw new Error(
          `the gateway handled no message for ${STALL_TIMEOUT_MS} ms (${handled} of ${this.published} handled)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Publishes at QoS 1 with at most `window` unacknowledged messages, optionally paced and rate-limited. */
export async function publishAll(
  client: MqttClient,
  messages: OutgoingMessage[],
  options: { window?: number; pacer?: GatewayPacer; ratePerSecond?: number } = {},
): Promise<PublishSummary> {
  const summary: PublishSummary = { sent: 0, acknowledged: 0, failures: [] };
  const window = options.window ?? 50;
  const intervalMs = options.ratePerSecond ? 1000 / options.ratePerSecond : 0;
  const startedAt = Date.now();
  const inFlight = new Set<Promise<void>>();

  for (const [index, message] of messages.entries()) {
    if (intervalMs > 0) {
      const due = startedAt + index * intervalMs;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    }
    await options.pacer?.admit();
    while (inFlight.size >= window) {
      await Promise.race(inFlight);
    }
    summary.sent++;
    const publish = client
      .publishAsync(message.topic, message.payload, { qos: 1 })
      .then(
        () => void summary.acknowledged++,
        (error: Error & { code?: number }) => {
          summary.failures.push({ topic: message.topic, reason: error.message, code: error.code });
        },
      )
      .finally(() => inFlight.delete(publish));
    inFlight.add(publish);
  }
  await Promise.all(inFlight);

  return summary;
}

/** One MQTT connection per device, each with the device's client certificate (CN `<tenant>/<device>`). */
export class DeviceFleet {
  private readonly clients = new Map<string, Promise<MqttClient>>();
  private readonly certificates = new Map<string, DeviceCertificate>();

  constructor(private readonly runId: string) {}

  /** Returns the device's connection, issuing its certificate and connecting on first use. */
  client(tenant: string, deviceId: string): Promise<MqttClient> {
    const key = `${tenant}/${deviceId}`;
    let client = this.clients.get(key);
    if (client === undefined) {
      const certificate = issueDeviceCertificate(tenant, deviceId);
      this.certificates.set(key, certificate);
      client = connectDevice(certificate, `e2e-${this.runId}-${this.clients.size}`);
      this.clients.set(key, client);
    }

    return client;
  }

  /** Disconnects every device and deletes the certificates this fleet issued. */
  async close(): Promise<void> {
    const clients = await Promise.allSettled(this.clients.values());
    await Promise.allSettled(
      clients.map((result) =>
        result.status === 'fulfilled' ? result.value.endAsync(true) : Promise.resolve(),
      ),
    );
    this.clients.clear();
    this.certificates.forEach((certificate) => removeDeviceCertificate(certificate));
    this.certificates.clear();
  }
}
