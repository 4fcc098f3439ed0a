import type { Logger } from 'pino';
import type { DeliveryJob, TDeliveryEngine } from '../modules/webhook/webhook-delivery.ts';
import { ATTEMPT_TIMEOUT_MS } from '../modules/webhook/delivery-policy.ts';

/**
 * The webhook delivery worker, run by every `worker` process.
 *
 * Deliveries are not pg-boss jobs: the delivery row is its own queue entry (inserted with the event, claimed
 * with SKIP LOCKED under a lease, see webhook-dal.ts). pg-boss hands a worker a batch and waits for the whole
 * batch, so one receiver that takes 15 s to time out would hold up every delivery fetched with it; and its
 * retry schedule cannot honour Retry-After. Here each delivery holds one of `concurrency` slots only for its
 * own attempt, a slot is refilled as soon as it frees, and one endpoint never takes more than three quarters
 * of the slots, so a receiver that hangs cannot stop deliveries to the others.
 *
 * Crash safety comes from the lease: a worker killed mid-attempt leaves its deliveries claimed until the
 * lease ends, then any worker sends them again with the same webhook-id. Nothing is lost; a receiver may
 * see a message twice, always with the same id.
 */
export function createWebhookWorker(deps: { engine: TDeliveryEngine; logger: Logger; concurrency: number; pollMs?: number }) {
  const { engine, logger, concurrency } = deps;
  const pollMs = deps.pollMs ?? 200;
  const busyPollMs = Math.max(1, Math.round(pollMs / 10));
  // One endpoint may fill three quarters of the slots: the usual single endpoint gets nearly all the
  // throughput, and a stuck one still leaves a quarter to everybody else.
  const perEndpoint = Math.max(1, concurrency - Math.floor(concurrency / 4));
  const minClaim = Math.max(1, Math.floor(concurrency / 8));
  // Claimed beyond an endpoint's share: they wait here, under their lease, for that endpoint's next free slot.
  const waiting = new Map<string, DeliveryJob[]>();
  const active = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  let waitingCount = 0;
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;

  const signal = () => {
    const w = wake;
    wake = null;
    w?.();
  };

  function run(job: DeliveryJob) {
    const ep = job.delivery.endpointId;
    active.set(ep, (active.get(ep) ?? 0) + 1);
    const p: Promise<void> = engine
      .attempt(job)
      .then(() => undefined)
      .catch((err: Error) => {
        // The lease brings the delivery back; only the database being unreachable gets here.
        logger.error({ deliveryId: job.delivery.id, err: { message: err.message } }, 'webhook attempt could not be recorded');
      })
      .finally(() => {
        inFlight.delete(p);
        const n = (active.get(ep) ?? 1) - 1;
        if (n) active.set(ep, n);
        else active.delete(ep);
        startWaiting(ep);
        signal();
      });
    inFlight.add(p);
  }

  function startWaiting(ep: string) {
    const queue = waiting.get(ep);
    const stale: DeliveryJob[] = [];
    while (queue?.length && (active.get(ep) ?? 0) < perEndpoint) {
      const job = queue.shift()!;
      waitingCount--;
      // Starting an attempt that could outlive the lease would let a second worker send it in parallel.
      if (job.leaseUntil - Date.now() > ATTEMPT_TIMEOUT_MS + 2_000) run(job);
      else stale.push(job);
    }
    if (queue && !queue.length) waiting.delete(ep);
    if (stale.length) void engine.release(stale, 0).catch(() => undefined);
  }

  function dispatch(jobs: DeliveryJob[]) {
    for (const job of jobs) {
      const ep = job.delivery.endpointId;
      if ((active.get(ep) ?? 0) < perEndpoint && !waiting.has(ep)) run(job);
      else {
        waiting.set(ep, [...(waiting.get(ep) ?? []), job]);
        waitingCount++;
      }
    }
  }

  async function pump() {
    while (running) {
      const room = Math.min(100, concurrency - inFlight.size - waitingCount);
      let claimed = -1;
      // Under load, claim in batches rather than one freed slot at a time: each claim scans the queue index.
      if (room >= minClaim || (room > 0 && inFlight.size + waitingCount === 0)) {
        const saturated = [...active].filter(([, n]) => n >= perEndpoint).map(([ep]) => ep);
        try {
          const jobs = await engine.claim(room, saturated);
          dispatch(jobs);
          claimed = jobs.length;
        } catch (err) {
          logger.error({ err: { message: (err as Error).message } }, 'webhook claim failed');
        }
      }
      // A full claim means more may be due: claim again at once. While events keep coming, look again soon;
      // when the queue is empty, poll slowly. A freed slot wakes the loop early.
      if (claimed === room && running) continue;
      const wait = claimed > 0 ? busyPollMs : pollMs;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = pump();
    },

    /** Stops claiming, lets attempts in flight finish, and hands back what was claimed but not started. */
    async stop() {
      if (!running) return;
      running = false;
      signal();
      await loop;
      const held = [...waiting.values()].flat();
      waiting.clear();
      waitingCount = 0;
      await Promise.allSettled([...inFlight]);
      await engine.release(held, 0).catch(() => undefined);
    },

    get inFlight() {
      return inFlight.size;
    },
  };
}
