import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { OptionalAuth } from '@stadtdaten/auth';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import type { Request, Response } from 'express';
import { DcatCatalogService } from './dcat-catalog.service';

type CatalogFormat = 'jsonld' | 'ttl';

const FORMAT_PARAMETER: Record<string, CatalogFormat> = { jsonld: 'jsonld', 'json-ld': 'jsonld', ttl: 'ttl', turtle: 'ttl' };

/** The DCAT-AP.de catalog of every public datastream; public, no token needed. */
@Controller('api/v1')
@OptionalAuth()
export class DcatCatalogController {
  constructor(private readonly catalog: DcatCatalogService) {}

  /** JSON-LD by default; Turtle for `Accept: text/turtle` or `?format=ttl`. */
  @Get('catalog')
  async get(@Req() request: Request, @Res() response: Response, @Query('format') format?: string): Promise<void> {
    const chosen = format === undefined ? negotiate(request.get('accept')) : FORMAT_PARAMETER[format];
    if (chosen === undefined) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, `parameter "format" = "${format}" is not supported: use jsonld or ttl`);
    }
    const requestBaseUrl = `${request.protocol}://${request.get('host')}`;
    response.setHeader('Vary', 'Accept');
    response.setHeader('Cache-Control', 'public, max-age=60');
    if (chosen === 'ttl') {
      response.type('text/turtle; charset=utf-8').send(await this.catalog.turtle(requestBaseUrl));

      return;
    }
    response.type('application/ld+json; charset=utf-8').send(JSON.stringify(await this.catalog.jsonLd(requestBaseUrl)));
  }
}

/** Picks Turtle when the Accept header prefers text/turtle over JSON-LD and JSON; JSON-LD otherwise. */
function negotiate(accept: string | undefined): CatalogFormat {
  const ranked = (accept ?? '')
    .split(',')
    .map((part, index) => {
      const [media, ...parameters] = part.trim().toLowerCase().split(';');
      const q = parameters.map((parameter) => /^\s*q=([0-9.]+)\s*$/.exec(parameter)?.[1]).find((value) => value !== undefined);

      return { media: media.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const first = ranked.find((entry) => ['text/turtle', 'application/ld+json', 'application/json'].includes(entry.media));

  return first?.media === 'text/turtle' ? 'ttl' : 'jsonld';
}
