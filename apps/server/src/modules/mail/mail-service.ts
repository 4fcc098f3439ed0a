import nodemailer from 'nodemailer';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Config } from '../../config.ts';
import type { Queue } from '../../jobs/queue.ts';
import { newId } from '../../lib/ids.ts';
import { sendMailJob } from '../../jobs/send-mail.ts';

export type MailMessage = { orgId: string | null; to: string; subject: string; text: string; html?: string };

export type TMailService = ReturnType<typeof mailServiceFactory>;

/**
 * Mail goes through an outbox: the message row and its send job commit with the change that caused it
 * (an invite, a reset), and the job delivers over SMTP with retries.
 */
export function mailServiceFactory({ db, queue, config }: { db: Kysely<DB>; queue: Pick<Queue, 'send'>; config: Config }) {
  const transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : null;

  return {
    async enqueue(tx: Transaction<DB> | Kysely<DB>, m: MailMessage): Promise<string> {
      const id = newId('mail');
      await tx
        .insertInto('mailMessages')
        .values({ id, orgId: m.orgId, toAddress: m.to, subject: m.subject, textBody: m.text, htmlBody: m.html ?? null })
        .execute();
      await queue.send(tx, sendMailJob, { messageId: id });
      return id;
    },

    /** Idempotent: a message already sent is not sent again when the job is re-run after a crash. */
    async deliver(messageId: string): Promise<void> {
      const m = await db.selectFrom('mailMessages').selectAll().where('id', '=', messageId).executeTakeFirst();
      if (!m || m.status === 'sent' || m.status === 'stored') return;
      if (!transport) {
        await db.updateTable('mailMessages').set({ status: 'stored' }).where('id', '=', messageId).execute();
        return;
      }
      try {
        await transport.sendMail({
          from: config.mailFrom,
          to: m.toAddress,
          subject: m.subject,
          text: m.textBody,
          html: m.htmlBody ?? undefined,
          messageId: `<${m.id}@tessera>`,
        });
      } catch (err) {
        await db.updateTable('mailMessages').set({ error: String((err as Error).message).slice(0, 500) }).where('id', '=', messageId).execute();
        throw err;
      }
      // Outside development the body (it may hold a one-time link) is not kept once delivered.
      await db
        .updateTable('mailMessages')
        .set(config.mailStore ? { status: 'sent', sentAt: new Date(), error: null } : { status: 'sent', sentAt: new Date(), error: null, textBody: '', htmlBody: null })
        .where('id', '=', messageId)
        .execute();
    },

    async list(limit = 20) {
      return db.selectFrom('mailMessages').selectAll().orderBy('createdAt', 'desc').limit(limit).execute();
    },

    async close() {
      transport?.close();
    },
  };
}
