import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { createBridge } from './bridge.ts';
import { initI18n, pickLanguage } from './i18n.ts';
import { redeemHandoff } from './api.ts';
import { handoffCodeFromLocation, safeSessionStorage, storeToken, takeTokenFromLocation } from './token.ts';
import './styles.css';

async function boot() {
  const params = new URLSearchParams(window.location.search);
  const bridge = createBridge();
  // Inside the SDK's iframe the host page draws the frame around the flow (see styles.css).
  if (bridge.embedded) document.documentElement.classList.add('is-embedded');
  let token: string | null = null;
  let sdkLang: string | undefined;
  let restart = false;
  let bootError: string | null = null;
  const handoff = handoffCodeFromLocation(window.location);
  if (handoff) {
    history.replaceState(null, '', window.location.pathname + window.location.search);
    try {
      token = await redeemHandoff(handoff);
      storeToken(safeSessionStorage(), token);
    } catch (e) {
      // The code is single-use: a reload after redeeming finds the stored token instead.
      token = takeTokenFromLocation({ hash: '' }, safeSessionStorage());
      if (!token) bootError = (e as { code?: string }).code === 'network_error' ? 'network' : 'handoff_invalid';
    }
  } else if (bridge.embedded && params.get('embed') === '1') {
    const init = await bridge.handshake();
    token = init?.accessToken ?? null;
    sdkLang = init?.lang;
    restart = init?.restart ?? false;
  } else {
    token = takeTokenFromLocation(window.location, safeSessionStorage());
    if (window.location.hash) history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  const lang = pickLanguage(params.get('lang'), sdkLang, navigator.language);
  await initI18n(lang);
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App token={token} bootError={bootError} bridge={bridge} initialLang={lang} langFromUrl={Boolean(params.get('lang') || sdkLang)} restart={restart} />
    </StrictMode>,
  );
}

boot();
