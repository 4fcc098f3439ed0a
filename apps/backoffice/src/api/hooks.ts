import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from './client.ts';
import type { Flow } from './flows.ts';
import type { User } from './types.ts';
import { useSession } from '../auth/session.tsx';

/** Flows of the current mode, for pickers and for naming a flowId in tables. */
export function useFlows(includeArchived = true) {
  const { mode } = useSession();
  const q = useQuery({ queryKey: ['flows', mode, includeArchived], queryFn: () => api.get<{ data: Flow[] }>('/v1/flows', { includeArchived: includeArchived ? 'true' : undefined }), staleTime: 60_000 });
  const byId = useMemo(() => new Map((q.data?.data ?? []).map((f) => [f.id, f])), [q.data]);
  return { ...q, flows: q.data?.data ?? [], byId };
}

/**
 * People a case can be assigned to. The team list needs team.manage; without it the only reviewer the
 * user can name is themselves (the back office has no narrower "list reviewers" endpoint yet).
 */
export function useReviewers() {
  const { me, can } = useSession();
  const q = useQuery({ queryKey: ['team', 'users'], queryFn: () => api.get<{ data: User[] }>('/v1/team/users'), enabled: can('team.manage'), staleTime: 60_000 });
  return useMemo(() => {
    const list = q.data?.data.filter((u) => u.status === 'active') ?? (me ? [me.user] : []);
    return { list, byId: new Map(list.map((u) => [u.id, u])) };
  }, [q.data, me]);
}
