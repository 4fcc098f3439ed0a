/**
 * Messages between the embedding page (SDK) and the hosted flow in its iframe. Both sides check
 * `event.source` and `event.origin` before reading a message; the access token crosses only in `init`,
 * sent to the flow's exact origin.
 */
export const FLOW_SOURCE = 'tessera-flow';
export const SDK_SOURCE = 'tessera-sdk';

export type StepType =
  | 'intro'
  | 'document'
  | 'selfie'
  | 'liveness'
  | 'selfie_with_document'
  | 'questionnaire'
  | 'email'
  | 'phone'
  | 'complete';

/** What every callback receives: who is verifying, in which flow, and where they are. */
export type FlowEventPayload = {
  appKey: string | null;
  transactionId: string;
  externalUserId: string | null;
  flowId: string;
  mode: 'test' | 'live';
  stepType?: StepType;
  error?: { code: string; message: string };
};

export type FlowEventType = 'load' | 'start' | 'restart' | 'passStep' | 'complete' | 'error';

export type FlowToSdk =
  | { source: typeof FLOW_SOURCE; type: 'ready' }
  | { source: typeof FLOW_SOURCE; type: FlowEventType; payload: FlowEventPayload };

export type SdkToFlow = { source: typeof SDK_SOURCE; type: 'init'; accessToken: string; lang?: string; restart?: boolean };

const EVENT_TYPES: readonly string[] = ['ready', 'load', 'start', 'restart', 'passStep', 'complete', 'error'];

/** Narrows an untrusted message; anything malformed is ignored rather than thrown on. */
export function parseFlowMessage(data: unknown): FlowToSdk | null {
  if (!data || typeof data !== 'object') return null;
  const m = data as Record<string, unknown>;
  if (m.source !== FLOW_SOURCE || typeof m.type !== 'string' || !EVENT_TYPES.includes(m.type)) return null;
  if (m.type === 'ready') return { source: FLOW_SOURCE, type: 'ready' };
  const p = m.payload as Record<string, unknown> | undefined;
  if (!p || typeof p !== 'object' || typeof p.transactionId !== 'string' || typeof p.flowId !== 'string') return null;
  return m as unknown as FlowToSdk;
}

export function parseSdkMessage(data: unknown): SdkToFlow | null {
  if (!data || typeof data !== 'object') return null;
  const m = data as Record<string, unknown>;
  if (m.source !== SDK_SOURCE || m.type !== 'init' || typeof m.accessToken !== 'string' || m.accessToken.length === 0) return null;
  if (m.lang !== undefined && typeof m.lang !== 'string') return null;
  return { source: SDK_SOURCE, type: 'init', accessToken: m.accessToken, lang: m.lang as string | undefined, restart: m.restart === true };
}
