import { useState } from 'react';
import { Alert, Button, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { SessionResponse } from '../../api/types.ts';
import { useSession } from '../../auth/session.tsx';
import { ErrorAlert } from '../../components/ui.tsx';

export function AcceptInvite() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<SessionResponse>('/v1/auth/invites/accept', { token, name, password });
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
          <Title order={3}>{t('auth.inviteTitle')}</Title>
          <Text c="dimmed" size="sm" mt={4}>
            {t('auth.inviteText')}
          </Text>
        </div>
        {!token && <Alert color="red">{t('auth.missingToken')}</Alert>}
        {error != null && <ErrorAlert error={error} />}
        <TextInput label={t('auth.name')} required autoComplete="name" value={name} onChange={(e) => setName(e.currentTarget.value)} autoFocus />
        <PasswordInput label={t('auth.password')} required autoComplete="new-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} description={t('auth.passwordRule')} />
        <Button type="submit" loading={busy} disabled={!token} fullWidth size="md">
          {t('auth.join')}
        </Button>
      </Stack>
    </form>
  );
}
