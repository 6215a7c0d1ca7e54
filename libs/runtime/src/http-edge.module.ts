import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AuthGuard } from '@stadtdaten/auth';
import { HealthController } from './health.controller';
import { ProblemFilter } from './problem.filter';
import { RequestLimitsModule } from './request-limits.module';

/** Parts every HTTP-facing service shares: the auth guard, problem+json errors, health and metrics. */
@Module({
  imports: [RequestLimitsModule],
  controllers: [HealthController],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: ProblemFilter },
  ],
})
export class HttpEdgeModule {}
