import { PageHeader } from '../../components/ui.tsx';

export function Dashboard() {
  return <PageHeader title="Dashboard" />;
}
