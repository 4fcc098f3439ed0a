import { FLOW_SOURCE, parseSdkMessage, type FlowEventPayload, type SdkToFlow } from '@tessera/web-sdk/protocol';
import { originOf } from './embedding.ts';

export type { FlowEventPayload };
type EventType = 'load' | 'start' | 'restart' | 'passStep' | 'complete' | 'error';

/**
 * Talks to the embedding page when the flow runs inside the web SDK's iframe. Events go only to the
 * origin that handed us the token; before that handshake nothing but a contentless "ready" is sent, to
 * the parent's origin when the browser tells us (location.ancestorOrigins), else to any.
 */
export function createBridge() {
  const embedded = window.parent !== window;
  let parentOrigin: string | null = null;

  function post(type: EventType, payload: FlowEventPayload) {
    if (embedded && parentOrigin) window.parent.postMessage({ source: FLOW_SOURCE, type, payload }, parentOrigin);
  }

  /** Resolves with the SDK's init message (token, language) from our direct parent. */
  function handshake(timeoutMs = 10_000): Promise<SdkToFlow | null> {
    if (!embedded) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        window.removeEventListener('message', onMessage);
        resolve(null);
      }, timeoutMs);
      function onMessage(event: MessageEvent) {
        if (event.source !== window.parent) return;
        const msg = parseSdkMessage(event.data);
        if (!msg || !event.origin || event.origin === 'null') return;
        parentOrigin = event.origin;
        clearTimeout(timer);
        window.removeEventListener('message', onMessage);
        resolve(msg);
      }
      window.addEventListener('message', onMessage);
      const ancestor = window.location.ancestorOrigins?.length ? originOf(window.location.ancestorOrigins[0]) : null;
      window.parent.postMessage({ source: FLOW_SOURCE, type: 'ready' }, ancestor ?? '*');
    });
  }

  return {
    embedded,
    post,
    handshake,
    /** The origin the SDK's init message came from (our parent), once the handshake is done. */
    parentOrigin: () => parentOrigin,
  };
}

export type Bridge = ReturnType<typeof createBridge>;
