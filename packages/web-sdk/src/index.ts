import { FLOW_SOURCE, SDK_SOURCE, parseFlowMessage, type FlowEventPayload, type SdkToFlow } from './protocol.ts';

export type { FlowEventPayload, StepType } from './protocol.ts';
export { parseFlowMessage, parseSdkMessage, FLOW_SOURCE, SDK_SOURCE } from './protocol.ts';

type Callback = (payload: FlowEventPayload) => void;

export type TesseraOptions = {
  /** Session access token your back end obtained from POST /v1/applicants/:id/sessions. */
  accessToken: string;
  /** An element or a CSS selector; the flow fills its width. */
  container: HTMLElement | string;
  lang?: string;
  /** Origin of your Tessera server; defaults to the origin this script was loaded from. */
  baseUrl?: string;
  onLoad?: Callback;
  onStart?: Callback;
  onRestart?: Callback;
  onPassStep?: Callback;
  onComplete?: Callback;
  onError?: Callback;
};

export type TesseraInstance = {
  /** Reloads the flow with the same session; it resumes at the first unfinished step. */
  restart(): void;
  /** Removes the iframe and stops listening. */
  destroy(): void;
  readonly iframe: HTMLIFrameElement;
};

export class TesseraError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'TesseraError';
    this.code = code;
  }
}

// Captured while the classic script executes: afterwards document.currentScript is null.
const scriptOrigin = (() => {
  if (typeof document === 'undefined') return undefined;
  const s = document.currentScript as HTMLScriptElement | null;
  try {
    return s?.src ? new URL(s.src).origin : undefined;
  } catch {
    return undefined;
  }
})();

const HANDLERS = { load: 'onLoad', start: 'onStart', restart: 'onRestart', passStep: 'onPassStep', complete: 'onComplete', error: 'onError' } as const;

export function init(options: TesseraOptions): TesseraInstance {
  if (!options || typeof options.accessToken !== 'string' || options.accessToken.length === 0) {
    throw new TesseraError('missing_access_token', 'Tessera.init needs an accessToken');
  }
  const container = typeof options.container === 'string' ? document.querySelector<HTMLElement>(options.container) : options.container;
  if (!container) throw new TesseraError('missing_container', 'Tessera.init could not find its container element');
  const base = options.baseUrl ?? scriptOrigin;
  if (!base) throw new TesseraError('missing_base_url', 'Pass baseUrl: the origin of your Tessera server');
  const flowOrigin = new URL(base).origin;

  const iframe = document.createElement('iframe');
  iframe.title = 'Identity verification';
  // Camera for capture; fullscreen so the camera view can fill a phone's screen.
  iframe.allow = 'camera; fullscreen';
  iframe.setAttribute('allowfullscreen', '');
  iframe.style.cssText = 'border:0;width:100%;height:100%;min-height:640px;display:block;background:transparent';
  let restarting = false;

  const src = () => {
    const u = new URL('/flow/', flowOrigin);
    u.searchParams.set('embed', '1');
    if (options.lang) u.searchParams.set('lang', options.lang);
    return u.toString();
  };

  function onMessage(event: MessageEvent) {
    // Only the frame we created, served from the Tessera origin, may talk to us.
    if (event.origin !== flowOrigin || event.source !== iframe.contentWindow) return;
    const msg = parseFlowMessage(event.data);
    if (!msg) return;
    if (msg.type === 'ready') {
      const init: SdkToFlow = { source: SDK_SOURCE, type: 'init', accessToken: options.accessToken, lang: options.lang, restart: restarting };
      iframe.contentWindow?.postMessage(init, flowOrigin);
      return;
    }
    const cb = options[HANDLERS[msg.type]];
    if (typeof cb === 'function') {
      try {
        cb(msg.payload);
      } catch (e) {
        // A throwing host callback must not break the flow's message loop.
        setTimeout(() => {
          throw e;
        });
      }
    }
  }

  window.addEventListener('message', onMessage);
  iframe.src = src();
  container.appendChild(iframe);

  return {
    iframe,
    restart() {
      restarting = true;
      iframe.src = src();
    },
    destroy() {
      window.removeEventListener('message', onMessage);
      iframe.remove();
    },
  };
}

export const Tessera = { init, version: '0.1.0', source: FLOW_SOURCE };
export default Tessera;
