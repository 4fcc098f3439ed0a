import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { createBridge } from './bridge.ts';
import { initI18n, pickLanguage } from './i18n.ts';
import { safeSessionStorage, takeTokenFromLocation } from './token.ts';
import './styles.css';

async function boot() {
  const params = new URLSearchParams(window.location.search);
  const bridge = createBridge();
  let token: string | null = null;
  let sdkLang: string | undefined;
  let restart = false;
  if (bridge.embedded && params.get('embed') === '1') {
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
      <App token={token} bridge={bridge} initialLang={lang} langFromUrl={Boolean(params.get('lang') || sdkLang)} restart={restart} />
    </StrictMode>,
  );
}

boot();
