// A small PostgreSQL client: frontend/backend protocol 3.0 (PostgreSQL
// docs, chapter "Frontend/Backend Protocol"), enough for T4 on a fleet's
// server with no dependency: startup, authentication (trust, cleartext,
// MD5, SCRAM-SHA-256 per RFC 5802/7677), the extended query protocol with
// text parameters, simple queries for transaction control and DDL, and TLS
// (SSLRequest, then a TLS handshake on the same socket).
//
// One connection; requests are pipelined (the server answers in order, so
// each waits for its own replies in a FIFO). Values come back as text and
// are converted for the numeric types (int2/4/8, float4/8, numeric) only.

import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { connect, isIP, type Socket } from 'node:net';
import { checkServerIdentity, connect as tlsConnect } from 'node:tls';
import { EXIT, OctantError } from '../../../lib/errors.ts';

export interface PgConnectOptions {
  /** A TCP host, or a directory holding the server's Unix socket. */
  host: string;
  port: number;
  user: string;
  database: string;
  password?: string;
  /**
   * TLS (protocol "SSL Session Encryption"): absent, none. 'require'
   * encrypts without checking who answers (libpq's sslmode=require);
   * 'verify-full' also checks the server's certificate against `ca` (PEM;
   * default the system's CAs) and its name against `host`.
   */
  tls?: { mode: 'require' | 'verify-full'; ca?: string };
}

type Row = Record<string, unknown>;
interface Pending {
  rows: Row[];
  fields: { name: string; type: number }[];
  error?: OctantError;
  resolve(rows: Row[]): void;
  reject(error: Error): void;
}

const NUMERIC_TYPES = new Set([20, 21, 23, 700, 701, 1700]);

function pgError(body: Buffer): OctantError {
  const fields: Record<string, string> = {};
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const code = String.fromCharCode(body[at]);
    const end = body.indexOf(0, at + 1);
    fields[code] = body.toString('utf8', at + 1, end);
    at = end + 1;
  }
  return new OctantError('E_MEMORY_GRAPH_DB', `postgres: ${fields.M ?? 'error'} (SQLSTATE ${fields.C ?? '?'})`, { exit: EXIT.failure, detail: { sqlstate: fields.C } });
}

function message(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}
const cstr = (s: string): Buffer => Buffer.from(`${s}\0`, 'utf8');
const int16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

function openSocket(options: PgConnectOptions, where: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = options.host.startsWith('/') ? connect(where) : connect(options.port, options.host);
    socket.once('error', (e) => reject(new OctantError('E_MEMORY_GRAPH_DB', `postgres ${where}: ${e.message}`, { exit: EXIT.unavailable, cause: e })));
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

/**
 * SSLRequest (code 80877103), then the server's one byte: 'S' starts the TLS
 * handshake on the same socket, anything else refuses (fail closed: a server
 * that does not offer TLS is not spoken to in the clear).
 */
function startTls(raw: Socket, tls: NonNullable<PgConnectOptions['tls']>, host: string, where: string): Promise<Socket> {
  const refused = (message: string, cause?: Error): OctantError => new OctantError('E_MEMORY_GRAPH_DB', `postgres ${where}: TLS: ${message}`, { exit: EXIT.unavailable, ...(cause === undefined ? {} : { cause }) });
  return new Promise((resolve, reject) => {
    raw.once('error', (e) => reject(refused(e.message, e)));
    raw.once('data', (answer: Buffer) => {
      if (answer.length !== 1 || answer[0] !== 0x53) {
        raw.destroy();
        reject(refused('the server does not offer TLS (answered the SSLRequest with something else than S)'));
        return;
      }
      const secure = tlsConnect({
        socket: raw,
        ...(isIP(host) === 0 ? { servername: host } : {}),
        ...(tls.ca === undefined ? {} : { ca: tls.ca }),
        rejectUnauthorized: tls.mode === 'verify-full',
        // verify-full checks the certificate names the host we were told (an
        // IP against its IP altnames: no SNI is sent for an IP); require checks nothing.
        checkServerIdentity: (_name, cert) => (tls.mode === 'require' ? undefined : checkServerIdentity(host, cert)),
      });
      secure.once('error', (e) => reject(refused(e.message, e)));
      secure.once('secureConnect', () => {
        secure.removeAllListeners('error');
        raw.removeAllListeners('error');
        resolve(secure);
      });
    });
    raw.write(Buffer.concat([int32(8), int32(80877103)]));
  });
}

export class PgConnection {
  private readonly socket: Socket;
  private buffer: Buffer<ArrayBufferLike> = Buffer.alloc(0);
  private readonly queue: Pending[] = [];
  private closed: Error | undefined;
  private startup: { resolve(): void; reject(e: Error): void; scram?: { nonce: string; password: string; serverSignature?: Buffer } } | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
  }

  static async connect(options: PgConnectOptions): Promise<PgConnection> {
    const where = options.host.startsWith('/') ? `${options.host}/.s.PGSQL.${options.port}` : `${options.host}:${options.port}`;
    const raw = await openSocket(options, where);
    const socket = options.tls === undefined ? raw : await startTls(raw, options.tls, options.host, where);
    const conn = new PgConnection(socket);
    return new Promise((resolve, reject) => {
      conn.startup = { resolve: () => resolve(conn), reject };
      socket.on('data', (chunk) => conn.onData(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, options));
      socket.on('error', (e) => conn.fail(new OctantError('E_MEMORY_GRAPH_DB', `postgres ${where}: ${e.message}`, { exit: EXIT.unavailable, cause: e })));
      socket.on('close', () => conn.fail(new OctantError('E_MEMORY_GRAPH_DB', 'postgres: the connection closed', { exit: EXIT.unavailable })));
      const params = Buffer.concat([cstr('user'), cstr(options.user), cstr('database'), cstr(options.database), cstr('client_encoding'), cstr('UTF8'), Buffer.from([0])]);
      socket.write(Buffer.concat([int32(params.length + 8), int32(196608), params]));
    });
  }

  private fail(error: Error): void {
    if (this.closed !== undefined) return;
    this.closed = error;
    this.startup?.reject(error);
    this.startup = undefined;
    for (const p of this.queue.splice(0)) p.reject(error);
  }

  private onData(chunk: Buffer<ArrayBufferLike>, options: PgConnectOptions): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 5) {
      const length = this.buffer.readInt32BE(1);
      if (this.buffer.length < 1 + length) break;
      const type = String.fromCharCode(this.buffer[0]);
      const body = this.buffer.subarray(5, 1 + length);
      this.buffer = this.buffer.subarray(1 + length);
      try {
        this.onMessage(type, body, options);
      } catch (error) {
        this.fail(error instanceof Error ? error : new Error(String(error)));
        this.socket.destroy();
        return;
      }
    }
  }

  private onMessage(type: string, body: Buffer, options: PgConnectOptions): void {
    if (this.startup !== undefined) {
      if (type === 'R') return this.authenticate(body, options);
      if (type === 'E') throw pgError(body);
      if (type === 'Z') {
        const done = this.startup;
        this.startup = undefined;
        done.resolve();
      }
      return; // ParameterStatus, BackendKeyData, notices
    }
    const current = this.queue[0];
    switch (type) {
      case 'T': {
        const n = body.readInt16BE(0);
        let at = 2;
        current.fields = [];
        for (let i = 0; i < n; i++) {
          const end = body.indexOf(0, at);
          const name = body.toString('utf8', at, end);
          current.fields.push({ name, type: body.readInt32BE(end + 7) });
          at = end + 19;
        }
        return;
      }
      case 'D': {
        const n = body.readInt16BE(0);
        let at = 2;
        const row: Row = {};
        for (let i = 0; i < n; i++) {
          const len = body.readInt32BE(at);
          at += 4;
          const field = current.fields[i];
          if (len < 0) row[field.name] = null;
          else {
            const text = body.toString('utf8', at, at + len);
            row[field.name] = NUMERIC_TYPES.has(field.type) ? Number(text) : text;
            at += len;
          }
        }
        current.rows.push(row);
        return;
      }
      case 'E':
        current.error = pgError(body);
        return;
      case 'Z': {
        const done = this.queue.shift()!;
        if (done.error !== undefined) done.reject(done.error);
        else done.resolve(done.rows);
        return;
      }
      default:
        return; // ParseComplete, BindComplete, NoData, CommandComplete, notices
    }
  }

  private authenticate(body: Buffer, options: PgConnectOptions): void {
    const code = body.readInt32BE(0);
    const password = options.password;
    const need = (): string => {
      if (password === undefined) throw new OctantError('E_MEMORY_GRAPH_DB', `postgres: the server asks a password for '${options.user}' and none is configured`, { exit: EXIT.denied });
      return password;
    };
    if (code === 0) return; // AuthenticationOk
    if (code === 3) {
      this.socket.write(message('p', cstr(need())));
    } else if (code === 5) {
      // md5(md5(password + user) + salt), hex, prefixed 'md5'.
      const inner = createHash('md5').update(need() + options.user).digest('hex');
      this.socket.write(message('p', cstr(`md5${createHash('md5').update(inner).update(body.subarray(4, 8)).digest('hex')}`)));
    } else if (code === 10) {
      if (!body.toString('utf8', 4).split('\0').includes('SCRAM-SHA-256')) throw new OctantError('E_MEMORY_GRAPH_DB', 'postgres: no supported SASL mechanism', { exit: EXIT.unavailable });
      const nonce = randomBytes(18).toString('base64');
      this.startup!.scram = { nonce, password: need() };
      const first = Buffer.from(`n,,n=,r=${nonce}`);
      this.socket.write(message('p', cstr('SCRAM-SHA-256'), int32(first.length), first));
    } else if (code === 11) {
      // RFC 5802 §3: SaltedPassword = Hi(password, salt, i); proof = ClientKey XOR HMAC(StoredKey, AuthMessage).
      const scram = this.startup!.scram!;
      const server = body.toString('utf8', 4);
      const attrs = Object.fromEntries(server.split(',').map((kv) => [kv[0], kv.slice(2)]));
      if (!attrs.r?.startsWith(scram.nonce)) throw new OctantError('E_MEMORY_GRAPH_DB', 'postgres: SCRAM nonce mismatch', { exit: EXIT.denied });
      const salted = pbkdf2Sync(scram.password.normalize('NFKC'), Buffer.from(attrs.s, 'base64'), Number(attrs.i), 32, 'sha256');
      const clientKey = createHmac('sha256', salted).update('Client Key').digest();
      const storedKey = createHash('sha256').update(clientKey).digest();
      const withoutProof = `c=biws,r=${attrs.r}`;
      const authMessage = `n=,r=${scram.nonce},${server},${withoutProof}`;
      const signature = createHmac('sha256', storedKey).update(authMessage).digest();
      const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]));
      scram.serverSignature = createHmac('sha256', createHmac('sha256', salted).update('Server Key').digest()).update(authMessage).digest();
      this.socket.write(message('p', Buffer.from(`${withoutProof},p=${proof.toString('base64')}`)));
    } else if (code === 12) {
      const scram = this.startup!.scram!;
      const v = Buffer.from(body.toString('utf8', 4).replace(/^v=/, ''), 'base64');
      // The server proves it knew the password too (mutual authentication).
      if (v.length !== 32 || !timingSafeEqual(v, scram.serverSignature!)) throw new OctantError('E_MEMORY_GRAPH_DB', 'postgres: the server\'s SCRAM signature is wrong', { exit: EXIT.denied });
    } else {
      throw new OctantError('E_MEMORY_GRAPH_DB', `postgres: authentication method ${code} is not supported`, { exit: EXIT.unavailable });
    }
  }

  private request(bytes: Buffer): Promise<Row[]> {
    if (this.closed !== undefined) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => {
      this.queue.push({ rows: [], fields: [], resolve, reject });
      this.socket.write(bytes);
    });
  }

  /** One statement with $n parameters (text), through Parse/Bind/Describe/Execute/Sync. */
  query(sql: string, params: readonly (string | number | null)[] = []): Promise<Row[]> {
    const values = params.map((p) => {
      if (p === null) return int32(-1);
      const b = Buffer.from(String(p), 'utf8');
      return Buffer.concat([int32(b.length), b]);
    });
    return this.request(Buffer.concat([
      message('P', cstr(''), cstr(sql), int16(0)),
      message('B', cstr(''), cstr(''), int16(0), int16(params.length), ...values, int16(0)),
      message('D', Buffer.from('P'), cstr('')),
      message('E', cstr(''), int32(0)),
      message('S'),
    ]));
  }

  /** Statements without parameters (transaction control, DDL), as one simple query. */
  simple(sql: string): Promise<Row[]> {
    return this.request(message('Q', cstr(sql)));
  }

  async close(): Promise<void> {
    if (this.closed !== undefined) return;
    this.socket.end(message('X'));
    this.closed = new OctantError('E_MEMORY_GRAPH_DB', 'postgres: the connection is closed', { exit: EXIT.unavailable });
  }
}
