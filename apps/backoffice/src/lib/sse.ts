/** Minimal server-sent events parser over fetch, so the stream can carry the mode header EventSource cannot. */
export type SseMessage = { event: string; data: string; id: string | null };

export function parseSseChunk(buffer: string): { messages: SseMessage[]; rest: string } {
  const messages: SseMessage[] = [];
  const blocks = buffer.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let event = 'message';
    let id: string | null = null;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (!line || line.startsWith(':')) continue;
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    }
    if (data.length) messages.push({ event, data: data.join('\n'), id });
  }
  return { messages, rest };
}

/** Reads an event-stream body to its end, handing over each message as it arrives. */
export async function readSse(body: NonNullable<Response['body']>, onMessage: (m: SseMessage) => void): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    const { messages, rest } = parseSseChunk(buf + value);
    buf = rest;
    messages.forEach(onMessage);
  }
}

/** Wait before reconnecting: quick at first, then at most every 15 s while the server stays away. */
export function reconnectDelay(failures: number): number {
  return Math.min(15_000, 1000 * 2 ** Math.max(0, failures - 1));
}
