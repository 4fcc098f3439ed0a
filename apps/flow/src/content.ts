/**
 * Intro and thank-you texts come from the flow's step settings. The server fills untouched settings with
 * English defaults; those are replaced by our translations so a French applicant does not get English.
 */
const SERVER_DEFAULTS = new Set([
  'Verify your identity',
  'It takes a few minutes. Have your identity document ready.',
  'Start',
  'Thank you',
  'Your information was submitted.',
]);

export function customText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim();
  return v && !SERVER_DEFAULTS.has(v) ? v : null;
}
