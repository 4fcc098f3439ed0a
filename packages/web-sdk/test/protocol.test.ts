import { describe, expect, it } from 'vitest';
import { parseFlowMessage, parseSdkMessage } from '../src/protocol.ts';

const payload = { appKey: 'app_1', transactionId: 'ses_1', externalUserId: 'u1', flowId: 'flw_1', mode: 'test', stepType: 'document' };

describe('flow → SDK messages', () => {
  it('accepts the ready ping and well-formed events', () => {
    expect(parseFlowMessage({ source: 'tessera-flow', type: 'ready' })).toEqual({ source: 'tessera-flow', type: 'ready' });
    expect(parseFlowMessage({ source: 'tessera-flow', type: 'passStep', payload })?.type).toBe('passStep');
  });
  it('ignores other sources, unknown types and events without a session', () => {
    expect(parseFlowMessage({ source: 'someone-else', type: 'ready' })).toBeNull();
    expect(parseFlowMessage({ source: 'tessera-flow', type: 'steal' })).toBeNull();
    expect(parseFlowMessage({ source: 'tessera-flow', type: 'complete', payload: { flowId: 'x' } })).toBeNull();
    expect(parseFlowMessage('tessera-flow')).toBeNull();
    expect(parseFlowMessage(null)).toBeNull();
  });
});

describe('SDK → flow messages', () => {
  it('accepts init with a token', () => {
    expect(parseSdkMessage({ source: 'tessera-sdk', type: 'init', accessToken: 't', lang: 'fr' })).toEqual({
      source: 'tessera-sdk', type: 'init', accessToken: 't', lang: 'fr', restart: false,
    });
  });
  it('rejects an empty token or a non-string language', () => {
    expect(parseSdkMessage({ source: 'tessera-sdk', type: 'init', accessToken: '' })).toBeNull();
    expect(parseSdkMessage({ source: 'tessera-sdk', type: 'init', accessToken: 't', lang: 3 })).toBeNull();
  });
});
