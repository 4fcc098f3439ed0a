import { useMemo, useState } from 'react';
import { Badge, Grid, Group, Paper, Progress, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { AreaChart, BarChart, DonutChart, FunnelChart } from '@mantine/charts';
import '@mantine/charts/styles.css';
import { DatePickerInput } from '@mantine/dates';
import '@mantine/dates/styles.css';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { useSession } from '../../auth/session.tsx';
import { BlockSkeleton, ErrorAlert, NotAvailable, PageHeader, isMissingRoute, statusColor } from '../../components/ui.tsx';
import { countryName, fmtDuration, fmtPercent } from '../../lib/format.ts';
import { WorldMap } from './WorldMap.tsx';

/** The shape the back office expects from GET /v1/stats/dashboard (see the report for the proposal). */
export type DashboardStats = {
  totals: { applicants: number; inReview: number; completed: number; approved: number; rejected: number };
  daily: { date: string; applicants: number; approved: number; rejected: number }[];
  statusBreakdown: { status: string; count: number }[];
  warnings: { resolved: number; unresolved: number };
  countries: { country: string; count: number }[];
  verifications: { successful: number; failed: number };
  failingSteps: { stepType: string; count: number }[];
  serviceSuccess: { service: string; passed: number; failed: number; notRun?: number }[];
  medianProcessingSeconds: number | null;
  funnel: { step: string; reached: number }[];
};

type Range = 'today' | '7d' | '28d' | 'custom';

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
      {q.error ? (
        isMissingRoute(q.error) ? <Paper><NotAvailable error={q.error} what={t('dashboard.missing')} /></Paper> : <ErrorAlert error={q.error} onRetry={() => q.refetch()} />
      ) : !q.data ? (
        <SimpleGrid cols={{ base: 2, md: 5 }}>
          {Array.from({ length: 5 }, (_, i) => (
            <Paper key={i} p="md">
              <BlockSkeleton lines={2} />
            </Paper>
          ))}
        </SimpleGrid>
      ) : (
        <Stats s={q.data} />
      )}
    </>
  );
}

function Kpi({ label, value, color }: { label: string; value: string | number; color?: string }) {
  return (
    <Paper p="md">
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

function Stats({ s }: { s: DashboardStats }) {
  const { t } = useTranslation();
  const verTotal = s.verifications.successful + s.verifications.failed;
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 2, md: 5 }}>
        <Kpi label={t('dashboard.applicants')} value={s.totals.applicants} />
        <Kpi label={t('dashboard.inReview')} value={s.totals.inReview} color="orange.7" />
        <Kpi label={t('dashboard.completed')} value={s.totals.completed} color="cyan.7" />
        <Kpi label={t('dashboard.approved')} value={s.totals.approved} color="teal.7" />
        <Kpi label={t('dashboard.rejected')} value={s.totals.rejected} color="red.7" />
      </SimpleGrid>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Card title={t('dashboard.daily')}>
            <AreaChart h={260} data={s.daily} dataKey="date" series={[{ name: 'applicants', label: t('dashboard.applicants'), color: 'blue.6' }, { name: 'approved', label: t('dashboard.approved'), color: 'teal.6' }, { name: 'rejected', label: t('dashboard.rejected'), color: 'red.6' }]} curveType="monotone" withLegend />
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Card title={t('dashboard.statusBreakdown')}>
            <Group justify="center">
              <DonutChart data={s.statusBreakdown.map((b) => ({ name: t(`status.${b.status.toLowerCase()}`), value: b.count, color: `${statusColor(b.status)}.6` }))} withLabelsLine={false} size={180} thickness={26} />
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
                <WorldMap data={s.countries} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 4 }}>
                <Text size="sm" fw={600} mb="xs">
                  {t('dashboard.topCountries')}
                </Text>
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
                    <Group justify="space-between" mb={2}>
                      <Text size="sm">{t(`stepTypes.${x.service}`, { defaultValue: x.service })}</Text>
                      <Text size="sm" fw={600}>
                        {total ? fmtPercent(x.passed / total) : t('common.notRun')}
                      </Text>
                    </Group>
                    <Progress value={total ? (x.passed / total) * 100 : 0} color="teal" />
                  </div>
                );
              })}
            </Stack>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Card title={t('dashboard.failingSteps')}>
            <BarChart h={240} data={s.failingSteps.map((f) => ({ step: t(`stepTypes.${f.stepType}`, { defaultValue: f.stepType }), count: f.count }))} dataKey="step" series={[{ name: 'count', label: t('dashboard.failed'), color: 'red.6' }]} orientation="vertical" yAxisProps={{ width: 110 }} />
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Card title={t('dashboard.funnel')}>
            <FunnelChart h={240} data={s.funnel.map((f, i) => ({ name: t(`stepTypes.${f.step}`, { defaultValue: f.step }), value: f.reached, color: `blue.${Math.max(2, 8 - i)}` }))} withTooltip />
          </Card>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
