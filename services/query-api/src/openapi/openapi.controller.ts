import { Controller, Get, Header, Req } from '@nestjs/common';
import { OptionalAuth } from '@stadtdaten/auth';
import type { Request } from 'express';
import { openApiDocument } from './openapi.document';

/** The OpenAPI document and the interactive API reference page (Swagger UI, served locally). */
@Controller('api/v1')
@OptionalAuth()
export class OpenApiController {
  @Get('openapi.json')
  document(@Req() request: Request) {
    return openApiDocument(`${request.protocol}://${request.get('host')}/api/v1`);
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>stadtdaten API reference</title>
<link rel="stylesheet" href="/api/v1/docs/assets/swagger-ui.css"></head>
<body><main id="swagger-ui"></main>
<script src="/api/v1/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/v1/docs/init.js"></script>
</body></html>`;
  }

  @Get('docs/init.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  init(): string {
    return "window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#swagger-ui' });";
  }
}
