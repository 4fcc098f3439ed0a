import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Badge, Box, Button, Code, Group, Indicator, Paper, ScrollArea, Stack, Switch, Table, Tabs, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconChevronDown, IconChevronRight, IconPlayerPause, IconPlayerPlay, IconSearch } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, apiClient, ApiError, withQuery, type Page } from '../../api/client.ts';
import type { ApplicantFull } from '../../api/applicants.ts';
import type { StepType } from '../../api/flows.ts';
import { useSession } from '../../auth/session.tsx';
import { BlockSkeleton, EmptyState, ErrorAlert, PageHeader, StatusBadge } from '../../components/ui.tsx';
import { STEP_ICONS, stepStatusIcon } from '../../components/stepMeta.tsx';
import { fmtDateTime, fmtRelative } from '../../lib/format.ts';
import { readSse, reconnectDelay } from '../../lib/sse.ts';
import { humanize, reasonLabel } from '../../lib/schema.ts';


/** One event as GET /v1/events and each `data:` of GET /v1/kyc-logs/stream carry it. */
export type EventItem = { id: string; type: string; applicantId: string | null; sequence: number | null; createdAt: string; payload: Record<string, unknown> };
type Transport = 'connecting' | 'live' | 'reconnecting' | 'paused' | 'stopped';
const MAX = 1000;

type Outcome = { kind: 'failed' | 'review' | 'declined'; text: string };
type StepResult = { stepId: string; stepType: string | null; passed: boolean };
export type LogSession = { key: string; applicantId: string | null; externalUserId: string | null; status: string | null; last: EventItem; events: EventItem[]; steps: StepResult[]; outcome: Outcome | null };

const str = (v: unknown) => (typeof v === 'string' ? v : null);
const strs = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Why a verification went wrong, from its newest event that says so. */
export function outcomeOf(events: EventItem[]): Outcome | null {
  for (const e of events) {
    const p = e.payload;
    const review = p.reviewResult as { decision?: string; rejectLabels?: string[]; clientComment?: string | null } | undefined;
    if ((e.type === 'review.completed' || e.type === 'applicant.declined') && review?.decision === 'decline') {
      return { kind: 'declined', text: [...(review.rejectLabels ?? []), review.clientComment].filter(Boolean).join(' · ') || '—' };
    }
    if (e.type === 'applicant.step_failed') {
      const reasons = strs(p.reasons);
      return { kind: p.outcome === 'review' ? 'review' : 'failed', text: `${humanize(str(p.stepId) ?? '')}: ${reasons.length ? reasons.map(reasonLabel).join(', ') : humanize(str(p.outcome) ?? 'failed').toLowerCase()}` };
    }
    if (e.type === 'applicant.in_review' || e.type === 'applicant.on_hold') {
      const reasons = strs(p.reasons);
      if (reasons.length) return { kind: 'review', text: reasons.map(reasonLabel).join(', ') };
    }
    if (e.type === 'applicant.approved') return null;
  }
  return null;
}

/** Events (newest first) grouped by applicant, the most recently active first. */
export function groupSessions(events: EventItem[]): LogSession[] {
  const groups = new Map<string, EventItem[]>();
  for (const e of events) {
    const k = e.applicantId ?? e.id;
    const list = groups.get(k);
    if (list) list.push(e);
    else groups.set(k, [e]);
  }
  return [...groups.entries()].map(([key, list]) => {
    const steps = new Map<string, StepResult>();
    // Oldest first, so a redone step shows its latest result.
    for (const e of [...list].reverse()) {
      if (e.type !== 'applicant.step_passed' && e.type !== 'applicant.step_failed') continue;
      const stepId = str(e.payload.stepId);
      if (stepId) steps.set(stepId, { stepId, stepType: str(e.payload.stepType), passed: e.type === 'applicant.step_passed' });
    }
    return {
      key,
      applicantId: list[0].applicantId,
      externalUserId: list.map((e) => str(e.payload.externalUserId)).find(Boolean) ?? null,
      status: list.map((e) => str(e.payload.to) ?? str(e.payload.status)).find(Boolean) ?? null,
      last: list[0],
      events: list,
      steps: [...steps.values()],
      outcome: outcomeOf(list),
    };
  });
}

/**
 * Live verification activity: the recent event log, then the server-sent event stream from the newest
 * event loaded (`since`), reconnecting from the last event seen whenever the connection drops.
 */
function useLiveEvents(mode: string, paused: boolean) {
  const [events, setEvents] = useState<EventItem[]>([]);
  const [transport, setTransport] = useState<Transport>('connecting');
  const [error, setError] = useState<unknown>(null);
  const seen = useRef(new Set<string>());
  const lastId = useRef('');
  const fresh = useRef(new Set<string>());

  const add = (list: EventItem[], live: boolean) => {
    const added = list.filter((e) => !seen.current.has(e.id));
    if (!added.length) return;
    for (const e of added) {
      seen.current.add(e.id);
      if (e.id > lastId.current) lastId.current = e.id;
      if (live) fresh.current.add(e.id);
    }
    setEvents((prev) => [...added, ...prev].sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, MAX));
  };

  useEffect(() => {
    seen.current.clear();
    fresh.current.clear();
    lastId.current = '';
    setEvents([]);
  }, [mode]);

  useEffect(() => {
    if (paused) {
      setTransport('paused');
      return;
    }
    const ctrl = new AbortController();
    const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
    (async () => {
      setTransport('connecting');
      if (!lastId.current) {
        try {
          add((await api.get<Page<EventItem>>('/v1/events', { limit: 100 }, ctrl.signal)).data, false);
        } catch (e) {
          if (ctrl.signal.aborted) return;
          setError(e);
        }
      }
      let failures = 0;
      while (!ctrl.signal.aborted) {
        try {
          const res = await fetch(withQuery('/v1/kyc-logs/stream', { since: lastId.current || undefined }), {
            headers: { accept: 'text/event-stream', 'x-tessera-mode': apiClient.mode },
            credentials: 'same-origin',
            signal: ctrl.signal,
          });
          if (!res.ok || !res.body) {
            const body = await res.json().catch(() => null);
            const err = new ApiError(res.status, body?.error?.code ?? `http_${res.status}`, body?.error?.message ?? `Request failed (${res.status}).`);
            // Permission and validation errors will not change by retrying.
            if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
              setError(err);
              setTransport('stopped');
              return;
            }
            throw err;
          }
          setTransport('live');
          setError(null);
          failures = 0;
          await readSse(res.body, (m) => {
            try {
              const d = JSON.parse(m.data);
              if (d && typeof d === 'object' && typeof d.id === 'string' && typeof d.type === 'string') add([d as EventItem], true);
            } catch {
              // a malformed message is skipped; the next one carries on
            }
          });
        } catch (e) {
          if (ctrl.signal.aborted) return;
          if (e instanceof ApiError) setError(e);
        }
        failures++;
        setTransport('reconnecting');
        await sleep(reconnectDelay(failures));
      }
    })();
    return () => ctrl.abort();
  }, [paused, mode]);

  return { events, transport, error, fresh: fresh.current };
}

export function KycLogs() {
  const { t } = useTranslation();
  const { mode } = useSession();
  const [paused, setPaused] = useState(false);
  const [onlyProblems, setOnlyProblems] = useState(false);
  const [search, setSearch] = useState('');
  const [open, setOpen] = useState<Set<string>>(new Set());
  const { events, transport, error, fresh } = useLiveEvents(mode, paused);

  const sessions = useMemo(() => {
    const q = search.trim().toLowerCase();
    return groupSessions(events).filter((s) => (!onlyProblems || s.outcome) && (!q || s.externalUserId?.toLowerCase().includes(q) || s.applicantId?.toLowerCase().includes(q)));
  }, [events, onlyProblems, search]);

  const toggle = (key: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  const dot = transport === 'live' ? 'teal' : transport === 'reconnecting' || transport === 'connecting' ? 'yellow' : transport === 'stopped' ? 'red' : 'gray';
  return (
    <>
      <PageHeader
        title={t('logs.title')}
        description={t('logs.description')}
        actions={
          <>
            <Indicator color={dot} processing={transport === 'live'} size={10} position="middle-start" offset={-10}>
              <Text size="sm" c="dimmed" ml="sm" data-testid="logs-transport" role="status">
                {t(`logs.transport.${transport}`)}
              </Text>
            </Indicator>
            <Button variant="default" leftSection={paused ? <IconPlayerPlay size={16} /> : <IconPlayerPause size={16} />} onClick={() => setPaused(!paused)}>
              {paused ? t('logs.resume') : t('logs.pause')}
            </Button>
          </>
        }
      />
      {error != null && (
        <Box mb="md">
          <ErrorAlert error={error} />
        </Box>
      )}
      <Paper p="sm" mb="md">
        <Group gap="md">
          <TextInput leftSection={<IconSearch size={14} />} placeholder={t('logs.searchPlaceholder')} aria-label={t('common.search')} value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={300} />
          <Switch label={t('logs.onlyProblems')} checked={onlyProblems} onChange={(e) => setOnlyProblems(e.currentTarget.checked)} />
          <Text size="xs" c="dimmed" ml="auto">
            {t('logs.showing', { sessions: sessions.length, events: events.length })}
          </Text>
        </Group>
      </Paper>
      <Paper>
        {!sessions.length ? (
          <EmptyState title={t('logs.empty')} description={t('logs.emptyText')} />
        ) : (
          <ScrollArea h="calc(100vh - 320px)" type="auto">
            <Table className="sticky-table" data-testid="logs-table" verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={36} />
                  <Table.Th>{t('logs.lastActivity')}</Table.Th>
                  <Table.Th>{t('logs.applicant')}</Table.Th>
                  <Table.Th>{t('common.status')}</Table.Th>
                  <Table.Th>{t('logs.steps')}</Table.Th>
                  <Table.Th>{t('logs.result')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {sessions.map((s) => {
                  const isOpen = open.has(s.key);
                  const isNew = s.events.some((e) => fresh.has(e.id));
                  return (
                    <Fragment key={s.key}>
                      <Table.Tr
                        className="clickable-row"
                        onClick={() => toggle(s.key)}
                        tabIndex={0}
                        onKeyDown={(e) => {
                          if (e.key === 'Enter' || e.key === ' ') {
                            e.preventDefault();
                            toggle(s.key);
                          }
                        }}
                        aria-expanded={isOpen}
                        data-testid={`log-row-${s.externalUserId ?? s.key}`}
                        style={isNew ? { animation: 'tessera-flash 2.5s ease-out' } : undefined}
                      >
                        <Table.Td>{isOpen ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}</Table.Td>
                        <Table.Td w={190}>
                          <Tooltip label={fmtDateTime(s.last.createdAt)}>
                            <Text size="sm">{fmtRelative(s.last.createdAt)}</Text>
                          </Tooltip>
                          <Text size="xs" c="dimmed">
                            {humanize(s.last.type.replace('.', ' '))}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" className="mono">
                            {s.externalUserId ?? '—'}
                          </Text>
                          {s.applicantId && (
                            <Text size="xs" c="dimmed" className="mono">
                              {s.applicantId}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>{s.status ? <StatusBadge status={s.status} /> : <Text size="sm" c="dimmed">—</Text>}</Table.Td>
                        <Table.Td>
                          <Group gap={4}>
                            {s.steps.map((st) => {
                              const Icon = STEP_ICONS[st.stepType as StepType];
                              return (
                                <Tooltip key={st.stepId} label={`${humanize(st.stepId)}: ${t(st.passed ? 'status.passed' : 'status.failed')}`}>
                                  <Badge size="sm" variant="light" color={st.passed ? 'teal' : 'red'} tt="none" fw={500} leftSection={Icon ? <Icon size={12} /> : null} rightSection={st.passed ? '✓' : '✗'}>
                                    {humanize(st.stepId)}
                                  </Badge>
                                </Tooltip>
                              );
                            })}
                            {!s.steps.length && (
                              <Text size="xs" c="dimmed">
                                {t('logs.eventCount', { count: s.events.length })}
                              </Text>
                            )}
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          {s.outcome ? (
                            <Text size="sm" c={s.outcome.kind === 'review' ? 'orange.8' : 'red.7'} lineClamp={2}>
                              {t(`logs.outcome.${s.outcome.kind}`)}: {s.outcome.text}
                            </Text>
                          ) : (
                            <Text size="sm" c="dimmed">
                              —
                            </Text>
                          )}
                        </Table.Td>
                      </Table.Tr>
                      {isOpen && (
                        <Table.Tr>
                          <Table.Td colSpan={6} bg="gray.0" p="md">
                            <SessionDetail session={s} />
                          </Table.Td>
                        </Table.Tr>
                      )}
                    </Fragment>
                  );
                })}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        )}
      </Paper>
    </>
  );
}

/** The expanded row: the applicant's steps as they stand now, the events of this session and their JSON. */
function SessionDetail({ session }: { session: LogSession }) {
  const { t } = useTranslation();
  const id = session.applicantId;
  const q = useQuery({ queryKey: ['applicant', id], queryFn: () => api.get<ApplicantFull>(`/v1/applicants/${id}`), enabled: !!id });
  const [eventId, setEventId] = useState<string | null>(null);
  const shown = session.events.find((e) => e.id === eventId) ?? null;
  const failedSteps = q.data?.steps.filter((s) => s.current && s.current.outcome !== 'passed' && s.current.status === 'completed') ?? [];
  return (
    <Tabs defaultValue={id ? 'steps' : 'events'} keepMounted={false}>
      <Tabs.List mb="sm">
        {id && <Tabs.Tab value="steps">{t('logs.stepsAndResults')}</Tabs.Tab>}
        <Tabs.Tab value="events">{t('logs.eventCount', { count: session.events.length })}</Tabs.Tab>
        <Tabs.Tab value="raw">{t('common.rawJson')}</Tabs.Tab>
      </Tabs.List>
      {id && (
        <Tabs.Panel value="steps">
          {q.error ? (
            <ErrorAlert error={q.error} />
          ) : !q.data ? (
            <BlockSkeleton />
          ) : (
            <Stack gap="sm">
              <Group justify="space-between">
                <Group gap="sm">
                  <Title order={5}>{q.data.name ?? q.data.externalUserId}</Title>
                  <StatusBadge status={q.data.status} />
                </Group>
                <Button component={Link} to={`/applicants/${id}`} size="xs" variant="light">
                  {t('applicants.openProfile')}
                </Button>
              </Group>
              {(failedSteps.length > 0 || q.data.review?.decision === 'decline') && (
                <Alert color={q.data.review?.decision === 'decline' ? 'red' : 'orange'} title={t('logs.failureReason')} p="xs">
                  <Stack gap={2}>
                    {failedSteps.map((s) => (
                      <Text key={s.id} size="sm">
                        {s.title ?? t(`stepTypes.${s.type}`)}: {s.current!.reasons.length ? s.current!.reasons.map(reasonLabel).join(', ') : t(`status.${s.current!.outcome}`, { defaultValue: s.current!.outcome ?? '' })}
                        {typeof s.current!.summary.message === 'string' && s.current!.summary.message ? ` — ${s.current!.summary.message}` : ''}
                      </Text>
                    ))}
                    {q.data.review?.decision === 'decline' && (
                      <Text size="sm">
                        {t('profile.decision.decline')}: {[...(q.data.review.rejectLabels ?? []), q.data.review.clientComment].filter(Boolean).join(' · ') || '—'}
                      </Text>
                    )}
                  </Stack>
                </Alert>
              )}
              <Table withTableBorder verticalSpacing={6} bg="white">
                <Table.Tbody>
                  {q.data.steps.map((s) => {
                    const Icon = STEP_ICONS[s.type];
                    const facts = Object.entries(s.current?.summary ?? {}).filter(([k, v]) => v !== null && typeof v !== 'object' && k !== 'message');
                    return (
                      <Table.Tr key={s.id}>
                        <Table.Td w={220}>
                          <Group gap="xs" wrap="nowrap">
                            {Icon && <Icon size={16} />}
                            <Text size="sm" fw={500}>
                              {s.title ?? t(`stepTypes.${s.type}`)}
                            </Text>
                          </Group>
                        </Table.Td>
                        <Table.Td w={160}>
                          <Group gap={6} wrap="nowrap">
                            {stepStatusIcon(s.status)}
                            <Text size="sm">{t(`stepStatus.${s.status}`)}</Text>
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          {s.current?.outcome && <StatusBadge status={s.current.outcome} size="xs" />}
                          {s.current?.reasons.length ? (
                            <Text size="xs" c="red.7" mt={2}>
                              {s.current.reasons.map(reasonLabel).join(', ')}
                            </Text>
                          ) : null}
                          {facts.length > 0 && (
                            <Text size="xs" c="dimmed" mt={2}>
                              {facts.map(([k, v]) => `${humanize(k)}: ${typeof v === 'boolean' ? t(v ? 'common.yes' : 'common.no') : String(v)}`).join(' · ')}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td w={160}>
                          <Text size="xs" c="dimmed">
                            {fmtDateTime(s.current?.processedAt ?? s.current?.createdAt)}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Stack>
          )}
        </Tabs.Panel>
      )}
      <Tabs.Panel value="events">
        <Group align="flex-start" gap="md" wrap="nowrap">
          <Stack gap={2} w={340} style={{ flexShrink: 0 }}>
            {session.events.map((e) => (
              <Button key={e.id} variant={e.id === shown?.id ? 'light' : 'subtle'} color="gray" size="compact-sm" justify="space-between" fullWidth onClick={() => setEventId(e.id)} rightSection={<Text size="xs" c="dimmed">{fmtDateTime(e.createdAt)}</Text>}>
                <Text size="xs" className="mono">
                  {e.type}
                </Text>
              </Button>
            ))}
          </Stack>
          <Box style={{ flex: 1, minWidth: 0 }}>
            {shown ? (
              <Code block mah={360} style={{ overflow: 'auto' }}>
                {JSON.stringify(shown, null, 2)}
              </Code>
            ) : (
              <Text size="sm" c="dimmed">
                {t('logs.pickEvent')}
              </Text>
            )}
          </Box>
        </Group>
      </Tabs.Panel>
      <Tabs.Panel value="raw">
        <Code block mah={420} style={{ overflow: 'auto' }}>
          {JSON.stringify(session.events, null, 2)}
        </Code>
      </Tabs.Panel>
    </Tabs>
  );
}
