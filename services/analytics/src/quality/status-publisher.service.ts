import { Injectable, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '@stadtdaten/contracts';
import { MqttIngress } from '@stadtdaten/mqtt';
import { type Logger, Metrics, ProcessLogger } from '@stadtdaten/observability';
import { Counter } from 'prom-client';
import { AnalyticsSettings } from '../analytics-settings';
import { MqttStatusPublisher } from './mqtt-status.publisher';
import type { QualityProblem, QualityStatus } from './quality-rules';
import { WebhookSender } from './webhook.sender';

/** The message of a device's quality status change, on MQTT and to webhooks. */
export interface QualityStatusEvent {
  tenant: string;
  deviceId: string;
  status: QualityStatus;
  previousStatus: QualityStatus;
  changedAt: string;
  problems: QualityProblem[];
}

export const QUALITY_EVENT_TYPE = 'quality.status_changed';

/** MQTT topic of a device's quality status. */
export function qualityTopic(tenant: string, deviceId: string): string {
  return `stadtdaten/${tenant}/quality/${deviceId}`;
}

/** Sends quality status changes to MQTT and to the configured webhooks. */
@Injectable()
export class StatusPublisher implements OnApplicationShutdown {
  readonly mqtt: MqttStatusPublisher;
  readonly webhooks: WebhookSender[];
  private readonly log: Logger;

  constructor(
    settings: AnalyticsSettings,
    clock: Clock,
    metrics: Metrics,
    logger: ProcessLogger,
    @Optional() edge?: MqttIngress,
  ) {
    this.log = logger.child({ component: 'analytics-notifications' });
    const { mqtt: mqttSettings, webhooks } = settings.definition;
    this.mqtt = new MqttStatusPublisher(mqttSettings.publish ? edge : undefined, mqttSettings.publish ? settings.mqttClient : undefined, mqttSettings.qos, mqttSettings.retain, this.log);
    const outcomes = new Counter({
      name: 'stadtdaten_analytics_webhook_deliveries_total',
      help: 'Webhook deliveries of the analytics service, by webhook and outcome (delivered, rejected, failed, dropped)',
      labelNames: ['webhook', 'outcome'] as const,
      registers: [metrics.registry],
    });
    this.webhooks = webhooks.map((target) => new WebhookSender(target, clock, this.log, outcomes));
  }

  start(): void {
    this.mqtt.start();
  }

  /** Publishes the event on MQTT (when `mqtt`) and queues it for the webhooks (when `webhooks`). */
  async publish(event: QualityStatusEvent, channels: { mqtt: boolean; webhooks: boolean }): Promise<void> {
    if (channels.webhooks) {
      for (const webhook of this.webhooks) {
        webhook.enqueue({ tenant: event.tenant, type: QUALITY_EVENT_TYPE, payload: { type: QUALITY_EVENT_TYPE, ...event } });
      }
    }
    if (channels.mqtt) {
      try {
        await this.mqtt.publish(qualityTopic(event.tenant, event.deviceId), JSON.stringify(event));
      } catch (error) {
        this.log.warn({ err: error, tenant: event.tenant, deviceId: event.deviceId }, 'quality status not published on mqtt');
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.mqtt.close(), ...this.webhooks.map((webhook) => webhook.close())]);
  }
}
