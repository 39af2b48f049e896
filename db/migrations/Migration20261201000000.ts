import { Migration } from '@mikro-orm/migrations';

/**
 * Webhooks one can operate: why an endpoint was disabled, and the secret it
 * had before a rotation, still signing (encrypted) until its grace period ends.
 */
export class Migration20261201000000 extends Migration {
  override up(): void {
    this.addSql(`
      alter table webhook_endpoints
        add column disabled_reason text null check (disabled_reason in ('gone', 'failing', 'manual')),
        add column previous_secret_ciphertext text null,
        add column previous_secret_expires_at timestamptz null`);
  }

  override down(): void {
    this.addSql(`
      alter table webhook_endpoints
        drop column disabled_reason,
        drop column previous_secret_ciphertext,
        drop column previous_secret_expires_at`);
  }
}
