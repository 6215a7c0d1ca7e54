import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Reads a file that a decoder option names (a metadata CSV, a static table). A relative path
 * is resolved against the working directory of the process. Throws AppError INVALID_CONFIG
 * naming the option and the path when the file cannot be read.
 */
export function readOptionFile(path: string, decoderName: string, optionName: string): Uint8Array {
  const absolutePath = resolve(path);
  try {
    return new Uint8Array(readFileSync(absolutePath));
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `Decoder ${decoderName} cannot read options.${optionName} '${absolutePath}' (${reason}); ` +
        'set it to a readable file.',
      { cause, details: { decoder: decoderName, option: optionName, path: absolutePath } },
    );
  }
}
