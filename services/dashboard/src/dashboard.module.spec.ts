import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { AuthGuard, TokenVerifier } from '@stadtdaten/auth';
import { AppError, ErrorCode, type Principal } from '@stadtdaten/contracts';
import { DashboardModule } from './dashboard.module';

/** Verifier that accepts no token, so only routes without a token requirement return 200. */
class NoTokenVerifier extends TokenVerifier {
  async verify(): Promise<Principal> {
    throw new AppError(ErrorCode.UNAUTHENTICATED, 'no token is valid in this test');
  }
}

@Controller('api/v1/protected')
class ProtectedController {
  @Get()
  read() {
    return { ok: true };
  }
}

@Module({
  imports: [DashboardModule.register({ tenant: 'darmstadt', tileUrl: 'https://tiles.test/{z}/{x}/{y}.png' })],
  controllers: [ProtectedController],
  providers: [
    { provide: TokenVerifier, useClass: NoTokenVerifier },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
})
class TestAppModule {}

describe(DashboardModule.name, () => {
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    app = await NestFactory.create(TestAppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('serves index page without token', async () => {
    const response = await fetch(`${baseUrl}/`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('id="map"');
  });

  it.each([
    ['/datastream.html', 'text/html'],
    ['/rejections.html', 'text/html'],
    ['/js/i18n.js', 'javascript'],
    ['/darmstadt-outline.geojson', 'json'],
    ['/vendor/leaflet/leaflet.js', 'javascript'],
    ['/vendor/leaflet/leaflet.css', 'text/css'],
    ['/vendor/uplot/uPlot.iife.min.js', 'javascript'],
    ['/vendor/uplot/uPlot.min.css', 'text/css'],
  ])('serves %s', async (path, contentType) => {
    const response = await fetch(`${baseUrl}${path}`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain(contentType);
  });

  it('serves config script with options', async () => {
    const response = await fetch(`${baseUrl}/config.js`);
    const body = await response.text();
    const json = body.replace(/^window\.STADTDATEN_CONFIG = /, '').replace(/;\s*$/, '');
    const config = JSON.parse(json);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/javascript');
    expect(config.tenant).toBe('darmstadt');
    expect(config.tileUrl).toBe('https://tiles.test/{z}/{x}/{y}.png');
    expect(config.rejectionCodes).toContain('UNKNOWN_DEVICE');
  });

  it('leaves other routes to guard', async () => {
    const response = await fetch(`${baseUrl}/api/v1/protected`);

    expect(response.status).not.toBe(200);
  });

  it('returns 404 for unknown file', async () => {
    const response = await fetch(`${baseUrl}/missing-page.html`);

    expect(response.status).toBe(404);
  });
});

describe('DashboardModule.register', () => {
  it('rejects invalid tenant', () => {
    expect(() => DashboardModule.register({ tenant: 'Darm Stadt' })).toThrow(/tenant "Darm Stadt" is invalid/);
  });

  it('rejects tile URL without placeholders', () => {
    expect(() => DashboardModule.register({ tenant: 'darmstadt', tileUrl: 'https://tiles.test/tile.png' })).toThrow(
      /missing \{z\}, \{x\}, \{y\}/,
    );
  });
});
