import { RateLimitOptions } from '@stadtdaten/runtime';
import type { RunningPlatform } from '../../src/platform';
import { applyCatalog, startTestPlatform } from '../helpers';
import { HOSTILE_CATALOG, TENANT_A } from './hostile-platform';

/** Requests and time one flood may take at most. */
const FLOOD_REQUESTS = 2_000;
const FLOOD_MS = 10_000;
const FLOOD_CONNECTIONS = 16;

interface Sent {
  status: number;
  retryAfter: string | null;
  code?: string;
}

/** The platform runs without STADTDATEN_RATE_LIMIT_*, so the defaults apply. */
const LIMIT = RateLimitOptions.defaults();

describe('rate limit', () => {
  let platform: RunningPlatform;
  let cleanup: () => void;

  async function send(path: string, token?: string): Promise<Sent> {
    const response = await fetch(`${platform.httpUrl}${path}`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    const code = response.status === 429 ? (JSON.parse(text) as { code: string }).code : undefined;

    return { status: response.status, retryAfter: response.headers.get('retry-after'), code };
  }

  /** Sends from several connections until `count` requests went out or `timeMs` passed; stops early once `stop` returns true. */
  async function flood(next: (index: number) => Promise<Sent>, count: number, timeMs: number, stop = () => false) {
    const results: Sent[] = [];
    const startedMs = Date.now();
    let issued = 0;
    const worker = async () => {
      while (issued < count && Date.now() - startedMs < timeMs && !stop()) {
        issued += 1;
        results.push(await next(issued));
      }
    };
    await Promise.all(Array.from({ length: FLOOD_CONNECTIONS }, worker));

    return { results, elapsedSeconds: (Date.now() - startedMs) / 1000 };
  }

  beforeAll(async () => {
    ({ platform, cleanup } = await startTestPlatform());
    await applyCatalog(platform, HOSTILE_CATALOG);
  });

  afterAll(async () => {
    await platform.stop();
    cleanup();
  });

  it('limits a flooding client and serves another one at the same time', async () => {
    const tokenA = await platform.issueToken(TENANT_A, ['analyst'], 'flooding-client');
    const tokenB = await platform.issueToken(TENANT_A, ['analyst'], 'calm-client');
    const probes: Sent[] = [];
    const resultsB: Sent[] = [];
    let limitedA = false;

    const floodA = flood(async () => {
      const sent = await send('/api/v1/tenants', tokenA);
      limitedA ||= sent.status === 429;

      return sent;
    }, FLOOD_REQUESTS, FLOOD_MS);
    const clientB = (async () => {
      // B starts once A is limited, so that B's requests meet an exhausted bucket of A.
      const deadline = Date.now() + FLOOD_MS;
      while (!limitedA && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      for (let index = 0; index < 50; index += 1) {
        resultsB.push(await send(`/api/v1/tenants/${TENANT_A}/datastreams`, tokenB));
        if (index % 10 === 0) {
          for (const path of ['/health/live', '/health/ready', '/metrics']) {
            probes.push(await send(path, tokenA));
          }
        }
      }
    })();
    const [{ results: resultsA, elapsedSeconds }] = await Promise.all([floodA, clientB]);

    const okA = resultsA.filter((sent) => sent.status === 200).length;
    const limited = resultsA.filter((sent) => sent.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(okA + limited.length).toBe(resultsA.length);
    expect(okA).toBeLessThanOrEqual(LIMIT.burst + Math.ceil(LIMIT.perSecond * elapsedSeconds) + 1);
    expect(limited.every((sent) => sent.code === 'RATE_LIMITED' && Number(sent.retryAfter) >= 1)).toBe(true);
    expect(elapsedSeconds).toBeLessThan(FLOOD_MS / 1000 + 5);
    expect(resultsB.map((sent) => sent.status)).toEqual(Array(50).fill(200));
    expect(probes.map((sent) => sent.status)).toEqual(Array(probes.length).fill(200));
  });

  it('counts limited requests in the metrics', async () => {
    const response = await fetch(`${platform.httpUrl}/metrics`);
    const line = (await response.text()).split('\n').find((text) => text.startsWith('stadtdaten_http_rate_limited_total{client="subject"}'));

    expect(Number(line?.split(' ').pop())).toBeGreaterThan(0);
  });

  it('counts forged tokens against the client address', async () => {
    const forged = (index: number) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: `forged-${index}` })).toString('base64url')}.c2ln`;
    let limited = false;

    const { results } = await flood(
      async (index) => {
        const sent = await send('/api/v1/tenants', forged(index));
        limited ||= sent.status === 429;

        return sent;
      },
      FLOOD_REQUESTS,
      FLOOD_MS,
      () => limited,
    );

    expect(results.some((sent) => sent.status === 429)).toBe(true);
    expect(results.every((sent) => sent.status === 401 || sent.status === 429)).toBe(true);
  });
});
