import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One recorded call of the Action API. */
export interface RecordedCall {
  action: string;
  body: Record<string, unknown>;
  authorization: string | undefined;
  status: number;
}

type Resource = Record<string, unknown> & { id: string; url: string };
type Package = Record<string, unknown> & { id: string; name: string; resources: Resource[] };

/**
 * What the portal does with one call instead of its normal work: respond with a status, close
 * the connection without a response (`drop`), or do the work and then close the connection
 * (`lose-answer`, as when a response is lost on the way).
 */
export type Fault = { status: number; body?: unknown } | 'drop' | 'lose-answer';

/**
 * A CKAN portal on 127.0.0.1 for tests: it keeps packages in memory, responds to the Action API
 * calls the publisher makes with CKAN's envelope (`{ help, success, result }` or
 * `{ success: false, error: { __type, message } }`) and records every call. `fault` lets a
 * test make calls fail: with a status, or by closing the connection without an answer.
 */
export class FakeCkanServer {
  readonly calls: RecordedCall[] = [];
  readonly packages = new Map<string, Package>();
  /** Decides per call whether it fails; undefined means it works. */
  fault: (action: string, body: Record<string, unknown>) => Fault | undefined = () => undefined;
  private server?: Server;

  constructor(readonly apiKey: string) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));

    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server === undefined ? resolve() : this.server.close(() => resolve())));
  }

  /** Calls of one action, in order. */
  callsOf(action: string): RecordedCall[] {
    return this.calls.filter((call) => call.action === action);
  }

  /** Fails the next `count` calls of an action with a status (5xx for a flaky portal). */
  failNext(action: string, count: number, status = 503): void {
    let remaining = count;
    const previous = this.fault;
    this.fault = (called, body) => {
      if (called === action && remaining > 0) {
        remaining -= 1;

        return { status, body: { success: false, error: { __type: 'Internal Server Error', message: 'temporarily unavailable' } } };
      }

      return previous(called, body);
    };
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const action = /^\/api\/3\/action\/([a-z_]+)$/.exec(request.url ?? '')?.[1] ?? '';
    const chunks: Buffer[] = [];
    for await (const chunk of request) {
      chunks.push(chunk as Buffer);
    }
    const body = chunks.length === 0 ? {} : (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
    const authorization = request.headers.authorization;

    const fault = this.fault(action, body);
    if (fault === 'drop' || fault === 'lose-answer') {
      const status = fault === 'lose-answer' ? this.answer(action, body, authorization).status : 0;
      this.calls.push({ action, body, authorization, status });
      request.socket.destroy();

      return;
    }
    const { status, payload } = fault !== undefined ? { status: fault.status, payload: fault.body ?? 'Internal Server Error' } : this.answer(action, body, authorization);
    this.calls.push({ action, body, authorization, status });
    response.writeHead(status, { 'content-type': typeof payload === 'string' ? 'text/html' : 'application/json' });
    response.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
  }

  private answer(action: string, body: Record<string, unknown>, authorization: string | undefined): { status: number; payload: unknown } {
    const help = `http://ckan.test/api/3/action/help_show?name=${action}`;
    const ok = (result: unknown) => ({ status: 200, payload: { help, success: true, result } });
    const error = (status: number, type: string, message: string, extra: Record<string, unknown> = {}) => ({
      status,
      payload: { help, success: false, error: { __type: type, message, ...extra } },
    });
    if (authorization !== this.apiKey) {
      return error(403, 'Authorization Error', 'Access denied');
    }
    // CKAN keeps a private package visible to the members of its organization, so it needs one.
    const privateWithoutOrganization = () => ({
      status: 409,
      payload: { help, success: false, error: { __type: 'Validation Error', owner_org: ['A private package needs an organization.'] } },
    });
    const find = (idOrName: unknown) => [...this.packages.values()].find((pkg) => pkg.id === idOrName || pkg.name === idOrName);

    switch (action) {
      case 'package_show': {
        const pkg = find(body.id);

        return pkg === undefined ? error(404, 'Not Found Error', 'Not found') : ok(pkg);
      }
      case 'package_create': {
        if (find(body.name) !== undefined) {
          return { status: 409, payload: { help, success: false, error: { __type: 'Validation Error', name: ['That URL is already in use.'] } } };
        }
        if (body.private === true && !body.owner_org) {
          return privateWithoutOrganization();
        }
        const pkg: Package = { ...body, id: randomUUID(), name: String(body.name), resources: [] };
        this.packages.set(pkg.name, pkg);

        return ok(pkg);
      }
      case 'package_patch': {
        const pkg = find(body.id);
        if (pkg === undefined) {
          return error(404, 'Not Found Error', 'Not found');
        }
        if ((body.private ?? pkg.private) === true && !(body.owner_org ?? pkg.owner_org)) {
          return privateWithoutOrganization();
        }
        Object.assign(pkg, body, { id: pkg.id, name: pkg.name });

        return ok(pkg);
      }
      case 'resource_create': {
        const pkg = find(body.package_id);
        if (pkg === undefined) {
          return error(404, 'Not Found Error', 'Package was not found.');
        }
        const { package_id: _packageId, ...fields } = body;
        const resource: Resource = { ...fields, id: randomUUID(), url: String(fields.url) };
        pkg.resources.push(resource);

        return ok(resource);
      }
      case 'resource_patch': {
        const resource = [...this.packages.values()].flatMap((pkg) => pkg.resources).find((candidate) => candidate.id === body.id);
        if (resource === undefined) {
          return error(404, 'Not Found Error', 'Resource was not found.');
        }
        Object.assign(resource, body);

        return ok(resource);
      }
      default:
        return error(400, 'Bad Request', `unknown action ${action}`);
    }
  }
}
