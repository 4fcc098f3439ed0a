import { PageHeader } from '../../components/ui.tsx';

export function KycLogs() {
  return <PageHeader title="KycLogs" />;
}
