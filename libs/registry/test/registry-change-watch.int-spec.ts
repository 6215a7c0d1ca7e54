import { describeRegistryBackends, makeCatalog } from './registry-fixtures';

/** Polls until `probe` resolves to a defined value; fails after timeoutMs. */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`no value within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeRegistryBackends('watchExternalChanges', (makeRegistry) => {
  it('shows a device another instance added after a miss', async () => {
    const store = makeRegistry();
    try {
      const reader = await store.open();
      const writer = await store.open();
      reader.watchExternalChanges(100);
      await writer.applyCatalog({ ...makeCatalog(), devices: [] });

      expect(await reader.getDeviceContext('darmstadt', 'sds011-15092')).toBeUndefined();
      await writer.applyCatalog(makeCatalog());

      const context = await eventually(() => reader.getDeviceContext('darmstadt', 'sds011-15092'));
      expect(context.deviceType).toBe('sds011');
    } finally {
      await store.cleanup();
    }
  });

  it('keeps a cached miss without the watch', async () => {
    const store = makeRegistry();
    try {
      const reader = await store.open();
      const writer = await store.open();
      await writer.applyCatalog({ ...makeCatalog(), devices: [] });
      expect(await reader.getDeviceContext('darmstadt', 'sds011-15092')).toBeUndefined();

      await writer.applyCatalog(makeCatalog());
      await new Promise((resolve) => setTimeout(resolve, 300));

      expect(await reader.getDeviceContext('darmstadt', 'sds011-15092')).toBeUndefined();
    } finally {
      await store.cleanup();
    }
  });
});
