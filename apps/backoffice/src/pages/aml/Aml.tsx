import { useState } from 'react';
import { Alert, Badge, Button, Code, Drawer, Grid, Group, MultiSelect, NumberInput, Paper, Progress, RangeSlider, SegmentedControl, Select, Slider, Stack, Switch, Table, Tabs, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconSearch, IconShieldCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api, type Page } from '../../api/client.ts';
import { useSession } from '../../auth/session.tsx';
import { EmptyState, ErrorAlert, NotAvailable, PageHeader, TableSkeleton, isMissingRoute, notifyError } from '../../components/ui.tsx';
import { countryName, countryOptions, fmtDateTime, fmtPercent } from '../../lib/format.ts';

/** Shapes of apps/server/src/modules/aml/aml-router.ts. */
type Entity = { id: string; schema: string; caption: string; source: string; programs?: string[]; topics?: string[]; countries?: string[]; birthDates?: string[]; sourceUrl?: string; listedOn?: string; [k: string]: unknown };
type ScreeningMatch = { entityId: string; score: number; hit: boolean; matchedName: string; matchedNameKind: string; queryName: string; features: { feature: string; effect: number; detail: string }[]; entity: Entity };
type MatchRow = { id: string; status: string; foundBy: string; createdAt: string; updatedAt: string; match: ScreeningMatch };
type ScanInfo = { id: string; kind: string; applicantId: string | null; schema: string; label: string | null; threshold: number; hits: number; matches: number; monitoring: boolean; periodicity: string | null; lastRunAt: string | null; createdAt: string };
type ScanDetail = { scan: ScanInfo; query: unknown; matches: MatchRow[] };
const MATCH_STATUSES = ['unknown', 'potential_match', 'no_match', 'false_positive', 'true_positive', 'true_positive_approve', 'true_positive_reject'];

const rate = (m: ScreeningMatch) => (m.score > 1 ? m.score / 100 : m.score);

export function Aml() {
  const { t } = useTranslation();
  const { mode } = useSession();
  const [tab, setTab] = useState<string | null>('search');
  const [scanId, setScanId] = useState<string | null>(null);
  const scans = useQuery({ queryKey: ['aml-scans', mode], queryFn: () => api.get<Page<ScanInfo>>('/v1/aml/scans', { kind: 'manual', limit: 50 }), enabled: tab === 'saved' });
  return (
    <>
      <PageHeader title={t('aml.title')} description={t('aml.description')} />
      <Tabs value={tab} onChange={setTab}>
        <Tabs.List mb="md">
          <Tabs.Tab value="search">{t('aml.newScan')}</Tabs.Tab>
          <Tabs.Tab value="saved">{t('aml.savedScans')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="search">
          <Grid gap="lg">
            <Grid.Col span={{ base: 12, lg: 4 }}>
              <SearchForm onResult={setScanId} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 8 }}>{scanId ? <ScanResults scanId={scanId} /> : <Paper><EmptyState icon={<IconShieldCheck size={28} />} title={t('aml.noScanYet')} description={t('aml.noScanYetText')} /></Paper>}</Grid.Col>
          </Grid>
        </Tabs.Panel>
        <Tabs.Panel value="saved">
          <Paper>
            {scans.error ? (
              isMissingRoute(scans.error) ? <NotAvailable error={scans.error} what={t('aml.missing')} /> : <ErrorAlert error={scans.error} />
            ) : scans.isLoading ? (
              <TableSkeleton cols={5} />
            ) : !scans.data?.data.length ? (
              <EmptyState title={t('aml.noSaved')} />
            ) : (
              <Table className="sticky-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('aml.query')}</Table.Th>
                    <Table.Th>{t('aml.matches')}</Table.Th>
                    <Table.Th>{t('aml.monitoring')}</Table.Th>
                    <Table.Th>{t('common.created')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {scans.data.data.map((s) => (
                    <Table.Tr key={s.id} className="clickable-row" onClick={() => { setScanId(s.id); setTab('search'); }}>
                      <Table.Td>{s.label ?? s.id}</Table.Td>
                      <Table.Td>{s.hits} / {s.matches}</Table.Td>
                      <Table.Td>{s.monitoring ? <Badge color="teal" variant="light">{t('account.enabled')}</Badge> : <Badge color="gray" variant="light">{t('account.disabled')}</Badge>}</Table.Td>
                      <Table.Td>{fmtDateTime(s.createdAt)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Paper>
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function SearchForm({ onResult }: { onResult: (scanId: string) => void }) {
  const { t } = useTranslation();
  const [entity, setEntity] = useState<'individual' | 'organisation'>('individual');
  const [by, setBy] = useState<'name' | 'document' | 'identity'>('name');
  const [name, setName] = useState('');
  const [documentNumber, setDocumentNumber] = useState('');
  const [yearMode, setYearMode] = useState<'none' | 'year' | 'range'>('none');
  const [year, setYear] = useState<number | string>('');
  const [range, setRange] = useState<[number, number]>([1960, 1990]);
  const [matchRate, setMatchRate] = useState(80);
  const [countries, setCountries] = useState<string[]>([]);
  const [deep, setDeep] = useState(false);
  const m = useMutation({
    mutationFn: () =>
      api.post<{ scan: ScanInfo }>('/v1/aml/scans', {
        schema: entity === 'individual' ? 'person' : 'organization',
        name: by !== 'document' ? name : undefined,
        documentNumber: by !== 'name' ? documentNumber : undefined,
        birthDate: entity === 'individual' && yearMode === 'year' && year ? String(year) : undefined,
        birthYearFrom: entity === 'individual' && yearMode === 'range' ? range[0] : undefined,
        birthYearTo: entity === 'individual' && yearMode === 'range' ? range[1] : undefined,
        threshold: matchRate,
        countries: countries.length ? countries : undefined,
        deep,
      }),
    onSuccess: (r) => onResult(r.scan.id),
  });
  return (
    <Paper p="lg">
      <form onSubmit={(e) => { e.preventDefault(); m.mutate(); }}>
        <Stack>
          {m.error && (isMissingRoute(m.error) ? <Alert color="gray" title={t('common.notAvailable')}>{t('aml.missing')}</Alert> : <ErrorAlert error={m.error} />)}
          <SegmentedControl value={entity} onChange={(v) => setEntity(v as typeof entity)} data={[{ value: 'individual', label: t('aml.individual') }, { value: 'organisation', label: t('aml.organisation') }]} />
          <Select label={t('aml.searchBy')} data={[{ value: 'name', label: t('aml.byName') }, { value: 'document', label: t('aml.byDocument') }, { value: 'identity', label: t('aml.byIdentity') }]} value={by} onChange={(v) => v && setBy(v as typeof by)} allowDeselect={false} />
          {by !== 'document' && <TextInput label={entity === 'individual' ? t('aml.fullName') : t('aml.orgName')} value={name} onChange={(e) => setName(e.currentTarget.value)} required data-testid="aml-name" />}
          {by !== 'name' && <TextInput label={t('aml.documentNumber')} value={documentNumber} onChange={(e) => setDocumentNumber(e.currentTarget.value)} required />}
          {entity === 'individual' && (
            <div>
              <Text size="sm" fw={500} mb={4}>
                {t('aml.birthYear')}
              </Text>
              <SegmentedControl size="xs" value={yearMode} onChange={(v) => setYearMode(v as typeof yearMode)} data={[{ value: 'none', label: t('common.any') }, { value: 'year', label: t('aml.year') }, { value: 'range', label: t('aml.range') }]} mb="xs" />
              {yearMode === 'year' && <NumberInput value={year} onChange={setYear} min={1900} max={new Date().getFullYear()} allowDecimal={false} aria-label={t('aml.birthYear')} />}
              {yearMode === 'range' && (
                <>
                  <RangeSlider min={1900} max={new Date().getFullYear()} value={range} onChange={setRange} minRange={0} aria-label={t('aml.birthYear')} />
                  <Text size="xs" c="dimmed" mt={4}>
                    {range[0]} – {range[1]}
                  </Text>
                </>
              )}
            </div>
          )}
          <div>
            <Text size="sm" fw={500} mb={6}>
              {t('aml.matchRate')}: {matchRate}%
            </Text>
            <Slider min={50} max={100} value={matchRate} onChange={setMatchRate} label={(v) => `${v}%`} aria-label={t('aml.matchRate')} />
          </div>
          <MultiSelect label={t('common.country')} data={countryOptions()} value={countries} onChange={setCountries} searchable clearable />
          <Switch label={t('aml.deepSearch')} description={t('aml.deepSearchHelp')} checked={deep} onChange={(e) => setDeep(e.currentTarget.checked)} />
          <Button type="submit" leftSection={<IconSearch size={16} />} loading={m.isPending} data-testid="aml-search">
            {t('aml.search')}
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}

function ScanResults({ scanId }: { scanId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [detail, setDetail] = useState<MatchRow | null>(null);
  const q = useQuery({ queryKey: ['aml-scan', scanId], queryFn: () => api.get<ScanDetail>(`/v1/aml/scans/${scanId}`) });
  const refresh = () => qc.invalidateQueries({ queryKey: ['aml-scan', scanId] });
  const setStatus = useMutation({ mutationFn: ({ id, status }: { id: string; status: string }) => api.patch(`/v1/aml/matches/${id}`, { status }), onSuccess: refresh, onError: (e) => notifyError(e) });
  const monitor = useMutation({ mutationFn: (enabled: boolean) => api.patch(`/v1/aml/scans/${scanId}`, { monitoring: { enabled } }), onSuccess: refresh, onError: (e) => notifyError(e) });
  if (q.error) return <ErrorAlert error={q.error} />;
  if (!q.data) return <Paper><TableSkeleton cols={4} /></Paper>;
  const { scan, matches } = q.data;
  return (
    <Paper>
      <Group justify="space-between" p="md">
        <div>
          <Title order={5}>{t('aml.results', { count: matches.length })}</Title>
          <Text size="xs" c="dimmed">
            {scan.label ?? ''} · {fmtDateTime(scan.createdAt)}
          </Text>
        </div>
        <Switch label={t('aml.monitoring')} checked={scan.monitoring} onChange={(e) => monitor.mutate(e.currentTarget.checked)} />
      </Group>
      {matches.length === 0 ? (
        <EmptyState icon={<IconShieldCheck size={28} />} title={t('aml.noHits')} />
      ) : (
        <Table className="sticky-table" data-testid="aml-results">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('common.name')}</Table.Th>
              <Table.Th>{t('aml.matchRate')}</Table.Th>
              <Table.Th>{t('aml.lists')}</Table.Th>
              <Table.Th>{t('common.country')}</Table.Th>
              <Table.Th>{t('common.status')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {matches.map((r) => (
              <Table.Tr key={r.id} className="clickable-row" onClick={() => setDetail(r)} tabIndex={0} onKeyDown={(e) => e.key === 'Enter' && setDetail(r)}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {r.match.entity.caption}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {r.match.entity.schema} · {r.match.matchedName}
                  </Text>
                </Table.Td>
                <Table.Td w={150}>
                  <Progress.Root size="lg">
                    <Progress.Section value={rate(r.match) * 100} color={r.match.hit ? 'red' : 'orange'}>
                      <Progress.Label>{fmtPercent(rate(r.match))}</Progress.Label>
                    </Progress.Section>
                  </Progress.Root>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {[r.match.entity.source, ...(r.match.entity.topics ?? [])].slice(0, 4).map((x) => (
                      <Badge key={x} size="xs" variant="outline" tt="none">
                        {x}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>{(r.match.entity.countries ?? []).map((c) => (c.length === 2 ? countryName(c) : c)).join(', ') || '—'}</Table.Td>
                <Table.Td onClick={(e) => e.stopPropagation()} w={200}>
                  <Select size="xs" data={MATCH_STATUSES.map((v) => ({ value: v, label: t(`amlStatus.${v}`) }))} value={r.status} onChange={(v) => v && setStatus.mutate({ id: r.id, status: v })} allowDeselect={false} aria-label={t('common.status')} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Drawer opened={!!detail} onClose={() => setDetail(null)} position="right" size="lg" title={detail?.match.entity.caption}>
        {detail && <MatchDetail row={detail} onChanged={refresh} />}
      </Drawer>
    </Paper>
  );
}

type HistoryItem = { at?: string; createdAt?: string; status?: string | null; comment?: string | null; actorLabel?: string | null; [k: string]: unknown };

function MatchDetail({ row, onChanged }: { row: MatchRow; onChanged: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const history = useQuery({ queryKey: ['aml-match-history', row.id], queryFn: () => api.get<{ data: HistoryItem[] }>(`/v1/aml/matches/${row.id}/history`) });
  const add = useMutation({
    mutationFn: () => api.patch(`/v1/aml/matches/${row.id}`, { comment: text }),
    onSuccess: async () => {
      setText('');
      onChanged();
      await qc.invalidateQueries({ queryKey: ['aml-match-history', row.id] });
    },
    onError: (e) => notifyError(e),
  });
  const e = row.match.entity;
  return (
    <Stack>
      <Group gap="xs">
        <Badge variant="light" color={row.match.hit ? 'red' : 'orange'}>{fmtPercent(rate(row.match))}</Badge>
        <Badge variant="outline" tt="none">{t(`amlStatus.${row.status}`, { defaultValue: row.status })}</Badge>
        <Badge variant="outline" color="gray" tt="none">{e.source}</Badge>
      </Group>
      <Table withRowBorders={false} verticalSpacing={4}>
        <Table.Tbody>
          <Table.Tr><Table.Td c="dimmed" w={160}>{t('aml.matchedName')}</Table.Td><Table.Td>{row.match.matchedName}</Table.Td></Table.Tr>
          {e.birthDates?.length ? <Table.Tr><Table.Td c="dimmed">{t('aml.birthYear')}</Table.Td><Table.Td>{e.birthDates.join(', ')}</Table.Td></Table.Tr> : null}
          {e.programs?.length ? <Table.Tr><Table.Td c="dimmed">{t('aml.programs')}</Table.Td><Table.Td>{e.programs.join(', ')}</Table.Td></Table.Tr> : null}
          {e.listedOn ? <Table.Tr><Table.Td c="dimmed">{t('aml.listedOn')}</Table.Td><Table.Td>{e.listedOn}</Table.Td></Table.Tr> : null}
        </Table.Tbody>
      </Table>
      <Title order={6}>{t('aml.why')}</Title>
      {row.match.features.map((f, i) => (
        <Group key={i} justify="space-between" wrap="nowrap">
          <Text size="sm">{f.feature}: {f.detail}</Text>
          <Badge size="sm" variant="light" color={f.effect >= 0 ? 'teal' : 'red'}>{f.effect > 0 ? '+' : ''}{f.effect}</Badge>
        </Group>
      ))}
      <Title order={6}>{t('profile.comments')}</Title>
      {history.error ? <ErrorAlert error={history.error} /> : null}
      {history.data?.data.filter((h) => h.comment || h.status).map((h, i) => (
        <Paper key={i} p="xs" bg="gray.0" withBorder={false}>
          <Text size="xs" c="dimmed">
            {h.actorLabel ?? ''} {fmtDateTime((h.at ?? h.createdAt) as string)} {h.status ? `· ${t(`amlStatus.${h.status}`, { defaultValue: h.status })}` : ''}
          </Text>
          {h.comment && <Text size="sm">{h.comment}</Text>}
        </Paper>
      ))}
      <Textarea value={text} onChange={(ev) => setText(ev.currentTarget.value)} placeholder={t('profile.writeComment')} autosize minRows={2} aria-label={t('profile.writeComment')} />
      <Button size="xs" onClick={() => add.mutate()} disabled={!text.trim()} loading={add.isPending} w="fit-content">
        {t('profile.addComment')}
      </Button>
      <Code block>{JSON.stringify(e, null, 2)}</Code>
    </Stack>
  );
}
