import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, createApi, isFatal, type Extracted, type FlowSession, type FlowStep, type StepProgress } from './api.ts';
import type { Bridge, FlowEventPayload } from './bridge.ts';
import { Ctx } from './context.ts';
import { markSubmitted, nextAfter, previousAttempt, resumeStep, sdkStepType, thankYouStep, visibleSteps } from './flow-state.ts';
import { browserEmbeddingContext, embeddingDecision } from './embedding.ts';
import { LANGUAGES, pickLanguage, setLanguage } from './i18n.ts';
import { createResultWatcher } from './prefill.ts';
import { applyStyle } from './theme.ts';
import { forgetToken, safeSessionStorage } from './token.ts';
import { ErrorScreen } from './steps/ErrorScreen.tsx';
import { Intro } from './steps/Intro.tsx';
import { DocumentStep } from './steps/DocumentStep.tsx';
import { FaceStep } from './steps/FaceStep.tsx';
import { OtpStep } from './steps/OtpStep.tsx';
import { ThankYou } from './steps/ThankYou.tsx';
import { ConfirmDetails } from './steps/ConfirmDetails.tsx';
import { Away } from './ui/Away.tsx';
import { Shell } from './ui/Shell.tsx';
import { Screen, Spinner } from './ui/Screen.tsx';

// Heavy steps load only when reached, keeping the first screen within the initial-JS budget.
const LivenessStep = lazy(() => import('./steps/LivenessStep.tsx'));
const QuestionnaireStep = lazy(() => import('./steps/QuestionnaireStep.tsx'));

type Props = { token: string | null; bootError: string | null; bridge: Bridge; initialLang: string; langFromUrl: boolean; restart: boolean };

type State =
  | { kind: 'loading' }
  | { kind: 'fatal'; code: string }
  | { kind: 'step'; session: FlowSession; step: FlowStep; progress: StepProgress[] }
  /** Continuing on another device: this one waits. */
  | { kind: 'away'; session: FlowSession }
  /** A read document page, confirmed before the end. */
  | { kind: 'confirm'; session: FlowSession; step: FlowStep; extracted: Extracted }
  | { kind: 'finished'; session: FlowSession; step: FlowStep | null; elsewhere: boolean };

export function App({ token, bootError, bridge, initialLang, langFromUrl, restart }: Props) {
  const { t } = useTranslation();
  const api = useMemo(() => (token ? createApi(token) : null), [token]);
  const results = useMemo(() => (api ? createResultWatcher(api) : null), [api]);
  const [state, setState] = useState<State>(token ? { kind: 'loading' } : { kind: 'fatal', code: bootError ?? 'noToken' });
  const [lang, setLang] = useState(initialLang);
  const started = useRef(false);

  const payload = useCallback(
    (session: FlowSession, stepType?: FlowEventPayload['stepType'], error?: FlowEventPayload['error']): FlowEventPayload => ({
      appKey: session.appKey,
      transactionId: session.sessionId,
      externalUserId: session.applicant.externalUserId,
      flowId: session.flow.id,
      mode: session.mode,
      stepType,
      error,
    }),
    [],
  );

  const sessionRef = useRef<FlowSession | null>(null);
  const fatal = useCallback(
    (e: unknown) => {
      // Any other refusal of the token reads as "this link does not work (any more)".
      const code = e instanceof ApiError ? (e.status === 401 && e.code !== 'session_expired' ? 'invalid_token' : e.code) : 'generic';
      if (code === 'invalid_token' || code === 'session_expired') forgetToken(safeSessionStorage());
      const s = sessionRef.current;
      if (s) bridge.post('error', payload(s, undefined, { code, message: e instanceof Error ? e.message : String(e) }));
      setState({ kind: 'fatal', code });
    },
    [bridge, payload],
  );

  const show = useCallback((session: FlowSession, elsewhere = false) => {
    const step = resumeStep(session);
    setState(step ? { kind: 'step', session, step, progress: session.progress } : { kind: 'finished', session, step: thankYouStep(session), elsewhere });
  }, []);

  /** Back on this device after the person went on elsewhere: the session as it is now. */
  const resume = useCallback(async () => {
    if (!api) return;
    setState({ kind: 'loading' });
    try {
      show(await api.session());
    } catch (e) {
      if (isFatal(e)) fatal(e);
      else setState({ kind: 'fatal', code: e instanceof ApiError && e.code === 'network_error' ? 'network' : 'generic' });
    }
  }, [api, fatal, show]);

  const away = useCallback(() => setState((s) => (s.kind === 'step' ? { kind: 'away', session: s.session } : s)), []);

  const load = useCallback(async () => {
    if (!api) return;
    try {
      const session = await api.session();
      applyStyle(session.style);
      if (!langFromUrl && session.lang) {
        const l = pickLanguage(session.lang);
        setLang(l);
        await setLanguage(l);
      }
      if (!embeddingDecision(browserEmbeddingContext(bridge.parentOrigin()), session.allowedOrigins).allowed) {
        // A page the application did not list: no steps, and the page learns only the refusal, not who
        // the applicant is (no session, flow or user ids in the payload).
        const code = 'embedding_not_allowed';
        bridge.post('error', {
          appKey: null, transactionId: '', externalUserId: null, flowId: '', mode: session.mode,
          error: { code, message: 'This website is not allowed to embed this verification (allowedOrigins of the application).' },
        });
        setState({ kind: 'fatal', code });
        return;
      }
      sessionRef.current = session;
      bridge.post('load', payload(session));
      const resumed = session.progress.some((p) => p.status !== 'not_submitted');
      if (restart || resumed) bridge.post('restart', payload(session));
      started.current = resumed;
      show(session);
    } catch (e) {
      if (e instanceof ApiError && !isFatal(e) && e.status !== 401 && e.status !== 404) {
        setState({ kind: 'fatal', code: e.code === 'network_error' ? 'network' : 'generic' });
      } else fatal(e);
    }
  }, [api, bridge, payload, fatal, langFromUrl, restart, show]);

  useEffect(() => {
    load();
  }, [load]);

  const done = useCallback(() => {
    setState((s) => {
      if (s.kind !== 'step') return s;
      const progress: StepProgress[] = markSubmitted(s.progress, s.step);
      if (!started.current) {
        started.current = true;
        bridge.post('start', payload(s.session, sdkStepType(s.step.type)));
      }
      bridge.post('passStep', payload(s.session, sdkStepType(s.step.type)));
      const next = nextAfter(s.session, s.step.id, progress);
      if (!next) return { kind: 'finished', session: s.session, step: thankYouStep(s.session), elsewhere: false };
      return { ...s, step: next, progress };
    });
    window.scrollTo({ top: 0 });
  }, [bridge, payload]);

  const changeLanguage = (l: string) => {
    setLang(l);
    setLanguage(l);
  };

  let body: React.ReactNode;
  let position: { current: number; total: number } | undefined;
  if (state.kind === 'loading') body = <Screen title={t('common.loading')}><Spinner /></Screen>;
  else if (state.kind === 'fatal') body = <ErrorScreen code={state.code} onRetry={state.code === 'network' || state.code === 'generic' ? () => { setState({ kind: 'loading' }); load(); } : undefined} />;
  else if (state.kind === 'away')
    body = <Away api={api!} session={state.session} onFinished={(s) => show(s, true)} onHere={resume} onError={fatal} />;
  else if (state.kind === 'confirm') {
    const { session, step } = state;
    body = (
      <ConfirmDetails api={api!} stepId={step.id} extracted={state.extracted} onError={fatal}
        onDone={() => setState({ kind: 'finished', session, step: thankYouStep(session), elsewhere: false })} />
    );
  } else if (state.kind === 'finished')
    body = (
      <ThankYou api={api!} results={results!} session={state.session} step={state.step} embedded={bridge.embedded} elsewhere={state.elsewhere}
        onComplete={() => bridge.post('complete', payload(state.session, 'complete'))} onError={fatal} onRedo={show}
        onConfirm={(session, step, extracted) => setState({ kind: 'confirm', session, step, extracted })} />
    );
  else {
    const steps = visibleSteps(state.session).filter((s) => s.type !== 'thank_you');
    position = { current: steps.findIndex((s) => s.id === state.step.id) + 1, total: steps.length };
    body = (
      <Ctx.Provider value={{ api: api!, session: state.session, step: state.step, previous: previousAttempt(state.step, state.progress), embedded: bridge.embedded, done, fatal, away, results: results! }}>
        <Suspense fallback={<Screen title={t('common.loading')}><Spinner /></Screen>}>
          <StepView key={state.step.id} step={state.step} />
        </Suspense>
      </Ctx.Provider>
    );
  }
  return (
    <Shell current={position?.current} total={position?.total} lang={lang} languages={LANGUAGES} onLanguage={changeLanguage}>
      {body}
    </Shell>
  );
}

function StepView({ step }: { step: FlowStep }) {
  switch (step.type) {
    case 'intro':
      return <Intro />;
    case 'document':
      return <DocumentStep />;
    case 'selfie':
      return <FaceStep kind="selfie" />;
    case 'selfie_with_document':
      return <FaceStep kind="selfie_with_document" />;
    case 'liveness':
      return <LivenessStep />;
    case 'questionnaire':
      return <QuestionnaireStep />;
    case 'email':
      return <OtpStep channel="email" />;
    case 'phone':
      return <OtpStep channel="phone" />;
    default:
      return <ErrorScreen code="unsupportedStep" />;
  }
}
