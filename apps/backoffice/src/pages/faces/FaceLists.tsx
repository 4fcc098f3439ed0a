import { useState } from 'react';
import { ActionIcon, Badge, Button, Center, FileInput, Grid, Group, Modal, Paper, SegmentedControl, Stack, Table, Text, TextInput, Textarea, Title, Tooltip } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconEdit, IconLock, IconPhotoOff, IconPhotoPlus, IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { AuthImage } from '../../components/AuthImage.tsx';
import { useSession } from '../../auth/session.tsx';
import { BlockSkeleton, ConfirmModal, EmptyState, ErrorAlert, PageHeader, TableSkeleton, notifyError, notifySuccess } from '../../components/ui.tsx';
import { fmtDateTime, fmtPercent } from '../../lib/format.ts';

/** Shapes of apps/server/src/modules/biometrics/face-router.ts. */
type FaceList = { id: string; name: string; kind: 'blacklist' | 'custom'; description: string; faces: number; createdAt: string };
type Face = { id: string; label: string | null; quality: number | null; hasImage: boolean; createdAt: string };

function KindBadge({ kind }: { kind: FaceList['kind'] }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={kind === 'blacklist' ? 'red' : 'blue'} tt="none" style={{ flexShrink: 0 }}>
      {t(`faceLists.kinds.${kind}`)}
    </Badge>
  );
}

/**
 * Face lists: a blacklist blocks any session whose face matches one of its faces; a custom list only
 * flags the applicant. Each face shows the photo it was added with (kept encrypted; faces added before
 * photos were kept have none), fetched with the session like the applicants' images.
 */
export function FaceLists() {
  const { t } = useTranslation();
  const { mode, can } = useSession();
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<FaceList | 'new' | null>(null);
  const q = useQuery({ queryKey: ['face-lists', mode], queryFn: () => api.get<{ data: FaceList[] }>('/v1/face-lists') });
  const lists = q.data?.data ?? [];
  const current = lists.find((l) => l.id === selected) ?? lists[0] ?? null;
  const manage = can('applicants.review');
  return (
    <>
      <PageHeader
        title={t('faceLists.title')}
        description={t('faceLists.description')}
        actions={
          manage && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')} data-testid="new-face-list">
              {t('faceLists.new')}
            </Button>
          )
        }
      />
      {q.error && <ErrorAlert error={q.error} onRetry={() => q.refetch()} />}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Paper>
            {q.isLoading ? (
              <TableSkeleton cols={3} rows={3} />
            ) : !lists.length ? (
              <EmptyState title={t('faceLists.empty')} description={t('faceLists.emptyText')} />
            ) : (
              <Table className="sticky-table" data-testid="face-lists" verticalSpacing="sm" highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('common.name')}</Table.Th>
                    <Table.Th>{t('common.type')}</Table.Th>
                    <Table.Th ta="right">{t('faceLists.faces')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {lists.map((l) => (
                    <Table.Tr
                      key={l.id}
                      className="clickable-row"
                      onClick={() => setSelected(l.id)}
                      tabIndex={0}
                      onKeyDown={(e) => e.key === 'Enter' && setSelected(l.id)}
                      aria-selected={current?.id === l.id}
                      bg={current?.id === l.id ? 'blue.0' : undefined}
                      data-testid={`face-list-${l.name}`}
                    >
                      <Table.Td>
                        <Text size="sm" fw={500}>
                          {l.name}
                        </Text>
                        {l.description && (
                          <Text size="xs" c="dimmed" lineClamp={1}>
                            {l.description}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <KindBadge kind={l.kind} />
                      </Table.Td>
                      <Table.Td ta="right">{l.faces}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 7 }}>{current && <ListDetail key={current.id} list={current} onEdit={() => setEditing(current)} onDeleted={() => setSelected(null)} />}</Grid.Col>
      </Grid>
      {editing && <ListDialog list={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={(id) => setSelected(id)} />}
    </>
  );
}

function ListDialog({ list, onClose, onSaved }: { list: FaceList | null; onClose: () => void; onSaved: (id: string) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState(list?.name ?? '');
  const [kind, setKind] = useState<FaceList['kind']>(list?.kind ?? 'blacklist');
  const [description, setDescription] = useState(list?.description ?? '');
  const m = useMutation({
    mutationFn: () => (list ? api.patch<FaceList>(`/v1/face-lists/${list.id}`, { name, description }) : api.post<FaceList>('/v1/face-lists', { name, kind, description: description || undefined })),
    onSuccess: async (l) => {
      await qc.invalidateQueries({ queryKey: ['face-lists'] });
      notifySuccess(t('common.saved'));
      onSaved(l.id);
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={list ? t('faceLists.edit') : t('faceLists.new')}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          m.mutate();
        }}
      >
        <Stack>
          {m.error && <ErrorAlert error={m.error} />}
          <TextInput label={t('common.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required data-autofocus />
          {!list && (
            <div>
              <Text size="sm" fw={500} mb={4}>
                {t('common.type')}
              </Text>
              <SegmentedControl
                fullWidth
                value={kind}
                onChange={(v) => setKind(v as FaceList['kind'])}
                data={[
                  { value: 'blacklist', label: t('faceLists.kinds.blacklist') },
                  { value: 'custom', label: t('faceLists.kinds.custom') },
                ]}
              />
              <Text size="xs" c="dimmed" mt={4}>
                {t(`faceLists.kindHelp.${kind}`)}
              </Text>
            </div>
          )}
          <Textarea label={t('common.description')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={2} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={m.isPending} disabled={!name.trim()}>
              {list ? t('common.save') : t('common.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The photo a face was added with, as a thumbnail that opens larger; a placeholder for faces without one. */
function FaceThumb({ listId, face }: { listId: string; face: Face }) {
  const { t } = useTranslation();
  if (!face.hasImage)
    return (
      <Tooltip label={t('faceLists.noPhoto')}>
        <Center w={48} h={56} bg="gray.1" c="dimmed" style={{ borderRadius: 6 }} aria-label={t('faceLists.noPhoto')} role="img">
          <IconPhotoOff size={18} />
        </Center>
      </Tooltip>
    );
  return <AuthImage src={`/v1/face-lists/${listId}/faces/${face.id}/image`} alt={t('faceLists.facePhoto', { label: face.label ?? t('faceLists.noLabel') })} h={56} />;
}

function ListDetail({ list, onEdit, onDeleted }: { list: FaceList; onEdit: () => void; onDeleted: () => void }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const qc = useQueryClient();
  const manage = can('applicants.review');
  const [confirm, setConfirm] = useState<{ kind: 'list' } | { kind: 'face'; face: Face } | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [label, setLabel] = useState('');
  const faces = useQuery({ queryKey: ['face-lists', list.id, 'faces'], queryFn: () => api.get<{ data: Face[] }>(`/v1/face-lists/${list.id}/faces`), enabled: can('pii.view') });
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: ['face-lists'] });
  };
  const add = useMutation({
    mutationFn: () => {
      const form = new FormData();
      if (label.trim()) form.set('label', label.trim());
      form.set('image', file!);
      return api.upload<{ id: string; quality: number }>(`/v1/face-lists/${list.id}/faces`, form);
    },
    onSuccess: async (r) => {
      notifySuccess(t('faceLists.added', { quality: fmtPercent(r.quality) }));
      setFile(null);
      setLabel('');
      await refresh();
    },
  });
  const removeFace = useMutation({
    mutationFn: (id: string) => api.del(`/v1/face-lists/${list.id}/faces/${id}`),
    onSuccess: async () => {
      setConfirm(null);
      await refresh();
    },
    onError: (e) => notifyError(e),
  });
  const removeList = useMutation({
    mutationFn: () => api.del(`/v1/face-lists/${list.id}`),
    onSuccess: async () => {
      setConfirm(null);
      onDeleted();
      await refresh();
    },
    onError: (e) => notifyError(e),
  });
  return (
    <Paper p="lg" data-testid="face-list-detail">
      <Group justify="space-between" align="flex-start" mb="md">
        <div>
          <Group gap="xs">
            <Title order={4}>{list.name}</Title>
            <KindBadge kind={list.kind} />
          </Group>
          <Text size="sm" c="dimmed" mt={4}>
            {list.description || t(`faceLists.kindHelp.${list.kind}`)}
          </Text>
          <Text size="xs" c="dimmed" mt={4}>
            {t('common.created')} {fmtDateTime(list.createdAt)}
          </Text>
        </div>
        {manage && (
          <Group gap={4}>
            <Tooltip label={t('faceLists.edit')}>
              <ActionIcon variant="subtle" color="gray" onClick={onEdit} aria-label={t('faceLists.edit')}>
                <IconEdit size={16} />
              </ActionIcon>
            </Tooltip>
            <Tooltip label={t('faceLists.delete')}>
              <ActionIcon variant="subtle" color="red" onClick={() => setConfirm({ kind: 'list' })} aria-label={t('faceLists.delete')}>
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          </Group>
        )}
      </Group>
      {manage && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate();
          }}
        >
          <Stack gap="xs" mb="md">
            {add.error && <ErrorAlert error={add.error} />}
            <Group align="flex-end" gap="sm">
              <FileInput label={t('faceLists.photo')} placeholder={t('faceLists.pickPhoto')} accept="image/jpeg,image/png,image/webp" value={file} onChange={setFile} leftSection={<IconPhotoPlus size={16} />} clearable w={240} data-testid="face-photo" />
              <TextInput label={t('faceLists.label')} placeholder={t('faceLists.labelPlaceholder')} value={label} onChange={(e) => setLabel(e.currentTarget.value)} style={{ flex: 1 }} maxLength={200} />
              <Button type="submit" loading={add.isPending} disabled={!file} data-testid="add-face">
                {t('faceLists.addFace')}
              </Button>
            </Group>
            <Text size="xs" c="dimmed">
              {t('faceLists.photoHelp')}
            </Text>
          </Stack>
        </form>
      )}
      {!can('pii.view') ? (
        <EmptyState icon={<IconLock size={28} />} title={t('faceLists.facesHidden')} description={t('faceLists.facesHiddenText', { count: list.faces })} />
      ) : faces.error ? (
        <ErrorAlert error={faces.error} />
      ) : !faces.data ? (
        <BlockSkeleton lines={3} />
      ) : !faces.data.data.length ? (
        <EmptyState title={t('faceLists.noFaces')} description={t('faceLists.noFacesText')} />
      ) : (
        <Table className="sticky-table" verticalSpacing="xs" data-testid="faces-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={72}>{t('faceLists.photo')}</Table.Th>
              <Table.Th>{t('faceLists.label')}</Table.Th>
              <Table.Th>{t('faceLists.quality')}</Table.Th>
              <Table.Th>{t('faceLists.addedOn')}</Table.Th>
              <Table.Th w={44} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {faces.data.data.map((f) => (
              <Table.Tr key={f.id} data-testid={`face-${f.id}`}>
                <Table.Td>
                  <FaceThumb listId={list.id} face={f} />
                </Table.Td>
                <Table.Td>{f.label ?? <Text size="sm" c="dimmed">{t('faceLists.noLabel')}</Text>}</Table.Td>
                <Table.Td>{fmtPercent(f.quality)}</Table.Td>
                <Table.Td>{fmtDateTime(f.createdAt)}</Table.Td>
                <Table.Td>
                  {manage && (
                    <ActionIcon variant="subtle" color="red" onClick={() => setConfirm({ kind: 'face', face: f })} aria-label={t('faceLists.removeFace', { label: f.label ?? f.id })}>
                      <IconTrash size={14} />
                    </ActionIcon>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <ConfirmModal opened={confirm?.kind === 'list'} title={t('faceLists.deleteTitle')} confirmLabel={t('faceLists.delete')} loading={removeList.isPending} onConfirm={() => removeList.mutate()} onClose={() => setConfirm(null)}>
        {t('faceLists.deleteText', { name: list.name, count: list.faces })}
      </ConfirmModal>
      <ConfirmModal opened={confirm?.kind === 'face'} title={t('faceLists.removeFaceTitle')} confirmLabel={t('common.remove')} loading={removeFace.isPending} onConfirm={() => confirm?.kind === 'face' && removeFace.mutate(confirm.face.id)} onClose={() => setConfirm(null)}>
        {t('faceLists.removeFaceText')}
      </ConfirmModal>
    </Paper>
  );
}
