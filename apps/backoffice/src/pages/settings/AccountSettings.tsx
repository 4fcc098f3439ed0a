import { useState } from 'react';
import { Badge, Button, Grid, Group, Image, Modal, Paper, PasswordInput, PinInput, Select, Stack, Text, TextInput, Title, Code } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { IconShieldCheck, IconShieldOff } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { User } from '../../api/types.ts';
import { useSession } from '../../auth/session.tsx';
import { ErrorAlert, PageHeader, notifySuccess } from '../../components/ui.tsx';
import { LANGUAGES } from '../../i18n/index.ts';

export function AccountSettings() {
  const { t } = useTranslation();
  const { me } = useSession();
  if (!me) return null;
  return (
    <>
      <PageHeader title={t('account.title')} description={t('account.description')} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Profile user={me.user} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Stack gap="lg">
            <ChangePassword />
            <TwoFactor enabled={me.user.totpEnabled} />
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  );
}

function Profile({ user }: { user: User }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState(user.name);
  const [language, setLanguage] = useState(user.language);
  const m = useMutation({
    mutationFn: () => api.patch<User>('/v1/account', { name, language }),
    onSuccess: async () => {
      if (i18n.language !== language) await i18n.changeLanguage(language);
      await qc.invalidateQueries({ queryKey: ['me'] });
      notifySuccess(t('common.saved'));
    },
  });
  return (
    <Paper p="lg">
      <Title order={4} mb="md">
        {t('account.profile')}
      </Title>
      <form onSubmit={(e) => { e.preventDefault(); m.mutate(); }}>
        <Stack>
          {m.error && <ErrorAlert error={m.error} />}
          <TextInput label={t('auth.email')} value={user.email} readOnly disabled />
          <TextInput label={t('auth.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required />
          <Select label={t('account.language')} data={LANGUAGES.map((l) => ({ ...l }))} value={language} onChange={(v) => v && setLanguage(v)} allowDeselect={false} />
          <Group justify="flex-end">
            <Button type="submit" loading={m.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function ChangePassword() {
  const { t } = useTranslation();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const m = useMutation({
    mutationFn: () => api.post('/v1/account/password', { currentPassword, newPassword }),
    onSuccess: () => {
      setCurrent('');
      setNew('');
      notifySuccess(t('account.passwordChanged'));
    },
  });
  return (
    <Paper p="lg">
      <Title order={4} mb="md">
        {t('account.password')}
      </Title>
      <form onSubmit={(e) => { e.preventDefault(); m.mutate(); }}>
        <Stack>
          {m.error && <ErrorAlert error={m.error} />}
          <PasswordInput label={t('account.currentPassword')} autoComplete="current-password" value={currentPassword} onChange={(e) => setCurrent(e.currentTarget.value)} required />
          <PasswordInput label={t('auth.newPassword')} autoComplete="new-password" value={newPassword} onChange={(e) => setNew(e.currentTarget.value)} description={t('auth.passwordRule')} required />
          <Group justify="flex-end">
            <Button type="submit" loading={m.isPending}>
              {t('account.changePassword')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function TwoFactor({ enabled }: { enabled: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [setup, setSetup] = useState<{ secret: string; qrCodeDataUrl: string } | null>(null);
  const [code, setCode] = useState('');
  const [disableOpen, setDisableOpen] = useState(false);
  const [password, setPassword] = useState('');
  const start = useMutation({ mutationFn: () => api.post<{ secret: string; otpauthUrl: string; qrCodeDataUrl: string }>('/v1/account/2fa/setup'), onSuccess: (d) => setSetup(d) });
  const enable = useMutation({
    mutationFn: () => api.post('/v1/account/2fa/enable', { code }),
    onSuccess: async () => {
      setSetup(null);
      setCode('');
      await qc.invalidateQueries({ queryKey: ['me'] });
      notifySuccess(t('account.twoFactorOn'));
    },
  });
  const disable = useMutation({
    mutationFn: () => api.post('/v1/account/2fa/disable', { password, code }),
    onSuccess: async () => {
      setDisableOpen(false);
      setCode('');
      setPassword('');
      await qc.invalidateQueries({ queryKey: ['me'] });
      notifySuccess(t('account.twoFactorOff'));
    },
  });
  return (
    <Paper p="lg">
      <Group justify="space-between" mb="xs">
        <Title order={4}>{t('account.twoFactor')}</Title>
        <Badge color={enabled ? 'teal' : 'gray'} variant="light" leftSection={enabled ? <IconShieldCheck size={12} /> : <IconShieldOff size={12} />}>
          {enabled ? t('account.enabled') : t('account.disabled')}
        </Badge>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        {t('account.twoFactorText')}
      </Text>
      {start.error && <ErrorAlert error={start.error} />}
      {!enabled && !setup && (
        <Button variant="light" onClick={() => start.mutate()} loading={start.isPending}>
          {t('account.setUp2fa')}
        </Button>
      )}
      {!enabled && setup && (
        <Stack>
          <Group align="flex-start" wrap="nowrap">
            <Image src={setup.qrCodeDataUrl} w={160} h={160} alt={t('account.qrAlt')} />
            <Stack gap={6}>
              <Text size="sm">{t('account.scanQr')}</Text>
              <Text size="xs" c="dimmed">
                {t('account.orSecret')}
              </Text>
              <Code>{setup.secret}</Code>
            </Stack>
          </Group>
          {enable.error && <ErrorAlert error={enable.error} />}
          <Group>
            <PinInput length={6} type="number" oneTimeCode value={code} onChange={setCode} aria-label={t('auth.code')} />
            <Button onClick={() => enable.mutate()} loading={enable.isPending} disabled={code.length !== 6}>
              {t('account.confirm2fa')}
            </Button>
          </Group>
        </Stack>
      )}
      {enabled && (
        <Button variant="light" color="red" onClick={() => setDisableOpen(true)}>
          {t('account.disable2fa')}
        </Button>
      )}
      <Modal opened={disableOpen} onClose={() => setDisableOpen(false)} title={t('account.disable2fa')}>
        <form onSubmit={(e) => { e.preventDefault(); disable.mutate(); }}>
          <Stack>
            {disable.error && <ErrorAlert error={disable.error} />}
            <PasswordInput label={t('auth.password')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} required />
            <div>
              <Text size="sm" fw={500} mb={4}>
                {t('auth.code')}
              </Text>
              <PinInput length={6} type="number" value={code} onChange={setCode} aria-label={t('auth.code')} />
            </div>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDisableOpen(false)}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" color="red" loading={disable.isPending}>
                {t('account.disable2fa')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Paper>
  );
}
