import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ActionIcon, Alert, Anchor, Badge, Box, Breadcrumbs, Button, ColorInput, Grid, Group, List, Loader, Menu, NumberInput, Paper, Select, Slider, Stack, Tabs, Text, TextInput, Title, Tooltip, UnstyledButton, MultiSelect, SegmentedControl } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { DndContext, KeyboardSensor, PointerSensor, closestCenter, useSensor, useSensors, type DragEndEvent } from '@dnd-kit/core';
import { SortableContext, arrayMove, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { IconAlertTriangle, IconArrowDown, IconArrowUp, IconChevronDown, IconCopy, IconGripVertical, IconPlus, IconRocket, IconTrash, IconCloudUpload, IconListCheck } from '@tabler/icons-react';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { newStepId, type CatalogueEntry, type Definition, type Flow, type FlowSettings, type FlowStep } from '../../api/flows.ts';
import { useSession } from '../../auth/session.tsx';
import { BlockSkeleton, ErrorAlert, PageHeader, StatusBadge, notifyError, notifySuccess } from '../../components/ui.tsx';
import { SchemaForm } from '../../components/SchemaForm.tsx';
import { STEP_COLORS, STEP_ICONS } from '../../components/stepMeta.tsx';
import { countryOptions, fmtDateTime } from '../../lib/format.ts';
import { FlowPreview } from './FlowPreview.tsx';

type SaveState = 'saved' | 'dirty' | 'saving' | 'error';

export function WorkflowEditor() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['flows', 'one', id], queryFn: () => api.get<Flow>(`/v1/flows/${id}`), staleTime: Infinity });
  const cat = useQuery({ queryKey: ['flow-catalogue'], queryFn: () => api.get<{ data: CatalogueEntry[] }>('/v1/flow-steps/catalogue'), staleTime: Infinity });
  if (q.error || cat.error) return <ErrorAlert error={q.error ?? cat.error} />;
  if (!q.data || !cat.data)
    return (
      <Paper p="lg">
        <BlockSkeleton lines={8} />
      </Paper>
    );
  return <Editor key={q.data.id} flow={q.data} catalogue={cat.data.data} title={t('workflows.title')} />;
}

function Editor({ flow: initial, catalogue, title }: { flow: Flow; catalogue: CatalogueEntry[]; title: string }) {
  const { t } = useTranslation();
  const { mode, can } = useSession();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [flow, setFlow] = useState(initial);
  const [name, setName] = useState(initial.name);
  const [draft, setDraft] = useState<Definition>(initial.draft);
  const [selected, setSelected] = useState<string | null>(initial.draft.steps[0]?.id ?? null);
  const [save, setSave] = useState<SaveState>('saved');
  const [saveError, setSaveError] = useState<unknown>(null);
  const [tab, setTab] = useState<string | null>('steps');
  const version = useRef(0);
  const readOnly = flow.status === 'archived';

  const persist = useCallback(async () => {
    const v = version.current;
    setSave('saving');
    try {
      const updated = await api.patch<Flow>(`/v1/flows/${flow.id}`, { name, definition: draft });
      setFlow(updated);
      qc.setQueryData(['flows', 'one', flow.id], updated);
      setSaveError(null);
      // Edits made while this request was in flight stay dirty and are saved by the next round.
      setSave(version.current === v ? 'saved' : 'dirty');
      return updated;
    } catch (e) {
      setSave('error');
      setSaveError(e);
      throw e;
    }
  }, [flow.id, name, draft, qc]);

  // Autosave the draft a moment after the last change.
  useEffect(() => {
    if (save !== 'dirty') return;
    const h = setTimeout(() => void persist().catch(() => undefined), 1200);
    return () => clearTimeout(h);
  }, [save, persist]);

  const edit = (d: Definition) => {
    version.current++;
    setDraft(d);
    setSave('dirty');
  };
  const rename = (n: string) => {
    version.current++;
    setName(n);
    setSave('dirty');
  };

  const publish = useMutation({
    mutationFn: async () => {
      if (save !== 'saved') await persist();
      return api.post<Flow>(`/v1/flows/${flow.id}/publish`);
    },
    onSuccess: async (f) => {
      setFlow(f);
      qc.setQueryData(['flows', 'one', f.id], f);
      await qc.invalidateQueries({ queryKey: ['flows', mode] });
      notifySuccess(t('workflows.publishedVersion', { version: f.version }));
    },
    onError: (e) => notifyError(e),
  });
  const other = mode === 'live' ? 'test' : 'live';
  const duplicate = useMutation({
    mutationFn: async (toMode: 'live' | 'test') => {
      if (save !== 'saved') await persist();
      return api.post<Flow>(`/v1/flows/${flow.id}/duplicate`, { mode: toMode });
    },
    onSuccess: async (f, toMode) => {
      await qc.invalidateQueries({ queryKey: ['flows'] });
      if (toMode === mode) navigate(`/workflows/${f.id}`);
      else notifySuccess(t('workflows.duplicatedTo', { mode: t(`header.${toMode}`) }));
    },
    onError: (e) => notifyError(e),
  });

  const unpublished = useMemo(() => !flow.published || JSON.stringify(flow.published) !== JSON.stringify(flow.draft), [flow]);
  const step = draft.steps.find((s) => s.id === selected) ?? null;

  return (
    <>
      <Breadcrumbs mb="xs" fz="sm">
        <Anchor component={Link} to="/workflows">
          {title}
        </Anchor>
        <Text size="sm">{name}</Text>
      </Breadcrumbs>
      <PageHeader
        title={
          <Group gap="sm">
            <TextInput value={name} onChange={(e) => rename(e.currentTarget.value)} variant="unstyled" size="xl" fw={650} aria-label={t('common.name')} styles={{ input: { fontSize: 24, fontWeight: 650, height: 36, minWidth: 320 } }} readOnly={readOnly} />
          </Group>
        }
        description={
          <Group gap="xs" component="span">
            {flow.version ? <StatusBadge status="published" /> : <StatusBadge status="draft" />}
            {flow.version && (
              <Text span size="sm" c="dimmed">
                {t('workflows.versionAt', { version: flow.version, date: fmtDateTime(flow.publishedAt) })}
              </Text>
            )}
            {flow.version && unpublished && (
              <Badge color="orange" variant="light" size="sm">
                {t('workflows.unpublishedChanges')}
              </Badge>
            )}
            <SaveIndicator state={save} />
          </Group>
        }
        actions={
          <>
            <Menu position="bottom-end">
              <Menu.Target>
                <Button variant="default" rightSection={<IconChevronDown size={14} />} leftSection={<IconCopy size={16} />}>
                  {t('common.duplicate')}
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item onClick={() => duplicate.mutate(mode)}>{t('workflows.duplicateHere')}</Menu.Item>
                <Menu.Item disabled={other === 'live' && !can('live.access')} onClick={() => duplicate.mutate(other)} data-testid="duplicate-other-mode">
                  {t('workflows.duplicateTo', { mode: t(`header.${other}`) })}
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
            <Button leftSection={<IconRocket size={16} />} onClick={() => publish.mutate()} loading={publish.isPending} disabled={readOnly || flow.draftProblems.length > 0 || (!unpublished && save === 'saved')} data-testid="publish-flow">
              {t('common.publish')}
            </Button>
          </>
        }
      />
      {saveError != null && <ErrorAlert error={saveError} title={t('workflows.saveFailed')} />}
      {flow.draftProblems.length > 0 && (
        <Alert color="orange" icon={<IconAlertTriangle size={18} />} title={t('workflows.problems')} mb="md">
          <List size="sm">
            {flow.draftProblems.map((p) => (
              <List.Item key={p}>{p}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      <Tabs value={tab} onChange={setTab}>
        <Tabs.List mb="md">
          <Tabs.Tab value="steps">{t('workflows.steps')}</Tabs.Tab>
          <Tabs.Tab value="settings">{t('common.settings')}</Tabs.Tab>
          <Tabs.Tab value="style">{t('workflows.style')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="steps">
          <StepsEditor flowId={flow.id} draft={draft} catalogue={catalogue} selected={selected} onSelect={setSelected} onChange={edit} readOnly={readOnly} step={step} />
        </Tabs.Panel>
        <Tabs.Panel value="settings">
          <SettingsEditor settings={draft.settings} onChange={(s) => edit({ ...draft, settings: s })} />
        </Tabs.Panel>
        <Tabs.Panel value="style">
          <StyleEditor draft={draft} onChange={edit} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function SaveIndicator({ state }: { state: SaveState }) {
  const { t } = useTranslation();
  if (state === 'saving' || state === 'dirty')
    return (
      <Group gap={4} component="span" data-testid="save-state">
        <Loader size={12} />
        <Text span size="xs" c="dimmed">
          {t('workflows.saving')}
        </Text>
      </Group>
    );
  if (state === 'error')
    return (
      <Text span size="xs" c="red" data-testid="save-state">
        {t('workflows.notSaved')}
      </Text>
    );
  return (
    <Group gap={4} component="span" data-testid="save-state">
      <IconCloudUpload size={14} color="var(--mantine-color-teal-7)" />
      <Text span size="xs" c="dimmed">
        {t('workflows.draftSaved')}
      </Text>
    </Group>
  );
}

function StepsEditor({ flowId, draft, catalogue, selected, onSelect, onChange, readOnly, step }: { flowId: string; draft: Definition; catalogue: CatalogueEntry[]; selected: string | null; onSelect: (id: string | null) => void; onChange: (d: Definition) => void; readOnly: boolean; step: FlowStep | null }) {
  const { t } = useTranslation();
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }));
  const steps = draft.steps;
  const setSteps = (s: FlowStep[]) => onChange({ ...draft, steps: s });
  const add = (c: CatalogueEntry) => {
    const id = newStepId(c.type, new Set(steps.map((s) => s.id)));
    const s: FlowStep = { id, type: c.type, settings: structuredClone(c.defaults) };
    // New steps go before the closing "thank you" screen, where one exists.
    const end = steps.findIndex((x) => x.type === 'thank_you');
    const next = end >= 0 ? [...steps.slice(0, end), s, ...steps.slice(end)] : [...steps, s];
    setSteps(next);
    onSelect(id);
  };
  const onDragEnd = (e: DragEndEvent) => {
    if (!e.over || e.active.id === e.over.id) return;
    const from = steps.findIndex((s) => s.id === e.active.id);
    const to = steps.findIndex((s) => s.id === e.over!.id);
    setSteps(arrayMove(steps, from, to));
  };
  const move = (i: number, d: number) => {
    const j = i + d;
    if (j < 0 || j >= steps.length) return;
    setSteps(arrayMove(steps, i, j));
  };
  const cat = step ? catalogue.find((c) => c.type === step.type) : null;

  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, md: 3 }}>
        <Paper p="md">
          <Title order={6} mb="sm" tt="uppercase" c="dimmed" fz={12}>
            {t('workflows.palette')}
          </Title>
          <Stack gap={6}>
            {catalogue.map((c) => {
              const Icon = STEP_ICONS[c.type];
              return (
                <UnstyledButton key={c.type} onClick={() => add(c)} disabled={readOnly} className="palette-item" aria-label={t('workflows.addStep', { step: t(`stepTypes.${c.type}`) })} data-testid={`palette-${c.type}`}>
                  <Group gap="sm" wrap="nowrap" p={8} style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}>
                    <ActionIcon variant="light" color={STEP_COLORS[c.type]} component="span">
                      {Icon && <Icon size={16} />}
                    </ActionIcon>
                    <Box style={{ flex: 1, minWidth: 0 }}>
                      <Text size="sm" fw={500}>
                        {t(`stepTypes.${c.type}`)}
                      </Text>
                      <Text size="xs" c="dimmed" lineClamp={1}>
                        {t(`stepKinds.${c.kind}`)}
                      </Text>
                    </Box>
                    <IconPlus size={14} color="var(--mantine-color-gray-6)" />
                  </Group>
                </UnstyledButton>
              );
            })}
          </Stack>
        </Paper>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Paper p="md">
          <Group justify="space-between" mb="sm">
            <Title order={6} tt="uppercase" c="dimmed" fz={12}>
              {t('workflows.sequence')}
            </Title>
            <Text size="xs" c="dimmed">
              {t('workflows.dragHint')}
            </Text>
          </Group>
          {!steps.length && (
            <Text size="sm" c="dimmed" ta="center" py="xl">
              {t('workflows.noSteps')}
            </Text>
          )}
          <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
            <SortableContext items={steps.map((s) => s.id)} strategy={verticalListSortingStrategy}>
              <Stack gap={6} data-testid="step-list">
                {steps.map((s, i) => (
                  <SortableStep key={s.id} step={s} index={i} count={steps.length} active={s.id === selected} onSelect={() => onSelect(s.id)} onMove={(d) => move(i, d)} onRemove={() => { setSteps(steps.filter((x) => x.id !== s.id)); if (selected === s.id) onSelect(null); }} readOnly={readOnly} />
                ))}
              </Stack>
            </SortableContext>
          </DndContext>
        </Paper>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 5 }}>
        <Paper p="md">
          {!step || !cat ? (
            <Text size="sm" c="dimmed" ta="center" py="xl">
              {t('workflows.selectStep')}
            </Text>
          ) : (
            <Stack>
              <Group justify="space-between">
                <Title order={5}>{t(`stepTypes.${step.type}`)}</Title>
                <Badge variant="light" color="gray" className="mono" tt="none">
                  {step.id}
                </Badge>
              </Group>
              <Text size="sm" c="dimmed">
                {t(`stepHelp.${step.type}`)}
              </Text>
              <TextInput label={t('workflows.stepTitle')} placeholder={t(`stepTypes.${step.type}`)} value={step.title ?? ''} onChange={(e) => { const v = e.currentTarget.value; onChange({ ...draft, steps: steps.map((x) => (x.id === step.id ? { ...x, title: v || undefined } : x)) }); }} />
              {step.type === 'questionnaire' && (
                <Button component={Link} to={`/questionnaires/${flowId}~${step.id}`} variant="light" leftSection={<IconListCheck size={16} />}>
                  {t('workflows.openBuilder')}
                </Button>
              )}
              <SchemaForm schema={cat.schema} value={step.settings} skip={step.type === 'questionnaire' ? ['schema'] : []} onChange={(v) => onChange({ ...draft, steps: steps.map((x) => (x.id === step.id ? { ...x, settings: v } : x)) })} />
            </Stack>
          )}
        </Paper>
      </Grid.Col>
    </Grid>
  );
}

function SortableStep({ step, index, count, active, onSelect, onMove, onRemove, readOnly }: { step: FlowStep; index: number; count: number; active: boolean; onSelect: () => void; onMove: (d: number) => void; onRemove: () => void; readOnly: boolean }) {
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id: step.id, disabled: readOnly });
  const Icon = STEP_ICONS[step.type];
  return (
    <Box
      ref={setNodeRef}
      style={{
        transform: CSS.Transform.toString(transform),
        transition,
        opacity: isDragging ? 0.6 : 1,
        border: `1px solid ${active ? 'var(--mantine-color-blue-5)' : 'var(--mantine-color-gray-3)'}`,
        background: active ? 'var(--mantine-color-blue-0)' : 'var(--mantine-color-white)',
        borderRadius: 8,
      }}
      data-testid={`step-${step.id}`}
    >
      <Group gap={6} wrap="nowrap" p={8}>
        <ActionIcon variant="subtle" color="gray" size="sm" {...attributes} {...listeners} aria-label={t('workflows.dragStep')} style={{ cursor: 'grab' }}>
          <IconGripVertical size={14} />
        </ActionIcon>
        <UnstyledButton onClick={onSelect} style={{ flex: 1, minWidth: 0 }} aria-pressed={active}>
          <Group gap="sm" wrap="nowrap">
            <Text size="xs" c="dimmed" w={16} ta="right">
              {index + 1}
            </Text>
            <ActionIcon variant="light" color={STEP_COLORS[step.type]} size="sm" component="span">
              {Icon && <Icon size={14} />}
            </ActionIcon>
            <Box style={{ minWidth: 0 }}>
              <Text size="sm" fw={500} truncate>
                {step.title || t(`stepTypes.${step.type}`)}
              </Text>
            </Box>
          </Group>
        </UnstyledButton>
        <Tooltip label={t('workflows.moveUp')}>
          <ActionIcon variant="subtle" color="gray" size="sm" onClick={() => onMove(-1)} disabled={readOnly || index === 0} aria-label={t('workflows.moveUp')}>
            <IconArrowUp size={14} />
          </ActionIcon>
        </Tooltip>
        <Tooltip label={t('workflows.moveDown')}>
          <ActionIcon variant="subtle" color="gray" size="sm" onClick={() => onMove(1)} disabled={readOnly || index === count - 1} aria-label={t('workflows.moveDown')}>
            <IconArrowDown size={14} />
          </ActionIcon>
        </Tooltip>
        <Tooltip label={t('common.remove')}>
          <ActionIcon variant="subtle" color="red" size="sm" onClick={onRemove} disabled={readOnly} aria-label={t('workflows.removeStep')}>
            <IconTrash size={14} />
          </ActionIcon>
        </Tooltip>
      </Group>
    </Box>
  );
}

function SettingsEditor({ settings, onChange }: { settings: FlowSettings; onChange: (s: FlowSettings) => void }) {
  const { t } = useTranslation();
  const countries = useMemo(() => countryOptions(), []);
  const set = <K extends keyof FlowSettings>(k: K, v: FlowSettings[K]) => onChange({ ...settings, [k]: v });
  const restricted = settings.countries.allowed !== null;
  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, lg: 6 }}>
        <Paper p="lg">
          <Title order={5} mb="md">
            {t('workflows.approval')}
          </Title>
          <Stack>
            <Select
              label={t('workflows.approvalPolicy')}
              data={(['manual', 'auto_if_passed', 'auto_all'] as const).map((p) => ({ value: p, label: t(`workflows.policies.${p}`) }))}
              value={settings.approvalPolicy}
              onChange={(v) => v && set('approvalPolicy', v as FlowSettings['approvalPolicy'])}
              allowDeselect={false}
              description={t(`workflows.policyHelp.${settings.approvalPolicy}`)}
            />
            <NumberInput label={t('workflows.maxCriticalErrors')} description={t('workflows.maxCriticalErrorsHelp')} min={1} max={100} value={settings.maxCriticalErrors} onChange={(v) => set('maxCriticalErrors', Number(v) || 1)} />
            <NumberInput label={t('workflows.sessionLifetime')} description={t('workflows.sessionLifetimeHelp')} min={5} max={129600} value={settings.sessionLifetimeMinutes} onChange={(v) => set('sessionLifetimeMinutes', Number(v) || 5)} />
            <NumberInput label={t('workflows.retention')} description={t('workflows.retentionHelp')} min={0} max={3650} value={settings.dataRetentionDays} onChange={(v) => set('dataRetentionDays', Number(v) || 0)} />
            <TextInput label={t('apps.redirectUrl')} placeholder="https://example.com/done" value={settings.redirectUrl ?? ''} onChange={(e) => set('redirectUrl', e.currentTarget.value.trim() || null)} />
            <Select label={t('workflows.language')} data={[{ value: 'en', label: 'English' }, { value: 'es', label: 'Español' }, { value: 'de', label: 'Deutsch' }, { value: 'fr', label: 'Français' }, { value: 'ru', label: 'Русский' }]} value={settings.language} onChange={(v) => v && set('language', v)} allowDeselect={false} />
          </Stack>
        </Paper>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 6 }}>
        <Paper p="lg">
          <Title order={5} mb={4}>
            {t('workflows.countryRestrictions')}
          </Title>
          <Text size="sm" c="dimmed" mb="md">
            {t('workflows.countryRestrictionsHelp')}
          </Text>
          <Stack>
            <SegmentedControl
              value={restricted ? 'allow' : 'all'}
              onChange={(v) => set('countries', { ...settings.countries, allowed: v === 'allow' ? [] : null })}
              data={[{ value: 'all', label: t('workflows.allCountries') }, { value: 'allow', label: t('workflows.onlyListed') }]}
            />
            {restricted && <MultiSelect label={t('workflows.allowedCountries')} data={countries} searchable value={settings.countries.allowed ?? []} onChange={(v) => set('countries', { ...settings.countries, allowed: v })} />}
            <MultiSelect label={t('workflows.excludedCountries')} data={countries} searchable value={settings.countries.excluded} onChange={(v) => set('countries', { ...settings.countries, excluded: v })} />
          </Stack>
        </Paper>
      </Grid.Col>
    </Grid>
  );
}

const FONTS = ['Inter, system-ui, sans-serif', 'system-ui, sans-serif', 'Georgia, serif', '"Helvetica Neue", Arial, sans-serif', 'Roboto, sans-serif', '"Courier New", monospace'];

function StyleEditor({ draft, onChange }: { draft: Definition; onChange: (d: Definition) => void }) {
  const { t } = useTranslation();
  const [previewStep, setPreviewStep] = useState(0);
  const st = draft.settings.style;
  const set = <K extends keyof typeof st>(k: K, v: (typeof st)[K]) => onChange({ ...draft, settings: { ...draft.settings, style: { ...st, [k]: v } } });
  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, lg: 6 }}>
        <Paper p="lg">
          <Title order={5} mb="md">
            {t('workflows.colours')}
          </Title>
          <Stack>
            <Group grow>
              <ColorInput label={t('workflows.primaryColor')} value={st.primaryColor} onChange={(v) => /^#[0-9a-f]{6}$/i.test(v) && set('primaryColor', v)} format="hex" />
              <ColorInput label={t('workflows.buttonTextColor')} value={st.buttonTextColor} onChange={(v) => /^#[0-9a-f]{6}$/i.test(v) && set('buttonTextColor', v)} format="hex" />
            </Group>
            <Group grow>
              <ColorInput label={t('workflows.backgroundColor')} value={st.backgroundColor} onChange={(v) => /^#[0-9a-f]{6}$/i.test(v) && set('backgroundColor', v)} format="hex" />
              <ColorInput label={t('workflows.textColor')} value={st.textColor} onChange={(v) => /^#[0-9a-f]{6}$/i.test(v) && set('textColor', v)} format="hex" />
            </Group>
            <Title order={5} mt="sm">
              {t('workflows.typography')}
            </Title>
            <Select label={t('workflows.font')} data={Array.from(new Set([st.fontFamily, ...FONTS]))} value={st.fontFamily} onChange={(v) => v && set('fontFamily', v)} searchable allowDeselect={false} />
            <div>
              <Text size="sm" fw={500} mb={6}>
                {t('workflows.buttonRadius')}: {st.buttonRadius}px
              </Text>
              <Slider min={0} max={32} value={st.buttonRadius} onChange={(v) => set('buttonRadius', v)} label={(v) => `${v}px`} aria-label={t('workflows.buttonRadius')} />
            </div>
            <TextInput label={t('workflows.logoUrl')} placeholder="https://example.com/logo.svg" value={st.logoUrl ?? ''} onChange={(e) => set('logoUrl', e.currentTarget.value.trim() || null)} />
          </Stack>
        </Paper>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 6 }}>
        <Paper p="lg" bg="gray.1">
          <Group justify="space-between" mb="md">
            <Title order={5}>{t('common.preview')}</Title>
            <Select
              size="xs"
              w={200}
              data={draft.steps.map((s, i) => ({ value: String(i), label: `${i + 1}. ${s.title || t(`stepTypes.${s.type}`)}` }))}
              value={String(previewStep)}
              onChange={(v) => setPreviewStep(Number(v ?? 0))}
              aria-label={t('workflows.previewStep')}
              allowDeselect={false}
            />
          </Group>
          <Group justify="center">
            <FlowPreview definition={draft} stepIndex={previewStep} />
          </Group>
        </Paper>
      </Grid.Col>
    </Grid>
  );
}

