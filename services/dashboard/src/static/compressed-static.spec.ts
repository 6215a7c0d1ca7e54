import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import express from 'express';
import { type CompressedStaticHandler, compressedStatic } from './compressed-static';

const SCRIPT = `export const values = [${Array.from({ length: 400 }, (_, index) => index).join(', ')}];\n`;
const PNG = Buffer.alloc(2048, 7);

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Sends a request with node:http, which leaves the body as sent (fetch would decompress it). */
function get(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${baseUrl}${path}`, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

describe(compressedStatic.name, () => {
  let dir: string;
  let server: ReturnType<express.Express['listen']>;
  let baseUrl: string;
  let sut: CompressedStaticHandler;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stadtdaten-compressed-static-'));
    mkdirSync(join(dir, 'js'));
    writeFileSync(join(dir, 'js', 'values.js'), SCRIPT);
    writeFileSync(join(dir, 'index.html'), `<!doctype html><title>index</title>${'<p>text</p>'.repeat(50)}`);
    writeFileSync(join(dir, 'tiny.css'), 'a{}');
    writeFileSync(join(dir, 'icon.png'), PNG);
    writeFileSync(join(dir, '.hidden.js'), SCRIPT);
    const app = express();
    sut = compressedStatic(dir, { cacheControl: 'public, max-age=0', index: 'index.html' });
    app.use(sut);
    app.use(express.static(dir, { index: 'index.html' }));
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => resolve());
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('warms compressible files only', async () => {
    // values.js and index.html; not the image, the file below 256 bytes or the dot file.
    expect(await sut.warm()).toBe(2);
  });

  it('sends gzip to a gzip client', async () => {
    const response = await get(baseUrl, '/js/values.js', { 'accept-encoding': 'gzip' });

    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers['content-type']).toContain('javascript');
    expect(response.headers.vary).toContain('Accept-Encoding');
    expect(response.headers['cache-control']).toBe('public, max-age=0');
    expect(Number(response.headers['content-length'])).toBe(response.body.length);
    expect(response.body.length).toBeLessThan(SCRIPT.length / 2);
    expect(gunzipSync(response.body).toString('utf8')).toBe(SCRIPT);
  });

  it('sends identity to a brotli-only client', async () => {
    const response = await get(baseUrl, '/js/values.js', { 'accept-encoding': 'br' });

    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers.vary).toContain('Accept-Encoding');
    expect(response.body.toString('utf8')).toBe(SCRIPT);
  });

  it('sends identity without Accept-Encoding', async () => {
    const response = await get(baseUrl, '/js/values.js');

    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers.vary).toContain('Accept-Encoding');
    expect(response.body.toString('utf8')).toBe(SCRIPT);
  });

  it('gives gzip copy its own ETag', async () => {
    const gzipped = await get(baseUrl, '/js/values.js', { 'accept-encoding': 'gzip' });
    const identity = await get(baseUrl, '/js/values.js');

    expect(gzipped.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}-gzip"$/);
    expect(identity.headers.etag).not.toBe(gzipped.headers.etag);
  });

  it('answers a matching If-None-Match with 304', async () => {
    const first = await get(baseUrl, '/js/values.js', { 'accept-encoding': 'gzip' });
    const second = await get(baseUrl, '/js/values.js', {
      'accept-encoding': 'gzip',
      'if-none-match': first.headers.etag!,
    });

    expect(second.status).toBe(304);
    expect(second.body.length).toBe(0);
  });

  it('sends headers only for HEAD', async () => {
    const response = await get(baseUrl, '/js/values.js', { 'accept-encoding': 'gzip' }, 'HEAD');

    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.body.length).toBe(0);
  });

  it('serves index file for a folder path', async () => {
    const response = await get(baseUrl, '/', { 'accept-encoding': 'gzip' });

    expect(response.headers['content-type']).toContain('text/html');
    expect(gunzipSync(response.body).toString('utf8')).toContain('<title>index</title>');
  });

  it('serves a changed file anew', async () => {
    const file = join(dir, 'js', 'changing.js');
    writeFileSync(file, SCRIPT);
    const before = await get(baseUrl, '/js/changing.js', { 'accept-encoding': 'gzip' });
    writeFileSync(file, `${SCRIPT}// changed\n`);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));

    const after = await get(baseUrl, '/js/changing.js', { 'accept-encoding': 'gzip' });

    expect(gunzipSync(after.body).toString('utf8')).toContain('// changed');
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it.each([
    ['an image', '/icon.png'],
    ['a file below 256 bytes', '/tiny.css'],
  ])('leaves %s uncompressed', async (_name, path) => {
    const response = await get(baseUrl, path, { 'accept-encoding': 'gzip' });

    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBeUndefined();
  });

  it.each([
    ['a dot file', '/.hidden.js'],
    ['a path that leaves the folder', '/js/%2e%2e/%2e%2e/package.json'],
    ['a missing file', '/js/missing.js'],
  ])('does not serve %s', async (_name, path) => {
    const response = await get(baseUrl, path, { 'accept-encoding': 'gzip' });

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.headers['content-encoding']).toBeUndefined();
  });
});
