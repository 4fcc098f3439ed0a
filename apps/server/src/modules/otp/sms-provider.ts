import type { Logger } from 'pino';

/** Where phone codes go. The product ships two adapters; a gateway is outside the product. */
export interface SmsProvider {
  readonly name: string;
  send(message: { to: string; text: string; channel: 'sms' | 'call' }): Promise<void>;
}

/**
 * Development adapter: prints the message to the server's stdout (never to the structured log). It
 * refuses to run in production, where codes would leak into whatever collects stdout.
 */
export function consoleSmsProvider(env: string, write: (s: string) => void = (s) => process.stdout.write(s)): SmsProvider {
  return {
    name: 'console',
    async send(m) {
      if (env === 'production') throw new Error('the console SMS provider is for development; set SMS_PROVIDER=http');
      write(`[sms:${m.channel}] to ${m.to}: ${m.text}\n`);
    },
  };
}

/** Posts `{to, text, channel}` as JSON to a gateway URL with a bearer token; any non-2xx is a failure. */
export function httpSmsProvider(url: string, token: string | undefined, logger: Logger): SmsProvider {
  return {
    name: 'http',
    async send(m) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(m),
        redirect: 'error',
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) {
        logger.warn({ status: res.status }, 'sms gateway refused a message');
        throw new Error(`SMS gateway answered ${res.status}`);
      }
    },
  };
}
