import { useEffect, useState } from 'react';
import { ActionIcon, Anchor, Button, Grid, Group, Modal, NumberInput, Paper, Stack, Switch, Table, TagsInput, Text, TextInput, Textarea, Title, Breadcrumbs, Code } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconEye, IconKey, IconPlus, IconRefresh, IconTrash, IconX } from '@tabler/icons-react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { ApiKey, Application } from '../../api/types.ts';
import { BlockSkeleton, CopyField, EmptyState, ErrorAlert, KeyValue, PageHeader, SecretOnce, StatusBadge, TableSkeleton, notifyError, notifySuccess } from '../../components/ui.tsx';
import { useSession } from '../../auth/session.tsx';
import { DeliveryLog } from '../webhooks/DeliveryLog.tsx';
import { EndpointsPanel, useEndpoints } from '../webhooks/Endpoints.tsx';
import { fmtDateTime } from '../../lib/format.ts';

export function ApplicationDetail() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { can } = useSession();
  const q = useQuery({ queryKey: ['applications', 'one', id], queryFn: () => api.get<Application>(`/v1/applications/${id}`) });
  if (q.error) return <ErrorAlert error={q.error} />;
  if (!q.data)
    return (
      <Paper p="lg">
        <BlockSkeleton />
      </Paper>
    );
  const a = q.data;
  return (
    <>
      <Breadcrumbs mb="xs" fz="sm">
        <Anchor component={Link} to="/applications">
          {t('apps.title')}
        </Anchor>
        <Text size="sm">{a.name}</Text>
      </Breadcrumbs>
      <PageHeader title={a.name} description={a.description || undefined} actions={<StatusBadge status={a.status} size="lg" />} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="lg">
            <Settings app={a} />
            <ApiKeys app={a} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Keys app={a} />
        </Grid.Col>
      </Grid>
      {can('webhooks.manage') && (
        <Stack gap="lg" mt="lg">
          <Webhooks app={a} />
        </Stack>
      )}
    </>
  );
}

type HeaderRow = { name: string; value: string };

function Settings({ app }: { app: Application }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState(app.name);
  const [description, setDescription] = useState(app.description);
  const [webhookUrl, setWebhookUrl] = useState(app.webhookUrl ?? '');
  const [redirectUrl, setRedirectUrl] = useState(app.redirectUrl ?? '');
  const [origins, setOrigins] = useState<string[]>(app.allowedOrigins ?? []);
  const [headers, setHeaders] = useState<HeaderRow[]>(Object.entries(app.webhookHeaders ?? {}).map(([name, value]) => ({ name, value })));
  const [active, setActive] = useState(app.status === 'active');
  useEffect(() => setActive(app.status === 'active'), [app.status]);
  const m = useMutation({
    mutationFn: () =>
      api.patch<Application>(`/v1/applications/${app.id}`, {
        name,
        description,
        webhookUrl: webhookUrl.trim() || null,
        redirectUrl: redirectUrl.trim() || null,
        allowedOrigins: origins.map((o) => o.trim()).filter(Boolean),
        webhookHeaders: headers.filter((h) => h.name.trim()).length ? Object.fromEntries(headers.filter((h) => h.name.trim()).map((h) => [h.name.trim(), h.value])) : null,
        status: active ? 'active' : 'disabled',
      }),
    onSuccess: async (saved) => {
      // The server normalises the origins (lowercase, no trailing slash): show what it stored.
      setOrigins(saved.allowedOrigins ?? []);
      await qc.invalidateQueries({ queryKey: ['applications'] });
      // The webhook URL and headers feed the application's managed endpoint.
      await qc.invalidateQueries({ queryKey: ['webhooks'] });
      notifySuccess(t('common.saved'));
    },
  });
  return (
    <Paper p="lg">
      <Title order={4} mb="md">
        {t('apps.settings')}
      </Title>
      <form onSubmit={(e) => { e.preventDefault(); m.mutate(); }}>
        <Stack>
          {m.error && <ErrorAlert error={m.error} />}
          <TextInput label={t('common.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required />
          <Textarea label={t('common.description')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={2} />
          <TextInput label={t('apps.webhookUrl')} description={t('apps.webhookUrlText')} placeholder="https://example.com/tessera/webhook" value={webhookUrl} onChange={(e) => setWebhookUrl(e.currentTarget.value)} />
          <div>
            <Text size="sm" fw={500}>
              {t('apps.webhookHeaders')}
            </Text>
            <Text size="xs" c="dimmed" mb={6}>
              {t('apps.webhookHeadersText')}
            </Text>
            <Stack gap={6}>
              {headers.map((h, i) => (
                <Group key={i} gap={6} wrap="nowrap">
                  <TextInput placeholder="X-Header" value={h.name} onChange={(e) => setHeaders(headers.map((x, j) => (j === i ? { ...x, name: e.currentTarget.value } : x)))} aria-label={t('apps.headerName')} style={{ flex: 1 }} />
                  <TextInput placeholder={t('apps.headerValue')} value={h.value} onChange={(e) => setHeaders(headers.map((x, j) => (j === i ? { ...x, value: e.currentTarget.value } : x)))} aria-label={t('apps.headerValue')} style={{ flex: 2 }} />
                  <ActionIcon variant="subtle" color="gray" onClick={() => setHeaders(headers.filter((_, j) => j !== i))} aria-label={t('common.remove')}>
                    <IconX size={16} />
                  </ActionIcon>
                </Group>
              ))}
              <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => setHeaders([...headers, { name: '', value: '' }])} w="fit-content">
                {t('apps.addHeader')}
              </Button>
            </Stack>
          </div>
          <TextInput label={t('apps.redirectUrl')} description={t('apps.redirectUrlText')} placeholder="https://example.com/verified" value={redirectUrl} onChange={(e) => setRedirectUrl(e.currentTarget.value)} />
          <TagsInput
            label={t('apps.allowedOrigins')}
            description={t('apps.allowedOriginsText')}
            placeholder={origins.length ? undefined : 'https://www.example.com'}
            value={origins}
            onChange={setOrigins}
            splitChars={[',', ' ', '\n']}
            maxTags={50}
            clearable
            data-testid="allowed-origins"
          />
          <Switch label={t('apps.active')} checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
          <Group justify="flex-end">
            <Button type="submit" loading={m.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function Keys({ app }: { app: Application }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [crypto, setCrypto] = useState<string | null>(null);
  const reveal = useMutation({ mutationFn: () => api.get<{ cryptoKey: string }>(`/v1/applications/${app.id}/crypto-key`), onSuccess: (d) => setCrypto(d.cryptoKey), onError: (e) => notifyError(e) });
  const rotateCrypto = useMutation({ mutationFn: () => api.post<{ cryptoKey: string }>(`/v1/applications/${app.id}/crypto-key/rotate`), onSuccess: (d) => { setCrypto(d.cryptoKey); notifySuccess(t('apps.rotated')); }, onError: (e) => notifyError(e) });
  const rotateClient = useMutation({
    mutationFn: () => api.post<Application>(`/v1/applications/${app.id}/client-key/rotate`),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['applications'] });
      notifySuccess(t('apps.rotated'));
    },
    onError: (e) => notifyError(e),
  });
  return (
    <Paper p="lg">
      <Title order={4} mb="md">
        {t('apps.identifiers')}
      </Title>
      <Stack gap="md">
        <KeyValue label={t('apps.appId')}>
          <CopyField value={app.id} />
        </KeyValue>
        <KeyValue label={t('apps.clientKey')}>
          <Stack gap={4}>
            <CopyField value={app.clientKey} />
            <Button size="compact-xs" variant="subtle" leftSection={<IconRefresh size={12} />} onClick={() => rotateClient.mutate()} loading={rotateClient.isPending} w="fit-content">
              {t('apps.rotate')}
            </Button>
          </Stack>
        </KeyValue>
        <KeyValue label={t('apps.cryptoKey')}>
          <Stack gap={4}>
            {crypto ? <CopyField value={crypto} /> : <Text size="sm" c="dimmed">••••••••••••••••</Text>}
            <Group gap={4}>
              {!crypto && (
                <Button size="compact-xs" variant="subtle" leftSection={<IconEye size={12} />} onClick={() => reveal.mutate()} loading={reveal.isPending}>
                  {t('apps.reveal')}
                </Button>
              )}
              <Button size="compact-xs" variant="subtle" color="orange" leftSection={<IconRefresh size={12} />} onClick={() => rotateCrypto.mutate()} loading={rotateCrypto.isPending}>
                {t('apps.rotate')}
              </Button>
            </Group>
            <Text size="xs" c="dimmed">
              {t('apps.cryptoText')}
            </Text>
          </Stack>
        </KeyValue>
        <KeyValue label={t('common.created')}>{fmtDateTime(app.createdAt)}</KeyValue>
      </Stack>
    </Paper>
  );
}

function ApiKeys({ app }: { app: Application }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [rate, setRate] = useState<number | string>('');
  const [secret, setSecret] = useState<string | null>(null);
  const q = useQuery({ queryKey: ['applications', 'keys', app.id], queryFn: () => api.get<{ data: ApiKey[] }>(`/v1/applications/${app.id}/keys`) });
  const create = useMutation({
    mutationFn: () => api.post<ApiKey & { secret: string }>(`/v1/applications/${app.id}/keys`, { name: name || undefined, rateLimitPerMinute: typeof rate === 'number' ? rate : null }),
    onSuccess: async (k) => {
      setSecret(k.secret);
      await qc.invalidateQueries({ queryKey: ['applications', 'keys', app.id] });
    },
  });
  const revoke = useMutation({
    mutationFn: (keyId: string) => api.del(`/v1/applications/${app.id}/keys/${keyId}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['applications', 'keys', app.id] }),
    onError: (e) => notifyError(e),
  });
  const close = () => {
    setOpen(false);
    setSecret(null);
    setName('');
    setRate('');
    create.reset();
  };
  return (
    <Paper>
      <Group justify="space-between" p="lg" pb="sm">
        <Title order={4}>{t('apps.apiKeys')}</Title>
        <Button size="xs" variant="light" leftSection={<IconKey size={14} />} onClick={() => setOpen(true)}>
          {t('apps.newKey')}
        </Button>
      </Group>
      {q.error && <ErrorAlert error={q.error} />}
      {q.isLoading ? (
        <TableSkeleton cols={4} rows={2} />
      ) : !q.data?.data.length ? (
        <EmptyState title={t('apps.noKeys')} description={t('apps.noKeysText')} />
      ) : (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('common.name')}</Table.Th>
              <Table.Th>{t('apps.prefix')}</Table.Th>
              <Table.Th>{t('apps.lastUsed')}</Table.Th>
              <Table.Th>{t('common.status')}</Table.Th>
              <Table.Th w={60} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.data.map((k) => (
              <Table.Tr key={k.id}>
                <Table.Td>{k.name || '—'}</Table.Td>
                <Table.Td>
                  <Code>{k.prefix}…</Code>
                </Table.Td>
                <Table.Td>{fmtDateTime(k.lastUsedAt)}</Table.Td>
                <Table.Td>{k.revokedAt ? <StatusBadge status="revoked" /> : <StatusBadge status="active" />}</Table.Td>
                <Table.Td>
                  {!k.revokedAt && (
                    <ActionIcon variant="subtle" color="red" onClick={() => revoke.mutate(k.id)} aria-label={t('apps.revokeKey')}>
                      <IconTrash size={16} />
                    </ActionIcon>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Modal opened={open} onClose={close} title={secret ? t('apps.keyCreated') : t('apps.newKey')} size="lg">
        {secret ? (
          <Stack>
            <SecretOnce title={t('apps.secretOnce')} text={t('apps.secretOnceText')} secret={secret} />
            <Group justify="flex-end">
              <Button onClick={close}>{t('apps.savedKey')}</Button>
            </Group>
          </Stack>
        ) : (
          <form onSubmit={(e) => { e.preventDefault(); create.mutate(); }}>
            <Stack>
              {create.error && <ErrorAlert error={create.error} />}
              <TextInput label={t('common.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} placeholder="Production backend" data-autofocus />
              <NumberInput label={t('apps.rateLimit')} description={t('apps.rateLimitText')} value={rate} onChange={setRate} min={1} max={1_000_000} allowDecimal={false} />
              <Group justify="flex-end">
                <Button variant="default" onClick={close}>
                  {t('common.cancel')}
                </Button>
                <Button type="submit" loading={create.isPending}>
                  {t('common.create')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Modal>
    </Paper>
  );
}

/** The application's webhook endpoints (its managed one mirrors the URL above) and their delivery log. */
function Webhooks({ app }: { app: Application }) {
  const { t } = useTranslation();
  const endpoints = useEndpoints(app.id);
  return (
    <>
      <Paper>
        <Title order={4} px="lg" pt="lg">
          {t('webhooks.endpoints')}
        </Title>
        <EndpointsPanel applicationId={app.id} />
      </Paper>
      <Paper pb="xs">
        <Title order={4} p="lg" pb="sm">
          {t('webhooks.deliveries')}
        </Title>
        <DeliveryLog fixed={{ applicationId: app.id }} endpoints={endpoints.data?.data ?? []} />
      </Paper>
    </>
  );
}
