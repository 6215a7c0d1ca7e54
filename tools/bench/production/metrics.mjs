// Reads the Prometheus text of a service's /metrics: counters, histograms and quantiles.

/** Rounds to `digits` decimals; null and undefined stay null. */
export function round(value, digits = 1) {
  return value === null || value === undefined ? null : Number(value.toFixed(digits));
}

export async function scrape(baseUrl) {
  const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) {
    throw new Error(`GET ${baseUrl}/metrics returned ${response.status}`);
  }

  return response.text();
}

/** Value of the first sample of `name` whose labels contain every entry of `labels`; 0 if none. */
export function metricValue(text, name, labels) {
  const line = text
    .split('\n')
    .find(
      (candidate) => candidate.startsWith(`${name}{`) && labels.every((label) => candidate.includes(label)),
    );

  return line ? Number(line.split(' ').at(-1)) : 0;
}

/** Cumulative buckets of a histogram, as `{ le, count }` in the order of the text. */
export function histogramBuckets(text, name, label) {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}_bucket{`) && line.includes(label))
    .map((line) => ({
      le: Number(/le="([^"]+)"/.exec(line)[1].replace('+Inf', 'Infinity')),
      count: Number(line.split(' ').at(-1)),
    }));
}

/**
 * Quantile in milliseconds of the observations made between two scrapes of a histogram in
 * seconds, interpolated linearly inside the bucket as Prometheus' histogram_quantile does.
 * Returns null without observations.
 */
export function quantileBetween(before, after, q) {
  const buckets = after.map((bucket, i) => ({
    le: bucket.le,
    count: bucket.count - (before[i]?.count ?? 0),
  }));
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) {
    return null;
  }
  const target = q * total;
  let lower = 0;
  let previous = 0;
  for (const bucket of buckets) {
    if (bucket.count >= target) {
      // Above the highest finite bound the quantile is reported as that bound.
      const upper = Number.isFinite(bucket.le) ? bucket.le : lower;
      const share = bucket.count === previous ? 0 : (target - previous) / (bucket.count - previous);

      return (lower + (upper - lower) * share) * 1000;
    }
    lower = bucket.le;
    previous = bucket.count;
  }

  return null;
}

/**
 * Polls a counter until it reaches `target`. Resolves with the time it was first seen there,
 * and rejects when it makes no progress for `stallMs`, has not arrived after `timeoutMs`, or
 * `signal` is aborted.
 */
export async function waitForCounter(
  read,
  target,
  { pollMs = 50, stallMs = 60_000, timeoutMs = 600_000, description, signal },
) {
  const startedAtMs = Date.now();
  let last = -1;
  let lastProgressAtMs = startedAtMs;
  for (;;) {
    signal?.throwIfAborted();
    const value = await read();
    const now = Date.now();
    if (value >= target) {
      return now;
    }
    if (value !== last) {
      last = value;
      lastProgressAtMs = now;
    }
    if (now - lastProgressAtMs > stallMs || now - startedAtMs > timeoutMs) {
      const reason =
        now - startedAtMs > timeoutMs ? `within ${timeoutMs} ms` : `and made no progress for ${stallMs} ms`;
      throw new Error(`${description}: ${value} of ${target} reached ${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
