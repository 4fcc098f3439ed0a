import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the receiver does with one request. */
export type Reply =
  | { status: number; headers?: Record<string, string>; body?: string; delayMs?: number }
  /** Accepts the request and never answers (the sender must time out). */
  | { hang: true }
  /** Destroys the connection without an answer. */
  | { reset: true };

export type Received = { id: string; timestamp: string; signature: string; headers: http.IncomingHttpHeaders; body: string; at: number; path: string };

/**
 * A real HTTP server standing in for a customer's webhook receiver (outside the product, so a fake is right
 * here). It records every request and answers with what `respond` decides.
 */
export async function startReceiver(respond: (r: Received, n: number) => Reply = () => ({ status: 200 })) {
  const received: Received[] = [];
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  let handler = respond;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        id: String(req.headers['webhook-id'] ?? ''),
        timestamp: String(req.headers['webhook-timestamp'] ?? ''),
        signature: String(req.headers['webhook-signature'] ?? ''),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
        path: req.url ?? '/',
      };
      received.push(r);
      for (const w of waiters) w();
      const reply = handler(r, received.length);
      if ('hang' in reply) return;
      if ('reset' in reply) {
        req.socket.destroy();
        return;
      }
      const answer = () => {
        res.writeHead(reply.status, reply.headers);
        res.end(reply.body ?? '');
      };
      if (reply.delayMs) setTimeout(answer, reply.delayMs);
      else answer();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    setHandler(fn: typeof respond) {
      handler = fn;
    },
    async waitFor(pred: (all: Received[]) => boolean, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pred(received)) {
        if (Date.now() > deadline) throw new Error(`receiver: condition not met in ${timeoutMs} ms (${received.length} requests)`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, 100);
          waiters.add(() => {
            clearTimeout(t);
            r();
          });
        });
        waiters.clear();
      }
      return received;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** A listener that must never be reached: it only counts connections. */
export async function startCanary(host = '127.0.0.1') {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    res.end('canary');
  });
  server.on('connection', () => hits++);
  await new Promise<void>((r) => server.listen(0, host, r));
  return {
    port: (server.address() as AddressInfo).port,
    get hits() {
      return hits;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
