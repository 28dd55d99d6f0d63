import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { ServerResponse } from 'node:http';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The page's files, bundled at build time (vite) into `root`: a path that
 * names a file there is served (hashed assets cached for a year); any other
 * path gets index.html, so the page's own routes load it. Nothing outside
 * `root` is ever read.
 */
export class StaticFiles {
  constructor(readonly root: string) {}

  async serve(pathname: string, res: ServerResponse): Promise<void> {
    const relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
    const file = join(this.root, relative);
    if (relative !== '' && !relative.startsWith('..') && file.startsWith(this.root + sep) && (await isFile(file))) {
      const immutable = relative.startsWith(`assets${sep}`);
      return send(res, file, immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    }
    const index = join(this.root, 'index.html');
    if (!(await isFile(index))) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`the dashboard's page is not built (no ${index}); run npm run build:web\n`);
      return;
    }
    return send(res, index, 'no-cache');
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function send(res: ServerResponse, file: string, cacheControl: string): Promise<void> {
  const body = await readFile(file);
  res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': cacheControl, 'content-length': body.length });
  res.end(body);
}
