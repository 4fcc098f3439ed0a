import { PageHeader } from '../../components/ui.tsx';

export function Workflows() {
  return <PageHeader title="Workflows" />;
}
