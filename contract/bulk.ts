import { bulkImportSchema, bulkSummarySchema } from '../domain/bulk';
import { bulkCsvQuerySchema, bulkJsonSchema } from '../domain/bulk-input';
import { workspaceItemParams, wsParam } from './params';
import { route } from './route';

const imports = '/v1/workspaces/:ws/invitations/bulk';

export const bulkRoutes = {
  importInvitations: route({
    method: 'post',
    path: imports,
    tag: 'Bulk invitations',
    summary: 'Invite many people at once: a pasted list, JSON entries or a CSV file',
    description:
      'JSON: `emails` (a pasted list separated by semicolons, commas or new lines, the same `roles` for all) or ' +
      '`entries`. CSV: a `text/csv` body with a header row naming `email`, `phone`, `name`, `roles`, `groups` ' +
      '(roles and groups separated by `;` or `|`; UTF-8, with or without BOM), and the settings as query ' +
      'fields (`inviterUserId`, `inviterRoles`, `roles`, ...). At most 10,000 rows and 5 MiB (413 beyond). Every ' +
      'row is checked before anything is sent and reported with its line; the valid rows are sent by a bulk ' +
      'workflow, which ends with `bulk.completed`.',
    access: 'apiKey',
    params: wsParam,
    body: bulkJsonSchema,
    csv: { query: bulkCsvQuerySchema },
    beyondSchema: ['/emails', '/entries', '/', 'query.'],
    answers: {
      202: {
        description: 'Accepted: the rows, checked; follow Location for progress',
        schema: bulkImportSchema,
        headers: { Location: 'The URL of the import' },
      },
    },
    errors: ['workspace_not_found', 'inviter_not_allowed', 'role_not_grantable'],
  }),
  getBulkImport: route({
    method: 'get',
    path: `${imports}/:id`,
    tag: 'Bulk invitations',
    summary: "An import's progress and every row's outcome",
    access: 'apiKey',
    params: workspaceItemParams,
    answers: { 200: { description: 'The import', schema: bulkImportSchema } },
    errors: ['workspace_not_found', 'not_found'],
  }),
  cancelBulkImport: route({
    method: 'post',
    path: `${imports}/:id/cancel`,
    tag: 'Bulk invitations',
    summary: 'Cancel an import: the rows not started yet are skipped',
    description: 'The batch under way finishes first; the import then ends as `cancelled` with `bulk.completed`.',
    access: 'apiKey',
    params: workspaceItemParams,
    answers: { 202: { description: 'Cancelling', schema: bulkSummarySchema } },
    errors: ['workspace_not_found', 'not_found'],
  }),
};
