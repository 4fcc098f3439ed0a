import { lazy, Suspense, useMemo, useState, type ReactNode } from 'react';
import { Badge, Grid, Skeleton, Group, Paper, Progress, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import '@mantine/dates/styles.css';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import i18n from '../../i18n/index.ts';
import { api } from '../../api/client.ts';
import { useSession } from '../../auth/session.tsx';
import { BlockSkeleton, ErrorAlert, PageHeader, statusColor } from '../../components/ui.tsx';
import { countryName, fmtDuration, fmtPercent } from '../../lib/format.ts';
const charts = () => import('./Charts.tsx');
const AreaChart = lazy(async () => ({ default: (await charts()).AreaChart }));
const BarChart = lazy(async () => ({ default: (await charts()).BarChart }));
const DonutChart = lazy(async () => ({ default: (await charts()).DonutChart }));
const WorldMap = lazy(async () => ({ default: (await import('./WorldMap.tsx')).WorldMap }));

function Deferred({ h, children }: { h: number; children: ReactNode }) {
  return <Suspense fallback={<Skeleton h={h} radius="md" />}>{children}</Suspense>;
}

/** GET /v1/stats/dashboard (apps/server/src/modules/stats/stats-router.ts): applicants created in [from, to). */
export type DashboardStats = {
  totals: { applicants: number; inReview: number; completed: number; approved: number; rejected: number };
  daily: { date: string; applicants: number; approved: number; rejected: number }[];
  statusBreakdown: { status: string; count: number }[];
  warnings: { resolved: number; unresolved: number };
  countries: { country: string; count: number }[];
  verifications: { successful: number; failed: number };
  failingSteps: { stepType: string; count: number }[];
  serviceSuccess: { service: string; passed: number; failed: number; notRun: number }[];
  medianProcessingSeconds: number | null;
  funnel: { step: string; reached: number }[];
};

type Range = 'today' | '7d' | '28d' | 'custom';

/** The server lists only days that had applicants (UTC days); the chart shows every day of the range. */
export function fillDays(daily: DashboardStats['daily'], from: string, to: string): DashboardStats['daily'] {
  const byDate = new Map(daily.map((d) => [d.date, d]));
  const out: DashboardStats['daily'] = [];
  const day = new Date(from.slice(0, 10) + 'T00:00:00Z');
  const last = to.slice(0, 10);
  for (let i = 0; i < 400; i++) {
    const key = day.toISOString().slice(0, 10);
    if (key > last) break;
    out.push(byDate.get(key) ?? { date: key, applicants: 0, approved: 0, rejected: 0 });
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return out;
}

const dayLabel = (date: string) => new Intl.DateTimeFormat(i18n.language, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(date + 'T00:00:00Z'));

export function rangeDates(r: Range, custom: [string | null, string | null], now = new Date()): { from: string; to: string } | null {
  const end = new Date(now);
  const start = new Date(now);
  start.setHours(0, 0, 0, 0);
  if (r === 'today') return { from: start.toISOString(), to: end.toISOString() };
  if (r === '7d' || r === '28d') {
    start.setDate(start.getDate() - (r === '7d' ? 6 : 27));
    return { from: start.toISOString(), to: end.toISOString() };
  }
  if (!custom[0] || !custom[1]) return null;
  return { from: new Date(custom[0] + 'T00:00:00').toISOString(), to: new Date(custom[1] + 'T23:59:59.999').toISOString() };
}

export function Dashboard() {
  const { t } = useTranslation();
  const { mode } = useSession();
  const [range, setRange] = useState<Range>('7d');
  const [custom, setCustom] = useState<[string | null, string | null]>([null, null]);
  const dates = useMemo(() => rangeDates(range, custom), [range, custom]);
  const q = useQuery({ queryKey: ['stats', mode, dates], queryFn: () => api.get<DashboardStats>('/v1/stats/dashboard', dates!), enabled: !!dates });
  return (
    <>
      <PageHeader
        title={t('dashboard.title')}
        description={t('dashboard.description')}
        actions={
          <Group gap="sm">
            {range === 'custom' && <DatePickerInput type="range" value={custom} onChange={(v) => setCustom(v as [string | null, string | null])} w={240} placeholder={t('applicants.dates')} aria-label={t('applicants.dates')} valueFormat="DD MMM YYYY" />}
            <SegmentedControl value={range} onChange={(v) => setRange(v as Range)} data={(['today', '7d', '28d', 'custom'] as const).map((r) => ({ value: r, label: t(`dashboard.ranges.${r}`) }))} />
          </Group>
        }
      />
      {!dates ? (
        <Paper p="md">
          <Text size="sm" c="dimmed">
            {t('dashboard.pickRange')}
          </Text>
        </Paper>
      ) : q.error ? (
        <ErrorAlert error={q.error} onRetry={() => q.refetch()} />
      ) : !q.data ? (
        <SimpleGrid cols={{ base: 2, md: 5 }}>
          {Array.from({ length: 5 }, (_, i) => (
            <Paper key={i} p="md">
              <BlockSkeleton lines={2} />
            </Paper>
          ))}
        </SimpleGrid>
      ) : (
        <Stats s={q.data} from={dates.from} to={dates.to} />
      )}
    </>
  );
}

function Kpi({ label, value, color, testId }: { label: string; value: string | number; color?: string; testId?: string }) {
  return (
    <Paper p="md" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} style={{ letterSpacing: '.04em' }}>
        {label}
      </Text>
      <Text fz={28} fw={700} c={color} mt={4}>
        {value}
      </Text>
    </Paper>
  );
}

function Card({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Paper p="md" h="100%">
      <Title order={5} mb="md">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

function NoData({ text }: { text: string }) {
  return (
    <Text size="sm" c="dimmed" py="xl" ta="center">
      {text}
    </Text>
  );
}

const funnelLabel = (t: TFunction, step: string) => t(`dashboard.funnelSteps.${step}`, { defaultValue: t(`stepTypes.${step}`, { defaultValue: step }) });

function Stats({ s, from, to }: { s: DashboardStats; from: string; to: string }) {
  const { t } = useTranslation();
  const verTotal = s.verifications.successful + s.verifications.failed;
  const daily = useMemo(() => fillDays(s.daily, from, to).map((d) => ({ ...d, day: dayLabel(d.date) })), [s.daily, from, to]);
  const none = s.totals.applicants === 0;
  return (
    <Stack gap="md" data-testid="dashboard-stats">
      {none && (
        <Paper p="sm" bg="blue.0">
          <Text size="sm">{t('dashboard.noneInRange')}</Text>
        </Paper>
      )}
      <SimpleGrid cols={{ base: 2, md: 5 }}>
        <Kpi label={t('dashboard.applicants')} value={s.totals.applicants} testId="kpi-applicants" />
        <Kpi label={t('dashboard.inReview')} value={s.totals.inReview} color="orange.7" />
        <Kpi label={t('dashboard.completed')} value={s.totals.completed} color="cyan.7" />
        <Kpi label={t('dashboard.approved')} value={s.totals.approved} color="teal.7" />
        <Kpi label={t('dashboard.rejected')} value={s.totals.rejected} color="red.7" />
      </SimpleGrid>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Card title={t('dashboard.daily')}>
            <Deferred h={260}>
              <AreaChart h={260} data={daily} dataKey="day" series={[{ name: 'applicants', label: t('dashboard.applicants'), color: 'blue.6' }, { name: 'approved', label: t('dashboard.approved'), color: 'teal.6' }, { name: 'rejected', label: t('dashboard.rejected'), color: 'red.6' }]} curveType="monotone" withLegend />
            </Deferred>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Card title={t('dashboard.statusBreakdown')}>
            {s.statusBreakdown.length === 0 && <NoData text={t('dashboard.noData')} />}
            <Group justify="center" display={s.statusBreakdown.length ? undefined : 'none'}>
              <Deferred h={180}>
                <DonutChart data={s.statusBreakdown.map((b) => ({ name: t(`status.${b.status.toLowerCase()}`), value: b.count, color: `${statusColor(b.status)}.6` }))} withLabelsLine={false} size={180} thickness={26} />
              </Deferred>
            </Group>
            <Stack gap={4} mt="md">
              {s.statusBreakdown.map((b) => (
                <Group key={b.status} justify="space-between">
                  <Badge color={statusColor(b.status)} variant="light" tt="none">
                    {t(`status.${b.status.toLowerCase()}`)}
                  </Badge>
                  <Text size="sm">{b.count}</Text>
                </Group>
              ))}
            </Stack>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Card title={t('dashboard.map')}>
            <Grid>
              <Grid.Col span={{ base: 12, md: 8 }}>
                <Deferred h={260}>
                  <WorldMap data={s.countries} label={t('dashboard.map')} />
                </Deferred>
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 4 }}>
                <Text size="sm" fw={600} mb="xs">
                  {t('dashboard.topCountries')}
                </Text>
                {s.countries.length === 0 && <Text size="sm" c="dimmed">{t('dashboard.noCountries')}</Text>}
                <Table verticalSpacing={4}>
                  <Table.Tbody>
                    {s.countries.slice(0, 8).map((c) => (
                      <Table.Tr key={c.country}>
                        <Table.Td>{countryName(c.country)}</Table.Td>
                        <Table.Td ta="right">{c.count}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Grid.Col>
            </Grid>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack gap="md" h="100%">
            <Card title={t('dashboard.verifications')}>
              <Group justify="space-between" mb={6}>
                <Text size="sm">{t('dashboard.successful')}: {s.verifications.successful}</Text>
                <Text size="sm">{t('dashboard.failed')}: {s.verifications.failed}</Text>
              </Group>
              <Progress.Root size="xl">
                <Progress.Section value={verTotal ? (s.verifications.successful / verTotal) * 100 : 0} color="teal" />
                <Progress.Section value={verTotal ? (s.verifications.failed / verTotal) * 100 : 0} color="red" />
              </Progress.Root>
              <Text size="sm" c="dimmed" mt="md">
                {t('dashboard.median')}: <b>{fmtDuration(s.medianProcessingSeconds)}</b>
              </Text>
            </Card>
            <Card title={t('dashboard.warnings')}>
              <Group grow>
                <div>
                  <Text fz={24} fw={700} c="orange.7">{s.warnings.unresolved}</Text>
                  <Text size="xs" c="dimmed">{t('status.unresolved')}</Text>
                </div>
                <div>
                  <Text fz={24} fw={700} c="teal.7">{s.warnings.resolved}</Text>
                  <Text size="xs" c="dimmed">{t('status.resolved')}</Text>
                </div>
              </Group>
            </Card>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Card title={t('dashboard.serviceSuccess')}>
            <Stack gap="sm">
              {s.serviceSuccess.map((x) => {
                const total = x.passed + x.failed;
                return (
                  <div key={x.service}>
                    <Group justify="space-between" mb={2} wrap="nowrap">
                      <Text size="sm">{t(`dashboard.services.${x.service}`, { defaultValue: x.service })}</Text>
                      <Text size="sm" fw={600} c={total ? undefined : 'dimmed'} style={{ whiteSpace: 'nowrap' }}>
                        {total ? `${fmtPercent(x.passed / total)} · ${x.passed}/${total}` : t('dashboard.noResults')}
                      </Text>
                    </Group>
                    <Progress value={total ? (x.passed / total) * 100 : 0} color="teal" aria-label={t(`dashboard.services.${x.service}`, { defaultValue: x.service })} />
                    {x.notRun > 0 && (
                      <Text size="xs" c="dimmed" mt={2}>
                        {t('dashboard.notRunCount', { count: x.notRun })}
                      </Text>
                    )}
                  </div>
                );
              })}
            </Stack>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Card title={t('dashboard.failingSteps')}>
            {s.failingSteps.length === 0 ? (
              <NoData text={t('dashboard.noFailures')} />
            ) : (
              <Deferred h={240}>
                <BarChart h={240} data={s.failingSteps.map((f) => ({ step: t(`stepTypes.${f.stepType}`, { defaultValue: f.stepType }), count: f.count }))} dataKey="step" series={[{ name: 'count', label: t('dashboard.failed'), color: 'red.6' }]} orientation="vertical" yAxisProps={{ width: 110 }} />
              </Deferred>
            )}
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Card title={t('dashboard.funnel')}>
            {none ? (
              <NoData text={t('dashboard.noData')} />
            ) : (
              <Stack gap={6}>
                {s.funnel.map((f, i) => {
                  const top = s.funnel[0].reached || 1;
                  const prev = i ? s.funnel[i - 1].reached : f.reached;
                  return (
                    <div key={f.step}>
                      <Group justify="space-between" mb={2} wrap="nowrap">
                        <Text size="sm">{funnelLabel(t, f.step)}</Text>
                        <Text size="sm" fw={600}>
                          {f.reached}
                          {i > 0 && prev > f.reached && (
                            <Text span size="xs" c="red.7" fw={500} ml={6}>
                              −{fmtPercent((prev - f.reached) / prev)}
                            </Text>
                          )}
                        </Text>
                      </Group>
                      <Progress value={(f.reached / top) * 100} color="blue" aria-label={funnelLabel(t, f.step)} />
                    </div>
                  );
                })}
              </Stack>
            )}
          </Card>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
