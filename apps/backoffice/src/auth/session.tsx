import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiClient, ApiError, type Mode } from '../api/client.ts';
import type { Me } from '../api/types.ts';
import i18n from '../i18n/index.ts';

export type Permission =
  | 'applicants.read'
  | 'applicants.write'
  | 'applicants.review'
  | 'applicants.delete'
  | 'pii.view'
  | 'flows.manage'
  | 'aml.scan'
  | 'reports.export'
  | 'settings.manage'
  | 'webhooks.manage'
  | 'team.manage'
  | 'live.access'
  | 'audit.read';

type SessionValue = {
  me: Me | null;
  loading: boolean;
  mode: Mode;
  setMode: (m: Mode) => void;
  can: (p: Permission) => boolean;
  /** After login/signup/accept-invite: remember the CSRF token and load the full session. */
  signedIn: (csrfToken: string) => Promise<void>;
  signedOut: () => void;
};

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const [mode, setModeState] = useState<Mode>(apiClient.mode);
  const meQuery = useQuery({
    queryKey: ['me', mode],
    queryFn: async () => {
      try {
        return await api.get<Me>('/v1/auth/me');
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        // A role without live access: fall back to the sandbox rather than locking the user out.
        if (e instanceof ApiError && e.code === 'live_access_denied') {
          apiClient.setMode('test');
          setModeState('test');
          return null;
        }
        throw e;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
  const me = meQuery.data ?? null;

  useEffect(() => {
    apiClient.setCsrfToken(me?.csrfToken ?? null);
    if (me?.user.language && i18n.language !== me.user.language && i18n.options.resources?.[me.user.language]) void i18n.changeLanguage(me.user.language);
  }, [me]);

  const signedOut = useCallback(() => {
    apiClient.setCsrfToken(null);
    qc.setQueryData(['me', apiClient.mode], null);
    qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
  }, [qc]);

  useEffect(() => {
    apiClient.onUnauthorized(signedOut);
    return () => apiClient.onUnauthorized(null);
  }, [signedOut]);

  const value = useMemo<SessionValue>(() => {
    const perms = new Set(me?.permissions ?? []);
    return {
      me,
      loading: meQuery.isLoading,
      mode,
      setMode: (m) => {
        apiClient.setMode(m);
        setModeState(m);
        // Every list is scoped by mode: drop what was loaded for the other one.
        qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
      },
      can: (p) => perms.has(p),
      signedIn: async (csrfToken) => {
        apiClient.setCsrfToken(csrfToken);
        await qc.invalidateQueries({ queryKey: ['me'] });
        await qc.refetchQueries({ queryKey: ['me', apiClient.mode] });
      },
      signedOut,
    };
  }, [me, meQuery.isLoading, mode, qc, signedOut]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession() {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

/** The permission checks for a signed-in page (the router only renders these inside the shell). */
export function useCan() {
  return useSession().can;
}
