import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from './client.ts';
import type { Flow } from './flows.ts';
import { useSession } from '../auth/session.tsx';

/** Flows of the current mode, for pickers and for naming a flowId in tables. */
export function useFlows(includeArchived = true) {
  const { mode } = useSession();
  const q = useQuery({ queryKey: ['flows', mode, includeArchived], queryFn: () => api.get<{ data: Flow[] }>('/v1/flows', { includeArchived: includeArchived ? 'true' : undefined }), staleTime: 60_000 });
  const byId = useMemo(() => new Map((q.data?.data ?? []).map((f) => [f.id, f])), [q.data]);
  return { ...q, flows: q.data?.data ?? [], byId };
}

export type Reviewer = { id: string; name: string; email: string };

/** People a case can be assigned to: active users whose role reviews applicants in the current mode. */
export function useReviewers() {
  const { mode } = useSession();
  const q = useQuery({ queryKey: ['reviewers', mode], queryFn: () => api.get<{ data: Reviewer[] }>('/v1/reviewers'), staleTime: 60_000 });
  return useMemo(() => {
    const list = q.data?.data ?? [];
    return { list, byId: new Map(list.map((u) => [u.id, u])) };
  }, [q.data]);
}

/** Select options for reviewers; someone assigned earlier who can no longer review still shows by name or id. */
export function reviewerOptions(list: Reviewer[], current: string | null, former: string) {
  const options = list.map((u) => ({ value: u.id, label: u.name }));
  if (current && !list.some((u) => u.id === current)) options.push({ value: current, label: former });
  return options;
}
