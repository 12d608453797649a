/**
 * A lingering close for answers sent before the request's body has all arrived (a body over the
 * limit, a refused credential). Such an answer closes the connection, and a connection closed
 * with bytes of the client still unread is reset by the kernel: a client that writes its whole
 * body before it reads can lose the answer to that reset. Here the answer and the end of the
 * stream go out, then what still arrives is read and dropped, until the client closes its side or
 * LINGER_MS pass; only then is the connection closed.
 */
import type { Socket } from 'node:net';

/** The longest a refused client's remaining bytes are read after the answer. */
export const LINGER_MS = 2000;

const lingering = new WeakSet<Socket>();

/** Makes the close of `socket` after the current answer a lingering one. */
export function lingerOnClose(socket: Socket): void {
  if (lingering.has(socket)) return;
  lingering.add(socket);
  // The HTTP server closes a connection after its last answer with destroySoon: end, then destroy
  // once the answer is written. Here the destroy waits for the client's end, bounded.
  socket.destroySoon = function lingeringClose(this: Socket): void {
    if (this.destroyed) return;
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    const close = (): void => {
      clearTimeout(timer);
      this.destroy();
    };
    this.once('end', close);
    this.once('close', () => clearTimeout(timer));
    if (this.writable) this.end();
    // Whatever still arrives is read (by the HTTP parser, into the dropped request body) and dropped.
    this.resume();
  };
}
