import * as http from 'node:http';

export interface HealthStatus {
  /** true → 200 `UP`, false → 503 `DOWN`. */
  up: boolean;
  /** Extra details shown in the JSON answer. */
  details?: Record<string, unknown>;
}

/**
 * A tiny HTTP endpoint for orchestration: `GET /health` answers 200 `{"status":"UP",...}` while the process serves,
 * 503 `{"status":"DOWN",...}` otherwise; anything else is 404.
 */
export class HealthServer {
  private server: http.Server | undefined;
  private boundPort = 0;

  constructor(
    private readonly check: () => HealthStatus,
    private readonly port: number,
    private readonly host = '0.0.0.0',
  ) {}

  get listeningPort(): number {
    return this.boundPort;
  }

  start(): Promise<void> {
    if (this.server) return Promise.resolve();
    const server = http.createServer((req, res) => {
      const url = (req.url ?? '').split('?')[0];
      if (req.method !== 'GET' || (url !== '/health' && url !== '/health/')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":"not found; try GET /health"}');
        return;
      }
      let status: HealthStatus;
      try {
        status = this.check();
      } catch (err) {
        status = { up: false, details: { error: (err as Error).message } };
      }
      res.writeHead(status.up ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: status.up ? 'UP' : 'DOWN', ...status.details }));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        const addr = server.address();
        this.boundPort = typeof addr === 'object' && addr ? addr.port : 0;
        resolve();
      });
    });
  }

  shutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
    });
  }
}
