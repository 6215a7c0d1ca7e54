import { Module } from '@nestjs/common';
import { ObservationExportService } from './observation-export.service';

/** Range exports (GeoJSON, JSON lines, Parquet) of the observations endpoint; needs RuntimeModule. */
@Module({
  providers: [ObservationExportService],
  exports: [ObservationExportService],
})
export class ObservationExportModule {}
