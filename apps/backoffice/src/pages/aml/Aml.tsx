import { useState } from 'react';
import { Alert, Badge, Button, Code, Drawer, Grid, Group, MultiSelect, NumberInput, Paper, Progress, RangeSlider, SegmentedControl, Select, Slider, Stack, Switch, Table, Tabs, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconSearch, IconShieldCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api, type Page } from '../../api/client.ts';
import { useSession } from '../../auth/session.tsx';
import { EmptyState, ErrorAlert, NotAvailable, PageHeader, StatusBadge, TableSkeleton, isMissingRoute, notifyError } from '../../components/ui.tsx';
import { countryName, countryOptions, fmtDateTime, fmtPercent } from '../../lib/format.ts';

type Match = { id: string; name?: string; caption?: string; score?: number; status?: string; schema?: string; datasets?: string[]; topics?: string[]; countries?: string[]; birthDates?: string[]; aliases?: string[]; properties?: Record<string, unknown>; comments?: { id: string; text: string; authorName?: string | null; createdAt: string }[] };
type Scan = { id: string; query: Record<string, unknown>; status?: string; matchCount?: number; monitoring?: boolean; createdAt: string; matches?: Match[] };

const rate = (m: Match) => (typeof m.score === 'number' ? (m.score > 1 ? m.score / 100 : m.score) : null);

export function Aml() {
  const { t } = useTranslation();
  const { mode } = useSession();
  const [tab, setTab] = useState<string | null>('search');
  const [scan, setScan] = useState<Scan | null>(null);
  const scans = useQuery({ queryKey: ['aml-scans', mode], queryFn: () => api.get<Page<Scan>>('/v1/aml/scans', { limit: 50 }), enabled: tab === 'saved' });
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
              <SearchForm onResult={setScan} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 8 }}>{scan ? <ScanResults scan={scan} /> : <Paper><EmptyState icon={<IconShieldCheck size={28} />} title={t('aml.noScanYet')} description={t('aml.noScanYetText')} /></Paper>}</Grid.Col>
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
                    <Table.Tr key={s.id} className="clickable-row" onClick={() => { setScan(s); setTab('search'); }}>
                      <Table.Td>{String(s.query.name ?? s.query.documentNumber ?? s.id)}</Table.Td>
                      <Table.Td>{s.matchCount ?? s.matches?.length ?? '—'}</Table.Td>
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

function SearchForm({ onResult }: { onResult: (s: Scan) => void }) {
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
      api.post<Scan>('/v1/aml/search', {
        entityType: entity,
        searchBy: by,
        name: by !== 'document' ? name : undefined,
        documentNumber: by !== 'name' ? documentNumber : undefined,
        birthYear: yearMode === 'year' && year ? Number(year) : undefined,
        birthYearRange: yearMode === 'range' ? { from: range[0], to: range[1] } : undefined,
        matchRate,
        countries: countries.length ? countries : undefined,
        deepSearch: deep,
      }),
    onSuccess: onResult,
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

function ScanResults({ scan }: { scan: Scan }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [detail, setDetail] = useState<Match | null>(null);
  const [monitoring, setMonitoring] = useState(!!scan.monitoring);
  const matches = scan.matches ?? [];
  const setStatus = useMutation({
    mutationFn: ({ m, status }: { m: Match; status: string }) => api.patch(`/v1/aml/scans/${scan.id}/matches/${m.id}`, { status }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['aml-scans'] }),
    onError: (e) => notifyError(e),
  });
  const monitor = useMutation({
    mutationFn: (on: boolean) => api.patch(`/v1/aml/scans/${scan.id}`, { monitoring: on }),
    onSuccess: (_d, on) => setMonitoring(on),
    onError: (e) => notifyError(e),
  });
  return (
    <Paper>
      <Group justify="space-between" p="md">
        <div>
          <Title order={5}>{t('aml.results', { count: matches.length })}</Title>
          <Text size="xs" c="dimmed">
            {fmtDateTime(scan.createdAt)}
          </Text>
        </div>
        <Switch label={t('aml.monitoring')} checked={monitoring} onChange={(e) => monitor.mutate(e.currentTarget.checked)} />
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
            {matches.map((m) => (
              <Table.Tr key={m.id} className="clickable-row" onClick={() => setDetail(m)}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {m.caption ?? m.name}
                  </Text>
                  {m.schema && <Text size="xs" c="dimmed">{m.schema}</Text>}
                </Table.Td>
                <Table.Td w={150}>
                  {rate(m) !== null && (
                    <Progress.Root size="lg">
                      <Progress.Section value={rate(m)! * 100} color={rate(m)! >= 0.9 ? 'red' : 'orange'}>
                        <Progress.Label>{fmtPercent(rate(m))}</Progress.Label>
                      </Progress.Section>
                    </Progress.Root>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {[...(m.topics ?? []), ...(m.datasets ?? [])].slice(0, 4).map((x) => (
                      <Badge key={x} size="xs" variant="outline" tt="none">
                        {x}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>{(m.countries ?? []).map(countryName).join(', ') || '—'}</Table.Td>
                <Table.Td onClick={(e) => e.stopPropagation()} w={180}>
                  <Select size="xs" data={['potential_match', 'true_positive', 'false_positive'].map((v) => ({ value: v, label: t(`status.${v}`) }))} defaultValue={m.status ?? 'potential_match'} onChange={(v) => v && setStatus.mutate({ m, status: v })} allowDeselect={false} aria-label={t('common.status')} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Drawer opened={!!detail} onClose={() => setDetail(null)} position="right" size="lg" title={detail?.caption ?? detail?.name}>
        {detail && <MatchDetail scanId={scan.id} match={detail} />}
      </Drawer>
    </Paper>
  );
}

function MatchDetail({ scanId, match }: { scanId: string; match: Match }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [comments, setComments] = useState(match.comments ?? []);
  const add = useMutation({
    mutationFn: () => api.post<{ id: string; text: string; createdAt: string }>(`/v1/aml/scans/${scanId}/matches/${match.id}/comments`, { text }),
    onSuccess: (c) => {
      setComments([...comments, c]);
      setText('');
    },
    onError: (e) => notifyError(e),
  });
  return (
    <Stack>
      <Group gap="xs">
        <StatusBadge status={match.status ?? 'potential_match'} />
        {rate(match) !== null && <Badge variant="light">{fmtPercent(rate(match))}</Badge>}
      </Group>
      {match.aliases?.length ? (
        <div>
          <Text size="sm" fw={600}>
            {t('aml.aliases')}
          </Text>
          <Text size="sm">{match.aliases.join(' · ')}</Text>
        </div>
      ) : null}
      {match.birthDates?.length ? <Text size="sm">{t('aml.birthYear')}: {match.birthDates.join(', ')}</Text> : null}
      <Code block>{JSON.stringify(match.properties ?? match, null, 2)}</Code>
      <Title order={6}>{t('profile.comments')}</Title>
      {comments.map((c) => (
        <Paper key={c.id} p="xs" bg="gray.0" withBorder={false}>
          <Text size="xs" c="dimmed">
            {c.authorName ?? ''} {fmtDateTime(c.createdAt)}
          </Text>
          <Text size="sm">{c.text}</Text>
        </Paper>
      ))}
      <Textarea value={text} onChange={(e) => setText(e.currentTarget.value)} placeholder={t('profile.writeComment')} autosize minRows={2} aria-label={t('profile.writeComment')} />
      <Button size="xs" onClick={() => add.mutate()} disabled={!text.trim()} loading={add.isPending} w="fit-content">
        {t('profile.addComment')}
      </Button>
    </Stack>
  );
}
