import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectorSource } from '../config/connector-config.schema';
import { ConnectorFetchError } from './connector-fetch.error';

export interface ListedFile {
  path: string;
  sizeBytes: number;
}

/** The files a file or folder source names, sorted by name so that runs are repeatable. */
export function listSourceFiles(source: ConnectorSource): ListedFile[] {
  if (source.file !== undefined) {
    return [statFile(source.file)];
  }
  const folder = source.folder!;
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (error) {
    throw new ConnectorFetchError(`cannot list the folder ${folder}: ${(error as Error).message}`, {
      retriable: false,
      cause: error,
    });
  }
  const matches = globMatcher(source.pattern ?? '*');

  return names
    .filter(matches)
    .sort()
    .map((name) => statFile(join(folder, name)))
    .filter((file) => file.sizeBytes >= 0);
}

function statFile(path: string): ListedFile {
  try {
    const stats = statSync(path);
    return { path, sizeBytes: stats.isFile() ? stats.size : -1 };
  } catch (error) {
    throw new ConnectorFetchError(`cannot read the file ${path}: ${(error as Error).message}; check source.file`, {
      retriable: false,
      cause: error,
    });
  }
}

/** `*` matches any run of characters, `?` one character; everything else stands for itself. */
export function globMatcher(pattern: string): (name: string) => boolean {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`);

  return (name) => regex.test(name);
}
