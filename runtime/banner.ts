/** What `inviteflow start` prints at a terminal once it is up: each place to open, names aligned, then a hint. */
export function startBanner(urls: Record<string, string>, apiKey: string | undefined): string {
  const rows = Object.entries({ ...urls, ...(apiKey && { 'API key': apiKey }) });
  const width = Math.max(...rows.map(([name]) => name.length));
  const lines = rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`);
  return ['', '  inviteflow is running (Ctrl-C stops it)', '', ...lines, '', ''].join('\n');
}
