import { type DynamicModule, Module } from '@nestjs/common';
import { AnalyticsLifecycle } from './analytics.lifecycle';
import { AnalyticsSettings } from './analytics-settings';
import { AnalyticsConsumer } from './consumer/analytics.consumer';
import { DerivedRegistrar } from './derived/derived-registrar.service';
import { DerivedWriter } from './derived/derived-writer.service';
import { SourceDirectory } from './derived/source-directory.service';
import { BikeCountJob } from './indicators/bike-count.job';
import { AirQualityIndexJob } from './indicators/air-quality-index.job';
import { FillForecastJob } from './indicators/fill-forecast.job';
import { ParkingOccupancyJob } from './indicators/parking-occupancy.job';
import { ParkingForecastJob } from './forecast/parking-forecast.job';
import { JOB_RUNNERS, type JobRunner } from './jobs/job-runner';
import { JobScheduler } from './jobs/job-scheduler.service';
import { JobTracker } from './jobs/job-tracker.service';
import { JobsController } from './jobs/jobs.controller';
import { PublicQualityController } from './quality/public-quality.controller';
import { PublicQualityService } from './quality/public-quality.service';
import { QualityController } from './quality/quality.controller';
import { QualityService } from './quality/quality.service';
import { StatusPublisher } from './quality/status-publisher.service';
import { RollupService } from './rollups/rollup.service';

const RUNNERS = [QualityService, ParkingForecastJob, ParkingOccupancyJob, AirQualityIndexJob, FillForecastJob, BikeCountJob];

/**
 * Rollups, forecasts, indicators and data-quality checks over every tenant's observations, with
 * GET /api/v1/jobs, GET /api/v1/quality and GET /api/v1/quality/public/{tenant}. Needs
 * RuntimeModule (and HttpEdgeModule for the routes); uses the process's MqttIngress where one
 * is provided.
 */
@Module({})
export class AnalyticsModule {
  static register(settings: AnalyticsSettings): DynamicModule {
    return {
      module: AnalyticsModule,
      controllers: [JobsController, QualityController, PublicQualityController],
      providers: [
        { provide: AnalyticsSettings, useValue: settings },
        SourceDirectory,
        DerivedRegistrar,
        DerivedWriter,
        JobTracker,
        RollupService,
        StatusPublisher,
        PublicQualityService,
        ...RUNNERS,
        { provide: JOB_RUNNERS, useFactory: (...runners: JobRunner[]) => runners, inject: RUNNERS },
        JobScheduler,
        AnalyticsConsumer,
        AnalyticsLifecycle,
      ],
      exports: [JobTracker, JobScheduler, RollupService, QualityService, AnalyticsConsumer],
    };
  }
}
