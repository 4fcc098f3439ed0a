import { useState } from 'react';
import { ActionIcon, Alert, Anchor, Badge, Button, Divider, Drawer, Group, Modal, MultiSelect, Select, Stack, Switch, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconBan, IconKey, IconPlayerPlay, IconPlus, IconRefresh, IconSend, IconTrash, IconX } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Application } from '../../api/types.ts';
import { EVENT_TYPES, type DeliveryDetail, type Endpoint, type EndpointInput, type EndpointWithSecret } from '../../api/webhooks.ts';
import { useSession } from '../../auth/session.tsx';
import { ConfirmModal, CopyField, EmptyState, ErrorAlert, KeyValue, SecretOnce, StatusBadge, TableSkeleton, notifyError, notifySuccess } from '../../components/ui.tsx';
import { fmtDateTime } from '../../lib/format.ts';
import { DeliveryLog, DeliveryView, shortUrl } from './DeliveryLog.tsx';

/** Endpoints of the current mode, optionally of one application. */
export function useEndpoints(applicationId?: string) {
  const { mode } = useSession();
  return useQuery({ queryKey: ['webhooks', 'endpoints', mode, applicationId ?? null], queryFn: () => api.get<{ data: Endpoint[] }>('/v1/webhooks/endpoints', { applicationId }) });
}

function useApplications() {
  const { mode } = useSession();
  return useQuery({ queryKey: ['applications', mode], queryFn: () => api.get<{ data: Application[] }>('/v1/applications') });
}

/** Endpoint list with create; a row opens the endpoint. `applicationId` narrows it to one application. */
export function EndpointsPanel({ applicationId }: { applicationId?: string }) {
  const { t } = useTranslation();
  const q = useEndpoints(applicationId);
  const apps = useApplications();
  const [creating, setCreating] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const appName = new Map((apps.data?.data ?? []).map((a) => [a.id, a.name]));
  const list = q.data?.data ?? [];
  const open = list.find((e) => e.id === openId) ?? null;
  return (
    <>
      <Group justify="space-between" p="md" pb="sm">
        <Text size="sm" c="dimmed">
          {t('webhooks.endpointsText')}
        </Text>
        <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setCreating(true)} data-testid="new-endpoint">
          {t('webhooks.newEndpoint')}
        </Button>
      </Group>
      {q.error ? (
        <ErrorAlert error={q.error} onRetry={() => q.refetch()} />
      ) : q.isLoading ? (
        <TableSkeleton cols={5} rows={2} />
      ) : !list.length ? (
        <EmptyState title={t('webhooks.noEndpoints')} description={t('webhooks.noEndpointsText')} />
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table className="sticky-table" data-testid="endpoints-table" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('webhooks.url')}</Table.Th>
                <Table.Th>{t('webhooks.events')}</Table.Th>
                <Table.Th>{t('webhooks.options')}</Table.Th>
                {!applicationId && <Table.Th>{t('webhooks.application')}</Table.Th>}
                <Table.Th>{t('common.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((e) => (
                <Table.Tr key={e.id} className="clickable-row" onClick={() => setOpenId(e.id)} tabIndex={0} onKeyDown={(ev) => ev.key === 'Enter' && setOpenId(e.id)} data-testid={`endpoint-${shortUrl(e.url)}`}>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Text size="sm" fw={500} truncate maw={320} title={e.url}>
                        {shortUrl(e.url)}
                      </Text>
                      {e.managed && <ManagedBadge />}
                    </Group>
                    {e.description && (
                      <Text size="xs" c="dimmed" lineClamp={1}>
                        {e.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{e.events.length ? t('webhooks.eventCount', { count: e.events.length }) : t('webhooks.allEvents')}</Text>
                  </Table.Td>
                  <Table.Td>
                    <OptionBadges e={e} />
                  </Table.Td>
                  {!applicationId && <Table.Td>{e.applicationId ? (appName.get(e.applicationId) ?? e.applicationId) : <Text size="sm" c="dimmed">—</Text>}</Table.Td>}
                  <Table.Td>
                    <EndpointStatus e={e} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CreateEndpoint opened={creating} onClose={() => setCreating(false)} applications={apps.data?.data ?? []} applicationId={applicationId} onCreated={(id) => setOpenId(id)} />
      <Drawer opened={!!open} onClose={() => setOpenId(null)} position="right" size="xl" title={open ? shortUrl(open.url) : ''}>
        {open && <EndpointView key={open.id} e={open} appName={open.applicationId ? (appName.get(open.applicationId) ?? null) : null} onDeleted={() => setOpenId(null)} />}
      </Drawer>
    </>
  );
}

function ManagedBadge() {
  const { t } = useTranslation();
  return (
    <Tooltip label={t('webhooks.managedHelp')} multiline maw={300}>
      <Badge size="xs" variant="light" color="grape" tt="none" style={{ flexShrink: 0 }}>
        {t('webhooks.managed')}
      </Badge>
    </Tooltip>
  );
}

function OptionBadges({ e }: { e: Endpoint }) {
  const { t } = useTranslation();
  const on = (['encrypt', 'noPersonalData', 'finalOnly'] as const).filter((k) => e[k]);
  if (!on.length) return <Text size="sm" c="dimmed">—</Text>;
  return (
    <Group gap={4}>
      {on.map((k) => (
        <Badge key={k} size="xs" variant="outline" tt="none">
          {t(`webhooks.opt.${k}`)}
        </Badge>
      ))}
    </Group>
  );
}

function EndpointStatus({ e }: { e: Endpoint }) {
  const { t } = useTranslation();
  return (
    <Stack gap={2}>
      <StatusBadge status={e.status} />
      {e.disabledReason && (
        <Text size="xs" c="dimmed">
          {t(`webhooks.disabledReason.${e.disabledReason}`)}
        </Text>
      )}
      {e.status === 'active' && e.failingSince && (
        <Text size="xs" c="orange.8">
          {t('webhooks.failingSince', { date: fmtDateTime(e.failingSince) })}
        </Text>
      )}
    </Stack>
  );
}

type HeaderRow = { name: string; value: string };
const toRows = (h: Record<string, string>) => Object.entries(h).map(([name, value]) => ({ name, value }));
const toHeaders = (rows: HeaderRow[]) => Object.fromEntries(rows.filter((r) => r.name.trim()).map((r) => [r.name.trim(), r.value]));

/** The settings of an endpoint; a managed endpoint's URL and headers belong to its application. */
function EndpointFields({ value, onChange, managed, applications, withApplication }: { value: Required<Omit<EndpointInput, 'applicationId' | 'headers'>> & { applicationId: string | null; headers: HeaderRow[] }; onChange: (v: typeof value) => void; managed: boolean; applications: Application[]; withApplication: boolean }) {
  const { t } = useTranslation();
  const set = <K extends keyof typeof value>(k: K, v: (typeof value)[K]) => onChange({ ...value, [k]: v });
  return (
    <Stack>
      <TextInput label={t('webhooks.url')} description={managed ? t('webhooks.managedUrl') : t('webhooks.urlHelp')} placeholder="https://example.com/tessera/webhook" value={value.url} onChange={(e) => set('url', e.currentTarget.value)} required disabled={managed} data-autofocus />
      <TextInput label={t('common.description')} value={value.description} onChange={(e) => set('description', e.currentTarget.value)} />
      <MultiSelect label={t('webhooks.events')} description={t('webhooks.eventsHelp')} placeholder={value.events.length ? undefined : t('webhooks.allEvents')} data={[...EVENT_TYPES]} value={value.events} onChange={(v) => set('events', v)} searchable clearable />
      {!managed && (
        <div>
          <Text size="sm" fw={500}>
            {t('apps.webhookHeaders')}
          </Text>
          <Text size="xs" c="dimmed" mb={6}>
            {t('apps.webhookHeadersText')}
          </Text>
          <Stack gap={6}>
            {value.headers.map((h, i) => (
              <Group key={i} gap={6} wrap="nowrap">
                <TextInput placeholder="X-Header" value={h.name} onChange={(e) => set('headers', value.headers.map((x, j) => (j === i ? { ...x, name: e.currentTarget.value } : x)))} aria-label={t('apps.headerName')} style={{ flex: 1 }} />
                <TextInput placeholder={t('apps.headerValue')} value={h.value} onChange={(e) => set('headers', value.headers.map((x, j) => (j === i ? { ...x, value: e.currentTarget.value } : x)))} aria-label={t('apps.headerValue')} style={{ flex: 2 }} />
                <ActionIcon variant="subtle" color="gray" onClick={() => set('headers', value.headers.filter((_, j) => j !== i))} aria-label={t('common.remove')}>
                  <IconX size={16} />
                </ActionIcon>
              </Group>
            ))}
            <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => set('headers', [...value.headers, { name: '', value: '' }])} w="fit-content">
              {t('apps.addHeader')}
            </Button>
          </Stack>
        </div>
      )}
      {withApplication && (
        // Without a choice the server attaches the oldest active application, so the field always shows one.
        <Select label={t('webhooks.application')} description={t('webhooks.applicationHelp')} data={applications.filter((a) => a.status === 'active').map((a) => ({ value: a.id, label: a.name }))} value={value.applicationId ?? applications.find((a) => a.status === 'active')?.id ?? null} onChange={(v) => onChange({ ...value, applicationId: v })} allowDeselect={false} />
      )}
      <Switch label={t('webhooks.opt.encrypt')} description={t('webhooks.optHelp.encrypt')} checked={value.encrypt} onChange={(e) => set('encrypt', e.currentTarget.checked)} disabled={!value.applicationId && !applications.some((a) => a.status === 'active')} />
      <Switch label={t('webhooks.opt.noPersonalData')} description={t('webhooks.optHelp.noPersonalData')} checked={value.noPersonalData} onChange={(e) => set('noPersonalData', e.currentTarget.checked)} />
      <Switch label={t('webhooks.opt.finalOnly')} description={t('webhooks.optHelp.finalOnly')} checked={value.finalOnly} onChange={(e) => set('finalOnly', e.currentTarget.checked)} />
    </Stack>
  );
}

function CreateEndpoint({ opened, onClose, applications, applicationId, onCreated }: { opened: boolean; onClose: () => void; applications: Application[]; applicationId?: string; onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const blank = { url: '', description: '', events: [] as string[], headers: [] as HeaderRow[], encrypt: false, noPersonalData: false, finalOnly: false, applicationId: applicationId ?? null };
  const [v, setV] = useState(blank);
  const [created, setCreated] = useState<EndpointWithSecret | null>(null);
  const m = useMutation({
    mutationFn: () =>
      api.post<EndpointWithSecret>('/v1/webhooks/endpoints', {
        url: v.url.trim(),
        description: v.description || undefined,
        events: v.events.length ? v.events : undefined,
        headers: v.headers.some((h) => h.name.trim()) ? toHeaders(v.headers) : undefined,
        encrypt: v.encrypt,
        noPersonalData: v.noPersonalData,
        finalOnly: v.finalOnly,
        applicationId: v.applicationId ?? undefined,
      }),
    onSuccess: async (e) => {
      setCreated(e);
      await qc.invalidateQueries({ queryKey: ['webhooks', 'endpoints'] });
    },
  });
  const close = () => {
    const id = created?.id;
    setCreated(null);
    setV(blank);
    m.reset();
    onClose();
    if (id) onCreated(id);
  };
  return (
    <Modal opened={opened} onClose={close} title={created ? t('webhooks.created') : t('webhooks.newEndpoint')} size="lg">
      {created ? (
        <Stack>
          <SecretOnce title={t('webhooks.secretOnce')} text={t('webhooks.secretOnceText')} secret={created.secret} />
          <Group justify="flex-end">
            <Button onClick={close} data-testid="secret-saved">
              {t('apps.savedKey')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            m.mutate();
          }}
        >
          <Stack>
            {m.error && <ErrorAlert error={m.error} />}
            <EndpointFields value={v} onChange={setV} managed={false} applications={applications} withApplication={!applicationId} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={m.isPending} disabled={!v.url.trim()}>
                {t('common.create')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

/** One endpoint: test-send, secret rotation, disable/enable, redeliver failed, edit, delete and its log. */
function EndpointView({ e, appName, onDeleted }: { e: Endpoint; appName: string | null; onDeleted: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: ['webhooks'] });
  const [secret, setSecret] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<'rotate' | 'delete' | null>(null);
  const [test, setTest] = useState<DeliveryDetail | null>(null);
  const [v, setV] = useState({ url: e.url, description: e.description, events: e.events, headers: toRows(e.headers), encrypt: e.encrypt, noPersonalData: e.noPersonalData, finalOnly: e.finalOnly, applicationId: e.applicationId });
  const save = useMutation({
    mutationFn: () =>
      api.patch<Endpoint>(`/v1/webhooks/endpoints/${e.id}`, {
        ...(e.managed ? {} : { url: v.url.trim(), headers: toHeaders(v.headers) }),
        description: v.description,
        events: v.events,
        encrypt: v.encrypt,
        noPersonalData: v.noPersonalData,
        finalOnly: v.finalOnly,
      }),
    onSuccess: async () => {
      notifySuccess(t('common.saved'));
      await refresh();
    },
  });
  const sendTest = useMutation({
    mutationFn: () => api.post<DeliveryDetail>(`/v1/webhooks/endpoints/${e.id}/test`),
    onSuccess: async (d) => {
      setTest(d);
      await refresh();
    },
    onError: (err) => notifyError(err),
  });
  const rotate = useMutation({
    mutationFn: () => api.post<EndpointWithSecret>(`/v1/webhooks/endpoints/${e.id}/rotate`),
    onSuccess: async (r) => {
      setConfirm(null);
      setSecret(r.secret);
      await refresh();
    },
    onError: (err) => notifyError(err),
  });
  const toggle = useMutation({
    mutationFn: () => api.post<Endpoint>(`/v1/webhooks/endpoints/${e.id}/${e.status === 'active' ? 'disable' : 'enable'}`),
    onSuccess: refresh,
    onError: (err) => notifyError(err),
  });
  const redeliverFailed = useMutation({
    mutationFn: () => api.post<{ count: number }>(`/v1/webhooks/endpoints/${e.id}/redeliver-failed`),
    onSuccess: async (r) => {
      notifySuccess(t('webhooks.redeliveredFailed', { count: r.count }));
      await refresh();
    },
    onError: (err) => notifyError(err),
  });
  const del = useMutation({
    mutationFn: () => api.del(`/v1/webhooks/endpoints/${e.id}`),
    onSuccess: async () => {
      setConfirm(null);
      onDeleted();
      await refresh();
    },
    onError: (err) => notifyError(err),
  });

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="xs">
            <EndpointStatus e={e} />
            {e.managed && <ManagedBadge />}
          </Group>
          {e.managed && e.applicationId && (
            <Text size="sm">
              {t('webhooks.managedBy')}{' '}
              <Anchor component={Link} to={`/applications/${e.applicationId}`}>
                {appName ?? e.applicationId}
              </Anchor>
            </Text>
          )}
        </Stack>
        <Group gap="xs">
          <Button size="xs" leftSection={<IconSend size={14} />} onClick={() => sendTest.mutate()} loading={sendTest.isPending} data-testid="test-send">
            {t('webhooks.testSend')}
          </Button>
          <Button size="xs" variant="default" leftSection={<IconRefresh size={14} />} onClick={() => redeliverFailed.mutate()} loading={redeliverFailed.isPending}>
            {t('webhooks.redeliverFailed')}
          </Button>
          <Button size="xs" variant="default" color={e.status === 'active' ? 'orange' : 'teal'} leftSection={e.status === 'active' ? <IconBan size={14} /> : <IconPlayerPlay size={14} />} onClick={() => toggle.mutate()} loading={toggle.isPending}>
            {e.status === 'active' ? t('webhooks.disable') : t('webhooks.enable')}
          </Button>
        </Group>
      </Group>
      {test && (
        <Alert color={test.status === 'delivered' ? 'teal' : 'red'} title={test.status === 'delivered' ? t('webhooks.testOk') : t('webhooks.testFailed')} withCloseButton onClose={() => setTest(null)} data-testid="test-result">
          <DeliveryView id={test.id} endpoint={e} initial={test} />
        </Alert>
      )}
      <Stack gap={6}>
        <KeyValue label={t('webhooks.endpointId')}>
          <CopyField value={e.id} />
        </KeyValue>
        <KeyValue label={t('webhooks.secret')}>
          <Group gap="xs">
            <Text size="sm" className="mono">
              {e.secretHint}
            </Text>
            <Button size="compact-xs" variant="subtle" color="orange" leftSection={<IconKey size={12} />} onClick={() => setConfirm('rotate')}>
              {t('webhooks.rotate')}
            </Button>
          </Group>
          {e.previousSecretExpiresAt && new Date(e.previousSecretExpiresAt) > new Date() && (
            <Text size="xs" c="dimmed">
              {t('webhooks.previousSecret', { date: fmtDateTime(e.previousSecretExpiresAt) })}
            </Text>
          )}
        </KeyValue>
        <KeyValue label={t('common.created')}>{fmtDateTime(e.createdAt)}</KeyValue>
      </Stack>
      {secret && (
        <Stack gap="xs">
          <SecretOnce title={t('webhooks.secretOnce')} text={t('webhooks.rotatedText')} secret={secret} />
          <Button size="xs" variant="default" w="fit-content" onClick={() => setSecret(null)}>
            {t('apps.savedKey')}
          </Button>
        </Stack>
      )}
      <Divider />
      <Title order={5}>{t('common.settings')}</Title>
      <form
        onSubmit={(ev) => {
          ev.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          {save.error && <ErrorAlert error={save.error} />}
          <EndpointFields value={v} onChange={setV} managed={e.managed} applications={[]} withApplication={false} />
          <Group justify="space-between">
            <Tooltip label={t('webhooks.managedNoDelete')} disabled={!e.managed}>
              <Button variant="subtle" color="red" leftSection={<IconTrash size={14} />} onClick={() => setConfirm('delete')} disabled={e.managed}>
                {t('webhooks.delete')}
              </Button>
            </Tooltip>
            <Button type="submit" loading={save.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
      <Divider />
      <Title order={5}>{t('webhooks.deliveries')}</Title>
      <DeliveryLog fixed={{ endpointId: e.id }} endpoints={[e]} />
      <ConfirmModal opened={confirm === 'rotate'} title={t('webhooks.rotateTitle')} confirmLabel={t('webhooks.rotate')} color="orange" loading={rotate.isPending} onConfirm={() => rotate.mutate()} onClose={() => setConfirm(null)}>
        {t('webhooks.rotateText')}
      </ConfirmModal>
      <ConfirmModal opened={confirm === 'delete'} title={t('webhooks.deleteTitle')} confirmLabel={t('webhooks.delete')} loading={del.isPending} onConfirm={() => del.mutate()} onClose={() => setConfirm(null)}>
        {t('webhooks.deleteText', { url: e.url })}
      </ConfirmModal>
    </Stack>
  );
}
