import { useState } from 'react';
import { Alert, Anchor, Button, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconMailCheck } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ui.tsx';

export function ForgotPassword() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post('/v1/auth/password-reset/request', { email });
      setSent(true);
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
          <Title order={3}>{t('auth.forgotTitle')}</Title>
          <Text c="dimmed" size="sm" mt={4}>
            {t('auth.forgotText')}
          </Text>
        </div>
        {error != null && <ErrorAlert error={error} />}
        {sent ? (
          <Alert color="teal" icon={<IconMailCheck size={18} />} role="status">
            {t('auth.forgotSent')}
          </Alert>
        ) : (
          <>
            <TextInput label={t('auth.email')} type="email" required autoComplete="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} autoFocus />
            <Button type="submit" loading={busy} fullWidth size="md">
              {t('auth.sendLink')}
            </Button>
          </>
        )}
        <Anchor component={Link} to="/login" size="sm" ta="center">
          {t('auth.backToLogin')}
        </Anchor>
      </Stack>
    </form>
  );
}
