import { useState } from 'react';
import { Alert, Button, Group, Modal, Paper, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconLink } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { ApplicantSummary, SessionLink } from '../../api/applicants.ts';
import { useFlows } from '../../api/hooks.ts';
import type { Application } from '../../api/types.ts';
import { useSession } from '../../auth/session.tsx';
import { CopyField, ErrorAlert } from '../../components/ui.tsx';
import { fmtDateTime } from '../../lib/format.ts';

export const LIFETIMES = [
  { value: String(60 * 60), key: 'hour1' },
  { value: String(24 * 60 * 60), key: 'day1' },
  { value: String(7 * 24 * 60 * 60), key: 'day7' },
  { value: String(30 * 24 * 60 * 60), key: 'day30' },
];
export const FLOW_LANGUAGES = [
  { value: 'en', label: 'English' },
  { value: 'es', label: 'Español' },
  { value: 'de', label: 'Deutsch' },
  { value: 'fr', label: 'Français' },
  { value: 'ru', label: 'Русский' },
];

export function NewVerificationDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { flows } = useFlows(false);
  const { can, mode } = useSession();
  const published = flows.filter((f) => f.version && f.status === 'active');
  // Listing applications needs settings.manage; without it the field is left out and the server decides.
  const canPickApp = can('settings.manage');
  const apps = useQuery({ queryKey: ['applications', mode], queryFn: () => api.get<{ data: Application[] }>('/v1/applications'), enabled: opened && canPickApp, staleTime: 60_000 });
  const activeApps = (apps.data?.data ?? []).filter((a) => a.status === 'active');
  const [appChoice, setAppChoice] = useState<string | null | undefined>(undefined);
  // One active application is the obvious choice; with several, the officer picks.
  const applicationId = appChoice === undefined ? (activeApps.length === 1 ? activeApps[0].id : null) : appChoice;
  const [flowId, setFlowId] = useState<string | null>(null);
  const [externalUserId, setExternalUserId] = useState('');
  const [email, setEmail] = useState('');
  const [lang, setLang] = useState<string | null>('en');
  const [ttl, setTtl] = useState<string | null>(LIFETIMES[2].value);
  const [result, setResult] = useState<{ applicant: ApplicantSummary; link: SessionLink } | null>(null);
  const m = useMutation({
    mutationFn: async () => {
      const applicant = await api.post<ApplicantSummary>('/v1/applicants', { externalUserId, flowId, email: email || undefined, lang: lang ?? undefined, applicationId: applicationId ?? undefined });
      const link = await api.post<SessionLink>(`/v1/applicants/${applicant.id}/sessions`, { lang: lang ?? undefined, ttlSeconds: Number(ttl) });
      return { applicant, link };
    },
    onSuccess: async (r) => {
      setResult(r);
      await qc.invalidateQueries({ queryKey: ['applicants'] });
    },
  });
  const close = () => {
    setResult(null);
    setExternalUserId('');
    setEmail('');
    setAppChoice(undefined);
    m.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={t('applicants.newVerification')} size="lg">
      {result ? (
        <Stack>
          <Alert color="teal" icon={<IconLink size={18} />} title={t('applicants.linkReady')}>
            {t('applicants.linkReadyText', { date: fmtDateTime(result.link.expiresAt) })}
          </Alert>
          <Paper p="sm" bg="gray.0">
            <CopyField value={result.link.url} />
          </Paper>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => { const id = result.applicant.id; close(); navigate(`/applicants/${id}`); }}>
              {t('applicants.openProfile')}
            </Button>
            <Button onClick={close}>{t('common.close')}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={(e) => { e.preventDefault(); m.mutate(); }}>
          <Stack>
            {m.error && <ErrorAlert error={m.error} />}
            {canPickApp && (
              <Select
                label={t('applicants.application')}
                description={t('applicants.applicationHelp')}
                data={activeApps.map((a) => ({ value: a.id, label: a.name }))}
                value={applicationId}
                onChange={setAppChoice}
                clearable
                placeholder={t('applicants.noApplication')}
                disabled={apps.isLoading}
                data-testid="new-verification-app"
              />
            )}
            <Select label={t('common.flow')} data={published.map((f) => ({ value: f.id, label: f.name }))} value={flowId} onChange={setFlowId} required searchable nothingFoundMessage={t('applicants.noPublishedFlows')} description={!published.length ? t('applicants.noPublishedFlows') : undefined} data-autofocus />
            <TextInput label={t('applicants.externalUserId')} description={t('applicants.externalUserIdHelp')} value={externalUserId} onChange={(e) => setExternalUserId(e.currentTarget.value)} required />
            <TextInput label={t('auth.email')} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} description={t('applicants.optional')} />
            <Group grow>
              <Select label={t('common.language')} data={FLOW_LANGUAGES} value={lang} onChange={setLang} allowDeselect={false} />
              <Select label={t('applicants.lifetime')} data={LIFETIMES.map((l) => ({ value: l.value, label: t(`lifetimes.${l.key}`) }))} value={ttl} onChange={setTtl} allowDeselect={false} />
            </Group>
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={m.isPending} disabled={!flowId || !externalUserId.trim()}>
                {t('applicants.createLink')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

export function SessionLinkDialog({ applicant, onClose }: { applicant: { id: string }; onClose: () => void }) {
  const { t } = useTranslation();
  const [lang, setLang] = useState<string | null>('en');
  const [ttl, setTtl] = useState<string | null>(LIFETIMES[2].value);
  const m = useMutation({ mutationFn: () => api.post<SessionLink>(`/v1/applicants/${applicant.id}/sessions`, { lang: lang ?? undefined, ttlSeconds: Number(ttl) }) });
  return (
    <Modal opened onClose={onClose} title={t('applicants.generateLink')}>
      <Stack>
        {m.error && <ErrorAlert error={m.error} />}
        {m.data ? (
          <>
            <Text size="sm">{t('applicants.linkReadyText', { date: fmtDateTime(m.data.expiresAt) })}</Text>
            <Paper p="sm" bg="gray.0">
              <CopyField value={m.data.url} />
            </Paper>
            <Group justify="flex-end">
              <Button onClick={onClose}>{t('common.close')}</Button>
            </Group>
          </>
        ) : (
          <>
            <Group grow>
              <Select label={t('common.language')} data={FLOW_LANGUAGES} value={lang} onChange={setLang} allowDeselect={false} />
              <Select label={t('applicants.lifetime')} data={LIFETIMES.map((l) => ({ value: l.value, label: t(`lifetimes.${l.key}`) }))} value={ttl} onChange={setTtl} allowDeselect={false} />
            </Group>
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button onClick={() => m.mutate()} loading={m.isPending}>
                {t('applicants.createLink')}
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Modal>
  );
}
