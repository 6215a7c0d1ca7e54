import { Controller, Get, Header, Res } from '@nestjs/common';
import { OptionalAuth } from '@stadtdaten/auth';
import { Health, Metrics } from '@stadtdaten/observability';
import type { Response } from 'express';

/** Liveness, readiness and Prometheus metrics of the process. */
@Controller()
@OptionalAuth()
export class HealthController {
  constructor(
    private readonly health: Health,
    private readonly metrics: Metrics,
  ) {}

  @Get('health/live')
  live() {
    return { status: 'up' };
  }

  @Get('health/ready')
  async ready(@Res() response: Response) {
    const readiness = await this.health.readiness();
    response.status(readiness.ready ? 200 : 503).json(readiness);
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async metricsText(): Promise<string> {
    return this.metrics.text();
  }
}
