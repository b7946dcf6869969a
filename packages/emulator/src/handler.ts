/**
 * The request pipeline shared by every transport: CORS preflight, routing,
 * the request log, injected latency and faults, the body limit, then the
 * route. Errors thrown by routes become `{"error": message}` answers.
 */
import { corsHeaders, preflightHeaders } from "./cors";
import type { Faults } from "./faults";
import { HttpError } from "./httpError";
import { type EmulatorReply, type EmulatorRequest, errorReply } from "./reply";
import type { RequestLogEntry } from "./requestLog";
import { matchRoute, type RouteContext } from "./routes";
import type { EmulatorStore } from "./store";

export type RequestHandler = (request: EmulatorRequest) => Promise<EmulatorReply>;

export interface HandlerParts {
  store: EmulatorStore;
  faults: Faults;
  maxBodyBytes: number;
  sleep: (ms: number) => Promise<void>;
}

let requestCounter = 0;

function run(handle: (context: RouteContext) => EmulatorReply, context: RouteContext): EmulatorReply {
  try {
    return handle(context);
  } catch (error) {
    if (error instanceof HttpError) return errorReply(error.status, error.message, error.headers);
    return errorReply(500, `Emulator error: ${(error as Error)?.message ?? String(error)}`);
  }
}

export function createRequestHandler({ store, faults, maxBodyBytes, sleep }: HandlerParts): RequestHandler {
  const log = store.requestLog;
  const tooLarge = `Request body is larger than ${maxBodyBytes} bytes`;

  async function api(
    request: EmulatorRequest,
    handle: (context: RouteContext) => EmulatorReply,
    flag: string | undefined,
    entry: RequestLogEntry,
  ): Promise<EmulatorReply> {
    if (faults.latency > 0) await sleep(faults.latency);
    const decision = faults.decide();
    if (decision.kind === "fail") {
      log.settle(entry, 503, "fail");
      return errorReply(503, "Injected fault (fail-rate)");
    }
    if (decision.kind === "rate-limit") {
      entry.retryAfter = decision.retryAfter;
      log.settle(entry, 429, "rate-limit");
      return errorReply(429, "Rate limit exceeded (rate-limit)", {
        "retry-after": String(decision.retryAfter),
      });
    }
    const reply = request.bodyTooLarge
      ? errorReply(400, tooLarge)
      : run(handle, flag === undefined ? { store, request } : { store, request, flag });
    log.settle(entry, reply.status);
    return reply;
  }

  async function dispatch(request: EmulatorRequest): Promise<EmulatorReply> {
    const method = request.method.toUpperCase();
    if (method === "OPTIONS") return { status: 204, headers: preflightHeaders(request.header), body: "" };
    let match: ReturnType<typeof matchRoute>;
    try {
      match = matchRoute(method, request.path);
    } catch (error) {
      return errorReply((error as HttpError).status ?? 400, (error as Error).message);
    }
    if (match && "route" in match && match.route.kind === "inspect") {
      return request.bodyTooLarge ? errorReply(400, tooLarge) : run(match.route.handle, { store, request });
    }
    const clientVersion = request.header("x-schematic-client-version");
    const entry = log.arrive({
      method,
      path: request.path,
      ...(clientVersion !== null && { clientVersion }),
    });
    if (match && "route" in match) return api(request, match.route.handle, match.flag, entry);
    const reply = match
      ? errorReply(405, `${method} is not allowed on ${request.path}`, { allow: match.allow.join(", ") })
      : errorReply(404, `No route for ${method} ${request.path}`);
    log.settle(entry, reply.status);
    return reply;
  }

  return async (request) => {
    const reply = await dispatch(request);
    Object.assign(reply.headers, corsHeaders(request.header), { "x-request-id": `req_${++requestCounter}` });
    return reply;
  };
}
