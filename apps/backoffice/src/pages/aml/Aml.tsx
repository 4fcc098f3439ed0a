import { PageHeader } from '../../components/ui.tsx';

export function Aml() {
  return <PageHeader title="Aml" />;
}
