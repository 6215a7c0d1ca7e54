import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { RateLimitMiddleware } from './rate-limit.middleware';
import { RequestShapeMiddleware } from './request-shape.middleware';

/**
 * Limits of every route of the HTTP edge: requests per client (RateLimitMiddleware), then the
 * shape of query and JSON body (RequestShapeMiddleware). Body size limits are set where the
 * body parsers are installed, in createHttpApp.
 */
@Module({})
export class RequestLimitsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(RateLimitMiddleware, RequestShapeMiddleware)
      .forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
