import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type InboundMqttMessage, MqttIngress, parseIngestTopic } from '@stadtdaten/mqtt';
import { IngestService } from './ingest.service';

/** Feeds every PUBLISH on an ingest topic into the ingest service; the broker acknowledges after it. */
@Injectable()
export class MqttIngestConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly mqtt: MqttIngress,
    private readonly ingest: IngestService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.mqtt.start((message) => this.handle(message));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.mqtt.close();
  }

  async handle(message: InboundMqttMessage): Promise<void> {
    const target = parseIngestTopic(message.topic);
    if (target === undefined) {
      throw new Error(`topic "${message.topic}" is not an ingest topic`);
    }

    await this.ingest.accept({
      tenant: message.tenant,
      deviceId: target.deviceId,
      sourceProtocol: 'mqtt',
      topic: message.topic,
      clientId: message.clientId,
      certificateSubject: message.certificateSubject,
      format: target.format,
      payload: message.payload,
    });
  }
}
