// Mail the web sends (password reset links). A pluggable sender: the log sender writes the
// message to the log (the demo: the link shows in `npm start`'s output), the outbox keeps
// messages in memory (tests read them). A deployment plugs in its own SMTP or API sender.
import type { Logger } from '#core';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export function createLogMailer(logger: Logger): Mailer {
  const log = logger.child({ component: 'mail' });
  return {
    async send(m) {
      log.info({ to: m.to, subject: m.subject, text: m.text }, `mail: to ${m.to}: ${m.subject}`);
    },
  };
}

export interface Outbox extends Mailer {
  readonly messages: MailMessage[];
}

export function createOutbox(): Outbox {
  const messages: MailMessage[] = [];
  return {
    messages,
    async send(m) {
      messages.push(m);
    },
  };
}
