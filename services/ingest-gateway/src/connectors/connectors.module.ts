import { Module } from '@nestjs/common';
import { ConnectorSettings } from './connector-settings';
import { ConnectorsController } from './connectors.controller';
import { ConnectorsService } from './connectors.service';
import { IngestConnectorSink } from './ingest-connector.sink';
import { RegistryDeviceDirectory } from './registry-device.directory';

/** Scheduled pulls and file imports into the raw topics; needs RuntimeModule and IngestModule. */
@Module({})
export class ConnectorsModule {
  static register(settings: ConnectorSettings) {
    return {
      module: ConnectorsModule,
      controllers: [ConnectorsController],
      providers: [
        { provide: ConnectorSettings, useValue: settings },
        IngestConnectorSink,
        RegistryDeviceDirectory,
        ConnectorsService,
      ],
      exports: [ConnectorsService],
    };
  }
}
