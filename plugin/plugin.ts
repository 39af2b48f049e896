import { Client } from '@temporalio/client';
import { SimplePlugin } from '@temporalio/plugin';
import type { Worker, WorkerOptions } from '@temporalio/worker';
import type { z } from 'zod';
import { createActivities } from '../activities';
import { getWorkspace, upsertWorkspace } from '../store/workspaces';
import { upsertWorkspaceSchema, workspaceIdSchema, type Workspace } from '../domain/workspace';
import { inviteflowDataConverter } from '../runtime/data-converter';
import { payloadKeys } from '../runtime/payload-codec';
import {
  requestIdActivityInterceptor,
  requestIdClientInterceptors,
  requestIdWorkflowModule,
} from '../runtime/temporal-interceptors';
import { parsePluginOptions, type InviteflowPluginOptions, type ValidInviteflowPluginOptions } from './options';
import { openResources, type PluginResources } from './resources';
import { parseInput, InviteflowInputError } from './validation';
import { inviteflowWorkflowsPath, withInviteflowWorkflows } from './workflows-module';

/**
 * inviteflow inside a host's own Temporal Worker: its workflows beside the
 * host's, its activities on the worker's task queue, its data converter. Also
 * a client plugin, so the host's Client reads and writes the same payloads.
 * Meant for one worker: what the plugin opened is closed when that worker stops.
 */
export class InviteflowPlugin extends SimplePlugin {
  private constructor(
    private readonly settings: ValidInviteflowPluginOptions,
    private readonly resources: PluginResources,
  ) {
    super({
      name: 'inviteflow',
      // Keys from `secret` alone: the same as an inviteflow deployment's without PAYLOAD_KEYS.
      dataConverter: inviteflowDataConverter(payloadKeys(settings.secret)),
      // The API request id follows the host's calls into inviteflow's workflows and activities.
      clientInterceptors: requestIdClientInterceptors,
      workerInterceptors: {
        client: requestIdClientInterceptors,
        activity: [requestIdActivityInterceptor],
        workflowModules: [requestIdWorkflowModule],
      },
      workflowsPath: (host) => (host === undefined ? inviteflowWorkflowsPath : withInviteflowWorkflows(host)),
    });
  }

  /** Validates the options, opens the database (migrating it) and the mail transport. */
  static async create(options: InviteflowPluginOptions): Promise<InviteflowPlugin> {
    const settings = parsePluginOptions(options);
    return new InviteflowPlugin(settings, await openResources(settings));
  }

  override configureWorker(options: WorkerOptions): WorkerOptions {
    const { connection, namespace = 'default', taskQueue } = options;
    if (!connection) {
      throw new InviteflowInputError('worker options for the inviteflow plugin', [
        { field: 'connection', message: 'required: inviteflow starts its webhook deliveries through it' },
      ]);
    }
    const configured = super.configureWorker(options);
    // Activities start workflows (webhook deliveries, bulk rows) on the worker's own task queue.
    const temporal = new Client({
      connection,
      namespace,
      dataConverter: inviteflowDataConverter(payloadKeys(this.settings.secret)),
      interceptors: requestIdClientInterceptors,
    });
    const { mailFrom, secret, publicBaseUrl, twilio } = this.settings;
    return {
      ...configured,
      // A prebuilt bundle was made with this plugin (`bundleWorkflowCode({ plugins })`):
      // it holds both sets of workflows and inviteflow's workflow interceptors already.
      ...(options.workflowBundle && {
        workflowsPath: undefined,
        interceptors: { ...configured.interceptors, workflowModules: options.interceptors?.workflowModules },
      }),
      activities: {
        ...configured.activities,
        ...createActivities({
          orm: this.resources.orm,
          transport: this.resources.transport,
          temporal,
          taskQueue,
          mailFrom,
          secret,
          publicBaseUrl,
          twilio: twilio ?? null,
        }),
      },
    };
  }

  override async runWorker(worker: Worker, next: (w: Worker) => Promise<void>): Promise<void> {
    try {
      await super.runWorker(worker, next);
    } finally {
      await this.close();
    }
  }

  /**
   * Creates or replaces a workspace, as `PUT /v1/workspaces/:ws` does:
   * invitations take their rules from it and their emails its name.
   */
  async putWorkspace(id: string, workspace: z.input<typeof upsertWorkspaceSchema>): Promise<Workspace> {
    const validId = parseInput(workspaceIdSchema, id, 'workspace id');
    const input = parseInput(upsertWorkspaceSchema, workspace, `workspace "${validId}"`);
    return (await upsertWorkspace(this.resources.orm, validId, input)).workspace;
  }

  getWorkspace(id: string): Promise<Workspace> {
    return getWorkspace(this.resources.orm, id);
  }

  /** Closes the database and transport the plugin opened (not those the host passed in); safe to call twice. */
  close(): Promise<void> {
    return this.resources.close();
  }
}

/** `await createInviteflowPlugin({...})`, then `Worker.create({ plugins: [plugin], connection, taskQueue, ... })`. */
export function createInviteflowPlugin(options: InviteflowPluginOptions): Promise<InviteflowPlugin> {
  return InviteflowPlugin.create(options);
}
