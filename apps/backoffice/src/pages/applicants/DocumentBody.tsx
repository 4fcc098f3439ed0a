import { useState } from 'react';
import { ActionIcon, Badge, Button, Group, Modal, Paper, SimpleGrid, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { IconAlertTriangle, IconCheck, IconCircleCheck, IconCircleDashed, IconCircleX, IconEdit, IconUserEdit, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { ApplicantFull, DocumentView, Submission } from '../../api/applicants.ts';
import { useSession } from '../../auth/session.tsx';
import { AuthImage } from '../../components/AuthImage.tsx';
import { ErrorAlert, notifySuccess } from '../../components/ui.tsx';
import { countryName } from '../../lib/format.ts';
import { humanize } from '../../lib/schema.ts';

/** The fields PATCH /v1/applicants/:id/documents/:documentId accepts, in the order a reviewer reads them. */
const EDITABLE_FIELDS = ['surname', 'givenNames', 'documentNumber', 'nationality', 'birthDate', 'sex', 'expiryDate', 'personalNumber', 'address', 'issuingState'];
const FIELD_ORDER = ['surname', 'givenNames', 'documentNumber', 'nationality', 'birthDate', 'sex', 'expiryDate', 'issueDate', 'personalNumber', 'address', 'issuingState'];

type CheckStatus = 'pass' | 'fail' | 'not_checked';
type CrossCheck = { status: 'match' | 'mismatch' | 'not_checked'; mrz?: string | null; visual?: string | null; reason?: string; confidence?: number };
type Rule = { rule: string; status: CheckStatus; message?: string };
type QualityCheck = { status: CheckStatus; score?: number };
type Signal = { code: string; severity: 'high' | 'medium' | 'low'; side: string; message: string };
type DocChecks = { mrz?: { valid?: boolean; format?: string } | null; rules?: Rule[]; quality?: Record<string, Record<string, QualityCheck | boolean> | null>; signals?: Signal[]; crossChecks?: Record<string, CrossCheck> };

const text = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v));

function StatusIcon({ status, label }: { status: CheckStatus | CrossCheck['status']; label: string }) {
  const ok = status === 'pass' || status === 'match';
  const bad = status === 'fail' || status === 'mismatch';
  const Icon = ok ? IconCircleCheck : bad ? IconCircleX : IconCircleDashed;
  return (
    <Tooltip label={label} multiline maw={320}>
      <Icon size={16} color={`var(--mantine-color-${ok ? 'teal' : bad ? 'red' : 'gray'}-${ok || bad ? 7 : 5})`} aria-label={label} role="img" />
    </Tooltip>
  );
}

export function DocumentBody({ applicant, sub }: { applicant: ApplicantFull; sub: Submission }) {
  const { t } = useTranslation();
  const docs = applicant.documents.filter((d) => d.submissionId === sub.id);
  const pages = sub.files.filter((f) => f.kind !== 'portrait');
  const portrait = sub.files.find((f) => f.kind === 'portrait');
  return (
    <Stack>
      {docs.map((d) => (
        <DocumentCard key={d.id} applicantId={applicant.id} doc={d} />
      ))}
      {!docs.length && (
        <Text size="sm" c="dimmed">
          {t('profile.noDocumentRead')}
        </Text>
      )}
      {sub.files.length > 0 && (
        <div>
          <Text size="sm" fw={600} mb="xs">
            {t('profile.pages')}
          </Text>
          <Group gap="md" align="flex-start">
            {pages.map((f) => (
              <Stack key={f.id} gap={4}>
                <AuthImage src={f.url} alt={t(`fileKinds.${f.kind}`, { defaultValue: humanize(f.kind) })} h={200} />
                <Text size="xs" c="dimmed">
                  {t(`fileKinds.${f.kind}`, { defaultValue: humanize(f.kind) })}
                </Text>
              </Stack>
            ))}
            {portrait && (
              <Stack gap={4}>
                <AuthImage src={portrait.url} alt={t('fileKinds.portrait')} h={200} />
                <Text size="xs" c="dimmed">
                  {t('fileKinds.portrait')}
                </Text>
              </Stack>
            )}
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
    mutationFn: () => api.patch(`/v1/applicants/${applicantId}/documents/${doc.id}`, { fields: { [editing!]: value.trim() || null } }),
    onSuccess: async () => {
      setEditing(null);
      await qc.invalidateQueries({ queryKey: ['applicant', applicantId] });
      notifySuccess(t('common.saved'));
    },
  });
  const checks = (doc.checks ?? {}) as DocChecks;
  const confirmed = doc.applicantConfirmed;
  const keys = Object.keys(doc.fields).filter((k) => {
    const v = doc.fields[k];
    if (v !== null && typeof v === 'object') return false;
    // The full name only adds something when the parts were not read.
    return k !== 'fullName' || (!doc.fields.surname && !doc.fields.givenNames);
  });
  keys.sort((a, b) => (FIELD_ORDER.indexOf(a) + 1 || 99) - (FIELD_ORDER.indexOf(b) + 1 || 99));
  const crossLabel = (c: CrossCheck) =>
    [t(`profile.cross.${c.status}`), c.mrz !== undefined ? `MRZ: ${c.mrz ?? '—'}` : null, c.visual !== undefined ? `${t('profile.cross.visual')}: ${c.visual ?? '—'}` : null, c.reason ?? null].filter(Boolean).join(' · ');
  const corrected = (k: string) => confirmed && k in confirmed && text(confirmed[k]) !== text(doc.originalFields[k] ?? doc.fields[k]);
  const qualityFront = checks.quality?.front ?? null;
  const qualityBack = checks.quality?.back ?? null;

  return (
    <Paper withBorder p="md" bg="gray.0" data-testid={`document-${doc.id}`}>
      <Group justify="space-between" mb="sm" wrap="wrap" gap="xs">
        <Group gap="xs">
          <Text fw={600}>{doc.documentType ? t(`documentTypes.${doc.documentType}`, { defaultValue: humanize(doc.documentType) }) : t('profile.document')}</Text>
          {doc.issuingState && (
            <Badge variant="outline" color="gray" tt="none">
              {doc.issuingState.length === 2 ? countryName(doc.issuingState) : doc.issuingState}
            </Badge>
          )}
          {checks.mrz && (
            <Badge variant="light" color={checks.mrz.valid ? 'teal' : 'red'} tt="none" leftSection={checks.mrz.valid ? <IconCheck size={12} /> : <IconX size={12} />}>
              {t(checks.mrz.valid ? 'profile.mrzValid' : 'profile.mrzInvalid', { format: checks.mrz.format ?? '' })}
            </Badge>
          )}
        </Group>
        {doc.valid === null ? (
          <Badge color="gray" variant="light">
            {t('profile.validityUnknown')}
          </Badge>
        ) : doc.valid ? (
          <Badge color="teal" variant="light" leftSection={<IconCheck size={12} />}>
            {t('profile.valid')}
          </Badge>
        ) : (
          <Badge color="red" variant="light" leftSection={<IconX size={12} />}>
            {t('profile.notValid')}
          </Badge>
        )}
      </Group>
      <Table withRowBorders={false} verticalSpacing={4} data-testid="document-fields">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={180}>
              <Text size="xs" c="dimmed">
                {t('profile.field')}
              </Text>
            </Table.Th>
            <Table.Th>
              <Text size="xs" c="dimmed">
                {t('profile.fromDocument')}
              </Text>
            </Table.Th>
            {confirmed && (
              <Table.Th>
                <Text size="xs" c="dimmed">
                  {t('profile.applicantEntered')}
                </Text>
              </Table.Th>
            )}
            <Table.Th w={36} />
            <Table.Th w={36} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {keys.map((k) => {
            const v = text(doc.fields[k]);
            const cc = checks.crossChecks?.[k];
            return (
              <Table.Tr key={k}>
                <Table.Td>
                  <Text size="sm" c="dimmed">
                    {t(`docFields.${k}`, { defaultValue: humanize(k) })}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Text size="sm" fw={500}>
                      {v ?? '—'}
                    </Text>
                    {doc.amendedFields.includes(k) && (
                      <Tooltip label={t('profile.amended', { original: text(doc.originalFields[k]) ?? '—' })}>
                        <Badge size="xs" variant="light" color="violet">
                          {t('profile.edited')}
                        </Badge>
                      </Tooltip>
                    )}
                  </Group>
                </Table.Td>
                {confirmed && (
                  <Table.Td>
                    {k in confirmed ? (
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm" c={corrected(k) ? 'orange.8' : 'dimmed'} fw={corrected(k) ? 600 : 400}>
                          {text(confirmed[k]) ?? '—'}
                        </Text>
                        {corrected(k) && (
                          <Badge size="xs" variant="light" color="orange" leftSection={<IconUserEdit size={10} />} data-testid={`corrected-${k}`}>
                            {t('profile.corrected')}
                          </Badge>
                        )}
                      </Group>
                    ) : null}
                  </Table.Td>
                )}
                <Table.Td>{cc ? <StatusIcon status={cc.status} label={crossLabel(cc)} /> : null}</Table.Td>
                <Table.Td>
                  {can('applicants.review') && EDITABLE_FIELDS.includes(k) && (
                    <ActionIcon
                      size="sm"
                      variant="subtle"
                      color="gray"
                      onClick={() => {
                        setEditing(k);
                        setValue(v ?? '');
                      }}
                      aria-label={t('profile.editField', { field: t(`docFields.${k}`, { defaultValue: humanize(k) }) })}
                    >
                      <IconEdit size={14} />
                    </ActionIcon>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {(checks.rules?.length || qualityFront || checks.signals?.length) && (
        <SimpleGrid cols={{ base: 1, md: 2 }} mt="md" spacing="md">
          {checks.rules && checks.rules.length > 0 && (
            <div>
              <Text size="xs" fw={700} tt="uppercase" c="dimmed" mb={6}>
                {t('profile.rules')}
              </Text>
              <Stack gap={4}>
                {checks.rules.map((r) => (
                  <Group key={r.rule} gap={6} wrap="nowrap">
                    <StatusIcon status={r.status} label={t(`checkStatus.${r.status}`)} />
                    <Text size="sm">{t(`docRules.${r.rule}`, { defaultValue: humanize(r.rule) })}</Text>
                    {r.message && (
                      <Text size="xs" c="dimmed" truncate>
                        {r.message}
                      </Text>
                    )}
                  </Group>
                ))}
              </Stack>
            </div>
          )}
          {qualityFront && (
            <div>
              <Text size="xs" fw={700} tt="uppercase" c="dimmed" mb={6}>
                {t('profile.imageQuality')}
              </Text>
              <QualityRow side={t('fileKinds.document_front')} q={qualityFront} />
              {qualityBack && <QualityRow side={t('fileKinds.document_back')} q={qualityBack} />}
            </div>
          )}
          {checks.signals && checks.signals.length > 0 && (
            <div>
              <Text size="xs" fw={700} tt="uppercase" c="dimmed" mb={6}>
                {t('profile.signals')}
              </Text>
              <Stack gap={4}>
                {checks.signals.map((sg, i) => (
                  <Group key={i} gap={6} wrap="nowrap" align="flex-start">
                    <IconAlertTriangle size={16} color={`var(--mantine-color-${sg.severity === 'high' ? 'red' : 'orange'}-7)`} style={{ flexShrink: 0 }} />
                    <Text size="sm">{sg.message}</Text>
                  </Group>
                ))}
              </Stack>
            </div>
          )}
        </SimpleGrid>
      )}
      <Modal opened={!!editing} onClose={() => setEditing(null)} title={t('profile.editField', { field: editing ? t(`docFields.${editing}`, { defaultValue: humanize(editing) }) : '' })}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            m.mutate();
          }}
        >
          <Stack>
            {m.error && <ErrorAlert error={m.error} />}
            <TextInput value={value} onChange={(e) => setValue(e.currentTarget.value)} label={editing ? t(`docFields.${editing}`, { defaultValue: humanize(editing) }) : ''} description={editing && text(doc.originalFields[editing]) ? t('profile.documentSays', { value: text(doc.originalFields[editing]) }) : undefined} data-autofocus />
            <Text size="xs" c="dimmed">
              {t('profile.editFieldHelp')}
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setEditing(null)}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={m.isPending}>
                {t('common.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Paper>
  );
}

function QualityRow({ side, q }: { side: string; q: Record<string, QualityCheck | boolean> }) {
  const { t } = useTranslation();
  const checks = Object.entries(q).filter((e): e is [string, QualityCheck] => typeof e[1] === 'object' && e[1] !== null && 'status' in e[1]);
  return (
    <Group gap={6} mb={4}>
      <Text size="xs" c="dimmed" w={90}>
        {side}
      </Text>
      {checks.map(([k, c]) => (
        <Tooltip key={k} label={t(`checkStatus.${c.status}`)}>
          <Badge size="sm" variant="light" color={c.status === 'pass' ? 'teal' : c.status === 'fail' ? 'red' : 'gray'} tt="none" fw={500} leftSection={c.status === 'pass' ? <IconCheck size={10} /> : c.status === 'fail' ? <IconX size={10} /> : null}>
            {t(`quality.${k}`, { defaultValue: humanize(k) })}
          </Badge>
        </Tooltip>
      ))}
    </Group>
  );
}
