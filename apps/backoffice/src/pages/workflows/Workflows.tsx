import { useState } from 'react';
import { ActionIcon, Badge, Button, Group, Menu, Modal, Paper, SegmentedControl, Stack, Switch, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconCopy, IconDots, IconPlus, IconArchive } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Flow } from '../../api/flows.ts';
import { useSession } from '../../auth/session.tsx';
import { EmptyState, ErrorAlert, PageHeader, StatusBadge, TableSkeleton, notifyError, notifySuccess } from '../../components/ui.tsx';
import { STEP_COLORS, STEP_ICONS } from '../../components/stepMeta.tsx';
import { fmtDateTime } from '../../lib/format.ts';

export function Workflows() {
  const { t } = useTranslation();
  const { mode, can } = useSession();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [archived, setArchived] = useState(false);
  const q = useQuery({ queryKey: ['flows', mode, archived], queryFn: () => api.get<{ data: Flow[] }>('/v1/flows', { includeArchived: archived ? 'true' : undefined }) });
  const other = mode === 'live' ? 'test' : 'live';
  const duplicate = useMutation({
    mutationFn: ({ flow, toMode }: { flow: Flow; toMode: 'live' | 'test' }) => api.post<Flow>(`/v1/flows/${flow.id}/duplicate`, { mode: toMode }),
    onSuccess: async (f, v) => {
      await qc.invalidateQueries({ queryKey: ['flows'] });
      notifySuccess(v.toMode === mode ? t('workflows.duplicated') : t('workflows.duplicatedTo', { mode: t(`header.${v.toMode}`) }));
      if (v.toMode === mode) navigate(`/workflows/${f.id}`);
    },
    onError: (e) => notifyError(e),
  });
  const archive = useMutation({
    mutationFn: (flow: Flow) => api.del(`/v1/flows/${flow.id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['flows'] }),
    onError: (e) => notifyError(e),
  });

  return (
    <>
      <PageHeader
        title={t('workflows.title')}
        description={t('workflows.description')}
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setOpen(true)} data-testid="new-flow">
            {t('workflows.new')}
          </Button>
        }
      />
      <Group mb="md" justify="flex-end">
        <Switch label={t('workflows.showArchived')} checked={archived} onChange={(e) => setArchived(e.currentTarget.checked)} />
      </Group>
      {q.error && <ErrorAlert error={q.error} onRetry={() => q.refetch()} />}
      {!q.error && (
        <Paper>
          {q.isLoading ? (
            <TableSkeleton cols={6} />
          ) : !q.data?.data.length ? (
            <EmptyState title={t('workflows.empty')} description={t('workflows.emptyText')} action={<Button onClick={() => setOpen(true)}>{t('workflows.new')}</Button>} />
          ) : (
            <Table.ScrollContainer minWidth={900}>
              <Table className="sticky-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('common.name')}</Table.Th>
                    <Table.Th>{t('workflows.steps')}</Table.Th>
                    <Table.Th>{t('workflows.kind')}</Table.Th>
                    <Table.Th>{t('workflows.version')}</Table.Th>
                    <Table.Th>{t('common.updated')}</Table.Th>
                    <Table.Th w={50} />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {q.data.data.map((f) => (
                    <Table.Tr key={f.id} className="clickable-row" onClick={() => navigate(`/workflows/${f.id}`)} tabIndex={0} onKeyDown={(e) => e.key === 'Enter' && navigate(`/workflows/${f.id}`)} data-testid={`flow-row-${f.name}`}>
                      <Table.Td>
                        <Text size="sm" fw={500}>
                          {f.name}
                        </Text>
                        <Text size="xs" c="dimmed" className="mono">
                          {f.id}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          {f.draft.steps.map((s) => {
                            const Icon = STEP_ICONS[s.type];
                            return (
                              <Tooltip key={s.id} label={s.title || t(`stepTypes.${s.type}`)}>
                                <ActionIcon variant="light" color={STEP_COLORS[s.type]} size="sm" component="span" aria-label={t(`stepTypes.${s.type}`)}>
                                  {Icon && <Icon size={14} />}
                                </ActionIcon>
                              </Tooltip>
                            );
                          })}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="outline" color="gray" size="sm">
                          {t(`workflows.kinds.${f.kind}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={6}>
                          {f.status === 'archived' ? <StatusBadge status="archived" /> : f.version ? <StatusBadge status="published" /> : <StatusBadge status="draft" />}
                          {f.version && <Text size="sm">v{f.version}</Text>}
                        </Group>
                      </Table.Td>
                      <Table.Td>{fmtDateTime(f.updatedAt)}</Table.Td>
                      <Table.Td onClick={(e) => e.stopPropagation()}>
                        <Menu position="bottom-end">
                          <Menu.Target>
                            <ActionIcon variant="subtle" color="gray" aria-label={t('common.actions')}>
                              <IconDots size={16} />
                            </ActionIcon>
                          </Menu.Target>
                          <Menu.Dropdown>
                            <Menu.Item leftSection={<IconCopy size={14} />} onClick={() => duplicate.mutate({ flow: f, toMode: mode })}>
                              {t('common.duplicate')}
                            </Menu.Item>
                            <Menu.Item leftSection={<IconCopy size={14} />} disabled={other === 'live' && !can('live.access')} onClick={() => duplicate.mutate({ flow: f, toMode: other })}>
                              {t('workflows.duplicateTo', { mode: t(`header.${other}`) })}
                            </Menu.Item>
                            {f.status !== 'archived' && (
                              <Menu.Item color="red" leftSection={<IconArchive size={14} />} onClick={() => archive.mutate(f)}>
                                {t('workflows.archive')}
                              </Menu.Item>
                            )}
                          </Menu.Dropdown>
                        </Menu>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Paper>
      )}
      <NewFlowDialog opened={open} onClose={() => setOpen(false)} />
    </>
  );
}

function NewFlowDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'regular' | 'on_demand'>('regular');
  const m = useMutation({
    mutationFn: () =>
      api.post<Flow>('/v1/flows', {
        name,
        kind,
        // A usable starting point: the steps nearly every KYC flow has; the editor changes them.
        definition: kind === 'regular' ? { steps: [{ id: 'intro', type: 'intro' }, { id: 'document', type: 'document' }, { id: 'selfie', type: 'selfie' }, { id: 'face_match', type: 'face_match' }, { id: 'thank_you', type: 'thank_you' }] } : { steps: [] },
      }),
    onSuccess: async (f) => {
      await qc.invalidateQueries({ queryKey: ['flows'] });
      onClose();
      setName('');
      navigate(`/workflows/${f.id}`);
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('workflows.new')}>
      <form onSubmit={(e) => { e.preventDefault(); m.mutate(); }}>
        <Stack>
          {m.error && <ErrorAlert error={m.error} />}
          <TextInput label={t('common.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required data-autofocus placeholder="Standard KYC" />
          <div>
            <Text size="sm" fw={500} mb={4}>
              {t('workflows.kind')}
            </Text>
            <SegmentedControl fullWidth value={kind} onChange={(v) => setKind(v as 'regular' | 'on_demand')} data={[{ value: 'regular', label: t('workflows.kinds.regular') }, { value: 'on_demand', label: t('workflows.kinds.on_demand') }]} />
            <Text size="xs" c="dimmed" mt={4}>
              {t(`workflows.kindHelp.${kind}`)}
            </Text>
          </div>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={m.isPending}>
              {t('common.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
