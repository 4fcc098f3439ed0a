import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from './Icon.tsx';

type Props = {
  title: string;
  lead?: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  onBack?: () => void;
  /** Full-bleed content (camera) that ignores the card padding on phones. */
  bleed?: boolean;
};

/**
 * One step's page. Focus moves to the title when a screen appears, so screen-reader and keyboard users
 * start at the top of each step.
 */
export function Screen({ title, lead, children, footer, onBack, bleed }: Props) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus({ preventScroll: false });
  }, [title]);
  return (
    <section className={`screen${bleed ? ' screen--bleed' : ''}`} aria-labelledby="screen-title">
      <div className="screen__head">
        {onBack && (
          <button type="button" className="icon-button" onClick={onBack} aria-label={t('common.back')}>
            <Icon name="back" />
          </button>
        )}
        <h1 id="screen-title" ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {lead && <p className="lead">{lead}</p>}
      </div>
      <div className="screen__body">{children}</div>
      {footer && <div className="screen__footer">{footer}</div>}
    </section>
  );
}

export function Spinner({ label }: { label?: string }) {
  return (
    <div className="spinner" role="status" aria-live="polite">
      <span className="spinner__ring" aria-hidden="true" />
      {label && <span>{label}</span>}
    </div>
  );
}

export function Alert({ children, tone = 'error' }: { children: ReactNode; tone?: 'error' | 'info' | 'success' }) {
  return (
    <div className={`alert alert--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <Icon name={tone === 'success' ? 'check' : tone === 'info' ? 'shield' : 'alert'} size={20} />
      <div>{children}</div>
    </div>
  );
}
