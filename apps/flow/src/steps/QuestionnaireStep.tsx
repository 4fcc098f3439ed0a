import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Model } from 'survey-core';
import { Survey } from 'survey-react-ui';
import 'survey-core/survey-core.fontless.min.css';
import { isFatal } from '../api.ts';
import { useStep } from '../context.ts';
import { Alert, Screen } from '../ui/Screen.tsx';
import { errorMessage } from './errors.ts';

/** Maps the flow's style (our CSS variables) onto SurveyJS's theme variables. */
function surveyTheme() {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  const primary = v('--primary');
  return {
    isPanelless: true,
    cssVariables: {
      '--sjs-font-family': v('--font'),
      '--sjs-primary-backcolor': primary,
      '--sjs-primary-backcolor-dark': `color-mix(in srgb, ${primary} 85%, black)`,
      '--sjs-primary-backcolor-light': `color-mix(in srgb, ${primary} 12%, transparent)`,
      '--sjs-primary-forecolor': v('--on-primary'),
      '--sjs-general-backcolor': v('--surface'),
      '--sjs-general-backcolor-dim': v('--surface'),
      '--sjs-general-backcolor-dim-light': '#f8fafc',
      '--sjs-general-forecolor': v('--text'),
      '--sjs-corner-radius': v('--radius'),
      '--sjs-base-unit': '8px',
    },
  };
}

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
    m.applyTheme(surveyTheme());
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
