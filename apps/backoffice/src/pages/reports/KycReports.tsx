import { PageHeader } from '../../components/ui.tsx';

export function KycReports() {
  return <PageHeader title="KycReports" />;
}
