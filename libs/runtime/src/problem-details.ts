import { AppError } from '@stadtdaten/contracts';
import type { ClientProblem } from './json-body-limit';
import { GERMAN_HINTS, PROBLEMS } from './problem-messages';

/** An RFC 9457 problem+json body as the HTTP edge sends it. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance: string;
}

/** German and English title and German hint of an error code that PROBLEMS does not list. */
export interface ProblemTexts {
  en: string;
  de: string;
  germanHint?: string;
}

/**
 * Builds the problem body of an error: the title in the given language, and in German the
 * German hint of the code followed by the English message in brackets. `texts` supplies the
 * title and hint of a code that PROBLEMS and GERMAN_HINTS do not list.
 */
export function problemDetails(
  problem: ClientProblem,
  language: 'de' | 'en',
  instance: string,
  texts?: ProblemTexts,
): ProblemDetails {
  const titles = texts ?? PROBLEMS[problem.code] ?? { en: 'Error', de: 'Fehler' };
  const germanHint = texts?.germanHint ?? GERMAN_HINTS[problem.code];

  return {
    type: `https://stadtdaten.example/problems/${problem.code.toLowerCase().replace(/_/g, '-')}`,
    title: titles[language],
    status: problem.status,
    detail: language === 'de' && germanHint ? `${germanHint} (${problem.message})` : problem.message,
    code: problem.code,
    instance,
  };
}

/** Code, status and message of an AppError; the status follows PROBLEMS, 400 for codes it does not list. */
export function appErrorProblem(error: AppError): ClientProblem {
  return { code: error.code, status: PROBLEMS[error.code]?.status ?? 400, message: error.message };
}
