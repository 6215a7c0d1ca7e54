import { Injectable } from '@nestjs/common';
import type { ConnectorMessage, ConnectorRejection, ConnectorSink } from '@stadtdaten/connectors';
import { IngestService } from '../ingest/ingest.service';

/** Connector output enters the platform exactly like MQTT and HTTP payloads do. */
@Injectable()
export class IngestConnectorSink implements ConnectorSink {
  constructor(private readonly ingest: IngestService) {}

  async publish(message: ConnectorMessage): Promise<void> {
    await this.ingest.accept({ ...message, sourceProtocol: 'connector' });
  }

  reject(entry: ConnectorRejection): Promise<void> {
    return this.ingest.rejectAtSource(
      { ...entry, sourceProtocol: 'connector' },
      entry.reasonCode,
      entry.detail,
      entry.field,
    );
  }
}
