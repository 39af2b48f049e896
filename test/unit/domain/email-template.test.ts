import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../config/paths';
import { checkTemplates, templateLimits } from '../../../domain/email-template';
import { RuleViolation } from '../../../domain/error-codes';

function refusalOf(html: string): RuleViolation {
  try {
    checkTemplates({ html });
  } catch (error) {
    if (error instanceof RuleViolation) return error;
    throw error;
  }
  throw new Error(`accepted: ${html}`);
}

describe('checkTemplates', () => {
  test('every shipped email template passes', () => {
    const root = join(repoRoot, 'templates', 'email');
    for (const locale of readdirSync(root)) {
      for (const file of readdirSync(join(root, locale))) {
        const part = file.split('.').at(-2) as 'subject' | 'html' | 'text';
        expect(() => checkTemplates({ [part]: readFileSync(join(root, locale, file), 'utf8') })).not.toThrow();
      }
    }
  });

  test.each([
    ['an unknown helper', '<p>\n{{shout workspaceName}}</p>', /helper "shout".*line 2/s],
    ['an unknown block helper', '{{#repeat 3}}x{{/repeat}}', /helper "repeat"/],
    ['log, which prints the model and its link', '{{log link}}', /helper "log"/],
    ['log without arguments', '{{log}}', /helper "log"/],
    ['lookup, which builds names from data', '{{lookup this "inviteeName"}}', /helper "lookup"/],
    ['a helper hidden in a sub-expression', '{{join (shout roles)}}', /helper "shout"/],
    ['a partial', '{{> footer}}', /partial/],
    ['a dynamic partial, which would put the invitee name in an error', '{{> (lookup this "inviteeName")}}', /partial/],
    ['a partial block', '{{#> layout}}x{{/layout}}', /partial/],
    ['a decorator', '{{* inline}}', /decorator/],
  ])('refuses %s, naming the part', (_what, html, message) => {
    const refusal = refusalOf(html);
    expect([refusal.code, refusal.field]).toEqual(['template_invalid', '/html']);
    expect(refusal.message).toMatch(message);
  });

  test('refuses more expressions than the bound, and deeper blocks', () => {
    expect(refusalOf('{{x}}'.repeat(templateLimits.expressions + 1)).message).toMatch(/more than 200 expressions/);
    // Far past the bound, the text is refused before it is parsed.
    expect(refusalOf('{{x}}'.repeat(20_000)).message).toMatch(/more than 200 expressions/);
    const nested = (depth: number) => '{{#if a}}'.repeat(depth) + 'x' + '{{/if}}'.repeat(depth);
    expect(() => checkTemplates({ html: nested(templateLimits.depth) })).not.toThrow();
    expect(refusalOf(nested(templateLimits.depth + 1)).message).toMatch(/nests blocks more than 8 deep/);
  });

  test('accepts the helpers there are, data variables and plain lookups', () => {
    const html = [
      '{{#each roles}}{{@index}} {{this}}{{/each}}',
      '{{#unless inviteeName}}you{{else}}{{inviteeName}}{{/unless}}',
      '{{#with workspaceName}}{{.}}{{/with}}',
      '{{or inviterName "A teammate"}} {{join roles}} {{longDate expiresAt}} {{@root.locale}} {{unknownField}}',
    ].join('\n');
    expect(() => checkTemplates({ subject: 'Join {{workspaceName}}', html, text: html })).not.toThrow();
  });
});
