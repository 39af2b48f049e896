import Handlebars from 'handlebars';
import { z } from 'zod';
import { trimmedText } from './text';
import { RuleViolation } from './error-codes';

/** The first send, each resend and each reminder have their own email. */
export const emailTemplateNames = ['invitation', 'resend', 'reminder'] as const;
export type EmailTemplateName = (typeof emailTemplateNames)[number];

export const emailTemplateParts = ['subject', 'html', 'text'] as const;

/** Which template a path names: the email and its language. */
export const templatePathSchema = z.object({
  name: z.enum(emailTemplateNames),
  locale: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be a language tag such as "fr" or "fr-CA"'),
});

export const emailTemplateSchema = z.object({
  subject: trimmedText(1, 500),
  html: z.string().min(1).max(100_000),
  text: z.string().min(1).max(50_000),
});

export type EmailTemplateSources = z.infer<typeof emailTemplateSchema>;

/** A workspace's own version of an email in one language. */
export const emailTemplateViewSchema = emailTemplateSchema
  .extend({
    workspaceId: z.string(),
    name: templatePathSchema.shape.name,
    locale: z.string(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'EmailTemplate' });

export type EmailTemplateView = z.infer<typeof emailTemplateViewSchema>;

export const renderedEmailSchema = z
  .object({ subject: z.string(), html: z.string(), text: z.string(), locale: z.string() })
  .meta({ id: 'RenderedEmail' });

/** Renders what would be sent in `locale`, or a draft before it is saved. */
export const previewTemplateSchema = z.object({
  locale: templatePathSchema.shape.locale.optional(),
  draft: emailTemplateSchema.optional(),
});

/**
 * The helpers a template may call: Handlebars' block helpers and
 * inviteflow's own. Not `log` (it prints the model, tokens included, to the
 * process's output) nor `lookup` (it builds names from data).
 */
const ownHelpers = ['join', 'or', 'longDate'] as const;
export const templateHelpers = ['if', 'unless', 'each', 'with', ...ownHelpers] as const;

/**
 * Bounds on one part, far above what an email needs (the shipped ones have
 * at most 14 expressions and 2 levels): compiling costs time and memory per
 * expression, about 0.3 MB and 11 ms for 200, and 125 MB and 2 s for 20,000.
 */
export const templateLimits = { expressions: 200, depth: 8 } as const;

/** The fields of Handlebars' statements and expressions that the check reads. */
interface Node {
  type: string;
  loc?: hbs.AST.SourceLocation;
  path?: hbs.AST.Expression;
  params?: hbs.AST.Expression[];
  hash?: hbs.AST.Hash;
  program?: hbs.AST.Program;
  inverse?: hbs.AST.Program;
}

function refusal(part: string, problem: string, line?: number): RuleViolation {
  return new RuleViolation(
    'template_invalid',
    `the ${part} template ${problem}${line === undefined ? '' : ` (line ${line})`}`,
    `/${part}`,
  );
}

function pathName(node: hbs.AST.Expression | undefined): string | undefined {
  return node?.type === 'PathExpression' ? (node as hbs.AST.PathExpression).original : undefined;
}

/** Every expression of a parsed part, checked against the helpers and the bounds. */
function checkNode(part: string, node: Node, depth: number, count: { expressions: number }): void {
  const line = node.loc?.start.line;
  switch (node.type) {
    case 'PartialStatement':
    case 'PartialBlockStatement':
      throw refusal(part, 'uses a partial; templates have none', line);
    case 'Decorator':
    case 'DecoratorBlock':
      throw refusal(part, 'uses a decorator; templates have none', line);
    case 'MustacheStatement':
    case 'SubExpression':
    case 'BlockStatement': {
      count.expressions += 1;
      if (count.expressions > templateLimits.expressions) {
        throw refusal(part, `has more than ${templateLimits.expressions} expressions`, line);
      }
      const name = pathName(node.path);
      const called = node.type === 'BlockStatement' || (node.params?.length ?? 0) > 0 || node.hash !== undefined;
      if (name === undefined && node.path) throw refusal(part, 'calls something that is not a helper name', line);
      if (name === 'log' || name === 'lookup' || (called && !templateHelpers.includes(name as never))) {
        throw refusal(part, `uses the helper "${name}", which is not one of ${templateHelpers.join(', ')}`, line);
      }
      for (const param of [...(node.params ?? []), ...(node.hash?.pairs.map((pair) => pair.value) ?? [])]) {
        checkNode(part, param, depth, count);
      }
      if (node.type === 'BlockStatement') {
        if (depth + 1 > templateLimits.depth) {
          throw refusal(part, `nests blocks more than ${templateLimits.depth} deep`, line);
        }
        for (const program of [node.program, node.inverse]) {
          for (const child of program?.body ?? []) checkNode(part, child, depth + 1, count);
        }
      }
      return;
    }
    default:
      return;
  }
}

/**
 * Refuses a part that does not compile, calls a helper or partial that does
 * not exist, or passes the bounds, naming the part and the line: caught when
 * it is saved, such a template would fail every send. The text is scanned
 * before it is parsed, so a hostile one costs no more than a bounded one.
 */
export function checkTemplates(sources: Partial<EmailTemplateSources>): void {
  for (const part of emailTemplateParts) {
    const source = sources[part];
    if (source === undefined) continue;
    // Every expression opens with "{{": more of them than the bound is refused without parsing.
    if ((source.match(/\{\{/g)?.length ?? 0) > templateLimits.expressions * 2) {
      throw refusal(part, `has more than ${templateLimits.expressions} expressions`);
    }
    const count = { expressions: 0 };
    for (const node of compiling(part, () => Handlebars.parse(source)).body) checkNode(part, node, 0, count);
    compiling(part, () => Handlebars.precompile(source, compileOptions));
  }
}

function compiling<T>(part: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const line = /line (\d+)/.exec(message)?.[1] ?? /- (\d+):\d+/.exec(message)?.[1];
    const summary = message.split('\n').at(-1) ?? message;
    throw refusal(part, `does not compile: ${summary}`, line === undefined ? undefined : Number(line));
  }
}

/**
 * How templates compile, at save and at send: a call to anything but the
 * known helpers fails to compile instead of reaching the model at run time.
 */
export const compileOptions = {
  knownHelpers: { ...Object.fromEntries(ownHelpers.map((name) => [name, true])), log: false, lookup: false },
  knownHelpersOnly: true,
};
