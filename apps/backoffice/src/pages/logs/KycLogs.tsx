import { useEffect, useMemo, useRef, useState } from 'react';
import { Badge, Box, Button, Code, Drawer, Group, Indicator, Paper, ScrollArea, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconPlayerPause, IconPlayerPlay } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, apiClient, type Page } from '../../api/client.ts';
import type { ApplicantFull } from '../../api/applicants.ts';
import { useSession } from '../../auth/session.tsx';
import { BlockSkeleton, EmptyState, ErrorAlert, PageHeader, StatusBadge } from '../../components/ui.tsx';
import { STEP_ICONS } from '../../components/stepMeta.tsx';
import { fmtDateTime } from '../../lib/format.ts';
import { parseSseChunk } from '../../lib/sse.ts';
import { humanize } from '../../lib/schema.ts';
import { stepStatusIcon } from '../../components/stepMeta.tsx';
import { reasonLabel } from '../review/ReviewQueue.tsx';

type EventItem = { id: string; type: string; applicantId: string | null; sequence: number | null; createdAt: string; payload: Record<string, unknown> };
type Transport = 'connecting' | 'stream' | 'polling' | 'paused';
const MAX = 500;

/**
 * Live verification activity. It reads the server-sent event stream when the server has one, and
 * otherwise polls the event log, so the page works (and says which) on either.
 */
export function KycLogs() {
  const { t } = useTranslation();
  const { mode } = useSession();
  const [events, setEvents] = useState<EventItem[]>([]);
  const [transport, setTransport] = useState<Transport>('connecting');
  const [error, setError] = useState<unknown>(null);
  const [paused, setPaused] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const seen = useRef(new Set<string>());

  const add = (list: EventItem[]) => {
    const fresh = list.filter((e) => !seen.current.has(e.id));
    fresh.forEach((e) => seen.current.add(e.id));
    if (fresh.length) setEvents((prev) => [...fresh, ...prev].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, MAX));
  };

  useEffect(() => {
    if (paused) {
      setTransport('paused');
      return;
    }
    const ctrl = new AbortController();
    let timer: ReturnType<typeof setInterval> | null = null;
    const poll = async () => {
      try {
        const r = await api.get<Page<EventItem>>('/v1/events', { limit: 100 }, ctrl.signal);
        add(r.data);
        setError(null);
      } catch (e) {
        if ((e as Error).name !== 'AbortError') setError(e);
      }
    };
    const startPolling = () => {
      setTransport('polling');
      void poll();
      timer = setInterval(poll, 5000);
    };
    (async () => {
      await poll();
      try {
        const res = await fetch('/v1/kyc-logs/stream', { headers: { accept: 'text/event-stream', 'x-tessera-mode': apiClient.mode }, credentials: 'same-origin', signal: ctrl.signal });
        if (!res.ok || !res.body) return startPolling();
        setTransport('stream');
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const { messages, rest } = parseSseChunk(buf + value);
          buf = rest;
          const items: EventItem[] = [];
          for (const m of messages) {
            try {
              const d = JSON.parse(m.data);
              if (d && typeof d === 'object' && 'id' in d && 'type' in d) items.push(d as EventItem);
            } catch {
              // keep-alive or a malformed line: skip it
            }
          }
          add(items);
        }
        if (!ctrl.signal.aborted) startPolling();
      } catch (e) {
        if ((e as Error).name !== 'AbortError') startPolling();
      }
    })();
    return () => {
      ctrl.abort();
      if (timer) clearInterval(timer);
    };
  }, [paused, mode]);

  const sessions = useMemo(() => {
    const m = new Map<string, EventItem[]>();
    for (const e of events) {
      const k = e.applicantId ?? e.id;
      m.set(k, [...(m.get(k) ?? []), e]);
    }
    return [...m.entries()];
  }, [events]);

  return (
    <>
      <PageHeader
        title={t('logs.title')}
        description={t('logs.description')}
        actions={
          <>
            <Group gap={6}>
              <Indicator color={transport === 'stream' ? 'teal' : transport === 'polling' ? 'yellow' : 'gray'} processing={transport === 'stream' || transport === 'polling'} size={10} position="middle-start" offset={-10}>
                <Text size="sm" c="dimmed" ml="sm" data-testid="logs-transport">
                  {t(`logs.transport.${transport}`)}
                </Text>
              </Indicator>
            </Group>
            <Button variant="default" leftSection={paused ? <IconPlayerPlay size={16} /> : <IconPlayerPause size={16} />} onClick={() => setPaused(!paused)}>
              {paused ? t('logs.resume') : t('logs.pause')}
            </Button>
          </>
        }
      />
      {error != null && <ErrorAlert error={error} />}
      <Paper>
        {!sessions.length ? (
          <EmptyState title={t('logs.empty')} description={t('logs.emptyText')} />
        ) : (
          <ScrollArea h="calc(100vh - 250px)" type="auto">
            <Table className="sticky-table" data-testid="logs-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('logs.lastActivity')}</Table.Th>
                  <Table.Th>{t('logs.applicant')}</Table.Th>
                  <Table.Th>{t('logs.events')}</Table.Th>
                  <Table.Th>{t('logs.result')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {sessions.map(([key, list]) => {
                  const last = list[0];
                  const failure = list.map((e) => failureOf(e)).find(Boolean);
                  return (
                    <Table.Tr key={key} className="clickable-row" onClick={() => last.applicantId && setSelected(last.applicantId)} tabIndex={0} onKeyDown={(e) => e.key === 'Enter' && last.applicantId && setSelected(last.applicantId)}>
                      <Table.Td w={190}>
                        <Text size="sm">{fmtDateTime(last.createdAt)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" className="mono">
                          {String((last.payload.externalUserId as string) ?? last.applicantId ?? '—')}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          {list.slice(0, 6).map((e) => (
                            <Badge key={e.id} size="sm" variant="light" color={e.type.includes('fail') || e.type.includes('declin') || e.type.includes('reject') ? 'red' : 'blue'} tt="none">
                              {e.type}
                            </Badge>
                          ))}
                          {list.length > 6 && <Text size="xs" c="dimmed">+{list.length - 6}</Text>}
                        </Group>
                      </Table.Td>
                      <Table.Td>{failure ? <Text size="sm" c="red">{failure}</Text> : <Text size="sm" c="dimmed">—</Text>}</Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        )}
      </Paper>
      <Drawer opened={!!selected} onClose={() => setSelected(null)} position="right" size="xl" title={t('logs.session')}>
        {selected && <SessionDetail applicantId={selected} events={events.filter((e) => e.applicantId === selected)} />}
      </Drawer>
    </>
  );
}

function failureOf(e: EventItem): string | null {
  const p = e.payload as { outcome?: string; reasons?: string[]; reviewResult?: { decision?: string; rejectLabels?: string[] }; data?: { outcome?: string; reasons?: string[] } };
  const outcome = p.outcome ?? p.data?.outcome;
  const reasons = p.reasons ?? p.data?.reasons;
  if (outcome === 'failed' && reasons?.length) return reasons.map(reasonLabel).join(', ');
  if (p.reviewResult?.decision === 'decline') return p.reviewResult.rejectLabels?.join(', ') || 'declined';
  return null;
}

function SessionDetail({ applicantId, events }: { applicantId: string; events: EventItem[] }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['applicant', applicantId], queryFn: () => api.get<ApplicantFull>(`/v1/applicants/${applicantId}`) });
  return (
    <Tabs defaultValue="steps">
      <Tabs.List mb="md">
        <Tabs.Tab value="steps">{t('logs.steps')}</Tabs.Tab>
        <Tabs.Tab value="events">{t('logs.events')}</Tabs.Tab>
        <Tabs.Tab value="raw">{t('common.rawJson')}</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="steps">
        {q.error && <ErrorAlert error={q.error} />}
        {!q.data ? (
          <BlockSkeleton />
        ) : (
          <Stack gap="sm">
            <Group justify="space-between">
              <Title order={5}>{q.data.name ?? q.data.externalUserId}</Title>
              <Group gap="xs">
                <StatusBadge status={q.data.status} />
                <Button component={Link} to={`/applicants/${applicantId}`} size="xs" variant="light">
                  {t('applicants.openProfile')}
                </Button>
              </Group>
            </Group>
            {q.data.steps.map((s) => {
              const Icon = STEP_ICONS[s.type];
              return (
                <Paper key={s.id} p="sm" withBorder>
                  <Group justify="space-between">
                    <Group gap="xs">
                      {Icon && <Icon size={16} />}
                      <Text size="sm" fw={500}>
                        {s.title ?? t(`stepTypes.${s.type}`)}
                      </Text>
                    </Group>
                    <Group gap={6}>
                      {stepStatusIcon(s.status)}
                      <Text size="sm">{t(`stepStatus.${s.status}`)}</Text>
                    </Group>
                  </Group>
                  {s.current?.reasons.length ? (
                    <Text size="xs" c="red" mt={4}>
                      {s.current.reasons.map(reasonLabel).join(', ')}
                    </Text>
                  ) : null}
                  {s.current && Object.keys(s.current.summary ?? {}).length > 0 && (
                    <Box mt={4}>
                      {Object.entries(s.current.summary).filter(([, v]) => typeof v !== 'object').map(([k, v]) => (
                        <Text key={k} size="xs" c="dimmed">
                          {humanize(k)}: {String(v)}
                        </Text>
                      ))}
                    </Box>
                  )}
                </Paper>
              );
            })}
          </Stack>
        )}
      </Tabs.Panel>
      <Tabs.Panel value="events">
        <Stack gap="xs">
          {events.map((e) => (
            <Paper key={e.id} p="xs" withBorder>
              <Group justify="space-between">
                <Badge variant="light" tt="none">
                  {e.type}
                </Badge>
                <Text size="xs" c="dimmed">
                  {fmtDateTime(e.createdAt)}
                </Text>
              </Group>
              <Code block mt={6}>
                {JSON.stringify(e.payload, null, 2)}
              </Code>
            </Paper>
          ))}
        </Stack>
      </Tabs.Panel>
      <Tabs.Panel value="raw">
        <Code block>{JSON.stringify(q.data ?? null, null, 2)}</Code>
      </Tabs.Panel>
    </Tabs>
  );
}
