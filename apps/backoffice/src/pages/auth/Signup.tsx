import { useState } from 'react';
import { Anchor, Button, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { SessionResponse } from '../../api/types.ts';
import { useSession } from '../../auth/session.tsx';
import { ErrorAlert } from '../../components/ui.tsx';

export function Signup() {
  const { t, i18n } = useTranslation();
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [form, setForm] = useState({ name: '', companyName: '', email: '', password: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [k]: e.currentTarget.value });
  const tooShort = form.password.length > 0 && form.password.length < 10;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const lang = ['en', 'es'].includes(i18n.language) ? i18n.language : undefined;
      const res = await api.post<SessionResponse>('/v1/auth/signup', { ...form, language: lang });
      await signedIn(res.csrfToken);
      navigate('/', { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <div>
          <Title order={3}>{t('auth.signupTitle')}</Title>
          <Text c="dimmed" size="sm" mt={4}>
            {t('auth.signupText')}
          </Text>
        </div>
        {error != null && <ErrorAlert error={error} />}
        <TextInput label={t('auth.name')} required autoComplete="name" value={form.name} onChange={set('name')} autoFocus />
        <TextInput label={t('auth.company')} required autoComplete="organization" value={form.companyName} onChange={set('companyName')} />
        <TextInput label={t('auth.email')} type="email" required autoComplete="email" value={form.email} onChange={set('email')} />
        <PasswordInput label={t('auth.password')} required autoComplete="new-password" value={form.password} onChange={set('password')} description={t('auth.passwordRule')} error={tooShort ? t('auth.passwordRule') : undefined} />
        <Button type="submit" loading={busy} fullWidth size="md">
          {t('auth.createAccount')}
        </Button>
        <Text size="sm" ta="center" c="dimmed">
          {t('auth.haveAccount')}{' '}
          <Anchor component={Link} to="/login">
            {t('auth.login')}
          </Anchor>
        </Text>
      </Stack>
    </form>
  );
}
