/**
 * A lean HTTP/1.1 keep-alive connection for the paced load (bench/paced-load.ts): one
 * request at a time, written as one string, and its answer read up to its Content-Length.
 *
 * Why not Node's http client: on the same cores as the service, its CPU per request was
 * more than the API spent on the event it carried; this costs about what autocannon does,
 * which drives the other rows and the bare Koa reference (kept by hand for speed; measured
 * in docs/performance.md#the-load-generator-the-linger-and-redis-in-row-3). It reads only what the service answers: a status line, headers and a body
 * of Content-Length bytes. An answer without Content-Length (chunked) fails the request and
 * ends the connection.
 */
import { connect, type Socket } from 'node:net';

interface Waiting {
  resolve: (status: number) => void;
  reject: (error: Error) => void;
}

export class HttpConnection {
  private readonly socket: Socket;
  /** What arrived and is not yet an answer, one character per byte (latin1). */
  private received = '';
  private waiting: Waiting | undefined;
  closed = false;
  /** When the last answer arrived (performance.now()), or the connection opened. */
  idleSince = performance.now();

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    this.socket = connect(port, host);
    this.socket.setNoDelay(true);
    // One character per byte, so the string lengths below count bytes.
    this.socket.setEncoding('latin1');
    this.socket.on('data', (chunk: string) => this.read(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('the connection closed')));
  }

  /** Sends one request; resolves with the answer's status once its whole body has arrived. */
  send(method: string, path: string, body?: string): Promise<number> {
    if (this.closed) return Promise.reject(new Error('the connection is closed'));
    if (this.waiting) return Promise.reject(new Error('a request is already in flight'));
    const headers =
      body === undefined
        ? ''
        : `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(
        `${method} ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\n${headers}\r\n${body ?? ''}`,
      );
    });
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private read(chunk: string): void {
    this.received += chunk;
    const headEnd = this.received.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const head = this.received.slice(0, headEnd);
    const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head)?.[1];
    if (length === undefined) {
      this.fail(new Error(`an answer without Content-Length: ${head.split('\r\n')[0]}`));
      return;
    }
    const end = headEnd + 4 + Number(length);
    if (this.received.length < end) return;
    this.received = this.received.slice(end);
    const waiting = this.waiting;
    this.waiting = undefined;
    this.idleSince = performance.now();
    // "HTTP/1.1 202 Accepted": the status is the three digits after the version.
    waiting?.resolve(Number(head.slice(9, 12)));
  }

  private fail(error: Error): void {
    this.close();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }
}
