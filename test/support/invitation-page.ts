import type { TestInviteflow } from './harness';

/** What a browser keeps between the page and its forms: the CSRF cookie. */
export interface PageVisit {
  status: number;
  headers: Headers;
  html: string;
  cookie: string;
  /** The CSRF field of the page's forms, `undefined` on a page without forms. */
  csrf: string | undefined;
}

/** Opens the hosted invitation page (or any page) as a browser would, without following redirects. */
export async function openPage(
  app: TestInviteflow,
  path: string,
  method = 'GET',
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${app.apiUrl}${path}`, { method, headers, redirect: 'manual' });
  const html = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    html,
    cookie: (response.headers.get('set-cookie') ?? '').split(';')[0]!,
    csrf: /name="csrf" value="([^"]+)"/.exec(html)?.[1],
  } satisfies PageVisit;
}

export const pageOf = (token: string) => `/invitations/accept?token=${encodeURIComponent(token)}`;

/** Submits one of the page's forms (`/invitations/accept` or `/invitations/decline`) with the visit's cookie. */
export async function submitForm(app: TestInviteflow, path: string, fields: Record<string, string>, cookie = '') {
  const response = await fetch(`${app.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie && { cookie }) },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  return { status: response.status, headers: response.headers, html: await response.text() };
}
