import { PageHeader } from '../../components/ui.tsx';

export function Links() {
  return <PageHeader title="Links" />;
}
