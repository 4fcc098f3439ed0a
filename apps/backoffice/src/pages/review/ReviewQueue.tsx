import { useState } from 'react';
import { Badge, Button, Group, Paper, SegmentedControl, Table, Text, Tooltip } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { IconUserCheck } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, type Page } from '../../api/client.ts';
import { useFlows, useReviewers } from '../../api/hooks.ts';
import { useSession } from '../../auth/session.tsx';
import { EmptyState, ErrorAlert, PageHeader, StatusBadge, TableSkeleton, notifyError } from '../../components/ui.tsx';
import { countryName, fmtDateTime, fmtRelative } from '../../lib/format.ts';
import { reasonLabel } from '../../lib/schema.ts';

type QueueItem = { id: string; externalUserId: string; status: string; flowId: string; reviewerId: string | null; reasons: string[]; country: string | null; completedAt: string | null; createdAt: string };

/** "document:failed(mrz_check_digit)" → "Document: failed (MRZ check digit)". */
export function ReviewQueue() {
  const { t } = useTranslation();
  const { mode, me } = useSession();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [who, setWho] = useState('all');
  const { byId: flows } = useFlows();
  const reviewers = useReviewers();
  const q = useInfiniteQuery({
    queryKey: ['review-queue', mode, who],
    queryFn: ({ pageParam }) => api.get<Page<QueueItem>>('/v1/review-queue', { reviewerId: who === 'mine' ? me?.user.id : undefined, cursor: pageParam ?? undefined, limit: 50 }),
    initialPageParam: null as string | null,
    getNextPageParam: (l) => l.nextCursor,
    refetchInterval: 30_000,
  });
  const take = useMutation({
    mutationFn: (id: string) => api.post(`/v1/applicants/${id}/assign`, { reviewerId: me?.user.id }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['review-queue'] }),
    onError: (e) => notifyError(e),
  });
  const rows = q.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <>
      <PageHeader
        title={t('queue.title')}
        description={t('queue.description')}
        actions={<SegmentedControl value={who} onChange={setWho} data={[{ value: 'all', label: t('queue.all') }, { value: 'mine', label: t('queue.mine') }]} />}
      />
      {q.error ? (
        <ErrorAlert error={q.error} onRetry={() => q.refetch()} />
      ) : (
        <Paper>
          {q.isLoading ? (
            <TableSkeleton cols={6} />
          ) : !rows.length ? (
            <EmptyState title={t('queue.empty')} description={t('queue.emptyText')} />
          ) : (
            <Table.ScrollContainer minWidth={900}>
              <Table className="sticky-table" data-testid="queue-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('applicants.externalUserId')}</Table.Th>
                    <Table.Th>{t('common.status')}</Table.Th>
                    <Table.Th>{t('queue.reason')}</Table.Th>
                    <Table.Th>{t('common.flow')}</Table.Th>
                    <Table.Th>{t('queue.waiting')}</Table.Th>
                    <Table.Th>{t('applicants.reviewer')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((r) => (
                    <Table.Tr key={r.id} className="clickable-row" onClick={() => navigate(`/applicants/${r.id}`)} tabIndex={0} onKeyDown={(e) => e.key === 'Enter' && navigate(`/applicants/${r.id}`)}>
                      <Table.Td>
                        <Text size="sm" className="mono">
                          {r.externalUserId}
                        </Text>
                        {r.country && (
                          <Text size="xs" c="dimmed">
                            {countryName(r.country)}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <StatusBadge status={r.status} />
                      </Table.Td>
                      <Table.Td maw={420}>
                        <Group gap={4}>
                          {r.reasons.length ? (
                            r.reasons.map((x) => (
                              <Badge key={x} size="sm" variant="light" color="orange" tt="none">
                                {reasonLabel(x)}
                              </Badge>
                            ))
                          ) : (
                            <Text size="sm" c="dimmed">
                              {t('queue.manualPolicy')}
                            </Text>
                          )}
                        </Group>
                      </Table.Td>
                      <Table.Td>{flows.get(r.flowId)?.name ?? '—'}</Table.Td>
                      <Table.Td>
                        <Tooltip label={fmtDateTime(r.completedAt)}>
                          <Text size="sm">{fmtRelative(r.completedAt ?? r.createdAt)}</Text>
                        </Tooltip>
                      </Table.Td>
                      <Table.Td onClick={(e) => e.stopPropagation()}>
                        {r.reviewerId ? (
                          <Text size="sm">{reviewers.byId.get(r.reviewerId)?.name ?? r.reviewerId}</Text>
                        ) : (
                          <Button size="compact-xs" variant="light" leftSection={<IconUserCheck size={12} />} onClick={() => take.mutate(r.id)}>
                            {t('queue.take')}
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          {q.hasNextPage && (
            <Group justify="center" p="md">
              <Button variant="default" onClick={() => q.fetchNextPage()} loading={q.isFetchingNextPage}>
                {t('common.loadMore')}
              </Button>
            </Group>
          )}
        </Paper>
      )}
    </>
  );
}
