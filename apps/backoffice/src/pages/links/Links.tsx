import { useState } from 'react';
import { ActionIcon, Alert, Button, CopyButton, Grid, Group, NumberInput, Paper, ScrollArea, Select, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { IconCheck, IconCopy, IconDownload, IconLink } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, download, type Page } from '../../api/client.ts';
import { useFlows } from '../../api/hooks.ts';
import { useSession } from '../../auth/session.tsx';
import { EmptyState, ErrorAlert, PageHeader, StatusBadge, TableSkeleton, notifyError } from '../../components/ui.tsx';
import { fmtDateTime } from '../../lib/format.ts';
import { FLOW_LANGUAGES, LIFETIMES } from '../applicants/dialogs.tsx';

type LinkRow = { id: string; url: string; status: string; flowId: string; batchId: string; lang: string | null; applicantId: string | null; createdAt: string; expiresAt: string; redeemedAt: string | null };
const LINK_STATUSES = ['created', 'opened', 'in_progress', 'completed', 'failed', 'expired'];

export function Links() {
  const { t } = useTranslation();
  const { mode, can } = useSession();
  const qc = useQueryClient();
  const { flows, byId } = useFlows(false);
  const published = flows.filter((f) => f.version);
  const [flowId, setFlowId] = useState<string | null>(null);
  const [count, setCount] = useState<number | string>(10);
  const [ttl, setTtl] = useState<string | null>(LIFETIMES[2].value);
  const [lang, setLang] = useState<string | null>('en');
  const [status, setStatus] = useState<string | null>(null);
  const [filterFlow, setFilterFlow] = useState<string | null>(null);
  const [batch, setBatch] = useState<{ batchId: string; data: LinkRow[] } | null>(null);
  const gen = useMutation({
    mutationFn: () => api.post<{ batchId: string; data: LinkRow[] }>('/v1/links', { flowId, count: Number(count), ttlSeconds: Number(ttl), lang: lang ?? undefined }),
    onSuccess: async (b) => {
      setBatch(b);
      await qc.invalidateQueries({ queryKey: ['links'] });
    },
  });
  const q = useInfiniteQuery({
    queryKey: ['links', mode, status, filterFlow],
    queryFn: ({ pageParam }) => api.get<Page<LinkRow>>('/v1/links', { status, flowId: filterFlow, cursor: pageParam ?? undefined, limit: 100 }),
    initialPageParam: null as string | null,
    getNextPageParam: (l) => l.nextCursor,
  });
  const rows = q.data?.pages.flatMap((p) => p.data) ?? [];
  const exportCsv = async () => {
    try {
      await download('/v1/links/export.csv', { status, flowId: filterFlow }, `tessera-links-${mode}.csv`);
    } catch (e) {
      notifyError(e);
    }
  };
  return (
    <>
      <PageHeader title={t('links.title')} description={t('links.description')} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Paper p="lg">
            <Title order={5} mb="md">
              {t('links.generate')}
            </Title>
            <form onSubmit={(e) => { e.preventDefault(); gen.mutate(); }}>
              <Stack>
                {gen.error && <ErrorAlert error={gen.error} />}
                <Select label={t('common.flow')} data={published.map((f) => ({ value: f.id, label: f.name }))} value={flowId} onChange={setFlowId} required searchable description={!published.length ? t('applicants.noPublishedFlows') : undefined} data-testid="links-flow" />
                <NumberInput label={t('links.count')} description={t('links.countHelp')} min={1} max={1000} value={count} onChange={setCount} allowDecimal={false} required />
                <Select label={t('applicants.lifetime')} data={LIFETIMES.map((l) => ({ value: l.value, label: t(`lifetimes.${l.key}`) }))} value={ttl} onChange={setTtl} allowDeselect={false} />
                <Select label={t('common.language')} data={FLOW_LANGUAGES} value={lang} onChange={setLang} allowDeselect={false} />
                <Button type="submit" leftSection={<IconLink size={16} />} loading={gen.isPending} disabled={!flowId || !count}>
                  {t('links.generateBtn', { count: Number(count) || 0 })}
                </Button>
              </Stack>
            </form>
            {batch && (
              <Alert color="teal" mt="md" title={t('links.generated', { count: batch.data.length })} data-testid="links-generated">
                <Stack gap={6}>
                  <Text size="xs" c="dimmed">
                    {t('links.batch')}: <span className="mono">{batch.batchId}</span>
                  </Text>
                  <CopyButton value={batch.data.map((l) => l.url).join('\n')}>
                    {({ copied, copy }) => (
                      <Button size="xs" variant="white" leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />} onClick={copy}>
                        {copied ? t('common.copied') : t('links.copyAll')}
                      </Button>
                    )}
                  </CopyButton>
                </Stack>
              </Alert>
            )}
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Paper>
            <Group justify="space-between" p="md" pb="xs">
              <Group gap="sm">
                <Select placeholder={t('common.status')} aria-label={t('common.status')} data={LINK_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))} value={status} onChange={setStatus} clearable w={160} />
                <Select placeholder={t('common.flow')} aria-label={t('common.flow')} data={flows.map((f) => ({ value: f.id, label: f.name }))} value={filterFlow} onChange={setFilterFlow} clearable w={200} />
              </Group>
              {can('reports.export') && (
                <Button variant="default" leftSection={<IconDownload size={16} />} onClick={exportCsv}>
                  {t('common.exportCsv')}
                </Button>
              )}
            </Group>
            {q.error ? (
              <ErrorAlert error={q.error} />
            ) : q.isLoading ? (
              <TableSkeleton cols={5} />
            ) : !rows.length ? (
              <EmptyState title={t('links.empty')} description={t('links.emptyText')} />
            ) : (
              <ScrollArea h="calc(100vh - 320px)" type="auto">
                <Table className="sticky-table" data-testid="links-table">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('links.link')}</Table.Th>
                      <Table.Th>{t('common.status')}</Table.Th>
                      <Table.Th>{t('common.flow')}</Table.Th>
                      <Table.Th>{t('common.expires')}</Table.Th>
                      <Table.Th>{t('links.applicant')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map((l) => (
                      <Table.Tr key={l.id}>
                        <Table.Td>
                          <Group gap={4} wrap="nowrap">
                            <Text size="sm" className="mono" truncate maw={260}>
                              {l.url}
                            </Text>
                            <CopyButton value={l.url}>
                              {({ copied, copy }) => (
                                <Tooltip label={copied ? t('common.copied') : t('common.copy')}>
                                  <ActionIcon size="sm" variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={t('common.copy')}>
                                    {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
                                  </ActionIcon>
                                </Tooltip>
                              )}
                            </CopyButton>
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          <StatusBadge status={l.status} />
                        </Table.Td>
                        <Table.Td>{byId.get(l.flowId)?.name ?? '—'}</Table.Td>
                        <Table.Td style={{ whiteSpace: "nowrap" }}>{fmtDateTime(l.expiresAt)}</Table.Td>
                        <Table.Td>{l.applicantId ? <Link to={`/applicants/${l.applicantId}`}>{t('common.open')}</Link> : '—'}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
                {q.hasNextPage && (
                  <Group justify="center" p="md">
                    <Button variant="default" onClick={() => q.fetchNextPage()} loading={q.isFetchingNextPage}>
                      {t('common.loadMore')}
                    </Button>
                  </Group>
                )}
              </ScrollArea>
            )}
          </Paper>
        </Grid.Col>
      </Grid>
    </>
  );
}
