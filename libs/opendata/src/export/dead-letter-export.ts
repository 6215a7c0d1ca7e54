import type { RejectionStore, StoredRejection } from '@stadtdaten/dead-letter';
import { ChecksummedFile, type ManifestFile } from './checksummed-file';
import { ExportFiles } from './export-paths';

const PAGE = 1000;

/**
 * Pages through a tenant's dead letter, newest first. The store orders by receive time and
 * then id, so a page continues below the last receive time, skipping (with the offset) the
 * entries of that millisecond that an earlier page already returned.
 */
export async function* rejectionPages(store: RejectionStore, tenant: string): AsyncGenerator<StoredRejection[]> {
  let boundaryMs: number | undefined;
  let offsetAtBoundary = 0;
  for (;;) {
    const { items } = await store.list({
      tenant,
      toMs: boundaryMs === undefined ? undefined : boundaryMs + 1,
      limit: PAGE,
      offset: offsetAtBoundary,
    });
    if (items.length > 0) {
      yield items;
    }
    if (items.length < PAGE) {
      return;
    }
    const last = items[items.length - 1].receivedAtMs;
    if (last === boundaryMs) {
      offsetAtBoundary += items.length;
    } else {
      boundaryMs = last;
      offsetAtBoundary = items.filter((item) => item.receivedAtMs === last).length;
    }
  }
}

/** Writes the dead letter as JSON lines, one StoredRejection per line (raw payload in base64). */
export async function writeDeadLetter(root: string, store: RejectionStore, tenant: string): Promise<{ file: ManifestFile; count: number }> {
  const file = await ChecksummedFile.create(root, ExportFiles.DEAD_LETTER);
  let count = 0;
  for await (const page of rejectionPages(store, tenant)) {
    count += page.length;
    await file.writeText(page.map((item) => `${JSON.stringify(item)}\n`).join(''));
  }

  return { file: await file.close(), count };
}
