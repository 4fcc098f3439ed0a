import { useState } from 'react';
import { Badge, Button, Code, Drawer, Group, Paper, Progress, ScrollArea, Select, Stack, Switch, Table, Text, Textarea, Timeline, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconShieldCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { EmptyState, ErrorAlert, TableSkeleton, notifyError } from '../../components/ui.tsx';
import { countryName, fmtDateTime, fmtPercent } from '../../lib/format.ts';

/** Shapes of apps/server/src/modules/aml/aml-router.ts. */
export type Entity = { id: string; schema: string; caption: string; source: string; programs?: string[]; topics?: string[]; countries?: string[]; birthDates?: string[]; sourceUrl?: string; listedOn?: string; [k: string]: unknown };
export type ScreeningMatch = { entityId: string; score: number; hit: boolean; matchedName: string; matchedNameKind: string; queryName: string; features: { feature: string; effect: number; detail: string }[]; entity: Entity };
export type MatchRow = { id: string; status: string; foundBy: string; createdAt: string; updatedAt: string; match: ScreeningMatch };
export type ScanInfo = { id: string; kind: string; applicantId: string | null; schema: string; label: string | null; threshold: number; hits: number; matches: number; monitoring: boolean; periodicity: string | null; nextRunAt: string | null; lastRunAt: string | null; createdAt: string };
export type ScanDetail = { scan: ScanInfo; query: unknown; matches: MatchRow[] };
type HistoryItem = { id: string; fromStatus: string | null; toStatus: string | null; comment: string | null; actorId: string | null; actorName: string | null; createdAt: string };

export const MATCH_STATUSES = ['unknown', 'potential_match', 'no_match', 'false_positive', 'true_positive', 'true_positive_approve', 'true_positive_reject'];
const PERIODICITIES = ['daily', 'weekly', 'monthly'];

/** Scores are 0–100 from the screening engine. */
export const rate = (m: ScreeningMatch) => (m.score > 1 ? m.score / 100 : m.score);

/**
 * A saved scan's matches: status per match, a detail drawer with why it matched, its history and
 * comments, and the monitoring switch. Shared by the AML page and the applicant's AML section.
 */
export function ScanMatches({ scanId, onChanged, bare = false }: { scanId: string; onChanged?: () => void; bare?: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [detailId, setDetailId] = useState<string | null>(null);
  const q = useQuery({ queryKey: ['aml-scan', scanId], queryFn: () => api.get<ScanDetail>(`/v1/aml/scans/${scanId}`) });
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: ['aml-scan', scanId] });
    await qc.invalidateQueries({ queryKey: ['aml-scans'] });
    onChanged?.();
  };
  const setStatus = useMutation({ mutationFn: ({ id, status }: { id: string; status: string }) => api.patch(`/v1/aml/matches/${id}`, { status }), onSuccess: refresh, onError: (e) => notifyError(e) });
  const monitor = useMutation({
    mutationFn: (m: { enabled: boolean; periodicity?: string }) => api.patch(`/v1/aml/scans/${scanId}`, { monitoring: m }),
    onSuccess: refresh,
    onError: (e) => notifyError(e),
  });
  if (q.error) return <ErrorAlert error={q.error} onRetry={() => q.refetch()} />;
  if (!q.data) return <TableSkeleton cols={4} rows={2} />;
  const { scan, matches } = q.data;
  const detail = matches.find((m) => m.id === detailId) ?? null;
  return (
    <>
      <Group justify="space-between" p={bare ? 0 : 'md'} pb="sm" align="flex-start">
        <div>
          {!bare && <Title order={5}>{t('aml.results', { count: matches.length })}</Title>}
          <Text size="xs" c="dimmed">
            {[scan.label, t('aml.thresholdIs', { value: scan.threshold }), fmtDateTime(scan.lastRunAt ?? scan.createdAt)].filter(Boolean).join(' · ')}
          </Text>
        </div>
        <Group gap="sm" align="center">
          <Switch label={t('aml.monitoring')} checked={scan.monitoring} onChange={(e) => monitor.mutate({ enabled: e.currentTarget.checked })} disabled={monitor.isPending} data-testid="aml-monitoring" />
          {scan.monitoring && (
            <Select
              size="xs"
              w={120}
              data={PERIODICITIES.map((p) => ({ value: p, label: t(`aml.periodicity.${p}`) }))}
              value={scan.periodicity ?? 'daily'}
              onChange={(v) => v && monitor.mutate({ enabled: true, periodicity: v })}
              allowDeselect={false}
              aria-label={t('aml.periodicityLabel')}
            />
          )}
        </Group>
      </Group>
      {scan.monitoring && scan.nextRunAt && (
        <Text size="xs" c="dimmed" px={bare ? 0 : 'md'} mb="xs">
          {t('aml.nextRun', { date: fmtDateTime(scan.nextRunAt) })}
        </Text>
      )}
      {matches.length === 0 ? (
        // Inside an applicant's section the banner above already says so.
        bare ? null : <EmptyState icon={<IconShieldCheck size={28} />} title={t('aml.noHits')} />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table className="sticky-table" data-testid="aml-results">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('common.name')}</Table.Th>
                <Table.Th>{t('aml.matchRate')}</Table.Th>
                <Table.Th>{t('aml.lists')}</Table.Th>
                <Table.Th>{t('common.country')}</Table.Th>
                <Table.Th>{t('common.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {matches.map((r) => (
                <Table.Tr key={r.id} className="clickable-row" onClick={() => setDetailId(r.id)} tabIndex={0} onKeyDown={(e) => e.key === 'Enter' && setDetailId(r.id)} data-testid={`aml-match-${r.match.entityId}`}>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap" align="flex-start">
                      <Text size="sm" fw={500}>
                        {r.match.entity.caption}
                      </Text>
                      {r.match.hit && (
                        <Badge size="xs" color="red" variant="filled" style={{ flexShrink: 0, overflow: 'visible' }}>
                          {t('aml.hit')}
                        </Badge>
                      )}
                    </Group>
                    <Text size="xs" c="dimmed">
                      {t(`aml.schemas.${r.match.entity.schema}`, { defaultValue: r.match.entity.schema })} · {r.match.matchedName}
                    </Text>
                  </Table.Td>
                  <Table.Td w={150}>
                    <Progress.Root size="lg" aria-label={t('aml.matchRate')}>
                      <Progress.Section value={rate(r.match) * 100} color={r.match.hit ? 'red' : 'orange'}>
                        <Progress.Label>{fmtPercent(rate(r.match))}</Progress.Label>
                      </Progress.Section>
                    </Progress.Root>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {[r.match.entity.source, ...(r.match.entity.topics ?? [])].slice(0, 4).map((x) => (
                        <Badge key={x} size="xs" variant="outline" tt="none" style={{ flexShrink: 0, maxWidth: 'none' }} styles={{ label: { overflow: 'visible' } }}>
                          {x}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>{(r.match.entity.countries ?? []).map((c) => (c.length === 2 ? countryName(c) : c)).join(', ') || '—'}</Table.Td>
                  <Table.Td onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()} w={210}>
                    <Select size="xs" data={MATCH_STATUSES.map((v) => ({ value: v, label: t(`amlStatus.${v}`) }))} value={r.status} onChange={(v) => v && setStatus.mutate({ id: r.id, status: v })} allowDeselect={false} aria-label={t('aml.matchStatusFor', { name: r.match.entity.caption })} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Drawer opened={!!detail} onClose={() => setDetailId(null)} position="right" size="lg" title={detail?.match.entity.caption}>
        {detail && <MatchDetail row={detail} onChanged={refresh} onStatus={(status) => setStatus.mutate({ id: detail.id, status })} />}
      </Drawer>
    </>
  );
}

function MatchDetail({ row, onChanged, onStatus }: { row: MatchRow; onChanged: () => void; onStatus: (s: string) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const history = useQuery({ queryKey: ['aml-match-history', row.id, row.status], queryFn: () => api.get<{ data: HistoryItem[] }>(`/v1/aml/matches/${row.id}/history`) });
  const add = useMutation({
    mutationFn: () => api.patch(`/v1/aml/matches/${row.id}`, { comment: text }),
    onSuccess: async () => {
      setText('');
      onChanged();
      await qc.invalidateQueries({ queryKey: ['aml-match-history', row.id] });
    },
    onError: (e) => notifyError(e),
  });
  const e = row.match.entity;
  const facts: [string, string | undefined][] = [
    [t('aml.matchedName'), `${row.match.matchedName} (${t(`aml.nameKinds.${row.match.matchedNameKind}`, { defaultValue: row.match.matchedNameKind })})`],
    [t('aml.queryName'), row.match.queryName],
    [t('aml.birthDates'), e.birthDates?.join(', ')],
    [t('common.country'), e.countries?.map((c) => (c.length === 2 ? countryName(c) : c)).join(', ')],
    [t('aml.programs'), e.programs?.join(', ')],
    [t('aml.topics'), e.topics?.join(', ')],
    [t('aml.listedOn'), e.listedOn],
    [t('aml.foundBy'), t(`aml.foundByKinds.${row.foundBy}`, { defaultValue: row.foundBy })],
  ];
  return (
    <Stack>
      <Group gap="xs">
        <Badge variant="light" color={row.match.hit ? 'red' : 'orange'}>
          {fmtPercent(rate(row.match))}
        </Badge>
        <Badge variant="outline" color="gray" tt="none">
          {e.source}
        </Badge>
        {e.sourceUrl && (
          <Text size="xs" component="a" href={e.sourceUrl} target="_blank" rel="noreferrer noopener" c="blue">
            {t('aml.source')}
          </Text>
        )}
      </Group>
      <Select label={t('common.status')} data={MATCH_STATUSES.map((v) => ({ value: v, label: t(`amlStatus.${v}`) }))} value={row.status} onChange={(v) => v && onStatus(v)} allowDeselect={false} />
      <Table withRowBorders={false} verticalSpacing={4}>
        <Table.Tbody>
          {facts
            .filter(([, v]) => v)
            .map(([k, v]) => (
              <Table.Tr key={k}>
                <Table.Td c="dimmed" w={160}>
                  {k}
                </Table.Td>
                <Table.Td>{v}</Table.Td>
              </Table.Tr>
            ))}
        </Table.Tbody>
      </Table>
      <Title order={6}>{t('aml.why')}</Title>
      <Stack gap={4}>
        {row.match.features.map((f, i) => (
          <Group key={i} justify="space-between" wrap="nowrap">
            <Text size="sm">
              {t(`aml.features.${f.feature}`, { defaultValue: f.feature })}: {f.detail}
            </Text>
            <Badge size="sm" variant="light" color={f.effect >= 0 ? 'teal' : 'red'}>
              {f.effect > 0 ? '+' : ''}
              {f.effect}
            </Badge>
          </Group>
        ))}
      </Stack>
      <Title order={6}>{t('aml.historyAndComments')}</Title>
      {history.error ? <ErrorAlert error={history.error} /> : null}
      {history.data && history.data.data.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('aml.noHistory')}
        </Text>
      )}
      {history.data && history.data.data.length > 0 && (
        <Timeline bulletSize={12} lineWidth={2}>
          {history.data.data.map((h) => (
            <Timeline.Item key={h.id} title={<Text size="xs" c="dimmed">{`${h.actorName ?? t('profile.system')} · ${fmtDateTime(h.createdAt)}`}</Text>}>
              {h.toStatus && (
                <Text size="sm">
                  {t('aml.statusChange', { from: t(`amlStatus.${h.fromStatus ?? 'unknown'}`), to: t(`amlStatus.${h.toStatus}`) })}
                </Text>
              )}
              {h.comment && (
                <Paper p="xs" bg="gray.0" mt={4}>
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                    {h.comment}
                  </Text>
                </Paper>
              )}
            </Timeline.Item>
          ))}
        </Timeline>
      )}
      <Textarea value={text} onChange={(ev) => setText(ev.currentTarget.value)} placeholder={t('profile.writeComment')} autosize minRows={2} aria-label={t('profile.writeComment')} />
      <Button size="xs" onClick={() => add.mutate()} disabled={!text.trim()} loading={add.isPending} w="fit-content">
        {t('profile.addComment')}
      </Button>
      <Title order={6}>{t('common.rawJson')}</Title>
      <ScrollArea.Autosize mah={320}>
        <Code block>{JSON.stringify(e, null, 2)}</Code>
      </ScrollArea.Autosize>
    </Stack>
  );
}
