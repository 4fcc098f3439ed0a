import { PageHeader } from '../../components/ui.tsx';

export function Applicants() {
  return <PageHeader title="Applicants" />;
}
