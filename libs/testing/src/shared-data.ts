import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Folder of real public data samples that lies beside the repository checkout
 * (`<checkout>/../shared/data`). Tests read samples from there and never copy them
 * into the repository. STADTDATEN_SAMPLE_DATA overrides the location.
 */
export function sampleDataDir(): string | undefined {
  const candidate = sampleDataCandidate();

  return existsSync(candidate) ? candidate : undefined;
}

function sampleDataCandidate(): string {
  return process.env.STADTDATEN_SAMPLE_DATA ?? join(resolve(__dirname, '..', '..', '..'), '..', 'shared', 'data');
}

/** Absolute path of one sample file, or undefined when the sample folder is absent. */
export function samplePath(...parts: string[]): string | undefined {
  const dir = sampleDataDir();

  return dir === undefined ? undefined : join(dir, ...parts);
}

/**
 * `describe` for suites that need the sample data: where the folder is absent the suite
 * is skipped with a message that gives the reason.
 */
export function describeWithSamples(name: string, body: (dir: string) => void): void {
  const dir = sampleDataDir();
  if (dir === undefined) {
    const reason = `sample data folder ${sampleDataCandidate()} is absent; set STADTDATEN_SAMPLE_DATA to the folder of public data samples`;
    // The skip reason is printed once per suite, because jest shows skipped suites only as a count.
    console.warn(`skipped "${name}": ${reason}`);
    describe.skip(`${name} (skipped: ${reason})`, () => {
      it('needs the sample data', () => undefined);
    });

    return;
  }

  describe(name, () => body(dir));
}
