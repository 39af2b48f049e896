import { Router } from 'express';
import { MemberSchema } from '../../db/entities';
import { emailKey } from '../../domain/contact';
import { matchMethod, registrationSchema } from '../../domain/registration';
import { acceptUpdate } from '../../workflows/invitation';
import type { ApiContext } from '../context';
import { runInvitationUpdate } from '../invitation-workflows';
import { Problem } from '../problem';
import { parseBody } from '../validate';

interface Candidate {
  id: string;
  workspace_id: string;
  email: string | null;
  phone: string | null;
  phone_consent: boolean;
}

/**
 * Sign-up on the host (Ommnio, Kommo): the open invitations a user's verified
 * email or phone matches are accepted for them, in every workspace the
 * caller's key covers, oldest first.
 */
export function registrationsRouter(ctx: ApiContext): Router {
  const router = Router();

  router.post('/v1/registrations', async (req, res) => {
    const registration = parseBody(registrationSchema, req);
    const scoped = req.caller?.scope === 'workspace' ? req.caller.workspaceId : null;
    const em = ctx.orm.em.fork();
    const candidates = await em.execute<Candidate[]>(
      `select id, workspace_id, email, phone, phone_consent from invitations
       where status in ('registered', 'pending') and (email_key = ? or phone = ?) and (?::text is null or workspace_id = ?)
       order by created_at, id`,
      [registration.email ? emailKey(registration.email) : null, registration.phone ?? null, scoped, scoped],
    );
    const matched: { invitationId: string; workspaceId: string; method: string }[] = [];
    const skipped: { invitationId: string; workspaceId: string; code: string }[] = [];
    for (const candidate of candidates) {
      const method = matchMethod({ ...candidate, phoneConsent: candidate.phone_consent }, registration);
      if (!method) continue;
      const where = { invitationId: candidate.id, workspaceId: candidate.workspace_id };
      const member = await em.findOne(MemberSchema, {
        workspaceId: candidate.workspace_id,
        userId: registration.userId,
      });
      if (member) {
        skipped.push({ ...where, code: 'already_member' });
        continue;
      }
      try {
        await runInvitationUpdate(ctx, candidate.id, acceptUpdate, { userId: registration.userId, method });
        matched.push({ ...where, method });
      } catch (error) {
        // One invitation that can no longer be accepted (expired, taken meanwhile) does not stop the others.
        if (!(error instanceof Problem)) throw error;
        skipped.push({ ...where, code: error.code });
      }
    }
    res.json({ userId: registration.userId, matched, skipped });
  });

  return router;
}
