/**
 * Limits and hostile bodies (SPEC §4.1, §6): bodies over their limit are refused (413)
 * before they are read whole, compressed bodies are limited by their inflated size, and
 * `__proto__`/`constructor.prototype` payloads pollute nothing on any parsing path.
 */
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import test from 'ava';
import { ADMIN, asAdmin } from './helpers/catalog';
import { startPipeline, type Pipeline } from './helpers/pipeline';
import { viewEvent } from './helpers/events';

const MB = 1024 * 1024;
let api: Pipeline;

test.before(async () => {
  api = await startPipeline(ADMIN, { workers: false });
});

test.after.always(async () => {
  await api?.stop();
});

interface Streamed {
  status: number;
  body: { error?: { code: string } };
  /** Body bytes written before the answer came. */
  written: number;
}

/**
 * POSTs `{"events":[` followed by blanks (valid JSON so far: only the size can refuse
 * it), a chunk every `intervalMs` up to `total` bytes, and stops writing once answered.
 * With `declaredLength` the request claims that Content-Length and sends one chunk only.
 */
function streamBody(path: string, total: number, declaredLength?: number, intervalMs = 10) {
  return new Promise<Streamed>((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (declaredLength !== undefined) headers['content-length'] = String(declaredLength);
    const req = httpRequest(`${api.url}${path}`, { method: 'POST', headers });
    let written = 0;
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), written });
        req.destroy();
      });
    });
    req.on('error', (error) => !answered && reject(error));
    const chunk = Buffer.alloc(64 * 1024, ' ');
    const write = () => {
      if (answered) return;
      if (written >= total) {
        if (declaredLength === undefined) req.end(']}');
        return;
      }
      req.write(chunk);
      written += chunk.length;
      if (declaredLength === undefined) setTimeout(write, intervalMs);
    };
    req.write('{"events":[');
    write();
  });
}

test('413 from a declared Content-Length over the limit, before the body arrives', async (t) => {
  t.timeout(10_000, 'the server waited for a body it should have refused');
  for (const path of ['/api/v1/ingest', '/api/v1/ingest/batch']) {
    const answer = await streamBody(path, 64 * 1024, 10 * MB);
    t.is(answer.status, 413, path);
    t.is(answer.body.error?.code, 'payload_too_large');
  }
});

test('413 for a chunked body that grows past the limit, answered before it ends', async (t) => {
  for (const [path, limit] of [
    ['/api/v1/ingest', 32 * 1024],
    ['/api/v1/ingest/batch', MB],
  ] as const) {
    const answer = await streamBody(path, 2 * MB);
    t.is(answer.status, 413, path);
    t.is(answer.body.error?.code, 'payload_too_large');
    t.true(
      answer.written >= limit && answer.written < 2 * MB,
      `${path}: ${answer.written} bytes sent`,
    );
  }
});

test('a gzip bomb is cut off at the inflated-size limit', async (t) => {
  const bombs = [
    ['/api/v1/ingest', viewEvent({ referrer_page: 'x'.repeat(10 * MB) })],
    ['/api/v1/ingest/batch', { events: [viewEvent({ filters_applied: 'x'.repeat(50 * MB) })] }],
  ] as const;
  for (const [path, body] of bombs) {
    const raw = gzipSync(JSON.stringify(body));
    t.true(raw.length < 100 * 1024, 'small on the wire');
    const answer = await api.request('POST', path, {
      raw,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    t.is(answer.status, 413, path);
    t.is(answer.body.error.code, 'payload_too_large');
  }
});

test('__proto__ and constructor.prototype payloads pollute nothing, on every parsing path', async (t) => {
  const payloads = [
    '{"__proto__": {"polluted": "yes"}}',
    '{"constructor": {"prototype": {"polluted": "yes"}}}',
    `{"events": [${JSON.stringify(viewEvent()).slice(0, -1)}, "filters_applied": {"__proto__": {"polluted": "yes"}}}]}`,
    `{"events": [{"constructor": {"prototype": {"polluted": "yes"}}}]}`,
    '[{"__proto__": {"polluted": "yes"}}]',
  ];
  const paths = ['/api/v1/ingest', '/api/v1/ingest/batch', '/api/v1/genres'];
  const encodings = [
    (raw: string) => ({ raw, headers: { 'content-type': 'application/json' } }),
    (raw: string) => ({ raw, headers: { 'content-type': 'text/plain;charset=UTF-8' } }),
    (raw: string) => ({
      raw: gzipSync(raw),
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    }),
  ];
  for (const raw of payloads) {
    for (const path of paths) {
      for (const encode of encodings) {
        const { raw: body, headers } = encode(raw);
        const answer = await api.request('POST', path, {
          raw: body,
          headers: { ...headers, ...asAdmin },
        });
        t.is(answer.status, 400, `${path} ${raw.slice(0, 40)}`);
        t.is(answer.body.error.code, 'malformed_json');
      }
    }
  }
  t.is(({} as Record<string, unknown>).polluted, undefined);
  t.false('polluted' in Object.prototype);
});
