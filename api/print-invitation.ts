import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { z } from 'zod';
import { repoRoot } from '../config/paths';
import { localeCandidates, longDate } from '../domain/locale';
import type { PaperSize } from '../domain/print-query';
import type { WorkspaceSettings } from '../domain/workspace';

const pdfPaperSizes: Record<PaperSize, string> = { a4: 'A4', letter: 'LETTER' };

/** What the page says; the locale's texts word it. */
export interface PrintableInvitation {
  workspaceName: string;
  /** The texts say "a teammate", in their language, when the host gave no name. */
  inviterName: string | null;
  inviteeName: string | null;
  /** `null`: the invitee scans the code with the phone's camera instead of the host's app. */
  app: WorkspaceSettings['app'];
  link: string;
  /** `null` until the invitation is sent: its expiry starts then. */
  expiresAt: string | null;
}

// One Handlebars template per text rather than one JSON template, so a name with a quote cannot break the JSON.
const printTextsSchema = z.object({
  label: z.string(),
  heading: z.string(),
  greeting: z.string(),
  invitedBy: z.string(),
  howTo: z.string(),
  /** One step per line. */
  steps: z.string(),
  expiry: z.string(),
  personal: z.string(),
});

export type PrintTexts = z.infer<typeof printTextsSchema>;

type CompiledTexts = Record<keyof PrintTexts, Handlebars.TemplateDelegate>;

/**
 * The paper invitation, for whoever has no email or phone to send to: one page with who
 * invites to which workspace, how to get in, the personal QR code of the
 * invitation link and the link itself. Its texts come from
 * templates/print/<locale>/invitation.json, read once at construction.
 */
export class InvitationPrinter {
  private readonly handlebars = Handlebars.create();
  private readonly shipped = new Map<string, CompiledTexts>();

  constructor(directory = join(repoRoot, 'templates', 'print')) {
    this.handlebars.registerHelper('or', (value: unknown, fallback: unknown) => value || fallback);
    this.handlebars.registerHelper('longDate', (iso: unknown, options: Handlebars.HelperOptions) =>
      typeof iso === 'string' ? longDate(iso, (options.data as { root: { locale: string } }).root.locale) : '',
    );
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const locale = entry.name;
      const texts = printTextsSchema.parse(
        JSON.parse(readFileSync(join(directory, locale, 'invitation.json'), 'utf8')),
      );
      this.shipped.set(
        locale,
        // Plain text drawn on paper, not markup: nothing to escape.
        Object.fromEntries(
          Object.entries(texts).map(([key, source]) => [key, this.handlebars.compile(source, { noEscape: true })]),
        ) as CompiledTexts,
      );
    }
  }

  /** The texts in the first wanted locale that ships (`fr-CA` also tries `fr`), else English. */
  texts(invitation: PrintableInvitation, locales: (string | null | undefined)[]): PrintTexts & { locale: string } {
    for (const locale of localeCandidates(locales)) {
      const templates = this.shipped.get(locale);
      if (!templates) continue;
      const model = { ...invitation, locale };
      const texts = Object.fromEntries(
        Object.entries(templates).map(([key, template]) => [key, printable(template(model).trim())]),
      ) as PrintTexts;
      return { ...texts, locale };
    }
    throw new Error('templates/print has no English texts');
  }

  /** The page as a PDF, in the first of `locales` that ships. */
  async render(
    invitation: PrintableInvitation,
    locales: (string | null | undefined)[],
    size: PaperSize,
  ): Promise<Buffer> {
    const texts = this.texts(invitation, locales);
    // The same image as `.../qr.png`, so what the admin tried on screen is what the invitee scans.
    const qrCode = await QRCode.toBuffer(invitation.link, {
      type: 'png',
      errorCorrectionLevel: 'M',
      margin: 2,
      width: 512,
    });
    return drawPage(texts, qrCode, invitation.link, size);
  }
}

// Helvetica and the other standard PDF fonts only have the Windows-1252 characters; any other prints as a stray glyph.
const windows1252Extras = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

function hasGlyph(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || windows1252Extras.has(char);
}

/**
 * The text with what the fonts lack replaced: Intl's narrow no-break spaces by
 * no-break spaces, a letter by its unaccented base ("Ř" prints "R"), else "?".
 */
export function printable(text: string): string {
  return Array.from(text.normalize('NFC'), (char) => {
    if (char === '\n' || hasGlyph(char)) return char;
    if (/\s/u.test(char)) return '\u00a0';
    const base = char.normalize('NFD').replace(/\p{M}/gu, '');
    return base !== '' && Array.from(base).every(hasGlyph) ? base : '?';
  }).join('');
}

const ink = '#111827';
const muted = '#4b5563';
const accent = '#1d4ed8';
const hairline = '#d1d5db';
const qrSize = 200;

function drawPage(
  texts: PrintTexts & { locale: string },
  qrCode: Buffer,
  link: string,
  size: PaperSize,
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: pdfPaperSizes[size],
    margin: 48,
    lang: texts.locale,
    displayTitle: true,
    info: { Title: texts.heading },
  });
  const pdf = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const bottom = doc.page.height - doc.page.margins.bottom;

  /**
   * Text in a box of at most `lines` lines that ends above the bottom margin:
   * pdfkit would start a second page for text that overflows, and the names
   * and the app's URL come from the host, up to hundreds of characters.
   */
  function write(
    text: string,
    style: { font: string; size: number; color: string; lines: number; x?: number; width?: number },
    options: PDFKit.Mixins.TextOptions = {},
  ): void {
    doc.font(style.font).fontSize(style.size).fillColor(style.color);
    const height = Math.min(style.lines * doc.currentLineHeight(true) + 1, bottom - doc.y);
    doc.text(text, style.x ?? left, doc.y, {
      width: style.width ?? width,
      height,
      ellipsis: true,
      ...options,
    });
  }

  write(texts.label.toUpperCase(), { font: 'Helvetica-Bold', size: 10, color: accent, lines: 1 });
  doc.moveDown(0.6);
  write(texts.heading, { font: 'Helvetica-Bold', size: 26, color: ink, lines: 2 });
  doc.moveDown(0.5);
  write(texts.greeting, { font: 'Helvetica', size: 13, color: ink, lines: 2 });
  write(texts.invitedBy, { font: 'Helvetica', size: 13, color: ink, lines: 3 });
  doc.moveDown(1.2);

  write(texts.howTo, { font: 'Helvetica-Bold', size: 13, color: ink, lines: 1 });
  doc.moveDown(0.4);
  texts.steps
    .split('\n')
    .filter((step) => step.trim() !== '')
    .forEach((step, index) => {
      const top = doc.y;
      write(`${index + 1}.`, { font: 'Helvetica-Bold', size: 11.5, color: accent, lines: 1, width: 18 });
      doc.y = top;
      write(step, { font: 'Helvetica', size: 11.5, color: ink, lines: 3, x: left + 18, width: width - 18 });
      doc.moveDown(0.4);
    });
  doc.moveDown(0.8);

  // The code and its link in one frame: the part of the page the invitee acts on.
  const frameTop = doc.y;
  doc.image(qrCode, left + (width - qrSize) / 2, frameTop + 14, { width: qrSize, height: qrSize });
  doc.y = frameTop + 14 + qrSize + 6;
  write(
    link,
    { font: 'Courier', size: 9, color: ink, lines: 4, x: left + 24, width: width - 48 },
    { align: 'center', link },
  );
  const frameBottom = Math.min(doc.y + 12, bottom);
  doc
    .roundedRect(left, frameTop, width, frameBottom - frameTop, 8)
    .lineWidth(1)
    .strokeColor(hairline)
    .stroke();
  doc.y = frameBottom + 16;

  write(texts.expiry, { font: 'Helvetica', size: 11, color: ink, lines: 2 });
  doc.moveDown(0.5);
  write(texts.personal, { font: 'Helvetica-Oblique', size: 10, color: muted, lines: 3 });

  doc.end();
  return pdf;
}
