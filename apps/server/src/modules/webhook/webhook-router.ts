import { z } from 'zod';
import type { ZApp } from '../../http/app.ts';
import type { AppContext } from '../../context.ts';
import { scopeOf } from '../../http/auth.ts';
import { ZIdParam, ZOk, errorResponses, iso } from '../../http/schemas.ts';
import type { WebhookAttempt, WebhookDelivery } from '../../db/types.ts';
import { ZAttempt, ZCreateEndpoint, ZDelivery, ZDeliveryQuery, ZEndpoint, ZEndpointWithSecret, ZUpdateEndpoint } from './webhook-types.ts';

const deliveryView = (d: WebhookDelivery) => ({
  id: d.id,
  endpointId: d.endpointId,
  eventId: d.eventId,
  eventType: d.eventType,
  status: d.status,
  attempts: d.attempts,
  attemptLimit: d.attemptLimit,
  nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
  responseStatus: d.lastStatusCode,
  lastError: d.lastError,
  lastAttemptAt: iso(d.lastAttemptAt),
  deliveredAt: iso(d.deliveredAt),
  createdAt: d.createdAt.toISOString(),
});

const attemptView = (a: WebhookAttempt) => ({ ...a, attemptedAt: a.attemptedAt.toISOString(), nextAttemptAt: iso(a.nextAttemptAt) });

/**
 * Endpoints are managed by API keys and by back-office users holding `webhooks.manage` (granted with
 * settings.manage), hence `staff`: the integration that consumes webhooks can also register for them.
 */
export function registerWebhookRoutes(app: ZApp, ctx: AppContext) {
  const cfg = { auth: 'staff' as const, permission: 'webhooks.manage' as const };
  const tags = ['webhooks'];
  const w = ctx.webhooks;
  const ZDeliveryDetail = ZDelivery.extend({ attemptLog: z.array(ZAttempt) });
  const detail = (r: { delivery: WebhookDelivery; attempts: WebhookAttempt[] }) => ({ ...deliveryView(r.delivery), attemptLog: r.attempts.map(attemptView) });

  app.get(
    '/v1/webhooks/endpoints',
    {
      config: cfg,
      schema: { tags, summary: 'Webhook endpoints in the current mode', querystring: z.object({ applicationId: z.string().max(40).optional() }), response: { 200: z.object({ data: z.array(ZEndpoint) }), ...errorResponses } },
    },
    async (req) => ({ data: (await w.list(scopeOf(req), req.query)).map(w.view) }),
  );

  app.post(
    '/v1/webhooks/endpoints',
    { config: cfg, schema: { tags, summary: 'Register an endpoint; its whsec_ signing secret is returned once, here', body: ZCreateEndpoint, response: { 201: ZEndpointWithSecret, ...errorResponses } } },
    async (req, reply) => {
      const r = await w.create(scopeOf(req), req.body, req.actor, { defaultApplicationId: req.auth!.apiKey?.applicationId });
      return reply.code(201).send({ ...w.view(r.endpoint), secret: r.secret });
    },
  );

  app.get(
    '/v1/webhooks/endpoints/:id',
    { config: cfg, schema: { tags, summary: 'One endpoint', params: ZIdParam('whk'), response: { 200: ZEndpoint, ...errorResponses } } },
    async (req) => w.view(await w.get(scopeOf(req), req.params.id)),
  );

  app.patch(
    '/v1/webhooks/endpoints/:id',
    { config: cfg, schema: { tags, summary: 'Change an endpoint (URL, event filter, headers, options)', params: ZIdParam('whk'), body: ZUpdateEndpoint, response: { 200: ZEndpoint, ...errorResponses } } },
    async (req) => w.view(await w.update(scopeOf(req), req.params.id, req.body, req.actor)),
  );

  app.delete(
    '/v1/webhooks/endpoints/:id',
    { config: cfg, schema: { tags, summary: 'Delete an endpoint and its delivery log', params: ZIdParam('whk'), response: { 200: ZOk, ...errorResponses } } },
    async (req) => {
      await w.remove(scopeOf(req), req.params.id, req.actor);
      return { ok: true as const };
    },
  );

  app.post(
    '/v1/webhooks/endpoints/:id/rotate',
    {
      config: cfg,
      schema: { tags, summary: 'New signing secret (shown once); the old one also signs for 24 hours', params: ZIdParam('whk'), response: { 200: ZEndpointWithSecret, ...errorResponses } },
    },
    async (req) => {
      const r = await w.rotate(scopeOf(req), req.params.id, req.actor);
      return { ...w.view(r.endpoint), secret: r.secret };
    },
  );

  app.post(
    '/v1/webhooks/endpoints/:id/disable',
    { config: cfg, schema: { tags, summary: 'Stop sending to an endpoint', params: ZIdParam('whk'), response: { 200: ZEndpoint, ...errorResponses } } },
    async (req) => w.view(await w.disable(scopeOf(req), req.params.id, req.actor)),
  );

  app.post(
    '/v1/webhooks/endpoints/:id/enable',
    { config: cfg, schema: { tags, summary: 'Resume sending to an endpoint', params: ZIdParam('whk'), response: { 200: ZEndpoint, ...errorResponses } } },
    async (req) => w.view(await w.enable(scopeOf(req), req.params.id, req.actor)),
  );

  app.post(
    '/v1/webhooks/endpoints/:id/test',
    {
      config: cfg,
      schema: { tags, summary: 'Send a signed webhook.test message now and return its logged delivery', params: ZIdParam('whk'), response: { 200: ZDeliveryDetail, ...errorResponses } },
    },
    async (req) => detail(await w.testSend(scopeOf(req), req.params.id, req.actor)),
  );

  app.post(
    '/v1/webhooks/endpoints/:id/redeliver-failed',
    {
      config: cfg,
      schema: { tags, summary: "One more attempt for every failed delivery of an endpoint", params: ZIdParam('whk'), response: { 200: z.object({ count: z.number() }), ...errorResponses } },
    },
    async (req) => ({ count: await w.redeliverFailed(scopeOf(req), req.params.id, req.actor) }),
  );

  app.get(
    '/v1/webhooks/deliveries',
    {
      config: cfg,
      schema: { tags, summary: 'Delivery log, newest first (status=undelivered lists pending and failed)', querystring: ZDeliveryQuery, response: { 200: z.object({ data: z.array(ZDelivery), nextCursor: z.string().nullable() }), ...errorResponses } },
    },
    async (req) => {
      const r = await w.listDeliveries(scopeOf(req), req.query);
      return { data: r.rows.map(deliveryView), nextCursor: r.nextCursor };
    },
  );

  app.get(
    '/v1/webhooks/deliveries/:id',
    { config: cfg, schema: { tags, summary: 'One delivery with every attempt (status, latency, response snippet, error)', params: ZIdParam('dlv'), response: { 200: ZDeliveryDetail, ...errorResponses } } },
    async (req) => detail(await w.getDelivery(scopeOf(req), req.params.id)),
  );

  app.post(
    '/v1/webhooks/deliveries/:id/redeliver',
    { config: cfg, schema: { tags, summary: 'One more attempt of a delivery, with the same webhook-id', params: ZIdParam('dlv'), response: { 200: ZDelivery, ...errorResponses } } },
    async (req) => deliveryView(await w.redeliver(scopeOf(req), req.params.id, req.actor)),
  );
}
