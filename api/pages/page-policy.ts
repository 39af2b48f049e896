/**
 * The invitee pages' Content-Security-Policy: nothing loads but the page's
 * one nonced style element and, when the workspace has one, its logo; forms
 * post to this server and may be redirected to the host's `signupUrl` (a
 * browser holds a form's redirect to `form-action` too).
 */
export function pageSecurityPolicy(
  nonce: string,
  { imageOrigin, formTarget }: { imageOrigin?: string; formTarget?: string },
): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    `img-src ${imageOrigin ?? "'none'"}`,
    `form-action 'self'${formTarget ? ` ${new URL(formTarget).origin}` : ''}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}
