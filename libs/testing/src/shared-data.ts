import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Folder of real public data samples that lies beside the repository checkout
 * (`<checkout>/../shared/data`). Tests read samples from there and never copy them
 * into the repository. STADTDATEN_SAMPLE_DATA overrides the location.
 */
export function sampleDataDir(): string | undefined {
  const candidate =
    process.env.STADTDATEN_SAMPLE_DATA ?? join(resolve(__dirname, '..', '..', '..'), '..', 'shared', 'data');

  return existsSync(candidate) ? candidate : undefined;
}

/** Absolute path of one sample file, or undefined when the sample folder is absent. */
export function samplePath(...parts: string[]): string | undefined {
  const dir = sampleDataDir();

  return dir === undefined ? undefined : join(dir, ...parts);
}

/**
 * `describe` for suites that need the sample data: where the folder is absent the suite
 * is skipped with a message that says why.
 */
export function describeWithSamples(name: string, body: (dir: string) => void): void {
  const dir = sampleDataDir();
  if (dir === undefined) {
    describe.skip(`${name} (skipped: sample data folder ../shared/data beside the checkout is absent)`, () => {
      it('needs the sample data', () => undefined);
    });

    return;
  }

  describe(name, () => body(dir));
}
