/**
 * The bench's lean HTTP client (bench/http-connection.ts), against a real Node http server:
 * what it sends must be a well-formed request, and it must read each answer whole, on one
 * keep-alive connection, and fail rather than misread what it does not handle.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { HttpConnection } from '../bench/http-connection';

interface Seen {
  method: string;
  url: string;
  type: string | undefined;
  body: string;
  socket: unknown;
}

async function listen(
  answer: (
    request: IncomingMessage,
    body: string,
    reply: (status: number, text: string) => void,
  ) => void,
): Promise<{ server: Server; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const { method = '', url = '' } = request;
      seen.push({
        method,
        url,
        type: request.headers['content-type'],
        body,
        socket: request.socket,
      });
      answer(request, body, (status, text) => {
        response.writeHead(status, { 'Content-Length': Buffer.byteLength(text) });
        response.end(text);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

test('sends requests one after the other on one connection and reads each answer whole', async (t) => {
  // Answers bigger than one TCP segment, with UTF-8 in them, must be read to their last byte.
  const long = `{"items":"${'é'.repeat(40_000)}"}`;
  const { server, port, seen } = await listen((request, body, reply) =>
    request.method === 'GET' ? reply(200, long) : reply(202, `{"echo":${body.length}}`),
  );
  t.teardown(() => server.close());
  const connection = new HttpConnection('127.0.0.1', port);
  t.teardown(() => connection.close());

  const body = '{"user_id":1,"referrer_page":"/jeux/é"}';
  t.is(await connection.send('POST', '/api/v1/ingest', body), 202);
  t.is(await connection.send('GET', '/api/v1/users/1/recently-viewed'), 200);
  t.is(await connection.send('POST', '/api/v1/ingest', body), 202);

  t.deepEqual(
    seen.map(({ method, url, type, body: received }) => ({ method, url, type, received })),
    [
      { method: 'POST', url: '/api/v1/ingest', type: 'application/json', received: body },
      { method: 'GET', url: '/api/v1/users/1/recently-viewed', type: undefined, received: '' },
      { method: 'POST', url: '/api/v1/ingest', type: 'application/json', received: body },
    ],
  );
  t.true(
    seen.every(({ socket }) => socket === seen[0]!.socket),
    'one keep-alive connection',
  );
});

test('an answer without Content-Length fails the request and closes the connection', async (t) => {
  const server = createServer((_request, response) => {
    response.write('{"chunked":'); // no Content-Length: Node sends it chunked
    response.end('true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const connection = new HttpConnection('127.0.0.1', (server.address() as AddressInfo).port);

  await t.throwsAsync(connection.send('GET', '/'), { message: /without Content-Length/ });
  t.true(connection.closed);
  await t.throwsAsync(connection.send('GET', '/'), { message: /closed/ });
});

test('a connection the server closes fails the request in flight', async (t) => {
  const { server, port } = await listen((request) => request.socket.destroy());
  t.teardown(() => server.close());
  const connection = new HttpConnection('127.0.0.1', port);

  await t.throwsAsync(connection.send('POST', '/api/v1/ingest', '{}'), {
    message: /closed|ECONNRESET/,
  });
  t.true(connection.closed);
});
