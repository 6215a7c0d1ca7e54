/**
 * Tests whether an Accept-Encoding header accepts gzip: listed with a weight above 0, or covered
 * by a `*` entry with a weight above 0. `q=0` refuses an encoding.
 */
export function acceptsGzip(header: string | undefined): boolean {
  const weights = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(name.trim(), Number.isFinite(weight) ? weight : 0);
  }

  return (weights.get('gzip') ?? weights.get('*') ?? 0) > 0;
}
