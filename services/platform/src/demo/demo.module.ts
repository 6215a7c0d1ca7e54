import { Module } from '@nestjs/common';
import { DemoFleetService, DemoSettings } from './demo-fleet.service';

/** The Darmstadt demo catalog and its simulated fleet; needs RuntimeModule and IngestModule. */
@Module({})
export class DemoModule {
  static register(options: { enabled: boolean; intervalMs: number }) {
    return {
      module: DemoModule,
      providers: [{ provide: DemoSettings, useValue: new DemoSettings(options.enabled, options.intervalMs) }, DemoFleetService],
    };
  }
}
