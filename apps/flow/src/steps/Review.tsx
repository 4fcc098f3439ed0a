import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { checkPhoto, type LocalIssue } from '../capture/image.ts';
import { Alert, Screen, Spinner } from '../ui/Screen.tsx';

type Props = {
  title: string;
  image: Blob;
  kind: 'document' | 'face';
  busy: boolean;
  /** Server-side problem with this photo (quality, no face) or a failed upload. */
  error: string | null;
  /** After a failed upload the same photo is sent again; after a refused photo only retake remains. */
  canSend: boolean;
  onSend: () => void;
  sendLabel?: string;
  onRetake: () => void;
  extra?: React.ReactNode;
};

/** Shows the photo before it is sent, with instant on-device quality warnings. */
export function Review({ title, image, kind, busy, error, canSend, onSend, sendLabel, onRetake, extra }: Props) {
  const { t } = useTranslation();
  const url = useMemo(() => URL.createObjectURL(image), [image]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  const [issues, setIssues] = useState<LocalIssue[] | null>(null);
  useEffect(() => {
    let live = true;
    checkPhoto(image, kind).then((i) => live && setIssues(i));
    return () => {
      live = false;
    };
  }, [image, kind]);
  const hint: Record<LocalIssue, string> = { blur: t('document.hintBlur'), dark: t('document.hintDark'), glare: t('document.hintGlare') };
  return (
    <Screen
      title={title}
      lead={kind === 'face' ? t('selfie.reviewLead') : t('document.reviewLead')}
      footer={
        <>
          {canSend && (
            <button type="button" className="btn btn--primary" onClick={onSend} disabled={busy} aria-busy={busy}>
              {busy ? t('common.uploading') : error ? t('common.retry') : (sendLabel ?? t('common.usePhoto'))}
            </button>
          )}
          <button type="button" className={canSend ? 'btn btn--ghost' : 'btn btn--primary'} onClick={onRetake} disabled={busy}>
            {t('common.retake')}
          </button>
          {extra}
        </>
      }
    >
      {/* The problem first: on a small screen the photo must not push it under the buttons. */}
      {error && (
        <Alert>{error}</Alert>
      )}
      {!error && issues && issues.length > 0 && <Alert tone="info">{issues.map((i) => hint[i]).join(' · ')}</Alert>}
      <div className={`preview preview--${kind}${error ? ' preview--small' : ''}`}>
        <img src={url} alt={title} />
        {busy && <div className="preview__busy"><Spinner label={t('common.uploading')} /></div>}
      </div>
    </Screen>
  );
}
