import type { DatastreamBinding } from '@stadtdaten/contracts';

const HOUR_MS = 3_600_000;

/** Hour of day in Darmstadt (Europe/Berlin), fractional. */
function localHour(timeMs: number): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Berlin',
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(new Date(timeMs));
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);

  return hour + minute / 60;
}

/** Returns a repeatable pseudo-random number in [0, 1) from a seed string and a time step. */
function noise(seed: string, step: number): number {
  let hash = 2166136261 ^ step;
  for (let i = 0; i < seed.length; i++) {
    hash = Math.imul(hash ^ seed.charCodeAt(i), 16777619);
  }

  return ((hash >>> 0) % 10_000) / 10_000;
}

/** Typical level and daily swing per observed property, in the datastream's unit. */
interface Profile {
  base: number;
  /** Added at the morning and evening rush hours. */
  rush: number;
  /** Added during the day (06:00 to 22:00). */
  day: number;
  noise: number;
}

const PROFILES: [RegExp, Profile][] = [
  [/pm10/, { base: 12, rush: 16, day: 4, noise: 3 }],
  [/pm2_5/, { base: 7, rush: 9, day: 2, noise: 2 }],
  [/no2/, { base: 14, rush: 32, day: 8, noise: 4 }],
  [/temperature/, { base: 3, rush: 0, day: 6, noise: 0.6 }],
  [/bicycle|bike/, { base: 2, rush: 55, day: 20, noise: 6 }],
];

/**
 * Returns a plausible value for a simulated datastream at a time. Parking garages fill up
 * during the day, pollution and bike counts peak at the rush hours, and a glass container
 * fills over about ten days. Values stay within the datastream's value range.
 * `capacity` is the parking garage's number of spaces.
 */
export function simulatedValue(binding: DatastreamBinding, timeMs: number, capacity = 500): number {
  const hour = localHour(timeMs);
  const daytime = Math.max(0, Math.sin(((hour - 6) / 16) * Math.PI));
  const rush = Math.exp(-((hour - 8) ** 2) / 3) + Math.exp(-((hour - 17.5) ** 2) / 4);
  const jitter = noise(binding.datastreamId, Math.floor(timeMs / 60_000)) - 0.5;
  const property = binding.observedProperty;

  let value: number;
  if (/capacity/.test(property)) {
    value = capacity;
  } else if (/free|available/.test(property)) {
    value = capacity * (0.92 - 0.7 * daytime + 0.06 * jitter);
  } else if (/fill/.test(property)) {
    const days = timeMs / (24 * HOUR_MS) + noise(binding.datastreamId, 0) * 10;
    value = ((days % 10) / 10) * 100 + jitter;
  } else {
    const profile = PROFILES.find(([pattern]) => pattern.test(property))?.[1] ?? { base: 50, rush: 0, day: 10, noise: 5 };
    value = profile.base + profile.rush * rush + profile.day * daytime + profile.noise * 2 * jitter;
  }

  const min = binding.valueSchema.min ?? Number.NEGATIVE_INFINITY;
  const max = binding.valueSchema.max ?? Number.POSITIVE_INFINITY;
  const bounded = Math.min(max, Math.max(min, value));
  const integer = binding.valueSchema.type === 'integer';

  return integer ? Math.round(bounded) : Math.round(bounded * 10) / 10;
}
