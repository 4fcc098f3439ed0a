import { useState } from 'react';
import { Alert, Anchor, Button, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ui.tsx';

export function ResetPassword() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const mismatch = confirm.length > 0 && confirm !== password;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(null);
    try {
      await api.post('/v1/auth/password-reset/confirm', { token, password });
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Title order={3}>{t('auth.resetTitle')}</Title>
        {!token && <Alert color="red">{t('auth.missingToken')}</Alert>}
        {error != null && <ErrorAlert error={error} />}
        {done ? (
          <Alert color="teal" role="status">
            {t('auth.resetDone')}
          </Alert>
        ) : (
          <>
            <PasswordInput label={t('auth.newPassword')} required autoComplete="new-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} description={t('auth.passwordRule')} />
            <PasswordInput label={t('auth.confirmPassword')} required autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.currentTarget.value)} error={mismatch ? t('auth.mismatch') : undefined} />
            <Button type="submit" loading={busy} disabled={!token} fullWidth size="md">
              {t('auth.setPassword')}
            </Button>
          </>
        )}
        <Text ta="center">
          <Anchor component={Link} to="/login" size="sm">
            {t('auth.backToLogin')}
          </Anchor>
        </Text>
      </Stack>
    </form>
  );
}
