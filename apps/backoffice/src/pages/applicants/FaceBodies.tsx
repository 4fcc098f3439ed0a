import { Alert, Badge, Group, Paper, RingProgress, ScrollArea, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { IconCircleCheck, IconCircleX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { ApplicantFull, FileRef, Submission } from '../../api/applicants.ts';
import { AuthImage } from '../../components/AuthImage.tsx';
import { KeyValue } from '../../components/ui.tsx';
import { fmtDateTime, fmtPercent } from '../../lib/format.ts';
import { humanize } from '../../lib/schema.ts';

/** Shapes of the face engine summaries (apps/server/src/modules/biometrics/face-processors.ts). */
type FaceInfo = { age?: number; gender?: string; quality?: { score: number; issues: string[] }; sharpness?: number; eyesOpen?: boolean; antiSpoof?: { live: boolean; score: number } } | null;
type Similar = { similarity: number; match: boolean } | null;
type Pair = { a: string; b: string; similarity: number; match: boolean };
type LivenessAction = { action: string; passed: boolean; reason?: string; measured: { metric: string; value: number; required: number } | null };
type Liveness = {
  mode: 'active' | 'one_shot';
  actions?: LivenessAction[];
  antiSpoof?: { score: number; live: boolean };
  sameFace?: { passed: boolean; minSimilarity: number | null; threshold: number };
  /** One-shot results carry no match flag: 85 % is the bar the server applies to them. */
  references?: { label: string; similarity: number; match?: boolean }[];
  frames?: { total: number; withFace: number };
};

function Verdict({ ok, yes, no }: { ok: boolean | null | undefined; yes: string; no: string }) {
  if (ok === null || ok === undefined) return <Text size="sm" c="dimmed">—</Text>;
  return (
    <Group gap={4} wrap="nowrap">
      {ok ? <IconCircleCheck size={15} color="var(--mantine-color-teal-7)" /> : <IconCircleX size={15} color="var(--mantine-color-red-7)" />}
      <Text size="sm">{ok ? yes : no}</Text>
    </Group>
  );
}

function Message({ sub }: { sub: Submission }) {
  const m = sub.summary.message;
  return typeof m === 'string' && m ? (
    <Alert color="orange" p="xs">
      <Text size="sm">{m}</Text>
    </Alert>
  ) : null;
}

function Photo({ f, alt, h = 220 }: { f: FileRef; alt: string; h?: number }) {
  const { t } = useTranslation();
  return (
    <Stack gap={4}>
      <AuthImage src={f.url} alt={alt} h={h} />
      <Text size="xs" c="dimmed">
        {alt} · {t('profile.captured')} {fmtDateTime(f.capturedAt ?? f.createdAt)}
      </Text>
    </Stack>
  );
}

function FaceFacts({ face, count }: { face: FaceInfo; count?: number }) {
  const { t } = useTranslation();
  return (
    <Stack gap={6}>
      {count !== undefined && <KeyValue label={t('faces.detected')}>{String(count)}</KeyValue>}
      {face && (
        <>
          <KeyValue label={t('faces.liveFace')}>
            <Verdict ok={face.antiSpoof?.live} yes={t('faces.live', { score: fmtPercent(face.antiSpoof?.score) })} no={t('faces.spoof', { score: fmtPercent(face.antiSpoof?.score) })} />
          </KeyValue>
          <KeyValue label={t('faces.quality')}>
            {fmtPercent(face.quality?.score)}
            {face.quality?.issues.length ? ` · ${face.quality.issues.map((i) => humanize(i).toLowerCase()).join(', ')}` : ''}
          </KeyValue>
          <KeyValue label={t('faces.eyesOpen')}>{face.eyesOpen === undefined ? null : face.eyesOpen ? t('common.yes') : t('common.no')}</KeyValue>
          <KeyValue label={t('faces.estimatedAge')}>{face.age !== undefined ? String(face.age) : null}</KeyValue>
          <KeyValue label={t('faces.estimatedGender')}>{face.gender ? t(`faces.genders.${face.gender}`, { defaultValue: face.gender }) : null}</KeyValue>
        </>
      )}
    </Stack>
  );
}

/**
 * A face-list warning's evidence: the applicant's image beside the photo the matched face was added to
 * the list with. Both are personal data: a role without pii.view sees the lock placeholder instead.
 */
export function FaceListMatchPhotos({ applicantFile, listImageUrl, similarity }: { applicantFile: FileRef | null; listImageUrl: string; similarity: number | null }) {
  const { t } = useTranslation();
  return (
    <Group gap="md" mt="sm" align="flex-start" data-testid="face-list-match-photos">
      {/* align: the zoom badge sits on the image, not at the end of a caption wider than it. */}
      <Stack gap={4} align="flex-start">
        <AuthImage src={applicantFile?.url ?? null} alt={t('faces.applicantPhoto')} h={140} />
        <Text size="xs" c="dimmed">
          {t('faces.applicantPhoto')}
        </Text>
      </Stack>
      <Stack gap={4} align="flex-start">
        <AuthImage src={listImageUrl} alt={t('faces.listPhoto')} h={140} />
        <Text size="xs" c="dimmed">
          {t('faces.listPhoto')}
          {similarity !== null ? ` · ${t('faces.similarityAt', { value: Math.round(similarity) })}` : ''}
        </Text>
      </Stack>
    </Group>
  );
}

export function SelfieBody({ sub }: { sub: Submission }) {
  const { t } = useTranslation();
  const faces = sub.summary.faces as { count?: number; face?: FaceInfo } | undefined;
  return (
    <Stack>
      <Message sub={sub} />
      <Group gap="xl" align="flex-start">
        {sub.files.map((f) => (
          <Photo key={f.id} f={f} alt={t('fileKinds.selfie')} />
        ))}
        <FaceFacts face={faces?.face ?? null} count={faces?.count} />
      </Group>
    </Stack>
  );
}

export function SelfieWithDocumentBody({ sub }: { sub: Submission }) {
  const { t } = useTranslation();
  const s = sub.summary as { faces?: { count?: number; holder?: FaceInfo; document?: FaceInfo }; holderVsDocument?: Similar; vsDocumentPortrait?: { holder: Similar; heldDocument: Similar } | null };
  const sim = (x: Similar | undefined) => (x ? <Verdict ok={x.match} yes={t('faces.matchAt', { value: Math.round(x.similarity) })} no={t('faces.noMatchAt', { value: Math.round(x.similarity) })} /> : null);
  return (
    <Stack>
      <Message sub={sub} />
      <Group gap="xl" align="flex-start">
        {sub.files.map((f) => (
          <Photo key={f.id} f={f} alt={t('fileKinds.selfie_with_document')} />
        ))}
        <Stack gap={6}>
          <KeyValue label={t('faces.detected')}>{s.faces?.count !== undefined ? String(s.faces.count) : null}</KeyValue>
          <KeyValue label={t('faces.holderVsHeld')}>{sim(s.holderVsDocument)}</KeyValue>
          <KeyValue label={t('faces.holderVsPortrait')}>{sim(s.vsDocumentPortrait?.holder)}</KeyValue>
          <KeyValue label={t('faces.heldVsPortrait')}>{sim(s.vsDocumentPortrait?.heldDocument)}</KeyValue>
          <KeyValue label={t('faces.liveFace')}>
            <Verdict ok={s.faces?.holder?.antiSpoof?.live} yes={t('faces.live', { score: fmtPercent(s.faces?.holder?.antiSpoof?.score) })} no={t('faces.spoof', { score: fmtPercent(s.faces?.holder?.antiSpoof?.score) })} />
          </KeyValue>
        </Stack>
      </Group>
    </Stack>
  );
}

export function LivenessBody({ sub }: { sub: Submission }) {
  const { t } = useTranslation();
  const l = sub.summary.liveness as Liveness | undefined;
  const frames = sub.files.filter((f) => f.kind === 'liveness_frame' || f.mime.startsWith('image/') || f.mime.startsWith('video/'));
  const refs = l?.references ?? [];
  return (
    <Stack>
      <Message sub={sub} />
      {l && (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Stack gap={6}>
            <KeyValue label={t('faces.mode')}>{t(`faces.modes.${l.mode}`, { defaultValue: l.mode })}</KeyValue>
            <KeyValue label={t('faces.liveFace')}>
              <Verdict ok={l.antiSpoof?.live} yes={t('faces.live', { score: fmtPercent(l.antiSpoof?.score) })} no={t('faces.spoof', { score: fmtPercent(l.antiSpoof?.score) })} />
            </KeyValue>
            {l.sameFace && (
              <KeyValue label={t('faces.sameFace')}>
                <Verdict ok={l.sameFace.passed} yes={t('faces.matchAt', { value: Math.round(l.sameFace.minSimilarity ?? 0) })} no={t('faces.noMatchAt', { value: Math.round(l.sameFace.minSimilarity ?? 0) })} />
              </KeyValue>
            )}
            {l.frames && <KeyValue label={t('faces.frames')}>{t('faces.framesWithFace', { withFace: l.frames.withFace, total: l.frames.total })}</KeyValue>}
            {refs.map((r) => (
              <KeyValue key={r.label} label={t('faces.vsSource', { source: t(`faceSources.${r.label}`, { defaultValue: humanize(r.label) }) })}>
                <Verdict ok={r.match ?? r.similarity >= 85} yes={t('faces.matchAt', { value: Math.round(r.similarity) })} no={t('faces.noMatchAt', { value: Math.round(r.similarity) })} />
              </KeyValue>
            ))}
          </Stack>
          {l.actions && l.actions.length > 0 && (
            <Table withRowBorders verticalSpacing={4}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('faces.action')}</Table.Th>
                  <Table.Th>{t('common.status')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {l.actions.map((a, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>
                      <Text size="sm">{t(`enumLabels.${a.action}`, { defaultValue: humanize(a.action) })}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Verdict ok={a.passed} yes={t('status.passed')} no={a.reason ? humanize(a.reason) : t('status.failed')} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </SimpleGrid>
      )}
      {frames.length > 0 && (
        <ScrollArea type="auto" offsetScrollbars>
          <Group gap="xs" wrap="nowrap">
            {frames.map((f, i) => (
              <Stack key={f.id} gap={2}>
                <AuthImage src={f.url} alt={t('faces.frameN', { n: i + 1 })} h={110} video={f.mime.startsWith('video/')} />
                <Text size="xs" c="dimmed" ta="center">
                  {i + 1}
                </Text>
              </Stack>
            ))}
          </Group>
        </ScrollArea>
      )}
    </Stack>
  );
}

/** The face each source step contributes: the document's cropped portrait, the selfie, a liveness frame. */
function faceOf(applicant: ApplicantFull, source: string): FileRef | null {
  const files = applicant.steps.find((s) => s.type === source && s.current)?.current?.files ?? [];
  if (source === 'document') return files.find((f) => f.kind === 'portrait') ?? files.find((f) => f.kind === 'document_front') ?? null;
  return files.find((f) => f.mime.startsWith('image/')) ?? null;
}

export function FaceMatchBody({ applicant, sub }: { applicant: ApplicantFull; sub: Submission }) {
  const { t } = useTranslation();
  const s = sub.summary as { similarity?: number | null; threshold?: number; pairs?: Pair[]; missing?: string[] };
  const pairs = s.pairs ?? [];
  const label = (src: string) => t(`faceSources.${src}`, { defaultValue: humanize(src) });
  return (
    <Stack>
      {typeof s.similarity === 'number' && (
        <Group gap="lg">
          <RingProgress
            size={96}
            thickness={9}
            roundCaps
            sections={[{ value: s.similarity, color: sub.outcome === 'passed' ? 'teal' : 'red' }]}
            label={
              <Text ta="center" fw={700} size="lg">
                {Math.round(s.similarity)}%
              </Text>
            }
          />
          <div>
            <Text fw={600}>{t('profile.similarity')}</Text>
            {s.threshold !== undefined && (
              <Text size="sm" c="dimmed">
                {t('profile.threshold', { value: s.threshold })}
              </Text>
            )}
            {pairs.length > 1 && (
              <Text size="xs" c="dimmed">
                {t('faces.lowestPair')}
              </Text>
            )}
          </div>
        </Group>
      )}
      {s.missing && s.missing.length > 0 && (
        <Alert color="orange" p="xs">
          <Text size="sm">{t('faces.missing', { sources: s.missing.map(label).join(', ') })}</Text>
        </Alert>
      )}
      {pairs.map((p) => {
        const a = faceOf(applicant, p.a);
        const b = faceOf(applicant, p.b);
        return (
          <Paper key={`${p.a}-${p.b}`} withBorder p="sm" data-testid={`face-pair-${p.a}-${p.b}`}>
            <Group justify="space-between" align="center" wrap="nowrap">
              <Stack gap={4} align="center" style={{ flex: 1 }}>
                <AuthImage src={a?.url ?? null} alt={label(p.a)} h={180} />
                <Text size="xs" c="dimmed">
                  {label(p.a)}
                </Text>
              </Stack>
              <Stack gap={2} align="center" w={130}>
                <Text fz={26} fw={700} c={p.match ? 'teal.7' : 'red.7'}>
                  {p.similarity}%
                </Text>
                <Badge color={p.match ? 'teal' : 'red'} variant="light">
                  {p.match ? t('faces.same') : t('faces.different')}
                </Badge>
              </Stack>
              <Stack gap={4} align="center" style={{ flex: 1 }}>
                <AuthImage src={b?.url ?? null} alt={label(p.b)} h={180} />
                <Text size="xs" c="dimmed">
                  {label(p.b)}
                </Text>
              </Stack>
            </Group>
          </Paper>
        );
      })}
    </Stack>
  );
}
