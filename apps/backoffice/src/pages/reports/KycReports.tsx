import { useState } from 'react';
import { Button, Group, Paper, ScrollArea, Select, Table, Text, TextInput } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import '@mantine/dates/styles.css';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { IconDownload, IconSearch } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, type Page } from '../../api/client.ts';
import { APPLICANT_STATUSES, type ApplicantSummary } from '../../api/applicants.ts';
import { STEP_TYPES } from '../../api/flows.ts';
import { useFlows } from '../../api/hooks.ts';
import { useSession } from '../../auth/session.tsx';
import { EmptyState, ErrorAlert, PageHeader, StatusBadge, TableSkeleton, notifyError, notifySuccess } from '../../components/ui.tsx';
import { countryName, fmtDateTime, saveText, toCsv } from '../../lib/format.ts';
import { reasonLabel } from '../../lib/schema.ts';


const EXPORT_LIMIT = 10_000;

export function KycReports() {
  const { t } = useTranslation();
  const { mode, can } = useSession();
  const navigate = useNavigate();
  const { flows, byId } = useFlows();
  const [q, setQ] = useState('');
  const [debQ] = useDebouncedValue(q, 350);
  const [status, setStatus] = useState<string | null>(null);
  const [flowId, setFlowId] = useState<string | null>(null);
  const [errorStep, setErrorStep] = useState<string | null>(null);
  const [range, setRange] = useState<[string | null, string | null]>([null, null]);
  const [exporting, setExporting] = useState(false);
  const query = {
    q: debQ || undefined,
    status,
    flowId,
    stepType: errorStep,
    stepStatus: errorStep ? 'rejected' : undefined,
    from: range[0] ? new Date(range[0]).toISOString() : undefined,
    to: range[1] ? new Date(range[1] + 'T23:59:59').toISOString() : undefined,
  };
  const list = useInfiniteQuery({
    queryKey: ['reports', mode, query],
    queryFn: ({ pageParam, signal }) => api.get<Page<ApplicantSummary>>('/v1/applicants', { ...query, cursor: pageParam ?? undefined, limit: 100 }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (l) => l.nextCursor,
  });
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];

  const exportCsv = async () => {
    setExporting(true);
    try {
      const all: ApplicantSummary[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<ApplicantSummary> = await api.get<Page<ApplicantSummary>>('/v1/applicants', { ...query, cursor: cursor ?? undefined, limit: 200 });
        all.push(...page.data);
        cursor = page.nextCursor;
      } while (cursor && all.length < EXPORT_LIMIT);
      const header = ['id', 'externalUserId', 'name', 'status', 'flow', 'country', 'tags', 'decision', 'rejectLabels', 'reasons', 'createdAt', 'completedAt', 'decidedAt'];
      const body = all.map((a) => [a.id, a.externalUserId, a.name, a.status, byId.get(a.flowId)?.name ?? a.flowId, a.country, a.tags.join(' '), a.review?.decision, a.review?.rejectLabels?.join(' '), a.review?.reasons?.join(' '), a.createdAt, a.completedAt, a.decidedAt]);
      saveText(`tessera-kyc-report-${mode}-${new Date().toISOString().slice(0, 10)}.csv`, toCsv([header, ...body]));
      notifySuccess(t('reports.exported', { count: all.length }));
    } catch (e) {
      notifyError(e);
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <PageHeader
        title={t('reports.title')}
        description={t('reports.description')}
        actions={
          can('reports.export') && (
            <Button leftSection={<IconDownload size={16} />} onClick={exportCsv} loading={exporting} variant="default">
              {t('common.exportCsv')}
            </Button>
          )
        }
      />
      <Paper p="sm" mb="md">
        <Group gap="sm" wrap="wrap">
          <TextInput leftSection={<IconSearch size={14} />} placeholder={t('reports.searchPlaceholder')} value={q} onChange={(e) => setQ(e.currentTarget.value)} w={300} aria-label={t('common.search')} />
          <DatePickerInput type="range" placeholder={t('applicants.dates')} aria-label={t('applicants.dates')} value={range} onChange={(v) => setRange(v as [string | null, string | null])} clearable w={230} valueFormat="DD MMM YYYY" />
          <Select placeholder={t('common.status')} aria-label={t('common.status')} data={APPLICANT_STATUSES.map((s) => ({ value: s, label: t(`status.${s.toLowerCase()}`) }))} value={status} onChange={setStatus} clearable w={160} />
          <Select placeholder={t('common.flow')} aria-label={t('common.flow')} data={flows.map((f) => ({ value: f.id, label: f.name }))} value={flowId} onChange={setFlowId} clearable w={180} />
          <Select placeholder={t('reports.errorsIn')} aria-label={t('reports.errorsIn')} data={STEP_TYPES.filter((s) => s !== 'intro' && s !== 'thank_you').map((s) => ({ value: s, label: t(`stepTypes.${s}`) }))} value={errorStep} onChange={setErrorStep} clearable w={200} />
        </Group>
      </Paper>
      {list.error ? (
        <ErrorAlert error={list.error} />
      ) : (
        <Paper>
          {list.isLoading ? (
            <TableSkeleton cols={7} rows={10} />
          ) : !rows.length ? (
            <EmptyState title={t('reports.empty')} />
          ) : (
            <ScrollArea h="calc(100vh - 300px)" type="auto">
              <Table className="sticky-table" miw={1000}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('common.date')}</Table.Th>
                    <Table.Th>{t('applicants.col.name')}</Table.Th>
                    <Table.Th>{t('applicants.externalUserId')}</Table.Th>
                    <Table.Th>{t('common.status')}</Table.Th>
                    <Table.Th>{t('common.flow')}</Table.Th>
                    <Table.Th>{t('common.country')}</Table.Th>
                    <Table.Th>{t('reports.errors')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((a) => (
                    <Table.Tr key={a.id} className="clickable-row" onClick={() => navigate(`/applicants/${a.id}`)} tabIndex={0} onKeyDown={(e) => e.key === 'Enter' && navigate(`/applicants/${a.id}`)}>
                      <Table.Td>{fmtDateTime(a.createdAt)}</Table.Td>
                      <Table.Td>{a.name ?? '—'}</Table.Td>
                      <Table.Td className="mono">{a.externalUserId}</Table.Td>
                      <Table.Td>
                        <StatusBadge status={a.status} />
                      </Table.Td>
                      <Table.Td>{byId.get(a.flowId)?.name ?? '—'}</Table.Td>
                      <Table.Td>{a.country ? countryName(a.country) : '—'}</Table.Td>
                      <Table.Td maw={320}>
                        <Text size="xs" c={a.review?.reasons?.length ? 'red' : 'dimmed'} lineClamp={2}>
                          {a.review?.rejectLabels?.length ? a.review.rejectLabels.join(', ') : a.review?.reasons?.length ? a.review.reasons.map(reasonLabel).join(', ') : '—'}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {list.hasNextPage && (
                <Group justify="center" p="md">
                  <Button variant="default" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
                    {t('common.loadMore')}
                  </Button>
                </Group>
              )}
            </ScrollArea>
          )}
        </Paper>
      )}
    </>
  );
}
