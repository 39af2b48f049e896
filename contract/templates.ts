import {
  emailTemplateSchema,
  emailTemplateViewSchema,
  previewTemplateSchema,
  renderedEmailSchema,
  templatePathSchema,
} from '../domain/email-template';
import { workspaceIdSchema } from '../domain/workspace';
import { templateParams } from './params';
import { route } from './route';

const template = '/v1/workspaces/:ws/templates/:name/:locale';

export const templateRoutes = {
  putEmailTemplate: route({
    method: 'put',
    path: template,
    tag: 'Email templates',
    summary: "Save the workspace's own version of an email in one language",
    description:
      'Handlebars sources for the subject, HTML and plain text, with the same variables as the shipped templates. ' +
      'A source that does not compile is refused with the part and the line.',
    access: 'apiKey',
    params: templateParams,
    body: emailTemplateSchema,
    answers: { 200: { description: 'Saved', schema: emailTemplateViewSchema } },
    errors: ['workspace_not_found', 'template_invalid'],
  }),
  getEmailTemplate: route({
    method: 'get',
    path: template,
    tag: 'Email templates',
    summary: "The workspace's own version of an email in one language",
    access: 'apiKey',
    params: templateParams,
    answers: { 200: { description: 'The template', schema: emailTemplateViewSchema } },
    errors: ['workspace_not_found', 'template_not_found'],
  }),
  deleteEmailTemplate: route({
    method: 'delete',
    path: template,
    tag: 'Email templates',
    summary: 'Go back to the shipped template in that language',
    access: 'apiKey',
    params: templateParams,
    answers: { 204: { description: 'Removed' } },
    errors: ['workspace_not_found', 'template_not_found'],
  }),
  previewEmailTemplate: route({
    method: 'post',
    path: '/v1/workspaces/:ws/templates/:name/preview',
    tag: 'Email templates',
    summary: 'Render an email with sample data',
    description: 'What would be sent in `locale` (default: the workspace locale), or a `draft` before it is saved.',
    access: 'apiKey',
    params: { ws: workspaceIdSchema, name: templatePathSchema.shape.name },
    body: previewTemplateSchema,
    answers: { 200: { description: 'The rendered email', schema: renderedEmailSchema } },
    errors: ['workspace_not_found', 'template_invalid'],
  }),
};
