import { extname } from 'node:path';
import { YAMLParseError, parse as parseYaml } from 'yaml';
import { AppError, ErrorCode } from '@stadtdaten/contracts';

/**
 * Parses catalog text: JSON when the file name ends in .json, else YAML (which also reads
 * JSON). Throws AppError INVALID_CATALOG with the line and column of a syntax error.
 */
export function parseCatalogText(text: string, fileName?: string): unknown {
  const source = fileName ?? 'catalog';
  if (fileName !== undefined && extname(fileName).toLowerCase() === '.json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new AppError(
        ErrorCode.INVALID_CATALOG,
        `${source} is not valid JSON: ${reason}; fix the syntax and apply it again`,
        {
          cause: error,
        },
      );
    }
  }

  try {
    // A catalog is plain data: YAML 1.2 core schema, no custom tags, and a bounded alias expansion.
    return parseYaml(text, { schema: 'core', maxAliasCount: 1000, prettyErrors: true }) as unknown;
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const position = error.linePos?.[0];
      const where = position === undefined ? '' : ` at line ${position.line}, column ${position.col}`;
      // The first line of the message repeats the position after the reason; the rest is a code frame.
      const reason = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      throw new AppError(
        ErrorCode.INVALID_CATALOG,
        `${source} is not valid YAML${where}: ${reason}; fix the syntax and apply it again`,
        { cause: error, details: { line: position?.line, column: position?.col } },
      );
    }
    // The yaml package raises a plain ReferenceError when aliases expand beyond maxAliasCount.
    if (error instanceof ReferenceError) {
      throw new AppError(
        ErrorCode.INVALID_CATALOG,
        `${source} is not a usable YAML document: ${error.message}; write the repeated parts out instead of using more than 1000 aliases`,
        { cause: error },
      );
    }
    throw error;
  }
}
