import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Router } from 'express';
import { openApiDocument } from '../openapi';

/** Swagger UI's own files, served from the npm package: the page loads nothing from elsewhere. */
const swaggerUi = dirname(require.resolve('swagger-ui-dist/package.json'));

const assets = {
  'swagger-ui.css': 'text/css',
  'swagger-ui-bundle.js': 'text/javascript',
  'favicon-32x32.png': 'image/png',
} as const;

/** The one script of ours: Swagger UI reads the document from this server and lets a reader try the calls. */
const initializer = `window.addEventListener('load', () => {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#reference',
    deepLinking: true,
    persistAuthorization: false,
    validatorUrl: null,
  });
});
`;

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>inviteflow API reference</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"><link rel="icon" href="/docs/assets/favicon-32x32.png">
</head><body><div id="reference"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script><script src="/docs/assets/initializer.js"></script>
</body></html>`;

/**
 * Scripts and styles from this server only, and calls to it only. Swagger UI
 * styles elements through the CSSOM, which `style-src 'self'` allows, and
 * draws its icons as data: images.
 */
const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The API's description, for tools (`/openapi.json`) and for people (`/docs`); mounted before authentication. */
export function docsRouter(): Router {
  const json = JSON.stringify(openApiDocument());
  const router = Router();
  const headers = {
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };

  router.get('/openapi.json', (_req, res) => {
    res.type('json').send(json);
  });

  router.get('/docs', (_req, res) => {
    res.set(headers).type('html').send(page);
  });

  router.get('/docs/assets/initializer.js', (_req, res) => {
    res.set(headers).type('text/javascript').send(initializer);
  });

  for (const [file, type] of Object.entries(assets)) {
    const content = readFileSync(join(swaggerUi, file));
    router.get(`/docs/assets/${file}`, (_req, res) => {
      res
        .set({ ...headers, 'cache-control': 'public, max-age=86400' })
        .type(type)
        .send(content);
    });
  }

  return router;
}
