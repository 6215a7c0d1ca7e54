import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** The gzip copy of a file and its strong ETag. */
export interface Compressed {
  body: Buffer;
  etag: string;
}

interface CachedFile {
  mtimeMs: number;
  size: number;
  gzipped: Promise<Compressed>;
}

/**
 * gzip copies of files, made by warm-up or on first request, and kept in memory while the
 * file's size and modification time stay the same.
 *
 * NOTE: gzip only. Brotli at its highest quality is 10 to 15 % smaller for the portal's scripts,
 * but it took 180 ms for Leaflet alone on a 2-core VM. Made on demand, it slowed the first page
 * load in tools/bench/portal.mjs; made at every start, it would cost every test platform that
 * time.
 */
export class CompressedFileCache {
  private readonly files = new Map<string, CachedFile>();

  get(file: string, mtimeMs: number, size: number): Promise<Compressed> {
    const known = this.files.get(file);
    if (known !== undefined && known.mtimeMs === mtimeMs && known.size === size) {
      return known.gzipped;
    }
    const entry: CachedFile = { mtimeMs, size, gzipped: compress(file) };
    this.files.set(file, entry);
    // A failed read or compression must not stay cached; the next request tries again.
    entry.gzipped.catch(() => {
      if (this.files.get(file) === entry) {
        this.files.delete(file);
      }
    });

    return entry.gzipped;
  }
}

async function compress(file: string): Promise<Compressed> {
  const content = await readFile(file);
  const body = await gzipAsync(content, { level: 9 });
  const hash = createHash('sha256').update(content).digest('base64url').slice(0, 27);

  // The gzip copy is a representation of its own, so its strong ETag differs from the file's.
  return { body, etag: `"${hash}-gzip"` };
}
