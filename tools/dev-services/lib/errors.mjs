/**
 * Failure of a dev-services step, with a stable code (UPPER_SNAKE) and a message that
 * names the service, the bad value or log file, and the fix.
 */
export class DevServicesError extends Error {
  constructor(code, text, options) {
    super(text, options);
    this.name = 'DevServicesError';
    this.code = code;
  }
}
