import { Fragment, useState } from 'react';
import { Badge, Code, Group, Paper, SimpleGrid, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { BlockSkeleton, EmptyState, ErrorAlert, PageHeader, StatusBadge, TableSkeleton } from '../../components/ui.tsx';
import { fmtDateTime, fmtRelative } from '../../lib/format.ts';

/** Shapes of GET /v1/aml/lists and GET /v1/aml/lists/:source/versions (apps/server/src/modules/aml/aml-router.ts). */
type Diff = { added: number; changed: number; removed: number };
type ListRow = { source: string; name: string; url: string | null; refreshEnabled: boolean; currentVersion: number | null; entities: number; lastImportAt: string | null; lastError: string | null; diff: Diff | null };
type Registry = { data: ListRow[]; index: { entities: number; versions: Record<string, number> } };
type Version = Diff & { version: number; status: string; origin: string; entityCount: number; error: string | null; startedAt: string; finishedAt: string | null };

const n = (v: number) => v.toLocaleString();

function DiffBadges({ d }: { d: Diff }) {
  const { t } = useTranslation();
  return (
    <Group gap={4} wrap="nowrap">
      <Tooltip label={t('amlLists.added')}>
        <Badge size="sm" variant="light" color="teal" tt="none">
          +{n(d.added)}
        </Badge>
      </Tooltip>
      <Tooltip label={t('amlLists.changed')}>
        <Badge size="sm" variant="light" color="blue" tt="none">
          ~{n(d.changed)}
        </Badge>
      </Tooltip>
      <Tooltip label={t('amlLists.removed')}>
        <Badge size="sm" variant="light" color="red" tt="none">
          −{n(d.removed)}
        </Badge>
      </Tooltip>
    </Group>
  );
}

/** The sanctions and PEP lists this installation screens against: live version, size, last import, diff. */
export function AmlLists() {
  const { t } = useTranslation();
  const [open, setOpen] = useState<string | null>(null);
  const q = useQuery({ queryKey: ['aml-lists'], queryFn: () => api.get<Registry>('/v1/aml/lists'), refetchInterval: 60_000 });
  const loaded = q.data?.data.filter((l) => l.currentVersion !== null) ?? [];
  return (
    <>
      <PageHeader title={t('amlLists.title')} description={t('amlLists.description')} />
      {q.error && <ErrorAlert error={q.error} onRetry={() => q.refetch()} />}
      <SimpleGrid cols={{ base: 1, sm: 3 }} mb="md">
        <Stat label={t('amlLists.loadedLists')} value={q.data ? `${loaded.length} / ${q.data.data.length}` : null} />
        <Stat label={t('amlLists.entitiesInIndex')} value={q.data ? n(q.data.index.entities) : null} testId="aml-index-entities" />
        <Stat label={t('amlLists.lastImport')} value={q.data ? fmtDateTime(loaded.map((l) => l.lastImportAt).filter(Boolean).sort().pop() ?? null) : null} />
      </SimpleGrid>
      <Paper>
        {q.isLoading ? (
          <TableSkeleton cols={6} rows={6} />
        ) : !q.data?.data.length ? (
          <EmptyState title={t('amlLists.empty')} />
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table className="sticky-table" data-testid="aml-lists" verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={36} />
                  <Table.Th>{t('amlLists.list')}</Table.Th>
                  <Table.Th>{t('amlLists.liveVersion')}</Table.Th>
                  <Table.Th ta="right">{t('amlLists.entities')}</Table.Th>
                  <Table.Th>{t('amlLists.lastImport')}</Table.Th>
                  <Table.Th>{t('amlLists.diff')}</Table.Th>
                  <Table.Th>{t('amlLists.autoRefresh')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {q.data.data.map((l) => {
                  const isOpen = open === l.source;
                  const toggle = () => setOpen(isOpen ? null : l.source);
                  return (
                    <Fragment key={l.source}>
                      <Table.Tr
                        className="clickable-row"
                        onClick={toggle}
                        tabIndex={0}
                        aria-expanded={isOpen}
                        onKeyDown={(e) => {
                          if (e.key === 'Enter' || e.key === ' ') {
                            e.preventDefault();
                            toggle();
                          }
                        }}
                        data-testid={`aml-list-${l.source}`}
                      >
                        <Table.Td>{isOpen ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}</Table.Td>
                        <Table.Td>
                          <Text size="sm" fw={500}>
                            {l.name}
                          </Text>
                          <Text size="xs" c="dimmed" className="mono">
                            {l.source}
                          </Text>
                          {l.lastError && (
                            <Text size="xs" c="red.7" lineClamp={2}>
                              {t('amlLists.lastError')}: {l.lastError}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          {l.currentVersion === null ? (
                            <StatusBadge status="not_imported" />
                          ) : (
                            <Group gap={6} wrap="nowrap">
                              <Badge variant="light" color="teal" tt="none">
                                v{l.currentVersion}
                              </Badge>
                              {q.data.index.versions[l.source] !== undefined && q.data.index.versions[l.source] !== l.currentVersion && (
                                <Tooltip label={t('amlLists.indexBehind', { version: q.data.index.versions[l.source] })}>
                                  <Badge variant="light" color="orange" tt="none">
                                    {t('amlLists.loading')}
                                  </Badge>
                                </Tooltip>
                              )}
                            </Group>
                          )}
                        </Table.Td>
                        <Table.Td ta="right">
                          <Text size="sm">{l.currentVersion === null ? '—' : n(l.entities)}</Text>
                        </Table.Td>
                        <Table.Td>
                          {l.lastImportAt ? (
                            <Tooltip label={fmtDateTime(l.lastImportAt)}>
                              <Text size="sm">{fmtRelative(l.lastImportAt)}</Text>
                            </Tooltip>
                          ) : (
                            <Text size="sm" c="dimmed">
                              —
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>{l.diff ? <DiffBadges d={l.diff} /> : <Text size="sm" c="dimmed">—</Text>}</Table.Td>
                        <Table.Td>
                          <StatusBadge status={l.refreshEnabled ? 'active' : 'disabled'} />
                        </Table.Td>
                      </Table.Tr>
                      {isOpen && (
                        <Table.Tr>
                          <Table.Td colSpan={7} bg="gray.0" p="md">
                            <Versions list={l} />
                          </Table.Td>
                        </Table.Tr>
                      )}
                    </Fragment>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      <Paper p="md" mt="md">
        <Text size="sm" fw={600} mb={4}>
          {t('amlLists.howToImport')}
        </Text>
        <Text size="sm" c="dimmed" mb="xs">
          {t('amlLists.howToImportText')}
        </Text>
        <Code block>{'tessera lists import --source ofac-sdn --file SDN.XML\ntessera lists configure --source ofac-sdn --auto-refresh on'}</Code>
      </Paper>
    </>
  );
}

function Stat({ label, value, testId }: { label: string; value: string | null; testId?: string }) {
  return (
    <Paper p="md" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} style={{ letterSpacing: '.04em' }}>
        {label}
      </Text>
      {value === null ? <BlockSkeleton lines={1} /> : <Text fz={22} fw={700} mt={4}>{value}</Text>}
    </Paper>
  );
}

function Versions({ list }: { list: ListRow }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['aml-lists', list.source, 'versions'], queryFn: () => api.get<{ data: Version[] }>(`/v1/aml/lists/${encodeURIComponent(list.source)}/versions`) });
  return (
    <Stack gap="xs">
      <Group gap="lg">
        <Text size="sm" fw={600}>
          {t('amlLists.history')}
        </Text>
        {list.url && (
          <Text size="xs" c="dimmed" truncate maw={600} title={list.url}>
            {t('amlLists.downloadsFrom')}: {list.url}
          </Text>
        )}
      </Group>
      {q.error ? (
        <ErrorAlert error={q.error} />
      ) : !q.data ? (
        <BlockSkeleton lines={2} />
      ) : !q.data.data.length ? (
        <Text size="sm" c="dimmed">
          {t('amlLists.noVersions')}
        </Text>
      ) : (
        <Table withTableBorder bg="white" verticalSpacing={6} data-testid={`aml-versions-${list.source}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('amlLists.version')}</Table.Th>
              <Table.Th>{t('common.status')}</Table.Th>
              <Table.Th>{t('amlLists.origin')}</Table.Th>
              <Table.Th ta="right">{t('amlLists.entities')}</Table.Th>
              <Table.Th>{t('amlLists.diff')}</Table.Th>
              <Table.Th>{t('amlLists.started')}</Table.Th>
              <Table.Th>{t('amlLists.took')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.data.map((v) => (
              <Table.Tr key={v.version}>
                <Table.Td>v{v.version}</Table.Td>
                <Table.Td>
                  <StatusBadge status={v.status} />
                  {v.error && (
                    <Text size="xs" c="red.7">
                      {v.error}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" className="mono" truncate maw={260} title={v.origin}>
                    {v.origin}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">{n(v.entityCount)}</Table.Td>
                <Table.Td>
                  <DiffBadges d={v} />
                </Table.Td>
                <Table.Td>{fmtDateTime(v.startedAt)}</Table.Td>
                <Table.Td>{v.finishedAt ? `${((new Date(v.finishedAt).getTime() - new Date(v.startedAt).getTime()) / 1000).toFixed(1)} s` : '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
