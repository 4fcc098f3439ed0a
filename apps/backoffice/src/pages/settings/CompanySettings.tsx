import { useEffect, useState } from 'react';
import { Alert, Button, Grid, Group, Paper, Stack, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Organisation } from '../../api/types.ts';
import { useSession } from '../../auth/session.tsx';
import { BlockSkeleton, CopyField, ErrorAlert, KeyValue, PageHeader, notifySuccess } from '../../components/ui.tsx';
import { fmtDate } from '../../lib/format.ts';

type Form = { name: string; address: string; phone: string; email: string; contact: string; info: string };

export function CompanySettings() {
  const { t } = useTranslation();
  const { can } = useSession();
  const editable = can('settings.manage');
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['organisation'], queryFn: () => api.get<Organisation>('/v1/organisation') });
  const [form, setForm] = useState<Form | null>(null);
  useEffect(() => {
    if (q.data) setForm({ name: q.data.name, address: q.data.address ?? '', phone: q.data.phone ?? '', email: q.data.email ?? '', contact: q.data.contact ?? '', info: q.data.info ?? '' });
  }, [q.data]);
  const m = useMutation({
    mutationFn: (f: Form) => {
      const n = (s: string) => (s.trim() ? s.trim() : null);
      return api.patch<Organisation>('/v1/organisation', { name: f.name, address: n(f.address), phone: n(f.phone), email: n(f.email), contact: n(f.contact), info: n(f.info) });
    },
    onSuccess: async (org) => {
      qc.setQueryData(['organisation'], org);
      await qc.invalidateQueries({ queryKey: ['me'] });
      notifySuccess(t('common.saved'));
    },
  });
  const set = (k: keyof Form) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => setForm((f) => (f ? { ...f, [k]: e.currentTarget.value } : f));

  return (
    <>
      <PageHeader title={t('company.title')} description={t('company.description')} />
      {q.error && <ErrorAlert error={q.error} onRetry={() => q.refetch()} />}
      {!form ? (
        <Paper p="lg">
          <BlockSkeleton lines={6} />
        </Paper>
      ) : (
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, lg: 8 }}>
            <Paper p="lg">
              <form onSubmit={(e) => { e.preventDefault(); m.mutate(form); }}>
                <Stack>
                  {!editable && <Alert color="gray">{t('company.readOnly')}</Alert>}
                  {m.error && <ErrorAlert error={m.error} />}
                  <TextInput label={t('company.name')} value={form.name} onChange={set('name')} required disabled={!editable} />
                  <Textarea label={t('company.address')} value={form.address} onChange={set('address')} autosize minRows={2} disabled={!editable} />
                  <Group grow>
                    <TextInput label={t('company.phone')} value={form.phone} onChange={set('phone')} disabled={!editable} />
                    <TextInput label={t('company.email')} type="email" value={form.email} onChange={set('email')} disabled={!editable} />
                  </Group>
                  <TextInput label={t('company.contact')} value={form.contact} onChange={set('contact')} disabled={!editable} />
                  <Textarea label={t('company.info')} value={form.info} onChange={set('info')} autosize minRows={3} disabled={!editable} />
                  {editable && (
                    <Group justify="flex-end">
                      <Button type="submit" loading={m.isPending}>
                        {t('common.save')}
                      </Button>
                    </Group>
                  )}
                </Stack>
              </form>
            </Paper>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 4 }}>
            <Paper p="lg">
              <Title order={5} mb="md">
                {t('company.identifiers')}
              </Title>
              <Stack gap="sm">
                <KeyValue label={t('company.orgId')}>
                  <CopyField value={q.data!.id} />
                </KeyValue>
                <KeyValue label={t('company.clientKey')}>
                  <CopyField value={q.data!.clientKey} />
                </KeyValue>
                <KeyValue label={t('common.created')}>{fmtDate(q.data!.createdAt)}</KeyValue>
              </Stack>
            </Paper>
          </Grid.Col>
        </Grid>
      )}
    </>
  );
}
