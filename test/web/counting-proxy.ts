import net from 'node:net';

/**
 * A TCP proxy between the browser and `serve` that counts every byte the browser sends, and can
 * hold a connection once it has carried a given number of bytes (the upload stalls there, as on a
 * network that stopped answering) until the server behind it is killed. The browser's address
 * stays the proxy's while `serve` restarts on another port.
 */
export interface CountingProxy {
  url: string;
  /** bytes received from the browser, all connections together */
  readonly upstreamBytes: number;
  /** where new connections go */
  setTarget(port: number): void;
  /** holds the first connection that has carried `bytes`; resolves when it does */
  holdAfter(bytes: number): Promise<void>;
  close(): Promise<void>;
}

export async function startCountingProxy(targetPort: number): Promise<CountingProxy> {
  let target = targetPort;
  let total = 0;
  let hold: { bytes: number; held: () => void } | null = null;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    let carried = 0;
    let held = false;
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      total += chunk.length;
      carried += chunk.length;
      if (!upstream.write(chunk)) client.pause();
      if (hold && !held && carried >= hold.bytes) {
        held = true;
        client.pause();
        hold.held();
        hold = null;
      }
    });
    upstream.on('drain', () => {
      if (!held) client.resume();
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    for (const s of [client, upstream]) {
      s.on('error', end);
      s.on('close', () => {
        sockets.delete(s);
        end();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get upstreamBytes() {
      return total;
    },
    setTarget(p) {
      target = p;
    },
    holdAfter(bytes) {
      return new Promise((held) => (hold = { bytes, held }));
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
