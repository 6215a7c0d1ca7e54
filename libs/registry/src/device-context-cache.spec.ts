import type { DeviceContext } from '@stadtdaten/contracts';
import { DeviceContextCache } from './device-context-cache';

function makeContext(overrides: Partial<DeviceContext> = {}): DeviceContext {
  return {
    tenant: 'darmstadt',
    deviceId: 'sds011-15092',
    deviceType: 'sds011',
    payloadFormat: 'json',
    datastreams: [],
    ...overrides,
  };
}

/** Creates a loader that counts its calls and resolves only after `release` is called. */
function makeGatedLoader(result: DeviceContext | undefined) {
  let calls = 0;
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });

  return {
    load: async () => {
      calls += 1;
      await gate;

      return result === undefined ? undefined : { ...result };
    },
    release: () => release(),
    calls: () => calls,
  };
}

describe(DeviceContextCache.name, () => {
  it('shares one load between concurrent requests', async () => {
    const sut = new DeviceContextCache();
    const loader = makeGatedLoader(makeContext());

    const pending = [sut.get('darmstadt', 'a', loader.load), sut.get('darmstadt', 'a', loader.load)];
    loader.release();
    const [first, second] = await Promise.all(pending);

    expect(loader.calls()).toBe(1);
    expect(first).toBe(second);
  });

  it('caches an unknown device', async () => {
    const sut = new DeviceContextCache();
    let calls = 0;
    const load = async () => {
      calls += 1;

      return undefined;
    };

    expect(await sut.get('darmstadt', 'a', load)).toBeUndefined();
    expect(await sut.get('darmstadt', 'a', load)).toBeUndefined();
    expect(calls).toBe(1);
  });

  it('keys by tenant and device', async () => {
    const sut = new DeviceContextCache();

    await sut.get('darmstadt', 'a', async () => makeContext({ deviceId: 'a' }));
    const other = await sut.get('offenbach', 'a', async () => undefined);

    expect(other).toBeUndefined();
  });

  it('loads again after invalidate', async () => {
    const sut = new DeviceContextCache();
    await sut.get('darmstadt', 'a', async () => makeContext({ deviceType: 'old' }));

    sut.invalidate();
    const reloaded = await sut.get('darmstadt', 'a', async () => makeContext({ deviceType: 'new' }));

    expect(reloaded?.deviceType).toBe('new');
  });

  it('does not store a load that straddles invalidate', async () => {
    const sut = new DeviceContextCache();
    const stale = makeGatedLoader(makeContext({ deviceType: 'stale' }));

    const pending = sut.get('darmstadt', 'a', stale.load);
    sut.invalidate();
    stale.release();
    expect((await pending)?.deviceType).toBe('stale');
    const next = await sut.get('darmstadt', 'a', async () => makeContext({ deviceType: 'fresh' }));

    expect(next?.deviceType).toBe('fresh');
  });

  it('does not cache a failed load', async () => {
    const sut = new DeviceContextCache();

    await expect(
      sut.get('darmstadt', 'a', () => Promise.reject(new Error('disk I/O error'))),
    ).rejects.toThrow('disk I/O error');
    const retried = await sut.get('darmstadt', 'a', async () => makeContext());

    expect(retried?.deviceId).toBe('sds011-15092');
  });

  it('freezes cached contexts', async () => {
    const sut = new DeviceContextCache();

    const context = await sut.get('darmstadt', 'a', async () => makeContext());

    expect(Object.isFrozen(context)).toBe(true);
    expect(Object.isFrozen(context?.datastreams)).toBe(true);
  });
});
