import { useState } from 'react';
import { Alert, Button, Group, Modal, Paper, Stack, Table, Tabs, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconPlus, IconKey } from '@tabler/icons-react';
import { useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Application } from '../../api/types.ts';
import { useSession } from '../../auth/session.tsx';
import { CopyField, EmptyState, ErrorAlert, PageHeader, StatusBadge, TableSkeleton } from '../../components/ui.tsx';
import { fmtDate } from '../../lib/format.ts';
import { DeliveryLog } from '../webhooks/DeliveryLog.tsx';
import { EndpointsPanel, useEndpoints } from '../webhooks/Endpoints.tsx';

export function Applications() {
  const { t } = useTranslation();
  const { mode, can } = useSession();
  const [params, setParams] = useSearchParams();
  const [open, setOpen] = useState(false);
  // Endpoints and the delivery log need webhooks.manage, which a role can hold apart from settings.manage.
  const hooks = can('webhooks.manage');
  const tab = hooks ? (params.get('tab') ?? 'applications') : 'applications';
  return (
    <>
      <PageHeader
        title={t('apps.title')}
        description={t('apps.description', { mode: t(`header.${mode}`) })}
        actions={
          tab === 'applications' && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setOpen(true)}>
              {t('apps.new')}
            </Button>
          )
        }
      />
      {hooks ? (
        <Tabs value={tab} onChange={(v) => setParams(v && v !== 'applications' ? { tab: v } : {}, { replace: true })} keepMounted={false}>
          <Tabs.List mb="md">
            <Tabs.Tab value="applications">{t('apps.tabApplications')}</Tabs.Tab>
            <Tabs.Tab value="endpoints">{t('webhooks.endpoints')}</Tabs.Tab>
            <Tabs.Tab value="deliveries">{t('webhooks.deliveries')}</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="applications">
            <ApplicationsTable onNew={() => setOpen(true)} />
          </Tabs.Panel>
          <Tabs.Panel value="endpoints">
            <Paper>
              <EndpointsPanel />
            </Paper>
          </Tabs.Panel>
          <Tabs.Panel value="deliveries">
            <Paper pt="md">
              <AllDeliveries />
            </Paper>
          </Tabs.Panel>
        </Tabs>
      ) : (
        <ApplicationsTable onNew={() => setOpen(true)} />
      )}
      <CreateApplication opened={open} onClose={() => setOpen(false)} />
    </>
  );
}

function AllDeliveries() {
  const endpoints = useEndpoints();
  return <DeliveryLog endpoints={endpoints.data?.data ?? []} />;
}

function ApplicationsTable({ onNew }: { onNew: () => void }) {
  const { t } = useTranslation();
  const { mode } = useSession();
  const navigate = useNavigate();
  const q = useQuery({ queryKey: ['applications', mode], queryFn: () => api.get<{ data: Application[] }>('/v1/applications') });
  return (
    <>
      {q.error && <ErrorAlert error={q.error} onRetry={() => q.refetch()} />}
      <Paper>
        {q.isLoading ? (
          <TableSkeleton cols={4} />
        ) : !q.data?.data.length ? (
          <EmptyState title={t('apps.empty')} description={t('apps.emptyText')} action={<Button onClick={onNew}>{t('apps.new')}</Button>} />
        ) : (
          <Table.ScrollContainer minWidth={800}>
            <Table className="sticky-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('common.name')}</Table.Th>
                  <Table.Th>{t('apps.clientKey')}</Table.Th>
                  <Table.Th>{t('apps.webhook')}</Table.Th>
                  <Table.Th>{t('common.status')}</Table.Th>
                  <Table.Th>{t('common.created')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {q.data.data.map((a) => (
                  <Table.Tr key={a.id} className="clickable-row" onClick={() => navigate(`/applications/${a.id}`)} tabIndex={0} onKeyDown={(e) => e.key === 'Enter' && navigate(`/applications/${a.id}`)}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {a.name}
                      </Text>
                      {a.description && (
                        <Text size="xs" c="dimmed" lineClamp={1}>
                          {a.description}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" className="mono">
                        {a.clientKey}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c={a.webhookUrl ? undefined : 'dimmed'} truncate maw={280}>
                        {a.webhookUrl ?? t('apps.noWebhook')}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={a.status} />
                    </Table.Td>
                    <Table.Td>{fmtDate(a.createdAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
    </>
  );
}

function CreateApplication({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [created, setCreated] = useState<(Application & { cryptoKey: string }) | null>(null);
  const m = useMutation({
    mutationFn: () => api.post<Application & { cryptoKey: string }>('/v1/applications', { name, description: description || undefined }),
    onSuccess: async (a) => {
      setCreated(a);
      await qc.invalidateQueries({ queryKey: ['applications'] });
    },
  });
  const close = () => {
    const id = created?.id;
    setCreated(null);
    setName('');
    setDescription('');
    onClose();
    if (id) navigate(`/applications/${id}`);
  };
  return (
    <Modal opened={opened} onClose={close} title={created ? t('apps.created') : t('apps.new')} size="lg">
      {created ? (
        <Stack>
          <Alert color="orange" icon={<IconKey size={18} />} title={t('apps.cryptoOnce')}>
            {t('apps.cryptoOnceText')}
          </Alert>
          <CopyField value={created.cryptoKey} label={t('apps.cryptoKey')} />
          <Group justify="flex-end">
            <Button onClick={close}>{t('apps.savedKey')}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={(e) => { e.preventDefault(); m.mutate(); }}>
          <Stack>
            {m.error && <ErrorAlert error={m.error} />}
            <TextInput label={t('common.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required data-autofocus />
            <Textarea label={t('common.description')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={2} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={m.isPending}>
                {t('common.create')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
