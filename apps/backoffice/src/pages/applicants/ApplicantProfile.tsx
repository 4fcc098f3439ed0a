import { PageHeader } from '../../components/ui.tsx';

export function ApplicantProfile() {
  return <PageHeader title="ApplicantProfile" />;
}
