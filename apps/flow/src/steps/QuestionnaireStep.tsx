import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Model } from 'survey-core';
import { Survey } from 'survey-react-ui';
import 'survey-core/survey-core.min.css';
import { isFatal } from '../api.ts';
import { useStep } from '../context.ts';
import { Alert, Screen } from '../ui/Screen.tsx';
import { errorMessage } from './errors.ts';

/** Renders the flow's SurveyJS JSON (with its own visibility/validation logic) and submits the answers. */
export default function QuestionnaireStep() {
  const { t, i18n } = useTranslation();
  const { api, step, done, fatal } = useStep();
  const [error, setError] = useState<string | null>(null);
  const json = (step.settings.survey ?? step.settings.schema ?? step.settings.json ?? {}) as object;
  const model = useMemo(() => {
    const m = new Model(json);
    m.locale = i18n.language;
    m.showTitle = false;
    m.completedHtml = '';
    m.onCompleting.add(async (sender, options) => {
      // Keep the survey on screen until the server has the answers; on failure the person can resend.
      options.allow = false;
      setError(null);
      try {
        await api.questionnaire(step.id, sender.data);
        done();
      } catch (e) {
        if (isFatal(e)) return fatal(e);
        setError(errorMessage(t, e));
      }
    });
    return m;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [step.id]);
  return (
    <Screen title={step.title ?? t('questionnaire.title')}>
      <div className="survey">
        <Survey model={model} />
      </div>
      {error && <Alert>{error}</Alert>}
    </Screen>
  );
}
