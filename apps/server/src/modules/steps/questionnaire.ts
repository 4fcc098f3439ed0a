import { Model } from 'survey-core';
import { unprocessable } from '../../lib/errors.ts';

/**
 * Server-side SurveyJS: the answers are replayed into the schema's model so its logic runs exactly as in
 * the browser (visibleIf / enableIf / requiredIf, triggers complete / setvalue / copyvalue / skip /
 * runexpression), then validated; answers to questions the logic hid are dropped.
 */
export function evaluateQuestionnaire(schema: Record<string, unknown>, answers: Record<string, unknown>) {
  const model = new Model(schema);
  model.clearInvisibleValues = 'onComplete';
  const unknown = Object.keys(answers).filter((k) => !model.getQuestionByValueName(k) && !model.calculatedValues.some((c) => c.name === k));
  if (unknown.length) throw unprocessable('unknown_answers', `Not questions of this questionnaire: ${unknown.join(', ')}.`, { fields: unknown });
  for (const [k, v] of Object.entries(answers)) model.setValue(k, v);
  if (!model.validate(false, false)) {
    const errors = model
      .getAllQuestions(true)
      .filter((q) => q.errors.length)
      .map((q) => ({ question: q.name, messages: q.errors.map((e) => e.text) }));
    throw unprocessable('invalid_answers', `Some answers are missing or invalid: ${errors.map((e) => e.question).join(', ')}.`, { errors });
  }
  model.doComplete();
  return model.data as Record<string, unknown>;
}
