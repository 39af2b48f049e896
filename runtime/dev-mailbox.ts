import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Router, type Request, type Response } from 'express';
import Handlebars from 'handlebars';
import { Problem, sendProblem } from '../api/problem';
import { repoRoot } from '../config/paths';
import type { CaughtMail, MailCatcher } from '../embedded/mail-catcher';
import type { SmsCatcher } from '../embedded/sms-catcher';

const directory = join(repoRoot, 'templates', 'dev');

/** The first link with a token in a message: the one an invitee clicks. */
function invitationLinkIn(text: string): string | null {
  return /https?:\/\/[^\s"'<>]+[?&]token=[^\s"'<>]+/.exec(text)?.[0] ?? null;
}

/** Whether a request wants a page: browsers ask for HTML first, `curl` and scripts take JSON. */
const wantsPage = (req: Request) => req.accepts(['json', 'html']) === 'html';

function mailboxPages() {
  const handlebars = Handlebars.create();
  handlebars.registerHelper('or', (value: unknown, fallback: unknown) => value || fallback);
  handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  const read = (file: string) => readFileSync(join(directory, file), 'utf8');
  const layout = handlebars.compile(read('layout.hbs'));
  const css = read('dev.css');
  const pages = Object.fromEntries(
    ['outbox', 'message', 'sms'].map((name) => [name, handlebars.compile(read(`${name}.hbs`))]),
  );

  return (res: Response, page: 'outbox' | 'message' | 'sms', title: string, model: Record<string, unknown>) => {
    const nonce = randomBytes(16).toString('base64');
    res
      .set({
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': [
          "default-src 'none'",
          `style-src 'nonce-${nonce}'`,
          // The email's HTML is framed from this server, sandboxed.
          "frame-src 'self'",
          "form-action 'none'",
          "frame-ancestors 'none'",
          "base-uri 'none'",
        ].join('; '),
      })
      .send(
        layout({
          title,
          nonce,
          css,
          section: page === 'sms' ? 'sms' : 'outbox',
          body: pages[page]!(model),
        }),
      );
  };
}

/**
 * `inviteflow start`'s mailbox: what the mail and SMS catchers received,
 * as pages for a browser and as JSON for `curl`. An email's HTML is shown
 * in a sandboxed frame, served with a policy that lets it run nothing.
 */
export function devMailboxRoutes({ mail, sms }: { mail?: MailCatcher; sms?: SmsCatcher }): Router {
  const router = Router();
  const page = mailboxPages();
  const caught = (id: string): CaughtMail | undefined => mail?.messages().find((message) => message.id === id);

  if (mail) {
    router.get('/dev/outbox', (req, res) => {
      const messages = mail.messages().reverse();
      if (!wantsPage(req)) return void res.json({ data: messages });
      page(res, 'outbox', 'Email outbox', { messages });
    });

    router.get('/dev/outbox/:id', (req, res) => {
      const found = caught(req.params.id);
      if (!found) return sendProblem(res, new Problem('not_found', `no caught email "${req.params.id}"`));
      if (!wantsPage(req)) return void res.json(found);
      page(res, 'message', found.subject || 'Email', {
        mail: found,
        link: invitationLinkIn(found.text),
        headers: Object.entries(found.headers).map(([name, value]) => ({ name, value })),
      });
    });

    router.get('/dev/outbox/:id/html', (req, res) => {
      const found = caught(req.params.id);
      if (!found?.html)
        return sendProblem(res, new Problem('not_found', `no caught email "${req.params.id}" with HTML`));
      res
        .set({
          'content-type': 'text/html; charset=utf-8',
          // As mail clients show it: no script, no forms, its own styles and images; framed by the mailbox only.
          'content-security-policy':
            "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; frame-ancestors 'self'",
          'x-frame-options': 'SAMEORIGIN',
        })
        .send(found.html);
    });
  }

  if (sms) {
    router.get('/dev/sms', (req, res) => {
      const messages = sms.messages().reverse();
      if (!wantsPage(req)) return void res.json({ data: messages });
      page(res, 'sms', 'SMS outbox', {
        messages: messages.map((message) => ({ ...message, link: invitationLinkIn(message.body) })),
      });
    });
  }

  return router;
}
