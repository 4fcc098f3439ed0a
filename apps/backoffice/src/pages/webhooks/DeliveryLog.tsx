import { useState } from 'react';
import { Badge, Button, Code, Drawer, Group, ScrollArea, Select, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconRefresh } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api, type Page } from '../../api/client.ts';
import { DELIVERY_STATUSES, type Delivery, type DeliveryDetail, type DeliveryFilter, type Endpoint } from '../../api/webhooks.ts';
import { useSession } from '../../auth/session.tsx';
import { BlockSkeleton, CopyField, EmptyState, ErrorAlert, KeyValue, StatusBadge, TableSkeleton, notifyError, notifySuccess } from '../../components/ui.tsx';
import { fmtDateTime, fmtRelative } from '../../lib/format.ts';

/** Host and path of an endpoint URL, short enough for a table cell. */
export const shortUrl = (url: string) => {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return url;
  }
};

/**
 * The delivery log, newest first, with its filters; a delivery opens with every attempt. `fixed` narrows
 * it for good (one endpoint, one application) and hides that filter.
 */
export function DeliveryLog({ fixed = {}, endpoints }: { fixed?: Omit<DeliveryFilter, 'status'>; endpoints: Endpoint[] }) {
  const { t } = useTranslation();
  const { mode } = useSession();
  const qc = useQueryClient();
  const [status, setStatus] = useState<string | null>(null);
  const [endpointId, setEndpointId] = useState<string | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const filter: DeliveryFilter = { ...fixed, ...(fixed.endpointId ? {} : endpointId ? { endpointId } : {}), ...(status ? { status: status as DeliveryFilter['status'] } : {}) };
  const q = useInfiniteQuery({
    queryKey: ['webhooks', 'deliveries', mode, filter],
    queryFn: ({ pageParam }) => api.get<Page<Delivery>>('/v1/webhooks/deliveries', { ...filter, cursor: pageParam ?? undefined, limit: 50 }),
    initialPageParam: null as string | null,
    getNextPageParam: (l) => l.nextCursor,
    // Pending deliveries change on their own as the worker retries them.
    refetchInterval: (query) => (query.state.data?.pages.some((p) => p.data.some((d) => d.status === 'pending')) ? 5000 : false),
  });
  const redeliver = useMutation({
    mutationFn: (id: string) => api.post<Delivery>(`/v1/webhooks/deliveries/${id}/redeliver`),
    onSuccess: async () => {
      notifySuccess(t('webhooks.redelivered'));
      await qc.invalidateQueries({ queryKey: ['webhooks', 'deliveries'] });
    },
    onError: (e) => notifyError(e),
  });
  const rows = q.data?.pages.flatMap((p) => p.data) ?? [];
  const byId = new Map(endpoints.map((e) => [e.id, e]));
  const showEndpoint = !fixed.endpointId;
  return (
    <>
      <Group gap="sm" px="md" pb="sm">
        <Select
          size="xs"
          w={180}
          placeholder={t('webhooks.anyStatus')}
          aria-label={t('common.status')}
          data={DELIVERY_STATUSES.map((s) => ({ value: s, label: t(`webhooks.deliveryStatus.${s}`) }))}
          value={status}
          onChange={setStatus}
          clearable
          data-testid="delivery-status-filter"
        />
        {showEndpoint && endpoints.length > 1 && (
          <Select size="xs" w={260} placeholder={t('webhooks.anyEndpoint')} aria-label={t('webhooks.endpoint')} data={endpoints.map((e) => ({ value: e.id, label: shortUrl(e.url) }))} value={endpointId} onChange={setEndpointId} clearable searchable />
        )}
        <Button size="xs" variant="subtle" leftSection={<IconRefresh size={14} />} onClick={() => q.refetch()} loading={q.isRefetching} ml="auto">
          {t('webhooks.refresh')}
        </Button>
      </Group>
      {q.error ? (
        <ErrorAlert error={q.error} onRetry={() => q.refetch()} />
      ) : q.isLoading ? (
        <TableSkeleton cols={6} rows={3} />
      ) : !rows.length ? (
        <EmptyState title={t('webhooks.noDeliveries')} description={t('webhooks.noDeliveriesText')} />
      ) : (
        <ScrollArea.Autosize mah={520} type="auto">
          <Table className="sticky-table" data-testid="delivery-log" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('webhooks.event')}</Table.Th>
                {showEndpoint && <Table.Th>{t('webhooks.endpoint')}</Table.Th>}
                <Table.Th>{t('common.status')}</Table.Th>
                <Table.Th>HTTP</Table.Th>
                <Table.Th>{t('webhooks.attempts')}</Table.Th>
                <Table.Th>{t('common.created')}</Table.Th>
                <Table.Th w={120} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((d) => (
                <Table.Tr key={d.id} className="clickable-row" onClick={() => setOpenId(d.id)} tabIndex={0} onKeyDown={(e) => e.key === 'Enter' && setOpenId(d.id)} data-testid={`delivery-${d.eventType}`}>
                  <Table.Td>
                    <Text size="sm" className="mono">
                      {d.eventType}
                    </Text>
                  </Table.Td>
                  {showEndpoint && (
                    <Table.Td>
                      <Text size="sm" truncate maw={260} title={byId.get(d.endpointId)?.url}>
                        {byId.has(d.endpointId) ? shortUrl(byId.get(d.endpointId)!.url) : d.endpointId}
                      </Text>
                    </Table.Td>
                  )}
                  <Table.Td>
                    <StatusBadge status={d.status} />
                    {d.status === 'pending' && d.nextAttemptAt && (
                      <Text size="xs" c="dimmed">
                        {t('webhooks.nextAttempt', { when: fmtRelative(d.nextAttemptAt) })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <HttpStatus code={d.responseStatus} error={d.lastError} />
                  </Table.Td>
                  <Table.Td>
                    {d.attempts} / {d.attemptLimit}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{fmtDateTime(d.createdAt)}</Text>
                  </Table.Td>
                  <Table.Td onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
                    {d.status !== 'pending' && (
                      <Button size="compact-xs" variant="subtle" leftSection={<IconRefresh size={12} />} onClick={() => redeliver.mutate(d.id)} loading={redeliver.isPending && redeliver.variables === d.id}>
                        {t('webhooks.redeliver')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {q.hasNextPage && (
            <Group justify="center" p="sm">
              <Button variant="default" size="xs" onClick={() => q.fetchNextPage()} loading={q.isFetchingNextPage}>
                {t('common.loadMore')}
              </Button>
            </Group>
          )}
        </ScrollArea.Autosize>
      )}
      <Drawer opened={!!openId} onClose={() => setOpenId(null)} position="right" size="xl" title={t('webhooks.delivery')}>
        {openId && <DeliveryView id={openId} endpoint={byId.get(rows.find((r) => r.id === openId)?.endpointId ?? '') ?? null} onRedeliver={() => redeliver.mutate(openId)} redelivering={redeliver.isPending} />}
      </Drawer>
    </>
  );
}

export function HttpStatus({ code, error }: { code: number | null; error?: string | null }) {
  if (code === null)
    return error ? (
      <Tooltip label={error} multiline maw={360}>
        <Badge color="red" variant="outline" tt="none">
          —
        </Badge>
      </Tooltip>
    ) : (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  return (
    <Badge color={code >= 200 && code < 300 ? 'teal' : code >= 500 ? 'red' : 'orange'} variant="outline" tt="none" className="mono" style={{ flexShrink: 0, maxWidth: 'none' }} styles={{ label: { overflow: 'visible' } }}>
      {code}
    </Badge>
  );
}

/** One delivery and every attempt made for it: status, latency, the receiver's answer or the error. */
export function DeliveryView({ id, endpoint, onRedeliver, redelivering, initial }: { id: string; endpoint: Endpoint | null; onRedeliver?: () => void; redelivering?: boolean; initial?: DeliveryDetail }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['webhooks', 'delivery', id], queryFn: () => api.get<DeliveryDetail>(`/v1/webhooks/deliveries/${id}`), initialData: initial, refetchInterval: (query) => (query.state.data?.status === 'pending' ? 3000 : false) });
  if (q.error) return <ErrorAlert error={q.error} />;
  if (!q.data) return <BlockSkeleton />;
  const d = q.data;
  return (
    <Stack data-testid="delivery-view">
      <Group justify="space-between">
        <Group gap="sm">
          <Text fw={600} className="mono">
            {d.eventType}
          </Text>
          <StatusBadge status={d.status} />
        </Group>
        {onRedeliver && d.status !== 'pending' && (
          <Button size="xs" variant="light" leftSection={<IconRefresh size={14} />} onClick={onRedeliver} loading={redelivering}>
            {t('webhooks.redeliver')}
          </Button>
        )}
      </Group>
      <Stack gap={6}>
        <KeyValue label={t('webhooks.deliveryId')}>
          <CopyField value={d.id} />
        </KeyValue>
        {d.eventId && (
          <KeyValue label={t('webhooks.eventId')}>
            <CopyField value={d.eventId} />
          </KeyValue>
        )}
        {endpoint && <KeyValue label={t('webhooks.endpoint')}>{endpoint.url}</KeyValue>}
        <KeyValue label={t('webhooks.attempts')}>
          {d.attempts} / {d.attemptLimit}
        </KeyValue>
        <KeyValue label={t('common.created')}>{fmtDateTime(d.createdAt)}</KeyValue>
        {d.deliveredAt && <KeyValue label={t('webhooks.deliveredAt')}>{fmtDateTime(d.deliveredAt)}</KeyValue>}
        {d.nextAttemptAt && <KeyValue label={t('webhooks.nextAttemptAt')}>{fmtDateTime(d.nextAttemptAt)}</KeyValue>}
        {d.lastError && (
          <KeyValue label={t('webhooks.lastError')}>
            <Text size="sm" c="red.7">
              {d.lastError}
            </Text>
          </KeyValue>
        )}
      </Stack>
      <Text fw={600} size="sm">
        {t('webhooks.attemptLog')}
      </Text>
      {!d.attemptLog.length ? (
        <Text size="sm" c="dimmed">
          {t('webhooks.noAttempts')}
        </Text>
      ) : (
        <Table withTableBorder verticalSpacing="xs" data-testid="attempt-log">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>{t('webhooks.when')}</Table.Th>
              <Table.Th>HTTP</Table.Th>
              <Table.Th>{t('webhooks.latency')}</Table.Th>
              <Table.Th>{t('webhooks.response')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {d.attemptLog.map((a) => (
              <Table.Tr key={a.attemptNo}>
                <Table.Td>{a.attemptNo}</Table.Td>
                <Table.Td>
                  <Text size="sm">{fmtDateTime(a.attemptedAt)}</Text>
                  <StatusBadge status={a.success ? 'succeeded' : 'failed'} size="xs" />
                </Table.Td>
                <Table.Td>
                  <HttpStatus code={a.statusCode} />
                </Table.Td>
                <Table.Td>{a.latencyMs} ms</Table.Td>
                <Table.Td maw={320}>
                  {a.error && (
                    <Text size="xs" c="red.7">
                      {a.error}
                    </Text>
                  )}
                  {a.responseSnippet && (
                    <Code block mah={120} style={{ overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                      {a.responseSnippet}
                    </Code>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
