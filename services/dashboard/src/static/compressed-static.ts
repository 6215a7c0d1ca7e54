import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { acceptsGzip } from './accept-encoding';
import { CompressedFileCache } from './compressed-file-cache';

/** Text formats worth compressing; images are compressed already and pass through unchanged. */
const COMPRESSIBLE_EXTENSIONS = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.geojson',
  '.map',
  '.svg',
  '.txt',
]);

/** Files smaller than this gain nothing, because the encoding's own framing eats the saving. */
const MIN_COMPRESSIBLE_BYTES = 256;

export interface CompressedStaticOptions {
  /** Value of the Cache-Control header, e.g. `public, max-age=0` (revalidate with the ETag each time). */
  cacheControl: string;
  /** File that a path ending in `/` names, e.g. `index.html`. */
  index?: string;
}

/** The request handler of `compressedStatic`, with a way to make the gzip copies ahead of the first request. */
export interface CompressedStaticHandler extends RequestHandler {
  /**
   * Makes the gzip copy of every compressible file under the root, one file at a time, so that
   * the first visitor after a start waits for no compression. Returns the number of files it
   * compressed; a file it cannot read is left to the first request, which tries again.
   */
  warm(): Promise<number>;
}

/**
 * Serves the text files of `root` gzip-compressed to clients that accept it, with
 * `Vary: Accept-Encoding`, a strong ETag of the gzip copy (304 on a matching If-None-Match) and
 * the given Cache-Control. Everything else falls through to the next handler, which should be
 * `express.static` on the same folder: other methods, images, small files, clients that do not
 * accept gzip, and paths that are not a file under `root`.
 */
export function compressedStatic(root: string, options: CompressedStaticOptions): CompressedStaticHandler {
  const base = resolve(root);
  const cache = new CompressedFileCache();

  const handler = (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return next();
    }
    const file = fileOf(base, request.path, options.index);
    if (file === undefined || !COMPRESSIBLE_EXTENSIONS.has(extname(file))) {
      return next();
    }
    // The identity response of the next handler varies by the header too, so caches keep both apart.
    response.vary('Accept-Encoding');
    if (!acceptsGzip(request.headers['accept-encoding'])) {
      return next();
    }

    // When reading or compressing fails, the next handler still serves the file uncompressed.
    send(cache, file, request, response, options).then(
      (sent) => (sent ? undefined : next()),
      () => next(),
    );
  };

  return Object.assign(handler, { warm: () => warmFiles(cache, base) });
}

async function warmFiles(cache: CompressedFileCache, base: string): Promise<number> {
  let warmed = 0;
  for (const file of await compressibleFiles(base)) {
    const stats = await stat(file).catch(() => undefined);
    if (stats === undefined || stats.size < MIN_COMPRESSIBLE_BYTES) {
      continue;
    }
    const compressed = await cache.get(file, stats.mtimeMs, stats.size).catch(() => undefined);
    warmed += compressed === undefined ? 0 : 1;
  }

  return warmed;
}

/** Lists the compressible files under a folder, without dot files and dot folders, which are never served. */
async function compressibleFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) {
      continue;
    }
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      files.push(...(await compressibleFiles(path)));
    } else if (entry.isFile() && COMPRESSIBLE_EXTENSIONS.has(extname(entry.name))) {
      files.push(path);
    }
  }

  return files;
}

async function send(
  cache: CompressedFileCache,
  file: string,
  request: Request,
  response: Response,
  options: CompressedStaticOptions,
): Promise<boolean> {
  const stats = await stat(file).catch(() => undefined);
  if (stats === undefined || !stats.isFile() || stats.size < MIN_COMPRESSIBLE_BYTES) {
    return false;
  }
  const { body, etag } = await cache.get(file, stats.mtimeMs, stats.size);

  response.type(extname(file));
  response.setHeader('Content-Encoding', 'gzip');
  response.setHeader('ETag', etag);
  response.setHeader('Last-Modified', stats.mtime.toUTCString());
  response.setHeader('Cache-Control', options.cacheControl);
  if (request.fresh) {
    response.status(304).end();

    return true;
  }
  response.setHeader('Content-Length', body.length);
  response.status(200).end(request.method === 'HEAD' ? undefined : body);

  return true;
}

/**
 * Maps a URL path to a file under `base`, or undefined for a path that cannot be one: badly
 * encoded, with a NUL byte, naming a dot file (express.static ignores those too), or leaving `base`.
 */
function fileOf(base: string, urlPath: string, index: string | undefined): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.split('/').some((segment) => segment.startsWith('.'))) {
    return undefined;
  }
  const relative = decoded.endsWith('/') ? `${decoded}${index ?? ''}` : decoded;
  const file = resolve(base, `.${relative}`);

  return file.startsWith(`${base}${sep}`) ? file : undefined;
}
