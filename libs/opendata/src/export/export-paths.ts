import { isAbsolute, relative, resolve, sep } from 'node:path';
import { OpenDataError, OpenDataErrorCode } from '../opendata.errors';

/** Files and folders of an export, relative to its root. The signature files follow @stadtdaten/integrity. */
export const ExportFiles = {
  MANIFEST: 'manifest.json',
  TENANT: 'registry/tenant.json',
  THINGS_JSON: 'registry/things.json',
  THINGS_CSV: 'registry/things.csv',
  DEVICES_JSON: 'registry/devices.json',
  DEVICES_CSV: 'registry/devices.csv',
  DATASTREAMS_JSON: 'registry/datastreams.json',
  DATASTREAMS_CSV: 'registry/datastreams.csv',
  DEVICE_TYPES_JSON: 'registry/device-types.json',
  DEVICE_TYPES_CSV: 'registry/device-types.csv',
  OBSERVED_PROPERTIES_JSON: 'registry/observed-properties.json',
  OBSERVED_PROPERTIES_CSV: 'registry/observed-properties.csv',
  LOCATIONS: 'locations.geojson',
  OBSERVATIONS_DIR: 'observations',
  DEAD_LETTER: 'dead-letter/rejections.jsonl',
} as const;

const SAFE_CHARACTER = /[A-Za-z0-9_.-]/;

/**
 * Turns an id (a datastream id, a tenant) into one file name: characters other than letters,
 * digits, `_`, `-` and `.` become `%XX` of their UTF-8 bytes, and a leading dot becomes %2E.
 * So the name never contains a path separator, is never `.` or `..` and never hides the file.
 */
export function fileNameOf(id: string): string {
  let name = '';
  for (const character of id) {
    name += SAFE_CHARACTER.test(character)
      ? character
      : [...Buffer.from(character, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  if (name === '') {
    return '%00';
  }

  return name.startsWith('.') ? `%2E${name.slice(1)}` : name;
}

/**
 * Resolves a path relative to an export root and throws INVALID_EXPORT when it leaves the
 * root (`..`, an absolute path, a drive letter), so a manifest cannot name files elsewhere.
 */
export function resolveInside(root: string, relativePath: string): string {
  const absoluteRoot = resolve(root);
  const target = resolve(absoluteRoot, relativePath);
  const fromRoot = relative(absoluteRoot, target);
  if (
    typeof relativePath !== 'string' ||
    relativePath === '' ||
    isAbsolute(relativePath) ||
    fromRoot === '' ||
    fromRoot.startsWith(`..${sep}`) ||
    fromRoot === '..' ||
    isAbsolute(fromRoot) ||
    relativePath.includes('\0')
  ) {
    throw new OpenDataError(
      OpenDataErrorCode.INVALID_EXPORT,
      `path ${JSON.stringify(relativePath)} is not inside the export folder ${absoluteRoot}; an export names only files below its own folder`,
    );
  }

  return target;
}
