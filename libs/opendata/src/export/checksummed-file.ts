import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ChunkSink } from '../formats/chunk-sink';
import { resolveInside } from './export-paths';

/** A file of an export as its manifest lists it. */
export interface ManifestFile {
  /** Path relative to the export root, with `/` separators. */
  path: string;
  bytes: number;
  /** SHA-256 of the content, lower-case hex. */
  sha256: string;
}

/** Writes one export file and computes its size and SHA-256 while writing, so it is read only once. */
export class ChecksummedFile {
  private readonly hash = createHash('sha256');
  private bytes = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** Creates the file (and its folders) below `root`; fails when it exists, so nothing is overwritten. */
  static async create(root: string, path: string): Promise<ChecksummedFile> {
    const absolute = resolveInside(root, path);
    await mkdir(dirname(absolute), { recursive: true });

    return new ChecksummedFile(path, await open(absolute, 'wx', 0o640));
  }

  /** The sink that export writers write to. */
  readonly sink: ChunkSink = async (chunk) => {
    this.hash.update(chunk);
    this.bytes += chunk.byteLength;
    let written = 0;
    while (written < chunk.byteLength) {
      const { bytesWritten } = await this.handle.write(chunk, written);
      written += bytesWritten;
    }
  };

  async writeText(text: string): Promise<void> {
    await this.sink(Buffer.from(text, 'utf8'));
  }

  /** Flushes the file to disk, closes it and returns its manifest entry. */
  async close(): Promise<ManifestFile> {
    await this.handle.sync();
    await this.handle.close();

    return { path: this.path, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}

/** Writes a whole text file at once; for the small registry files. */
export async function writeChecksummedText(root: string, path: string, text: string): Promise<ManifestFile> {
  const file = await ChecksummedFile.create(root, path);
  await file.writeText(text);

  return file.close();
}

/** Computes the size and SHA-256 of a file by streaming it. */
export async function checksumOf(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).byteLength;
  }

  return { bytes, sha256: hash.digest('hex') };
}
