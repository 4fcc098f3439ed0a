import { useState } from 'react';
import { Badge, Button, Grid, MultiSelect, NumberInput, Paper, RangeSlider, SegmentedControl, Select, Slider, Stack, Switch, Table, Tabs, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { IconSearch, IconShieldCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api, type Page } from '../../api/client.ts';
import { useSession } from '../../auth/session.tsx';
import { EmptyState, ErrorAlert, PageHeader, TableSkeleton } from '../../components/ui.tsx';
import { countryOptions, fmtDateTime } from '../../lib/format.ts';
import { ScanMatches, type ScanInfo } from './ScanMatches.tsx';

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
              <ErrorAlert error={scans.error} />
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
          {m.error && <ErrorAlert error={m.error} />}
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
  return (
    <Paper>
      <ScanMatches scanId={scanId} />
    </Paper>
  );
}
