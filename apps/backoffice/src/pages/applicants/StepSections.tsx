import { useState } from 'react';
import { ActionIcon, Alert, Badge, Button, Code, Collapse, Group, Menu, Modal, Paper, Stack, Table, Text, Textarea, ThemeIcon, Title, Tooltip } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { IconAlertTriangle, IconChevronDown, IconCircleCheck, IconHistory, IconPlayerPause, IconBraces } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { ApplicantFull, StepView, Submission, WarningView } from '../../api/applicants.ts';
import { useSession } from '../../auth/session.tsx';
import { ErrorAlert, KeyValue, StatusBadge, notifyError, notifySuccess } from '../../components/ui.tsx';
import { STEP_COLORS, STEP_ICONS, stepStatusIcon } from '../../components/stepMeta.tsx';
import { fmtDateTime } from '../../lib/format.ts';
import { humanize } from '../../lib/schema.ts';
import i18n from '../../i18n/index.ts';
import { ScanMatches } from '../aml/ScanMatches.tsx';
import { DocumentBody } from './DocumentBody.tsx';
import { FaceListMatchPhotos, FaceMatchBody, LivenessBody, SelfieBody, SelfieWithDocumentBody } from './FaceBodies.tsx';
import { applicantFaceFile, faceListHit } from './faceListMatch.ts';

/** The verification tracker: every step of the flow with where it stands. */
export function Tracker({ applicant, onJump }: { applicant: ApplicantFull; onJump: (stepId: string) => void }) {
  const { t } = useTranslation();
  return (
    <Paper p="md" mb="md">
      <Group gap="xs" wrap="wrap" data-testid="tracker">
        {applicant.steps.map((s, i) => {
          const Icon = STEP_ICONS[s.type];
          return (
            <Group key={s.id} gap="xs" wrap="nowrap">
              {i > 0 && <div style={{ width: 18, height: 1, background: 'var(--mantine-color-gray-4)' }} />}
              <Button variant="default" size="compact-sm" onClick={() => onJump(s.id)} leftSection={Icon && <Icon size={14} />} rightSection={stepStatusIcon(s.status, 15)} aria-label={`${s.title ?? t(`stepTypes.${s.type}`)}: ${t(`stepStatus.${s.status}`)}`}>
                {s.title ?? t(`stepTypes.${s.type}`)}
              </Button>
            </Group>
          );
        })}
      </Group>
    </Paper>
  );
}

export function Warnings({ applicant, onJump }: { applicant: ApplicantFull; onJump: (stepId: string) => void }) {
  const open = applicant.warnings.filter((w) => !w.resolvedAt);
  if (!open.length) return null;
  return (
    <Stack gap="xs" mb="md">
      {open.map((w) => (
        <WarningBanner key={w.id} applicant={applicant} w={w} stepName={stepName(applicant, w.stepId)} onJump={onJump} />
      ))}
    </Stack>
  );
}

function stepName(a: ApplicantFull, stepId: string | null) {
  const s = a.steps.find((x) => x.id === stepId);
  return s ? (s.title ?? i18n.t(`stepTypes.${s.type}`)) : null;
}

function WarningBanner({ applicant, w, stepName, onJump }: { applicant: ApplicantFull; w: WarningView; stepName: string | null; onJump: (stepId: string) => void }) {
  const { t } = useTranslation();
  const applicantId = applicant.id;
  // A face-list hit names the list face: its photo goes next to the applicant's, so the reviewer sees whom they matched.
  const hit = faceListHit(w);
  const { can } = useSession();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const m = useMutation({
    mutationFn: () => api.post(`/v1/applicants/${applicantId}/warnings/${w.id}/resolve`, { note }),
    onSuccess: async () => {
      setOpen(false);
      await qc.invalidateQueries({ queryKey: ['applicant', applicantId] });
      notifySuccess(t('profile.warningResolved'));
    },
  });
  return (
    <Alert
      color={w.severity === 'critical' ? 'red' : w.severity === 'warning' ? 'orange' : 'blue'}
      icon={<IconAlertTriangle size={18} />}
      title={
        <Group gap="xs">
          {t(`warningKinds.${w.kind}`, { defaultValue: humanize(w.kind) })}
          <Badge size="xs" variant="outline">
            {t(`severity.${w.severity}`)}
          </Badge>
        </Group>
      }
      data-testid={`warning-${w.kind}`}
    >
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Text size="sm">{w.message}</Text>
        <Group gap={6} wrap="nowrap">
          {w.stepId && stepName && (
            <Button size="xs" variant="subtle" onClick={() => onJump(w.stepId!)}>
              {t('profile.goToStep', { step: stepName })}
            </Button>
          )}
          {can('applicants.review') && (
            <Button size="xs" variant="white" onClick={() => setOpen(true)}>
              {t('profile.resolve')}
            </Button>
          )}
        </Group>
      </Group>
      {hit && <FaceListMatchPhotos applicantFile={applicantFaceFile(applicant, w.stepId)} listImageUrl={hit.imageUrl} similarity={hit.similarity} />}
      <Modal opened={open} onClose={() => setOpen(false)} title={t('profile.resolveWarning')}>
        <Stack>
          {m.error && <ErrorAlert error={m.error} />}
          <Text size="sm">{w.message}</Text>
          <Textarea label={t('profile.resolutionNote')} value={note} onChange={(e) => setNote(e.currentTarget.value)} required autosize minRows={2} data-autofocus />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </Button>
            <Button onClick={() => m.mutate()} loading={m.isPending} disabled={!note.trim()}>
              {t('profile.resolve')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Alert>
  );
}

export function StepSection({ applicant, step }: { applicant: ApplicantFull; step: StepView }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const qc = useQueryClient();
  const [raw, setRaw] = useState(false);
  const [historyOpen, setHistoryOpen] = useState(false);
  const Icon = STEP_ICONS[step.type];
  const sub = step.current;
  const refresh = () => qc.invalidateQueries({ queryKey: ['applicant', applicant.id] });
  const deactivate = useMutation({ mutationFn: () => api.post(`/v1/applicants/${applicant.id}/steps/${step.id}/deactivate`), onSuccess: refresh, onError: (e) => notifyError(e) });
  const reactivate = useMutation({ mutationFn: (resultId: string) => api.post(`/v1/applicants/${applicant.id}/steps/${step.id}/reactivate`, { submissionId: resultId }), onSuccess: refresh, onError: (e) => notifyError(e) });
  const canReview = can('applicants.review');

  return (
    <Paper p="lg" mb="md" id={`step-${step.id}`} data-testid={`section-${step.id}`}>
      <Group justify="space-between" mb="md" wrap="nowrap">
        <Group gap="sm" wrap="nowrap">
          <ThemeIcon variant="light" color={STEP_COLORS[step.type]} size="lg" radius="md">
            {Icon && <Icon size={18} />}
          </ThemeIcon>
          <div>
            <Title order={4} fz={17}>
              {step.title ?? t(`stepTypes.${step.type}`)}
            </Title>
            <Text size="xs" c="dimmed">
              {t('profile.attempts', { count: step.attemptsUsed })}
              {sub?.processedAt ? ` · ${fmtDateTime(sub.processedAt)}` : ''}
            </Text>
          </div>
        </Group>
        <Group gap="xs" wrap="nowrap">
          <StatusBadge status={sub?.outcome === 'engine_unavailable' ? 'not_run' : step.status} />
          {sub && (
            <Tooltip label={t('common.rawJson')}>
              <ActionIcon variant="subtle" color="gray" onClick={() => setRaw(!raw)} aria-label={t('common.rawJson')} aria-pressed={raw}>
                <IconBraces size={16} />
              </ActionIcon>
            </Tooltip>
          )}
          {canReview && (sub || step.history.length > 0) && (
            <Menu position="bottom-end">
              <Menu.Target>
                <Button size="compact-sm" variant="default" rightSection={<IconChevronDown size={12} />}>
                  {t('common.actions')}
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                {sub && (
                  <Menu.Item leftSection={<IconPlayerPause size={14} />} color="red" onClick={() => deactivate.mutate()}>
                    {t('profile.deactivate')}
                  </Menu.Item>
                )}
                <Menu.Item leftSection={<IconHistory size={14} />} onClick={() => setHistoryOpen(true)} disabled={!step.history.length}>
                  {t('profile.activateFromHistory', { count: step.history.length })}
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          )}
        </Group>
      </Group>

      {!sub ? (
        <Text size="sm" c="dimmed">
          {t('profile.notSubmitted')}
        </Text>
      ) : sub.outcome === 'engine_unavailable' ? (
        <Alert color="gray" title={t('profile.notRun')}>
          {String(sub.summary.message ?? t('profile.engineUnavailable'))}
        </Alert>
      ) : sub.status !== 'completed' ? (
        <Alert color="blue" title={t(`status.${sub.status}`)}>
          {t('profile.processing')}
        </Alert>
      ) : (
        <Stack gap="md">
          {sub.reasons.length > 0 && (
            <Group gap={6}>
              {sub.reasons.map((r) => (
                <Badge key={r} color={sub.outcome === 'passed' ? 'gray' : 'red'} variant="light" tt="none">
                  {humanize(r)}
                </Badge>
              ))}
            </Group>
          )}
          <StepBody applicant={applicant} step={step} sub={sub} />
        </Stack>
      )}
      <Collapse expanded={raw}>
        <Code block mt="md" mah={360} style={{ overflow: 'auto' }}>
          {JSON.stringify(sub, null, 2)}
        </Code>
      </Collapse>
      <Modal opened={historyOpen} onClose={() => setHistoryOpen(false)} title={t('profile.history')} size="lg">
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>{t('profile.outcome')}</Table.Th>
              <Table.Th>{t('common.created')}</Table.Th>
              <Table.Th>{t('profile.deactivated')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {step.history.map((h) => (
              <Table.Tr key={h.id}>
                <Table.Td>{h.attempt}</Table.Td>
                <Table.Td>
                  <StatusBadge status={h.outcome ?? h.status} />
                </Table.Td>
                <Table.Td>{fmtDateTime(h.createdAt)}</Table.Td>
                <Table.Td>{fmtDateTime(h.deactivatedAt)}</Table.Td>
                <Table.Td>
                  <Button size="compact-xs" variant="light" onClick={() => { reactivate.mutate(h.id); setHistoryOpen(false); }}>
                    {t('profile.activate')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Modal>
    </Paper>
  );
}

function StepBody({ applicant, step, sub }: { applicant: ApplicantFull; step: StepView; sub: Submission }) {
  switch (step.type) {
    case 'document':
      return <DocumentBody applicant={applicant} sub={sub} />;
    case 'face_match':
      return <FaceMatchBody applicant={applicant} sub={sub} />;
    case 'aml':
      return <AmlBody applicant={applicant} sub={sub} />;
    case 'questionnaire':
      return <AnswersBody sub={sub} />;
    case 'selfie':
      return <SelfieBody sub={sub} />;
    case 'selfie_with_document':
      return <SelfieWithDocumentBody sub={sub} />;
    case 'liveness':
      return <LivenessBody sub={sub} />;
    default:
      return <SummaryBody sub={sub} />;
  }
}

function SummaryBody({ sub }: { sub: Submission }) {
  const entries = Object.entries(sub.summary ?? {}).filter(([, v]) => v !== null && typeof v !== 'object');
  if (!entries.length) return null;
  return (
    <Stack gap={6}>
      {entries.map(([k, v]) => (
        <KeyValue key={k} label={humanize(k)}>
          {String(v)}
        </KeyValue>
      ))}
    </Stack>
  );
}

type AmlSummary = { scanId?: string; hits?: number; matches?: number; lists?: Record<string, number>; monitoring?: boolean; message?: string };

/** The AML step: the scan it ran (summary), then its matches with statuses for those who may screen. */
function AmlBody({ applicant, sub }: { applicant: ApplicantFull; sub: Submission }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const qc = useQueryClient();
  const s = sub.summary as AmlSummary;
  const hits = s.hits ?? 0;
  const lists = Object.entries(s.lists ?? {});
  return (
    <Stack>
      {s.message ? (
        <Alert color="orange" icon={<IconAlertTriangle size={18} />} title={t('aml.notScreened')}>
          {s.message}
        </Alert>
      ) : hits > 0 ? (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} title={t('aml.hitBanner', { count: hits })} data-testid="aml-hit-banner">
          {t('aml.hitBannerText')}
        </Alert>
      ) : (
        <Alert color="teal" icon={<IconCircleCheck size={18} />}>
          {t('aml.noHitsOf', { count: s.matches ?? 0 })}
        </Alert>
      )}
      {lists.length > 0 && (
        <Group gap={6}>
          <Text size="sm" c="dimmed">
            {t('aml.screenedAgainst')}
          </Text>
          {lists.map(([source, version]) => (
            <Badge key={source} variant="outline" color="gray" tt="none">
              {t('aml.listVersion', { source, version })}
            </Badge>
          ))}
        </Group>
      )}
      {s.scanId &&
        (can('aml.scan') ? (
          <ScanMatches scanId={s.scanId} bare onChanged={() => qc.invalidateQueries({ queryKey: ['applicant', applicant.id] })} />
        ) : (
          <Text size="sm" c="dimmed">
            {t('aml.needScanPermission')}
          </Text>
        ))}
    </Stack>
  );
}

function AnswersBody({ sub }: { sub: Submission }) {
  const { t } = useTranslation();
  const answers = (sub.answers ?? {}) as Record<string, unknown>;
  const entries = Object.entries(answers);
  if (!entries.length) return <Text size="sm" c="dimmed">{t('profile.noAnswers')}</Text>;
  return (
    <Table withRowBorders verticalSpacing={6}>
      <Table.Tbody>
        {entries.map(([k, v]) => (
          <Table.Tr key={k}>
            <Table.Td w="40%">
              <Text size="sm" c="dimmed">
                {humanize(k)}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{typeof v === 'object' ? JSON.stringify(v) : String(v)}</Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
