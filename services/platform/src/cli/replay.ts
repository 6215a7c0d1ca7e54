import { SingleBar } from 'cli-progress';
import { connectAsync } from 'mqtt';
import type { PlannedMessage } from './replay-plan';

export interface ReplayOptions {
  mqttUrl: string;
  token: string;
  /** Messages per second; undefined sends as fast as acknowledgements return. */
  rate?: number;
  /** Publishes not yet acknowledged at a time. */
  window?: number;
  progress?: boolean;
}

export interface ReplaySummary {
  sent: number;
  acknowledged: number;
  failed: number;
  failures: { line: number; reason: string }[];
}

/** Publishes messages at QoS 1 and counts the broker's acknowledgements. */
export async function replayMessages(messages: PlannedMessage[], options: ReplayOptions): Promise<ReplaySummary> {
  const client = await connectAsync(options.mqttUrl, {
    username: 'replay',
    password: options.token,
    clientId: `stadtdaten-replay-${process.pid}-${Date.now()}`,
    reconnectPeriod: 0,
  }).catch((error: Error & { code?: string }) => {
    if (error.code === 'ECONNREFUSED') {
      throw new Error(`no MQTT broker responded at ${options.mqttUrl}; start the platform or pass its address with --mqtt-url`);
    }
    throw error;
  });
  const summary: ReplaySummary = { sent: 0, acknowledged: 0, failed: 0, failures: [] };
  const bar = options.progress ? new SingleBar({ format: '{bar} {value}/{total} ({percentage}%)' }) : undefined;
  bar?.start(messages.length, 0);
  const window = options.window ?? 200;
  const intervalMs = options.rate ? 1000 / options.rate : 0;
  const startedAt = Date.now();
  const inFlight = new Set<Promise<void>>();

  try {
    for (const [index, message] of messages.entries()) {
      if (intervalMs > 0) {
        const due = startedAt + index * intervalMs;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      }
      while (inFlight.size >= window) {
        await Promise.race(inFlight);
      }
      summary.sent++;
      const publish = client
        .publishAsync(message.topic, message.payload, { qos: 1 })
        .then(
          () => void summary.acknowledged++,
          (error: Error) => {
            summary.failed++;
            summary.failures.push({ line: message.line, reason: error.message });
          },
        )
        .finally(() => {
          inFlight.delete(publish);
          bar?.increment();
        });
      inFlight.add(publish);
    }
    await Promise.all(inFlight);
  } finally {
    bar?.stop();
    await client.endAsync();
  }

  return summary;
}
