import { useEffect, useMemo, useState } from 'react';
import { ActionIcon, Badge, Button, Checkbox, Group, Menu, Modal, Paper, Select, Stack, Table, Text, TextInput, Tooltip, ScrollArea, Avatar, Switch } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import '@mantine/dates/styles.css';
import { useDebouncedValue, useLocalStorage } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconColumns, IconDots, IconFilterOff, IconLink, IconPlus, IconRestore, IconSearch, IconTrash, IconUserCheck, IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, type Page } from '../../api/client.ts';
import { APPLICANT_STATUSES, STEP_STATUSES, methodStatus, type ApplicantRow, type ApplicantSummary, type StepStatus } from '../../api/applicants.ts';
import { STEP_TYPES, type StepType } from '../../api/flows.ts';
import { reviewerOptions, useFlows, useReviewers } from '../../api/hooks.ts';
import { useSession } from '../../auth/session.tsx';
import { EmptyState, ErrorAlert, PageHeader, StatusBadge, TableSkeleton, notifyError, notifySuccess } from '../../components/ui.tsx';
import { countryName, countryOptions, fmtDateTime } from '../../lib/format.ts';
import { NewVerificationDialog, SessionLinkDialog } from './dialogs.tsx';
import { stepStatusIcon } from '../../components/stepMeta.tsx';

const BASE_COLUMNS = ['name', 'externalUserId', 'status', 'flow', 'country', 'tags', 'reviewer', 'createdAt', 'updatedAt', 'completedAt'] as const;
/** Methods an applicant does (the content screens have no result to show). */
const METHODS = STEP_TYPES.filter((s) => s !== 'intro' && s !== 'thank_you');
type MethodColumn = `m:${StepType}`;
type Column = (typeof BASE_COLUMNS)[number] | MethodColumn;
const COLUMNS: Column[] = [...BASE_COLUMNS.slice(0, 3), ...METHODS.map((m) => `m:${m}` as const), ...BASE_COLUMNS.slice(3)];
const DEFAULT_COLUMNS: Column[] = ['name', 'externalUserId', 'status', 'm:document', 'm:face_match', 'm:aml', 'flow', 'reviewer', 'createdAt'];
const isMethod = (c: Column): c is MethodColumn => c.startsWith('m:');
const columnLabel = (t: (k: string) => string, c: Column) => (isMethod(c) ? t(`applicants.methodCol.${c.slice(2)}`) : t(`applicants.col.${c}`));

export function Applicants() {
  const { t } = useTranslation();
  const { mode, can, me } = useSession();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [columns, setColumns] = useLocalStorage<Column[]>({ key: 'tessera.applicants.columns.v2', defaultValue: DEFAULT_COLUMNS });
  const [pageSize, setPageSize] = useLocalStorage<string>({ key: 'tessera.applicants.pageSize', defaultValue: '50' });
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [debSearch] = useDebouncedValue(search, 350);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [newOpen, setNewOpen] = useState(false);
  const [link, setLink] = useState<ApplicantSummary | null>(null);
  const [assign, setAssign] = useState<ApplicantSummary | null>(null);
  const { flows, byId: flowById } = useFlows();
  const reviewers = useReviewers();

  const f = (k: string) => params.get(k) ?? '';
  const setFilter = (k: string, v: string | null) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    if (k === 'stepType' && !v) p.delete('stepStatus');
    setParams(p, { replace: true });
  };
  useEffect(() => {
    if ((params.get('q') ?? '') !== debSearch) setFilter('q', debSearch || null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debSearch]);

  const filters = {
    status: f('status'),
    flowId: f('flowId'),
    stepType: f('stepType'),
    stepStatus: f('stepType') ? f('stepStatus') : '',
    tag: f('tag'),
    from: f('from'),
    to: f('to'),
    country: f('country'),
    reviewerId: f('reviewerId'),
    q: f('q'),
    deleted: f('deleted'),
  };
  const filterKey = JSON.stringify(filters);
  // A new filter starts again from the first page.
  useEffect(() => setCursors([null]), [filterKey, mode, pageSize]);
  const cursor = cursors[cursors.length - 1];
  const q = useQuery({
    queryKey: ['applicants', mode, filterKey, cursor, pageSize],
    queryFn: ({ signal }) =>
      api.get<Page<ApplicantRow>>(
        '/v1/applicants',
        { ...filters, from: filters.from ? new Date(filters.from).toISOString() : undefined, to: filters.to ? new Date(filters.to + 'T23:59:59').toISOString() : undefined, cursor: cursor ?? undefined, limit: pageSize },
        signal,
      ),
    placeholderData: keepPreviousData,
  });

  const del = useMutation({
    mutationFn: (a: ApplicantSummary) => (a.deletion ? api.post(`/v1/applicants/${a.id}/restore`) : api.del(`/v1/applicants/${a.id}`)),
    onSuccess: async (_d, a) => {
      notifySuccess(a.deletion ? t('applicants.restored') : t('applicants.deleted'));
      await qc.invalidateQueries({ queryKey: ['applicants'] });
    },
    onError: (e) => notifyError(e),
  });

  const activeFilters = Object.entries(filters).filter(([k, v]) => v && k !== 'q').length;
  const rows = q.data?.data ?? [];
  const show = (c: Column) => columns.includes(c);
  const countries = useMemo(() => countryOptions(), []);

  const rowMenu = (a: ApplicantSummary) => (
    <Menu.Dropdown>
      <Menu.Item leftSection={<IconUserCheck size={14} />} onClick={() => setAssign(a)} disabled={!can('applicants.review')}>
        {t('applicants.assignReviewer')}
      </Menu.Item>
      <Menu.Item leftSection={<IconLink size={14} />} onClick={() => setLink(a)} disabled={!can('applicants.write') || !!a.deletion}>
        {t('applicants.generateLink')}
      </Menu.Item>
      {can('applicants.delete') && (
        <>
          <Menu.Divider />
          {a.deletion ? (
            <Menu.Item leftSection={<IconRestore size={14} />} onClick={() => del.mutate(a)}>
              {t('applicants.restore')}
            </Menu.Item>
          ) : (
            <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => del.mutate(a)}>
              {t('common.delete')}
            </Menu.Item>
          )}
        </>
      )}
    </Menu.Dropdown>
  );

  return (
    <>
      <PageHeader
        title={t('applicants.title')}
        description={t('applicants.description')}
        actions={
          can('applicants.write') && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setNewOpen(true)} data-testid="new-verification">
              {t('applicants.newVerification')}
            </Button>
          )
        }
      />
      <Paper p="sm" mb="md">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput leftSection={<IconSearch size={14} />} placeholder={t('applicants.searchPlaceholder')} value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={280} aria-label={t('common.search')} />
          <Select placeholder={t('common.status')} aria-label={t('common.status')} data={APPLICANT_STATUSES.map((s) => ({ value: s, label: t(`status.${s.toLowerCase()}`) }))} value={filters.status || null} onChange={(v) => setFilter('status', v)} clearable w={150} />
          <Select placeholder={t('common.flow')} aria-label={t('common.flow')} data={flows.map((x) => ({ value: x.id, label: x.name }))} value={filters.flowId || null} onChange={(v) => setFilter('flowId', v)} clearable searchable w={180} />
          <Group gap={4} wrap="nowrap">
            <Select placeholder={t('applicants.method')} aria-label={t('applicants.method')} data={METHODS.map((s) => ({ value: s, label: t(`stepTypes.${s}`) }))} value={filters.stepType || null} onChange={(v) => setFilter('stepType', v)} clearable w={170} />
            <Select placeholder={t('applicants.methodStatus')} aria-label={t('applicants.methodStatus')} data={STEP_STATUSES.map((s) => ({ value: s, label: t(`stepStatus.${s}`) }))} value={filters.stepStatus || null} onChange={(v) => setFilter('stepStatus', v)} clearable disabled={!filters.stepType} w={150} />
          </Group>
          <TextInput placeholder={t('applicants.tag')} aria-label={t('applicants.tag')} value={filters.tag} onChange={(e) => setFilter('tag', e.currentTarget.value)} w={120} />
          <DatePickerInput
            type="range"
            placeholder={t('applicants.dates')}
            aria-label={t('applicants.dates')}
            value={[filters.from || null, filters.to || null]}
            onChange={([a, b]) => {
              const p = new URLSearchParams(params);
              a ? p.set('from', String(a).slice(0, 10)) : p.delete('from');
              b ? p.set('to', String(b).slice(0, 10)) : p.delete('to');
              setParams(p, { replace: true });
            }}
            clearable
            w={230}
            valueFormat="DD MMM YYYY"
          />
          <Select placeholder={t('common.country')} aria-label={t('common.country')} data={countries} value={filters.country || null} onChange={(v) => setFilter('country', v)} clearable searchable w={170} />
          <Select
            placeholder={t('applicants.reviewer')}
            aria-label={t('applicants.reviewer')}
            data={reviewers.list.map((u) => ({ value: u.id, label: u.id === me?.user.id ? `${u.name} (${t('team.you')})` : u.name }))}
            value={filters.reviewerId || null}
            onChange={(v) => setFilter('reviewerId', v)}
            clearable
            w={170}
          />
          <Switch label={t('applicants.showDeleted')} checked={filters.deleted === 'true'} onChange={(e) => setFilter('deleted', e.currentTarget.checked ? 'true' : null)} mb={8} />
          <Group gap={4} ml="auto">
            {activeFilters > 0 && (
              <Button variant="subtle" color="gray" leftSection={<IconFilterOff size={14} />} onClick={() => { setSearch(''); setParams(new URLSearchParams(), { replace: true }); }}>
                {t('common.clear')}
              </Button>
            )}
            <Menu closeOnItemClick={false} position="bottom-end">
              <Menu.Target>
                <Button variant="default" leftSection={<IconColumns size={14} />} data-testid="column-chooser">
                  {t('common.columns')}
                </Button>
              </Menu.Target>
              <Menu.Dropdown mah={480} style={{ overflowY: 'auto' }}>
                {[
                  { label: t('applicants.columnsGeneral'), items: COLUMNS.filter((c) => !isMethod(c)) },
                  { label: t('applicants.columnsMethods'), items: COLUMNS.filter(isMethod) },
                ].map((g) => (
                  <div key={g.label}>
                    <Menu.Label>{g.label}</Menu.Label>
                    {g.items.map((c) => (
                      <Menu.Item key={c} onClick={() => setColumns(show(c) ? columns.filter((x) => x !== c) : COLUMNS.filter((x) => x === c || columns.includes(x)))}>
                        <Checkbox label={columnLabel(t, c)} checked={show(c)} readOnly tabIndex={-1} size="xs" />
                      </Menu.Item>
                    ))}
                  </div>
                ))}
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </Paper>

      {q.error ? (
        <ErrorAlert error={q.error} onRetry={() => q.refetch()} />
      ) : (
        <Paper>
          {q.isLoading ? (
            <TableSkeleton cols={columns.length} rows={10} />
          ) : !rows.length ? (
            <EmptyState title={t('applicants.empty')} description={activeFilters || filters.q ? t('applicants.emptyFiltered') : t('applicants.emptyText')} />
          ) : (
            <ScrollArea h="calc(100vh - 330px)" type="auto" offsetScrollbars>
              <Table className="sticky-table" miw={900} data-testid="applicants-table" style={{ opacity: q.isPlaceholderData ? 0.6 : 1 }}>
                <Table.Thead>
                  <Table.Tr>
                    {COLUMNS.filter(show).map((c) => (
                      <Table.Th key={c}>{columnLabel(t, c)}</Table.Th>
                    ))}
                    <Table.Th w={44} />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((a) => (
                    <ApplicantRowView key={a.id} a={a} show={show} flowName={flowById.get(a.flowId)?.name} reviewerName={a.reviewerId ? (reviewers.byId.get(a.reviewerId)?.name ?? t('applicants.formerReviewer')) : null} onOpen={() => navigate(`/applicants/${a.id}`)} menu={rowMenu(a)} />
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea>
          )}
          <Group justify="space-between" px="md" py="xs" style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }}>
            <Group gap="xs">
              <Text size="sm" c="dimmed">
                {t('common.rows')}
              </Text>
              <Select size="xs" w={80} data={['25', '50', '100', '200']} value={pageSize} onChange={(v) => v && setPageSize(v)} allowDeselect={false} aria-label={t('common.rows')} />
            </Group>
            <Group gap="xs">
              <Text size="sm" c="dimmed">
                {t('applicants.pageN', { n: cursors.length })}
              </Text>
              <ActionIcon variant="default" onClick={() => setCursors(cursors.slice(0, -1))} disabled={cursors.length <= 1} aria-label={t('common.previous')}>
                <IconChevronLeft size={16} />
              </ActionIcon>
              <ActionIcon variant="default" onClick={() => q.data?.nextCursor && setCursors([...cursors, q.data.nextCursor])} disabled={!q.data?.nextCursor} aria-label={t('common.next')}>
                <IconChevronRight size={16} />
              </ActionIcon>
            </Group>
          </Group>
        </Paper>
      )}
      <NewVerificationDialog opened={newOpen} onClose={() => setNewOpen(false)} />
      {link && <SessionLinkDialog applicant={link} onClose={() => setLink(null)} />}
      {assign && <AssignDialog applicant={assign} onClose={() => setAssign(null)} />}
    </>
  );
}

function ApplicantRowView({ a, show, flowName, reviewerName, onOpen, menu }: { a: ApplicantRow; show: (c: Column) => boolean; flowName?: string; reviewerName: string | null; onOpen: () => void; menu: React.ReactNode }) {
  const { t } = useTranslation();
  const [menuOpen, setMenuOpen] = useState(false);
  return (
    <Table.Tr
      className="clickable-row"
      onClick={onOpen}
      tabIndex={0}
      onKeyDown={(e) => e.key === 'Enter' && onOpen()}
      onContextMenu={(e) => {
        e.preventDefault();
        setMenuOpen(true);
      }}
      data-testid={`applicant-row-${a.externalUserId}`}
      style={a.deletion ? { opacity: 0.55 } : undefined}
    >
      {show('name') && (
        <Table.Td>
          <Group gap="sm" wrap="nowrap">
            <Avatar size={28} name={a.name ?? a.externalUserId} color="initials" />
            <Text size="sm" fw={500}>
              {a.name ?? <Text span c="dimmed" size="sm">{t('applicants.noName')}</Text>}
            </Text>
            {a.deletion && <Badge size="xs" color="gray">{t('status.deleted')}</Badge>}
          </Group>
        </Table.Td>
      )}
      {show('externalUserId') && (
        <Table.Td>
          <Text size="sm" className="mono" style={{ whiteSpace: 'nowrap' }}>
            {a.externalUserId}
          </Text>
        </Table.Td>
      )}
      {show('status') && (
        <Table.Td>
          <StatusBadge status={a.status} />
        </Table.Td>
      )}
      {METHODS.filter((m) => show(`m:${m}`)).map((m) => (
        <Table.Td key={m}>
          <MethodCell status={methodStatus(a.steps, m)} />
        </Table.Td>
      ))}
      {show('flow') && <Table.Td><Text size="sm">{flowName ?? '—'}</Text></Table.Td>}
      {show('country') && <Table.Td><Text size="sm">{a.country ? countryName(a.country) : '—'}</Text></Table.Td>}
      {show('tags') && (
        <Table.Td>
          <Group gap={4}>
            {a.tags.map((x) => (
              <Badge key={x} size="xs" variant="outline" tt="none">
                {x}
              </Badge>
            ))}
          </Group>
        </Table.Td>
      )}
      {show('reviewer') && <Table.Td><Text size="sm">{reviewerName ?? '—'}</Text></Table.Td>}
      {(['createdAt', 'updatedAt', 'completedAt'] as const).filter(show).map((c) => (
        <Table.Td key={c}>
          <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
            {fmtDateTime(a[c])}
          </Text>
        </Table.Td>
      ))}
      <Table.Td onClick={(e) => e.stopPropagation()}>
        <Menu opened={menuOpen} onChange={setMenuOpen} position="bottom-end" withinPortal>
          <Menu.Target>
            <Tooltip label={t('common.actions')}>
              <ActionIcon variant="subtle" color="gray" aria-label={t('common.actions')}>
                <IconDots size={16} />
              </ActionIcon>
            </Tooltip>
          </Menu.Target>
          {menu}
        </Menu>
      </Table.Td>
    </Table.Tr>
  );
}

/** Icon and words: the status of one method, or a dash when the applicant's flow does not have it. */
function MethodCell({ status }: { status: StepStatus | null }) {
  const { t } = useTranslation();
  if (!status) return <Text size="sm" c="dimmed" aria-label={t('applicants.notInFlow')}>—</Text>;
  return (
    <Group gap={4} wrap="nowrap">
      {stepStatusIcon(status, 15)}
      <Text size="xs" c={status === 'not_submitted' ? 'dimmed' : undefined} style={{ whiteSpace: 'nowrap' }}>
        {t(`stepStatus.${status}`)}
      </Text>
    </Group>
  );
}

function AssignDialog({ applicant, onClose, currentId }: { applicant: { id: string; reviewerId: string | null }; onClose: () => void; currentId?: string | null }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const reviewers = useReviewers();
  const [reviewerId, setReviewerId] = useState<string | null>(currentId ?? applicant.reviewerId);
  const m = useMutation({
    mutationFn: () => api.post(`/v1/applicants/${applicant.id}/assign`, { reviewerId }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['applicants'] });
      await qc.invalidateQueries({ queryKey: ['applicant', applicant.id] });
      notifySuccess(t('common.saved'));
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={t('applicants.assignReviewer')}>
      <Stack>
        {m.error && <ErrorAlert error={m.error} />}
        <Select label={t('applicants.reviewer')} data={reviewerOptions(reviewers.list, applicant.reviewerId, t('applicants.formerReviewer'))} value={reviewerId} onChange={setReviewerId} clearable placeholder={t('applicants.unassigned')} data-autofocus />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button onClick={() => m.mutate()} loading={m.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
