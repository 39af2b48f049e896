import { execFileSync } from 'node:child_process';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { repoRoot } from '../../config/paths';

export interface ReadPdf {
  /** In points, as the pages' MediaBox gives them. */
  pages: { width: number; height: number }[];
  /** The text with every run of whitespace, line breaks included, as one space: wrapping is the layout's business. */
  text: string;
  /** What each embedded image decodes to as a QR code, `null` for an image that is not one. */
  qrCodes: (string | null)[];
}

/**
 * A PDF as a reader sees it, through pdf.js: its pages, its text and the QR
 * codes of its images. pdf.js loads its worker as an ES module, which Jest's
 * CommonJS runtime cannot: it runs in its own node.
 */
export function readPdf(pdf: Buffer): ReadPdf {
  const script = `import { PDFParse } from 'pdf-parse';
    import { buffer } from 'node:stream/consumers';
    const parser = new PDFParse({ data: new Uint8Array(await buffer(process.stdin)) });
    const { text } = await parser.getText();
    const { pages } = await parser.getInfo({ parsePageInfo: true });
    const images = await parser.getImage({ imageDataUrl: false });
    await parser.destroy();
    process.stdout.write(JSON.stringify({
      text,
      pages: pages.map(({ width, height }) => ({ width, height })),
      images: images.pages.flatMap((page) => page.images.map((image) => Buffer.from(image.data).toString('base64'))),
    }));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: repoRoot,
    input: pdf,
    maxBuffer: 64 * 1024 * 1024,
  });
  const read = JSON.parse(output.toString()) as { text: string; pages: ReadPdf['pages']; images: string[] };
  return {
    pages: read.pages,
    text: read.text.replace(/\s+/g, ' '),
    qrCodes: read.images.map((image) => {
      const png = PNG.sync.read(Buffer.from(image, 'base64'));
      return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null;
    }),
  };
}
