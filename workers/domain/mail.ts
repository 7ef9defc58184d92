// Outgoing email sits behind this adapter. Local mode logs messages (so invitation links are
// visible in the `npm start` output); deployed, set MAIL_API_URL/MAIL_API_TOKEN/MAIL_FROM for an
// HTTP transactional-mail API that takes `{ from, to, subject, text }` with a bearer token.
import { config } from "#workers/env";

export type MailMessage = { to: string; subject: string; text: string };

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export const logMailer: Mailer = {
  async send(message) {
    console.log(
      `[mail] to=${message.to} subject=${JSON.stringify(message.subject)}\n${message.text}`,
    );
  },
};

export function httpMailer(opts: { url: string; token: string; from: string }): Mailer {
  return {
    async send(message) {
      const res = await fetch(opts.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${opts.token}` },
        body: JSON.stringify({ from: opts.from, ...message }),
      });
      if (!res.ok) throw new Error(`mail API answered ${res.status}`);
    },
  };
}

export function mailerFor(env: Env): Mailer | null {
  const e = env as Env & { MAIL_API_URL?: string; MAIL_API_TOKEN?: string; MAIL_FROM?: string };
  if (e.MAIL_API_URL && e.MAIL_API_TOKEN && e.MAIL_FROM) {
    return httpMailer({ url: e.MAIL_API_URL, token: e.MAIL_API_TOKEN, from: e.MAIL_FROM });
  }
  return config(env).LOCAL_MODE ? logMailer : null;
}

/** Send without failing the request: the link is also shown to whoever asked. */
export function sendInBackground(
  env: Env,
  ctx: { waitUntil(promise: Promise<unknown>): void },
  message: MailMessage,
) {
  const mailer = mailerFor(env);
  if (!mailer) {
    console.warn(`[mail] no mail adapter configured; not sent: ${message.subject}`);
    return;
  }
  ctx.waitUntil(
    mailer.send(message).catch((err: unknown) => {
      console.error(`[mail] sending failed: ${err instanceof Error ? err.message : String(err)}`);
    }),
  );
}
