import { useState } from 'react';
import { Button, Code, Drawer, Group, Paper, ScrollArea, Stack, Table, Text, TextInput, Badge } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { IconSearch } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api, type Page } from '../../api/client.ts';
import type { AuditEntry } from '../../api/types.ts';
import { useSession } from '../../auth/session.tsx';
import { EmptyState, ErrorAlert, KeyValue, PageHeader, TableSkeleton } from '../../components/ui.tsx';
import { fmtDateTime } from '../../lib/format.ts';
import { useDebouncedValue } from '@mantine/hooks';

export function Audit() {
  const { t } = useTranslation();
  const { mode } = useSession();
  const [action, setAction] = useState('');
  const [target, setTarget] = useState('');
  const [debAction] = useDebouncedValue(action, 300);
  const [debTarget] = useDebouncedValue(target, 300);
  const [selected, setSelected] = useState<AuditEntry | null>(null);
  const q = useInfiniteQuery({
    queryKey: ['audit', mode, debAction, debTarget],
    queryFn: ({ pageParam }) => api.get<Page<AuditEntry>>('/v1/audit', { action: debAction || undefined, targetId: debTarget || undefined, cursor: pageParam ?? undefined, limit: 50 }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = q.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <>
      <PageHeader title={t('audit.title')} description={t('audit.description')} />
      <Group mb="md">
        <TextInput leftSection={<IconSearch size={14} />} placeholder={t('audit.actionFilter')} value={action} onChange={(e) => setAction(e.currentTarget.value)} aria-label={t('audit.action')} w={260} />
        <TextInput placeholder={t('audit.targetFilter')} value={target} onChange={(e) => setTarget(e.currentTarget.value)} aria-label={t('audit.target')} w={260} />
      </Group>
      {q.error && <ErrorAlert error={q.error} />}
      <Paper>
        {q.isLoading ? (
          <TableSkeleton cols={5} rows={10} />
        ) : !rows.length ? (
          <EmptyState title={t('audit.empty')} />
        ) : (
          <ScrollArea.Autosize mah="calc(100vh - 260px)">
            <Table className="sticky-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('audit.when')}</Table.Th>
                  <Table.Th>{t('audit.action')}</Table.Th>
                  <Table.Th>{t('audit.actor')}</Table.Th>
                  <Table.Th>{t('audit.target')}</Table.Th>
                  <Table.Th>IP</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r) => (
                  <Table.Tr key={r.id} className="clickable-row" onClick={() => setSelected(r)} tabIndex={0} onKeyDown={(e) => e.key === 'Enter' && setSelected(r)}>
                    <Table.Td>
                      <Text size="sm">{fmtDateTime(r.at)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Code>{r.action}</Code>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Badge size="xs" variant="light" color="gray">
                          {r.actorType}
                        </Badge>
                        <Text size="sm">{r.actorLabel ?? r.actorId ?? '—'}</Text>
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" className="mono">
                        {r.targetId ?? '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{r.ip ?? '—'}</Text>
                    </Table.Td>
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
          </ScrollArea.Autosize>
        )}
      </Paper>
      <Drawer opened={!!selected} onClose={() => setSelected(null)} position="right" size="lg" title={selected?.action}>
        {selected && (
          <Stack gap="sm">
            <KeyValue label={t('audit.when')}>{fmtDateTime(selected.at)}</KeyValue>
            <KeyValue label={t('audit.actor')}>{`${selected.actorType} · ${selected.actorLabel ?? selected.actorId ?? '—'}`}</KeyValue>
            <KeyValue label={t('audit.target')}>{`${selected.targetType ?? '—'} · ${selected.targetId ?? '—'}`}</KeyValue>
            <KeyValue label="IP">{selected.ip}</KeyValue>
            <KeyValue label={t('audit.client')}>{[selected.browser, selected.os].filter(Boolean).join(' · ') || '—'}</KeyValue>
            <KeyValue label={t('audit.mode')}>{selected.mode}</KeyValue>
            <KeyValue label="Seq">{selected.seq}</KeyValue>
            <Text size="sm" fw={600} mt="md">
              {t('audit.before')}
            </Text>
            <Code block>{JSON.stringify(selected.before, null, 2) ?? 'null'}</Code>
            <Text size="sm" fw={600}>
              {t('audit.after')}
            </Text>
            <Code block>{JSON.stringify(selected.after, null, 2) ?? 'null'}</Code>
          </Stack>
        )}
      </Drawer>
    </>
  );
}
