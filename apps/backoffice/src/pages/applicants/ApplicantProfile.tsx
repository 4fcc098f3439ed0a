import { useState } from 'react';
import { Anchor, Avatar, Badge, Box, Breadcrumbs, Button, Code, Grid, Group, Modal, Paper, ScrollArea, Select, SegmentedControl, Stack, Tabs, TagsInput, Text, Textarea, Timeline, Title, Tooltip } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconCheck, IconDeviceDesktop, IconLink, IconLock, IconMessage, IconX, IconRestore, IconTrash } from '@tabler/icons-react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { ApplicantFull, Comment, TimelineEntry } from '../../api/applicants.ts';
import { reviewerOptions, useFlows, useReviewers } from '../../api/hooks.ts';
import { useSession } from '../../auth/session.tsx';
import { AuthImage } from '../../components/AuthImage.tsx';
import { BlockSkeleton, CopyField, EmptyState, ErrorAlert, KeyValue, StatusBadge, notifyError, notifySuccess } from '../../components/ui.tsx';
import { countryName, fmtDateTime, fmtRelative } from '../../lib/format.ts';
import { humanize, reasonLabel } from '../../lib/schema.ts';
import { ReviewDialog } from './ReviewDialog.tsx';
import { StepSection, Tracker, Warnings } from './StepSections.tsx';
import { SessionLinkDialog } from './dialogs.tsx';

export function ApplicantProfile() {
  const { id = '' } = useParams();
  const q = useQuery({ queryKey: ['applicant', id], queryFn: () => api.get<ApplicantFull>(`/v1/applicants/${id}`), refetchInterval: (query) => (query.state.data?.steps.some((s) => s.current && s.current.status !== 'completed') ? 3000 : false) });
  if (q.error) return <ErrorAlert error={q.error} onRetry={() => q.refetch()} />;
  if (!q.data)
    return (
      <Stack>
        <Paper p="lg"><BlockSkeleton lines={3} /></Paper>
        <Paper p="lg"><BlockSkeleton lines={8} /></Paper>
      </Stack>
    );
  return <Profile a={q.data} />;
}

function Profile({ a }: { a: ApplicantFull }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const qc = useQueryClient();
  const reviewers = useReviewers();
  const { byId: flows } = useFlows();
  const [review, setReview] = useState<'approve' | 'decline' | null>(null);
  const [linkOpen, setLinkOpen] = useState(false);
  const [tab, setTab] = useState<string | null>('info');
  // The face a reviewer recognises: the selfie, else a liveness frame, else the document's portrait.
  const photo =
    a.steps.find((s) => (s.type === 'selfie' || s.type === 'liveness') && s.current?.files.length)?.current?.files[0] ??
    a.steps.find((s) => s.type === 'document')?.current?.files.find((f) => f.kind === 'portrait') ??
    null;
  const assign = useMutation({
    mutationFn: (reviewerId: string | null) => api.post(`/v1/applicants/${a.id}/assign`, { reviewerId }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['applicant', a.id] });
      notifySuccess(t('common.saved'));
    },
    onError: (e) => notifyError(e),
  });
  const tags = useMutation({
    mutationFn: (next: string[]) => api.patch(`/v1/applicants/${a.id}`, { tags: next }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['applicant', a.id] }),
    onError: (e) => notifyError(e),
  });
  const del = useMutation({
    mutationFn: () => (a.deletion ? api.post(`/v1/applicants/${a.id}/restore`) : api.del(`/v1/applicants/${a.id}`)),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['applicant', a.id] }),
    onError: (e) => notifyError(e),
  });
  const decided = a.status === 'APPROVED' || a.status === 'DECLINED';
  const jump = (stepId: string) => document.getElementById(`step-${stepId}`)?.scrollIntoView({ behavior: 'smooth', block: 'start' });

  return (
    <>
      <Breadcrumbs mb="xs" fz="sm">
        <Anchor component={Link} to="/applicants">
          {t('applicants.title')}
        </Anchor>
        <Text size="sm">{a.name ?? a.externalUserId}</Text>
      </Breadcrumbs>
      <Paper p="lg" mb="md">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Group gap="lg" wrap="nowrap" align="flex-start">
            {photo ? (
              <Box w={84}>
                <AuthImage src={photo.url} alt={t('profile.photo')} h={84} />
              </Box>
            ) : (
              <Avatar size={84} radius="md" name={a.name ?? a.externalUserId} color="initials" />
            )}
            <Stack gap={6}>
              <Group gap="sm">
                <Title order={2} fz={24} data-testid="applicant-name">
                  {a.name ?? t('applicants.noName')}
                </Title>
                <StatusBadge status={a.status} size="lg" />
                {a.deletion && <Badge color="gray">{t('profile.scheduledErasure', { date: fmtDateTime(a.deletion.eraseAfter) })}</Badge>}
              </Group>
              <Group gap="lg">
                <CopyField value={a.externalUserId} label={t('applicants.externalUserId')} />
                <Text size="sm" c="dimmed">
                  {flows.get(a.flowId)?.name ?? a.flowId}
                </Text>
                {a.country && <Text size="sm">{countryName(a.country)}</Text>}
              </Group>
              <Group gap="xs" mt={4}>
                <TagsInput size="xs" placeholder={t('profile.addLabel')} value={a.tags} onChange={(v) => tags.mutate(v)} disabled={!can('applicants.write')} w={320} aria-label={t('profile.labels')} />
              </Group>
              {a.review?.decision && (
                <Text size="sm" c="dimmed">
                  {t('profile.decisionBy', { decision: t(`profile.decision.${a.review.decision}`), by: a.review.decidedBy ?? '—', date: fmtDateTime(a.decidedAt) })}
                  {a.review.rejectType ? ` · ${a.review.rejectType}` : ''}
                  {a.review.rejectLabels?.length ? ` · ${a.review.rejectLabels.join(', ')}` : ''}
                </Text>
              )}
            </Stack>
          </Group>
          <Stack gap="xs" align="flex-end">
            <Group gap="xs" wrap="nowrap">
              {can('applicants.write') && !a.deletion && (
                <Tooltip label={t('applicants.generateLink')}>
                  <Button variant="default" onClick={() => setLinkOpen(true)} leftSection={<IconLink size={16} />}>
                    {t('profile.link')}
                  </Button>
                </Tooltip>
              )}
              {can('applicants.review') && !a.deletion && (
                <>
                  <Button color="red" variant={decided ? 'light' : 'filled'} leftSection={<IconX size={16} />} onClick={() => setReview('decline')} data-testid="decline">
                    {t('profile.decline')}
                  </Button>
                  <Button color="teal" variant={decided ? 'light' : 'filled'} leftSection={<IconCheck size={16} />} onClick={() => setReview('approve')} data-testid="approve">
                    {t('profile.approve')}
                  </Button>
                </>
              )}
            </Group>
            <Select
              w={260}
              size="sm"
              label={t('applicants.reviewer')}
              data={reviewerOptions(reviewers.list, a.reviewerId, t('applicants.formerReviewer'))}
              value={a.reviewerId}
              onChange={(v) => assign.mutate(v)}
              clearable
              placeholder={t('applicants.unassigned')}
              disabled={!can('applicants.review')}
            />
          </Stack>
        </Group>
      </Paper>

      <Grid gap="md">
        <Grid.Col span={{ base: 12, xl: 8 }}>
          <Tracker applicant={a} onJump={jump} />
          <Warnings applicant={a} onJump={jump} />
          {a.steps
            .filter((s) => s.type !== 'intro' && s.type !== 'thank_you')
            .map((s) => (
              <StepSection key={s.id} applicant={a} step={s} />
            ))}
        </Grid.Col>
        <Grid.Col span={{ base: 12, xl: 4 }}>
          <Paper>
            <Tabs value={tab} onChange={setTab}>
              <Tabs.List grow>
                <Tabs.Tab value="info">{t('profile.info')}</Tabs.Tab>
                <Tabs.Tab value="comments" leftSection={<IconMessage size={14} />}>
                  {t('profile.comments')}
                </Tabs.Tab>
                <Tabs.Tab value="timeline">{t('profile.timeline')}</Tabs.Tab>
              </Tabs.List>
              <Box p="md">
                <Tabs.Panel value="info">
                  <InfoTab a={a} />
                </Tabs.Panel>
                <Tabs.Panel value="comments">
                  <CommentsTab a={a} />
                </Tabs.Panel>
                <Tabs.Panel value="timeline">
                  <TimelineTab a={a} />
                </Tabs.Panel>
              </Box>
            </Tabs>
          </Paper>
          {can('applicants.delete') && (
            <Group justify="flex-end" mt="sm">
              <Button variant="subtle" color={a.deletion ? 'blue' : 'red'} size="xs" leftSection={a.deletion ? <IconRestore size={14} /> : <IconTrash size={14} />} onClick={() => del.mutate()}>
                {a.deletion ? t('applicants.restore') : t('profile.deleteApplicant')}
              </Button>
            </Group>
          )}
        </Grid.Col>
      </Grid>
      {review && <ReviewDialog applicant={a} decision={review} onClose={() => setReview(null)} />}
      {linkOpen && <SessionLinkDialog applicant={a} onClose={() => setLinkOpen(false)} />}
    </>
  );
}

function InfoSection({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Box mb="lg">
      <Text size="xs" fw={700} tt="uppercase" c="dimmed" mb="xs" style={{ letterSpacing: '.04em' }}>
        {title}
      </Text>
      <Stack gap={6}>{children}</Stack>
    </Box>
  );
}

/** Nested values (addresses, the prefill mapping) as people read them: "town: Oakdale · postCode: 1234". */
function valueText(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  if (Array.isArray(v)) return v.map(valueText).filter(Boolean).join('; ') || null;
  if (typeof v === 'object')
    return (
      Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => (valueText(x) === null ? null : `${humanize(k)}: ${valueText(x)}`))
        .filter(Boolean)
        .join(' · ') || null
    );
  return String(v);
}

function InfoTab({ a }: { a: ApplicantFull }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const [deviceOpen, setDeviceOpen] = useState(false);
  const personal = { ...(a.info.fixedInfo ?? {}), ...(a.info.extracted ?? {}) };
  return (
    <>
      {!can('pii.view') && (
        <Group gap={6} mb="md">
          <IconLock size={14} />
          <Text size="xs" c="dimmed">
            {t('profile.masked')}
          </Text>
        </Group>
      )}
      <InfoSection title={t('profile.ids')}>
        <KeyValue label={t('profile.applicantId')}>
          <CopyField value={a.id} />
        </KeyValue>
        <KeyValue label={t('applicants.externalUserId')}>
          <CopyField value={a.externalUserId} />
        </KeyValue>
        {a.applicationId && <KeyValue label={t('apps.appId')}><CopyField value={a.applicationId} /></KeyValue>}
      </InfoSection>
      <InfoSection title={t('profile.personal')}>
        <KeyValue label={t('auth.email')}>{a.info.email}</KeyValue>
        <KeyValue label={t('profile.phone')}>{a.info.phone}</KeyValue>
        {Object.entries(personal).map(([k, v]) => (
          <KeyValue key={k} label={t(`docFields.${k}`, { defaultValue: humanize(k) })}>
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              {valueText(v) ?? '—'}
            </Text>
          </KeyValue>
        ))}
      </InfoSection>
      <InfoSection title={t('profile.verification')}>
        <KeyValue label={t('common.type')}>{t(`profile.types.${a.type}`)}</KeyValue>
        <KeyValue label={t('common.language')}>{a.lang}</KeyValue>
        <KeyValue label={t('profile.policy')}>{t(`workflows.policies.${a.flow.approvalPolicy}`, { defaultValue: a.flow.approvalPolicy })}</KeyValue>
        <KeyValue label={t('common.created')}>{fmtDateTime(a.createdAt)}</KeyValue>
        <KeyValue label={t('profile.started')}>{fmtDateTime(a.startedAt)}</KeyValue>
        <KeyValue label={t('profile.completed')}>{fmtDateTime(a.completedAt)}</KeyValue>
        <KeyValue label={t('profile.decided')}>{fmtDateTime(a.decidedAt)}</KeyValue>
        {a.review?.reasons?.length ? (
          <KeyValue label={t('profile.reasons')}>
            <Group gap={4}>
              {a.review.reasons.map((r) => (
                <Badge key={r} size="xs" variant="light" color="orange" tt="none" style={{ maxWidth: 'none' }} styles={{ label: { overflow: 'visible', whiteSpace: 'normal' } }} h="auto" py={2}>
                  {reasonLabel(r)}
                </Badge>
              ))}
            </Group>
          </KeyValue>
        ) : null}
        {Object.keys(a.metadata ?? {}).length > 0 && <KeyValue label={t('profile.metadata')}><Code>{JSON.stringify(a.metadata)}</Code></KeyValue>}
      </InfoSection>
      <InfoSection title={t('profile.device')}>
        {a.device ? (
          <>
            <KeyValue label="IP">{a.device.ip}</KeyValue>
            <KeyValue label={t('common.country')}>{a.device.country ? countryName(a.device.country) : null}</KeyValue>
            <KeyValue label={t('profile.deviceType')}>{[a.device.deviceType, a.device.os, a.device.browser].filter(Boolean).join(' · ') || null}</KeyValue>
            <Button size="compact-xs" variant="subtle" leftSection={<IconDeviceDesktop size={12} />} onClick={() => setDeviceOpen(true)} w="fit-content">
              {t('profile.deviceDetails')}
            </Button>
          </>
        ) : (
          <Text size="sm" c="dimmed">
            {t('profile.noDevice')}
          </Text>
        )}
      </InfoSection>
      <Modal opened={deviceOpen} onClose={() => setDeviceOpen(false)} title={t('profile.deviceDetails')} size="lg">
        <Stack gap={6}>
          {a.device && Object.entries(a.device).map(([k, v]) => <KeyValue key={k} label={humanize(k)}>{valueText(v)}</KeyValue>)}
          <Text fw={600} size="sm" mt="md">
            {t('profile.sessions')}
          </Text>
          {a.sessions.map((s) => (
            <Group key={s.id} gap="xs">
              <StatusBadge status={s.status} />
              <Text size="xs" className="mono">{s.id}</Text>
              <Text size="xs" c="dimmed">
                {fmtDateTime(s.createdAt)} · {s.ipCountry ?? '—'}
              </Text>
            </Group>
          ))}
        </Stack>
      </Modal>
    </>
  );
}

function CommentsTab({ a }: { a: ApplicantFull }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const [visibility, setVisibility] = useState<'internal' | 'applicant'>('internal');
  const [stepId, setStepId] = useState<string | null>(null);
  const q = useQuery({ queryKey: ['applicant', a.id, 'comments'], queryFn: () => api.get<{ data: Comment[] }>(`/v1/applicants/${a.id}/comments`) });
  const m = useMutation({
    mutationFn: () => api.post(`/v1/applicants/${a.id}/comments`, { text, visibility, stepId: stepId ?? undefined }),
    onSuccess: async () => {
      setText('');
      await qc.invalidateQueries({ queryKey: ['applicant', a.id, 'comments'] });
    },
  });
  const stepName = (id: string | null) => {
    const s = a.steps.find((x) => x.id === id);
    return s ? (s.title ?? t(`stepTypes.${s.type}`)) : null;
  };
  return (
    <Stack>
      {q.error && <ErrorAlert error={q.error} />}
      <ScrollArea.Autosize mah={420}>
        <Stack gap="sm">
          {q.data?.data.length === 0 && <EmptyState title={t('profile.noComments')} />}
          {q.data?.data.map((c) => (
            <Paper key={c.id} p="sm" bg={c.visibility === 'applicant' ? 'blue.0' : 'gray.0'} withBorder={false}>
              <Group justify="space-between" mb={4}>
                <Text size="xs" fw={600}>
                  {c.authorName ?? t('profile.system')}
                </Text>
                <Text size="xs" c="dimmed">
                  {fmtRelative(c.createdAt)}
                </Text>
              </Group>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {c.text}
              </Text>
              <Group gap={4} mt={4}>
                <Badge size="xs" variant="light" color={c.visibility === 'applicant' ? 'blue' : 'gray'}>
                  {t(`profile.visibility.${c.visibility}`)}
                </Badge>
                {c.stepId && <Badge size="xs" variant="outline">{stepName(c.stepId) ?? c.stepId}</Badge>}
              </Group>
            </Paper>
          ))}
        </Stack>
      </ScrollArea.Autosize>
      {can('applicants.review') && (
        <form onSubmit={(e) => { e.preventDefault(); m.mutate(); }}>
          <Stack gap="xs">
            {m.error && <ErrorAlert error={m.error} />}
            <Textarea placeholder={t('profile.writeComment')} value={text} onChange={(e) => setText(e.currentTarget.value)} autosize minRows={2} aria-label={t('profile.writeComment')} />
            <Group justify="space-between">
              <Group gap="xs">
                <SegmentedControl size="xs" value={visibility} onChange={(v) => setVisibility(v as 'internal' | 'applicant')} data={[{ value: 'internal', label: t('profile.visibility.internal') }, { value: 'applicant', label: t('profile.visibility.applicant') }]} />
                <Select size="xs" w={150} placeholder={t('profile.anyStep')} data={a.steps.map((s) => ({ value: s.id, label: s.title ?? t(`stepTypes.${s.type}`) }))} value={stepId} onChange={setStepId} clearable aria-label={t('profile.step')} />
              </Group>
              <Button size="xs" type="submit" loading={m.isPending} disabled={!text.trim()}>
                {t('profile.addComment')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}

function TimelineTab({ a }: { a: ApplicantFull }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['applicant', a.id, 'timeline', a.updatedAt], queryFn: () => api.get<{ data: TimelineEntry[] }>(`/v1/applicants/${a.id}/timeline`) });
  if (q.error) return <ErrorAlert error={q.error} />;
  if (!q.data) return <BlockSkeleton />;
  return (
    <ScrollArea.Autosize mah={560}>
      <Timeline bulletSize={14} lineWidth={2} active={q.data.data.length}>
        {q.data.data.map((e) => (
          <Timeline.Item key={e.id} title={<Text size="sm" fw={500}>{t(`events.${e.action}`, { defaultValue: e.action })}</Text>}>
            <Text size="xs" c="dimmed">
              {fmtDateTime(e.at)} · {e.actorLabel ?? e.actorType}
            </Text>
            {e.ip && (
              <Text size="xs" c="dimmed">
                {[e.ip, e.browser, e.os].filter(Boolean).join(' · ')}
              </Text>
            )}
          </Timeline.Item>
        ))}
      </Timeline>
    </ScrollArea.Autosize>
  );
}
