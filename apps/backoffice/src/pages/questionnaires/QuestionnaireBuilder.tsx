import { PageHeader } from '../../components/ui.tsx';

export function QuestionnaireBuilder() {
  return <PageHeader title="QuestionnaireBuilder" />;
}
