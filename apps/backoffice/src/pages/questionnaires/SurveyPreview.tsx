import { useMemo, useState } from 'react';
import { Alert, Button, Code, Stack } from '@mantine/core';
import { Model } from 'survey-core';
import { Survey } from 'survey-react-ui';
import 'survey-core/survey-core.min.css';
import { useTranslation } from 'react-i18next';
import type { SurveyJson } from '../../lib/survey.ts';

/** The questionnaire exactly as SurveyJS renders it, answerable, with the answers it would submit. */
export default function SurveyPreview({ json }: { json: SurveyJson }) {
  const { t, i18n } = useTranslation();
  const [result, setResult] = useState<unknown>(null);
  const [run, setRun] = useState(0);
  const model = useMemo(() => {
    const m = new Model(json);
    m.locale = i18n.language;
    m.onComplete.add((s) => setResult(s.data));
    return m;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [json, run, i18n.language]);
  if (!json.pages.some((p) => p.elements.length)) return <Alert color="gray">{t('questionnaires.noQuestions')}</Alert>;
  return (
    <Stack>
      {result != null ? (
        <>
          <Alert color="teal" title={t('questionnaires.previewDone')}>
            <Code block>{JSON.stringify(result, null, 2)}</Code>
          </Alert>
          <Button variant="light" w="fit-content" onClick={() => { setResult(null); setRun(run + 1); }}>
            {t('questionnaires.previewAgain')}
          </Button>
        </>
      ) : (
        <Survey model={model} />
      )}
    </Stack>
  );
}
