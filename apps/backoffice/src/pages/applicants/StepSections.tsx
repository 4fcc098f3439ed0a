import { useState } from 'react';
import { ActionIcon, Alert, Badge, Button, Code, Collapse, Drawer, Group, Menu, Modal, Paper, Progress, RingProgress, Select, SimpleGrid, Stack, Table, Text, TextInput, Textarea, ThemeIcon, Title, Tooltip } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { IconAlertTriangle, IconCheck, IconChevronDown, IconCircleCheck, IconCircleX, IconEdit, IconHistory, IconPlayerPause, IconX, IconBraces } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { ApplicantFull, DocumentView, StepView, Submission, WarningView } from '../../api/applicants.ts';
import { useSession } from '../../auth/session.tsx';
import { AuthImage } from '../../components/AuthImage.tsx';
import { ErrorAlert, KeyValue, StatusBadge, notifyError, notifySuccess } from '../../components/ui.tsx';
import { STEP_COLORS, STEP_ICONS, stepStatusIcon } from '../../components/stepMeta.tsx';
import { countryName, fmtDateTime, fmtPercent } from '../../lib/format.ts';
import { humanize } from '../../lib/schema.ts';

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

export function Warnings({ applicant }: { applicant: ApplicantFull }) {
  const open = applicant.warnings.filter((w) => !w.resolvedAt);
  if (!open.length) return null;
  return (
    <Stack gap="xs" mb="md">
      {open.map((w) => (
        <WarningBanner key={w.id} applicantId={applicant.id} w={w} />
      ))}
    </Stack>
  );
}

function WarningBanner({ applicantId, w }: { applicantId: string; w: WarningView }) {
  const { t } = useTranslation();
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
    <Alert color={w.severity === 'critical' ? 'red' : w.severity === 'warning' ? 'orange' : 'blue'} icon={<IconAlertTriangle size={18} />} title={<Group gap="xs">{humanize(w.kind)}<Badge size="xs" variant="outline">{t(`severity.${w.severity}`)}</Badge></Group>}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Text size="sm">{w.message}</Text>
        {can('applicants.review') && (
          <Button size="xs" variant="white" onClick={() => setOpen(true)}>
            {t('profile.resolve')}
          </Button>
        )}
      </Group>
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
    case 'selfie_with_document':
    case 'liveness':
      return <MediaBody sub={sub} />;
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

function MediaBody({ sub }: { sub: Submission }) {
  const { t } = useTranslation();
  return (
    <Stack>
      <Group gap="md" align="flex-start">
        {sub.files.map((f) => (
          <Stack key={f.id} gap={4}>
            <AuthImage src={f.url} alt={humanize(f.kind)} h={200} video={f.mime.startsWith('video/')} />
            <Text size="xs" c="dimmed">
              {humanize(f.kind)} · {t('profile.captured')} {fmtDateTime(f.capturedAt ?? f.createdAt)}
            </Text>
          </Stack>
        ))}
      </Group>
      <SummaryBody sub={sub} />
    </Stack>
  );
}

/** The document fields the API lets a reviewer amend. */
const EDITABLE_FIELDS = ['surname', 'givenNames', 'documentNumber', 'nationality', 'birthDate', 'sex', 'expiryDate', 'personalNumber', 'address', 'issuingState'];

function crossCheck(doc: DocumentView, field: string): boolean | null {
  const c = doc.checks?.crossChecks ?? doc.checks?.fields ?? doc.checks;
  const v = (c as Record<string, unknown> | undefined)?.[field];
  if (typeof v === 'boolean') return v;
  if (v && typeof v === 'object' && 'match' in v) return (v as { match: boolean | null }).match;
  if (v && typeof v === 'object' && 'ok' in v) return (v as { ok: boolean | null }).ok;
  return null;
}

function DocumentBody({ applicant, sub }: { applicant: ApplicantFull; sub: Submission }) {
  const { t } = useTranslation();
  const docs = applicant.documents.filter((d) => d.submissionId === sub.id);
  return (
    <Stack>
      {docs.map((d) => (
        <DocumentCard key={d.id} applicantId={applicant.id} doc={d} />
      ))}
      {!docs.length && <SummaryBody sub={sub} />}
      {sub.files.length > 0 && (
        <div>
          <Text size="sm" fw={600} mb="xs">
            {t('profile.pages')}
          </Text>
          <Group gap="md" align="flex-start">
            {sub.files.map((f) => (
              <Stack key={f.id} gap={4}>
                <AuthImage src={f.url} alt={humanize(f.kind)} h={190} />
                <Text size="xs" c="dimmed">
                  {humanize(f.kind)}
                </Text>
              </Stack>
            ))}
          </Group>
        </div>
      )}
    </Stack>
  );
}

function DocumentCard({ applicantId, doc }: { applicantId: string; doc: DocumentView }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const qc = useQueryClient();
  const [editing, setEditing] = useState<string | null>(null);
  const [value, setValue] = useState('');
  const m = useMutation({
    mutationFn: () => api.patch(`/v1/applicants/${applicantId}/documents/${doc.id}`, { fields: { [editing!]: value || null } }),
    onSuccess: async () => {
      setEditing(null);
      await qc.invalidateQueries({ queryKey: ['applicant', applicantId] });
      notifySuccess(t('common.saved'));
    },
  });
  const fields = Object.entries(doc.fields).filter(([, v]) => v === null || typeof v !== 'object');
  return (
    <Paper withBorder p="md" bg="gray.0">
      <Group justify="space-between" mb="sm">
        <Group gap="xs">
          <Text fw={600}>{doc.documentType ? humanize(doc.documentType) : t('profile.document')}</Text>
          {doc.issuingState && (
            <Badge variant="outline" color="gray">
              {doc.issuingState.length === 2 ? countryName(doc.issuingState) : doc.issuingState}
            </Badge>
          )}
        </Group>
        {doc.valid === null ? <Badge color="gray" variant="light">{t('profile.validityUnknown')}</Badge> : doc.valid ? <Badge color="teal" variant="light" leftSection={<IconCheck size={12} />}>{t('profile.valid')}</Badge> : <Badge color="red" variant="light" leftSection={<IconX size={12} />}>{t('profile.notValid')}</Badge>}
      </Group>
      <Table withRowBorders={false} verticalSpacing={4}>
        <Table.Tbody>
          {fields.map(([k, v]) => {
            const cc = crossCheck(doc, k);
            return (
              <Table.Tr key={k}>
                <Table.Td w={200}>
                  <Text size="sm" c="dimmed">
                    {t(`docFields.${k}`, { defaultValue: humanize(k) })}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Text size="sm" fw={500}>
                      {v === null || v === '' ? '—' : String(v)}
                    </Text>
                    {doc.amendedFields.includes(k) && (
                      <Tooltip label={t('profile.amended', { original: String(doc.originalFields[k] ?? '—') })}>
                        <Badge size="xs" variant="light" color="violet">
                          {t('profile.edited')}
                        </Badge>
                      </Tooltip>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td w={36}>
                  {cc === null ? null : cc ? (
                    <Tooltip label={t('profile.crossOk')}>
                      <IconCircleCheck size={16} color="var(--mantine-color-teal-7)" aria-label={t('profile.crossOk')} />
                    </Tooltip>
                  ) : (
                    <Tooltip label={t('profile.crossBad')}>
                      <IconCircleX size={16} color="var(--mantine-color-red-7)" aria-label={t('profile.crossBad')} />
                    </Tooltip>
                  )}
                </Table.Td>
                <Table.Td w={36}>
                  {can('applicants.review') && EDITABLE_FIELDS.includes(k) && (
                    <ActionIcon size="sm" variant="subtle" color="gray" onClick={() => { setEditing(k); setValue(v === null ? '' : String(v)); }} aria-label={t('profile.editField', { field: humanize(k) })}>
                      <IconEdit size={14} />
                    </ActionIcon>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      <Modal opened={!!editing} onClose={() => setEditing(null)} title={t('profile.editField', { field: editing ? humanize(editing) : '' })}>
        <Stack>
          {m.error && <ErrorAlert error={m.error} />}
          <TextInput value={value} onChange={(e) => setValue(e.currentTarget.value)} label={editing ? humanize(editing) : ''} data-autofocus />
          <Text size="xs" c="dimmed">
            {t('profile.editFieldHelp')}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setEditing(null)}>
              {t('common.cancel')}
            </Button>
            <Button onClick={() => m.mutate()} loading={m.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function FaceMatchBody({ applicant, sub }: { applicant: ApplicantFull; sub: Submission }) {
  const { t } = useTranslation();
  const s = sub.summary;
  // The engine reports a calibrated similarity as 0–1 or 0–100; show it as a percentage either way.
  let score = num(s.similarity) ?? num(s.score) ?? num(s.percentage);
  if (score !== null && score > 1) score = score / 100;
  const threshold = num(s.threshold);
  const faces = applicant.steps.flatMap((st) => (st.current && (st.type === 'document' || st.type === 'selfie' || st.type === 'liveness' || st.type === 'selfie_with_document') ? st.current.files.slice(0, 1).map((f) => ({ f, label: t(`stepTypes.${st.type}`) })) : []));
  return (
    <Stack>
      {score !== null && (
        <Group gap="lg">
          <RingProgress size={96} thickness={9} roundCaps sections={[{ value: score * 100, color: sub.outcome === 'passed' ? 'teal' : 'red' }]} label={<Text ta="center" fw={700} size="lg">{Math.round(score * 100)}%</Text>} />
          <div>
            <Text fw={600}>{t('profile.similarity')}</Text>
            {threshold !== null && (
              <Text size="sm" c="dimmed">
                {t('profile.threshold', { value: threshold > 1 ? threshold : Math.round(threshold * 100) })}
              </Text>
            )}
          </div>
        </Group>
      )}
      {faces.length > 0 && (
        <SimpleGrid cols={{ base: 1, sm: Math.min(faces.length, 3) }}>
          {faces.map(({ f, label }) => (
            <Stack key={f.id} gap={4}>
              <AuthImage src={f.url} alt={label} h={220} />
              <Text size="xs" c="dimmed" ta="center">
                {label}
              </Text>
            </Stack>
          ))}
        </SimpleGrid>
      )}
      <SummaryBody sub={{ ...sub, summary: Object.fromEntries(Object.entries(s).filter(([k]) => !['similarity', 'score', 'percentage'].includes(k))) }} />
    </Stack>
  );
}

type AmlHit = { id?: string; entityId?: string; name?: string; caption?: string; score?: number; matchRate?: number; datasets?: string[]; lists?: string[]; topics?: string[]; countries?: string[]; status?: string; birthDate?: string | string[]; [k: string]: unknown };

function AmlBody({ applicant, sub }: { applicant: ApplicantFull; sub: Submission }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const [detail, setDetail] = useState<AmlHit | null>(null);
  const r = (sub.result ?? {}) as { matches?: AmlHit[]; hits?: AmlHit[] };
  const hits = r.matches ?? r.hits ?? [];
  const qc = useQueryClient();
  const setStatus = useMutation({
    mutationFn: ({ hit, status }: { hit: AmlHit; status: string }) => api.patch(`/v1/aml/matches/${hit.id}`, { status }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['applicant', applicant.id] }),
    onError: (e) => notifyError(e),
  });
  return (
    <Stack>
      {hits.length > 0 ? (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} title={t('aml.hitBanner', { count: hits.length })}>
          {t('aml.hitBannerText')}
        </Alert>
      ) : (
        <Alert color="teal" icon={<IconCircleCheck size={18} />}>
          {t('aml.noHits')}
        </Alert>
      )}
      {hits.length > 0 && (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('common.name')}</Table.Th>
              <Table.Th>{t('aml.matchRate')}</Table.Th>
              <Table.Th>{t('aml.lists')}</Table.Th>
              <Table.Th>{t('common.status')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {hits.map((h, i) => {
              const rate = num(h.score) ?? num(h.matchRate);
              return (
                <Table.Tr key={h.id ?? h.entityId ?? i} className="clickable-row" onClick={() => setDetail(h)}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {h.caption ?? h.name ?? '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td w={160}>{rate !== null && <Progress.Root size="lg"><Progress.Section value={rate > 1 ? rate : rate * 100} color={rate > (rate > 1 ? 85 : 0.85) ? 'red' : 'orange'}><Progress.Label>{fmtPercent(rate > 1 ? rate / 100 : rate)}</Progress.Label></Progress.Section></Progress.Root>}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {[...(h.topics ?? []), ...(h.datasets ?? h.lists ?? [])].slice(0, 4).map((x) => (
                        <Badge key={x} size="xs" variant="outline" tt="none">
                          {x}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td onClick={(e) => e.stopPropagation()} w={190}>
                    <Select size="xs" data={['potential_match', 'true_positive', 'false_positive'].map((v) => ({ value: v, label: t(`status.${v}`) }))} value={h.status ?? 'potential_match'} onChange={(v) => v && setStatus.mutate({ hit: h, status: v })} disabled={!can('aml.scan')} allowDeselect={false} aria-label={t('common.status')} />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      <Drawer opened={!!detail} onClose={() => setDetail(null)} position="right" size="lg" title={detail?.caption ?? detail?.name}>
        {detail && <Code block>{JSON.stringify(detail, null, 2)}</Code>}
      </Drawer>
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
