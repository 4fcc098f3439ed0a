import { PageHeader } from '../../components/ui.tsx';

export function Questionnaires() {
  return <PageHeader title="Questionnaires" />;
}
