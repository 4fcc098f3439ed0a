import { PageHeader } from '../../components/ui.tsx';

export function WorkflowEditor() {
  return <PageHeader title="WorkflowEditor" />;
}
