import { path, type RequestOptions, type Transport } from './http';
import type {
  EmailTemplate,
  EmailTemplateName,
  EmailTemplateRequest,
  InvitationCode,
  PreviewTemplateRequest,
  RenderedEmail,
  UpdateInvitationCodeRequest,
  UpsertWorkspaceRequest,
  Workspace,
} from './types';

export function workspacesApi(http: Transport) {
  return {
    /** Create or replace a workspace (platform key); answers it with every setting filled in. */
    put: (ws: string, body: UpsertWorkspaceRequest) =>
      http.json<Workspace>({ method: 'PUT', path: path`/v1/workspaces/${ws}`, body }),
    get: (ws: string) => http.json<Workspace>({ method: 'GET', path: path`/v1/workspaces/${ws}` }),
  };
}

/** The workspace's code that anyone who has it joins with (`client.join`). */
export function invitationCodeApi(http: Transport) {
  const codePath = (ws: string) => path`/v1/workspaces/${ws}/invitation-code`;
  return {
    get: (ws: string) => http.json<InvitationCode>({ method: 'GET', path: codePath(ws) }),
    put: (ws: string, body: UpdateInvitationCodeRequest) =>
      http.json<InvitationCode>({ method: 'PUT', path: codePath(ws), body }),
    rotate: (ws: string, options?: RequestOptions) =>
      http.json<InvitationCode>({ method: 'POST', path: `${codePath(ws)}/rotate`, options }),
  };
}

/** The workspace's own wording of its emails, per template and language. */
export function templatesApi(http: Transport) {
  const templatePath = (ws: string, name: EmailTemplateName, locale: string) =>
    path`/v1/workspaces/${ws}/templates/${name}/${locale}`;
  return {
    put: (ws: string, name: EmailTemplateName, locale: string, body: EmailTemplateRequest) =>
      http.json<EmailTemplate>({ method: 'PUT', path: templatePath(ws, name, locale), body }),
    get: (ws: string, name: EmailTemplateName, locale: string) =>
      http.json<EmailTemplate>({ method: 'GET', path: templatePath(ws, name, locale) }),
    delete: (ws: string, name: EmailTemplateName, locale: string) =>
      http.empty({ method: 'DELETE', path: templatePath(ws, name, locale) }),
    preview: (ws: string, name: EmailTemplateName, body: PreviewTemplateRequest = {}, options?: RequestOptions) =>
      http.json<RenderedEmail>({
        method: 'POST',
        path: path`/v1/workspaces/${ws}/templates/${name}/preview`,
        body,
        options,
      }),
  };
}
