import { PageHeader } from '../../components/ui.tsx';

export function ReviewQueue() {
  return <PageHeader title="ReviewQueue" />;
}
