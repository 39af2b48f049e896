import type { MikroORM } from '@mikro-orm/postgresql';
import type { Transporter } from 'nodemailer';
import { createMailTransport } from '../delivery/smtp';
import { createOrm, migrate } from '../db/orm';
import { payloadKeys } from '../runtime/payload-codec';
import { checkPayloadKeys } from '../runtime/payload-key-checks';
import type { ValidInviteflowPluginOptions } from './options';

/** The database and mail transport the activities use; `close` ends only what the plugin opened itself. */
export interface PluginResources {
  orm: MikroORM;
  transport: Transporter;
  close(): Promise<void>;
}

/** Opens what the options name by URL, and makes sure the schema is current either way. */
export async function openResources(options: ValidInviteflowPluginOptions): Promise<PluginResources> {
  const orm = options.orm ?? (await createOrm(options.databaseUrl!));
  try {
    await migrate(orm);
    await checkPayloadKeys(orm, payloadKeys(options.secret));
  } catch (error) {
    if (!options.orm) await orm.close();
    throw error;
  }
  const transport = options.transport ?? createMailTransport(options.smtpUrl!);
  let closing: Promise<void> | undefined;
  return {
    orm,
    transport,
    close() {
      closing ??= (async () => {
        if (!options.transport) transport.close();
        if (!options.orm) await orm.close();
      })();
      return closing;
    },
  };
}
